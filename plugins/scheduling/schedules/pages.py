"""Filtered keyset pages: how this plugin's list queries build their conditions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from switchboard.core.db.session import DbSession
from switchboard.core.graphql.pagination import Fetched, Window, keyset
from switchboard.core.scope.validation import aware


async def filtered_page(db: DbSession, select: str, keys: Sequence[str], window: Window,
                        cap: int, equal: Mapping[str, Any], span: tuple[str, str] | None = None,
                        start: datetime | None = None, end: datetime | None = None) -> Fetched:
    """One page of ``select``'s rows ordered by ``keys``.

    Each ``equal`` column must equal its value (None: any); with ``span`` (the start and
    end columns of the rows' time), rows must meet ``[start, end)`` (either bound None: open).
    """
    where, params = ["true"], {}
    for column, value in equal.items():
        if value is not None:
            where.append(f"{column} = :{column}")
            params[column] = value
    if span is not None and start is not None:
        where.append(f"{span[1]} > :_start")
        params["_start"] = aware(start, "start")
    if span is not None and end is not None:
        where.append(f"{span[0]} < :_end")
        params["_end"] = aware(end, "end")
    page = keyset(select, keys, window, cap, " AND ".join(where))
    return await page.fetch(db, params)
