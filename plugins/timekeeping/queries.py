"""Timekeeping queries: the ledger of time entries."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field

from . import service
from .permissions import READ
from .types import EntryState, TimeEntry, entry_by_id


@strawberry.type
class TimekeepingQuery:
    @connection_field(description="Time entries the caller can see, by start time. Work dates are the LOB's"
                      " local dates, both inclusive; by default only active entries.",
                      extensions=[requires(READ)])
    async def time_entries(
        self,
        info: strawberry.Info,
        window: Window,
        employee_id: UUID | None = None,
        client_id: UUID | None = None,
        lob_id: UUID | None = None,
        work_from: date | None = None,
        work_to: date | None = None,
        state: EntryState | None = None,
        include_retired: Annotated[bool, strawberry.argument(description="Superseded and voided too.")] = False,
    ) -> Connection[TimeEntry]:
        ctx = info.context
        f = service.EntryFilter(employee_id, client_id, lob_id, work_from, work_to,
                                state.value if state else None, not include_retired)
        rows = await service.entries_page(ctx.db, ctx.me, f, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.started_at, r.id), TimeEntry.from_row)

    @strawberry.field(description="One time entry, or null when it does not exist or is outside the caller's scope.",
                      extensions=[requires(READ)])
    async def time_entry(self, info: strawberry.Info, id: UUID) -> TimeEntry | None:
        return await entry_by_id(info.context).load(id)
