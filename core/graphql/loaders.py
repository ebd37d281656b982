"""The two shapes of per-request DataLoader every module needs: by id, and grouped by a key.

Each batches one query per request and key; rows the caller cannot see (row
security filtered them) come back as None or an empty list.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

Fetch = Callable[[Any, list[UUID]], Awaitable[list[Any]]]


def by_id(ctx: Any, name: str, fetch: Fetch, build: Callable[[Any], Any], key: str = "id") -> DataLoader:
    """Load one object per id: ``fetch(db, ids)`` rows, each built by ``build``."""

    async def load(ids: list[UUID]) -> list[Any]:
        found = {getattr(r, key): build(r) for r in await fetch(ctx.db, ids)}
        return [found.get(i) for i in ids]

    return ctx.loader(name, load)


def grouped(ctx: Any, name: str, fetch: Fetch, build: Callable[[Any], Any], key: str) -> DataLoader:
    """Load a list per id: the ``fetch(db, ids)`` rows whose ``key`` is that id, in fetch order."""

    async def load(ids: list[UUID]) -> list[list[Any]]:
        found: dict[UUID, list[Any]] = defaultdict(list)
        for r in await fetch(ctx.db, ids):
            found[getattr(r, key)].append(build(r))
        return [found[i] for i in ids]

    return ctx.loader(name, load)
