"""The two shapes of per-request DataLoader every module needs: by id, and grouped by a key.

Each batches one query per request and fetch function; rows the caller cannot see (row
security filtered them) come back as None or an empty list. A loader is keyed by its
fetch function, so two modules cannot share one by accident and the one definition is
where that function is named.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

Fetch = Callable[[Any, list[UUID]], Awaitable[list[Any]]]


class Loader(DataLoader):
    """A DataLoader that answers a None key with None, without a query (an unset reference)."""

    def load(self, key: Any) -> Awaitable[Any]:
        if key is None:
            future = self.loop.create_future()
            future.set_result(None)
            return future
        return super().load(key)


def by_id(ctx: Any, fetch: Fetch, build: Callable[[Any], Any], key: str = "id") -> DataLoader:
    """Load one object per id: ``fetch(db, ids)`` rows, each built by ``build``; a None id is None."""

    async def load(ids: list[UUID]) -> list[Any]:
        found = {getattr(r, key): build(r) for r in await fetch(ctx.db, ids)}
        return [found.get(i) for i in ids]

    return ctx.loader((by_id, fetch, key), load)


def grouped(ctx: Any, fetch: Fetch, build: Callable[[Any], Any], key: str) -> DataLoader:
    """Load a list per id: the ``fetch(db, ids)`` rows whose ``key`` is that id, in fetch order."""

    async def load(ids: list[UUID]) -> list[list[Any]]:
        found: dict[UUID, list[Any]] = defaultdict(list)
        for r in await fetch(ctx.db, ids):
            found[getattr(r, key)].append(build(r))
        return [found[i] for i in ids]

    return ctx.loader((grouped, fetch, key), load)
