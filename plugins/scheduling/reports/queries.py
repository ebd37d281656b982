"""Queries of the scheduling reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection_field, list_connection, page_cap
from switchboard.plugins.scheduling.permissions import REPORT_READ
from switchboard.plugins.scheduling.reports import adherence as adherence_service
from switchboard.plugins.scheduling.reports import coverage as coverage_service
from switchboard.plugins.scheduling.reports import scorecard as scorecard_service
from switchboard.plugins.scheduling.reports.types import (
    AdherenceFigures,
    CoverageReport,
    ReportGrouping,
    ScorecardEntry,
)

FROM_DATE = Annotated[date, strawberry.argument(name="from")]
FROM_INSTANT = Annotated[datetime, strawberry.argument(name="from")]


@strawberry.type
class ReportQuery:
    @connection_field(description="Adherence and conformance from `from` to `to` (local dates, both included, at"
                      " most 92 days), rolled up by the dimensions in `by` (none: one total), over the LOBs in"
                      " the caller's scope (or those of `lobIds`); by day, client, LOB and agent.",
                      extensions=[requires(REPORT_READ)])
    async def adherence(self, info: strawberry.Info, start: FROM_DATE, to: date, by: list[ReportGrouping],
                        window: Window, lob_ids: list[UUID] | None = None) -> Connection[AdherenceFigures]:
        ctx = info.context
        rows = await adherence_service.adherence(ctx.db, ctx.me, start, to, [g.grouping for g in by], lob_ids)
        return list_connection(rows, adherence_service.CELL_KEYS, AdherenceFigures.from_row, window, page_cap(info))

    @strawberry.field(description="Coverage per interval of the LOBs' latest forecasts from `from` to `to`"
                      " (instants, end excluded, at most 92 days), and why it fell short of what was needed.",
                      extensions=[requires(REPORT_READ)])
    async def coverage(self, info: strawberry.Info, start: FROM_INSTANT, to: datetime,
                       lob_ids: list[UUID] | None = None) -> CoverageReport:
        ctx = info.context
        return CoverageReport.from_gap(await coverage_service.coverage_gap(ctx.db, ctx.me, lob_ids, start, to))

    @connection_field(description="The SLA scorecard per client and LOB from `from` to `to` (local dates, both"
                      " included, at most 92 days), by client then LOB.",
                      extensions=[requires(REPORT_READ)])
    async def sla_scorecard(self, info: strawberry.Info, start: FROM_DATE, to: date, window: Window,
                            lob_ids: list[UUID] | None = None) -> Connection[ScorecardEntry]:
        ctx = info.context
        lines = await scorecard_service.scorecard(ctx.db, ctx.me, start, to, lob_ids)
        return list_connection(lines, ("client_id", "lob_id"), lambda s: s, window, page_cap(info))
