"""The client portal's view of adherence: the bound client's LOBs, opaque agents, no names."""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.errors import AccessError
from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection_field, list_connection, page_cap
from switchboard.core.graphql.rows import FromRow
from switchboard.core.graphql.scalars import Fraction
from switchboard.core.portal.permissions import READ
from switchboard.core.portal.permissions import READ as PORTAL_READ
from switchboard.plugins.scheduling.reports.adherence import CELL_KEYS, AdherenceRow, Grouping, rollup_sql
from switchboard.plugins.scheduling.reports.scope import check_days

PORTAL_CELLS = ("WITH cells AS (SELECT day, CAST(NULL AS uuid) AS client_id, lob_id, agent AS employee_id, scheduled,"
                " adherent, worked FROM scheduling.portal_adherence(:start, :end))")


@strawberry.enum(name="PortalReportGrouping", description="A dimension portal report rows are rolled up by.")
class PortalGrouping(Enum):
    DAY = "day"
    LOB = "lob"
    AGENT = "agent"


@strawberry.type(name="PortalAdherence", description="Schedule adherence of the caller's account; dimensions not"
                 " grouped by are null.")
class PortalAdherence(FromRow):
    day: date | None = strawberry.field(description="Local date of the LOB.")
    lob_id: UUID | None
    agent: str | None = strawberry.field(description="An opaque agent identifier, stable for this account.")
    scheduled_minutes: int
    adherent_minutes: int
    worked_minutes: int
    adherence: Fraction | None = strawberry.field(description="Adherent ÷ scheduled minutes.")
    conformance: Fraction | None = strawberry.field(description="Worked ÷ scheduled minutes; above 1 when more was"
                                                    " worked than scheduled.")

    row_renames = {"agent": "employee_id"}

    @classmethod
    def from_row(cls, r: AdherenceRow) -> PortalAdherence:
        return super().from_row(r, **r.whole_minutes())


@strawberry.type
class PortalReportQuery:
    @connection_field(description="Schedule adherence of the caller's account from `from` to `to` (local dates,"
                      " both included, at most 92 days), rolled up by `by` (none: one total); by day, LOB and agent.",
                      extensions=[requires(READ)])
    async def schedule_adherence(self, info: strawberry.Info, start: Annotated[date, strawberry.argument(name="from")],
                                 to: date, by: list[PortalGrouping], window: Window) -> Connection[PortalAdherence]:
        caller, db = info.context.me, info.context.db
        if caller.bound_client_id is None:
            raise AccessError("FORBIDDEN", permission=PORTAL_READ)
        caller.require(PORTAL_READ, caller.bound_client_id)
        check_days(start, to)
        rows = await db.all(rollup_sql([Grouping[g.name] for g in by], PORTAL_CELLS), {"start": start, "end": to})
        cells = [AdherenceRow(*r) for r in rows if r.scheduled_minutes or r.worked_minutes]
        return list_connection(cells, CELL_KEYS, PortalAdherence.from_row, window, page_cap(info))
