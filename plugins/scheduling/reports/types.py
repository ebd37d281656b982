"""GraphQL types of the scheduling reports."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.graphql.pagination import Connection, Window, connection_field, list_connection, page_cap
from switchboard.core.graphql.reason import EmptyReason, empty_reason
from switchboard.core.graphql.rows import FromRow
from switchboard.core.graphql.scalars import Fraction
from switchboard.plugins.scheduling.reports.adherence import AdherenceRow, Grouping
from switchboard.plugins.scheduling.reports.coverage import CoverageGap
from switchboard.plugins.scheduling.reports.scorecard import ScorecardLine


@strawberry.enum(description="A dimension report rows are rolled up by.")
class ReportGrouping(Enum):
    DAY = "day"
    CLIENT = "client"
    LOB = "lob"
    AGENT = "agent"

    @property
    def grouping(self) -> Grouping:
        return Grouping[self.name]


@strawberry.type(description="Adherence and conformance of one roll-up cell; dimensions not grouped by are null.")
class AdherenceFigures(FromRow):
    day: date | None = strawberry.field(description="Local date of the LOB.")
    client_id: UUID | None
    lob_id: UUID | None
    agent_id: UUID | None = strawberry.field(description="The employee.")
    scheduled_minutes: int = strawberry.field(description="Minutes of published work segments.")
    adherent_minutes: int = strawberry.field(description="Scheduled minutes spent in productive time on the"
                                             " segment's LOB.")
    worked_minutes: int = strawberry.field(description="Productive minutes on the LOB, scheduled or not.")
    adherence: Fraction | None = strawberry.field(description="Adherent ÷ scheduled minutes.")
    conformance: Fraction | None = strawberry.field(description="Worked ÷ scheduled minutes; above 1 when more was"
                                                    " worked than scheduled.")

    row_renames = {"agent_id": "employee_id"}

    @classmethod
    def from_row(cls, r: AdherenceRow) -> AdherenceFigures:
        return super().from_row(r, **r.whole_minutes())


@strawberry.type(description="Why coverage fell short, in agent-hours: the parts add up to the gap; a negative"
                 " part helped.")
class GapParts:
    gap: float = strawberry.field(description="Requirement from actual volume − agents present.")
    forecast_error: float = strawberry.field(description="Requirement from actual volume − from forecast.")
    never_scheduled: float = strawberry.field(description="Forecast requirement − scheduled − withdrawn.")
    schedule_changes: float = strawberry.field(description="Published, then unpublished and not re-scheduled.")
    absences: float = strawberry.field(description="Scheduled, not worked, covered by an absence entry.")
    no_shows: float = strawberry.field(description="Scheduled, neither worked nor covered by an absence entry.")
    unscheduled_work: float = strawberry.field(description="Minus the time worked beyond the schedule.")

    @classmethod
    def from_values(cls, values: Any) -> GapParts:
        return cls(**{k: round(float(values[k]), 4) for k in ("gap", "forecast_error", "never_scheduled",
                                                               "schedule_changes", "absences", "no_shows",
                                                               "unscheduled_work")})


@strawberry.type(description="One interval of a LOB: requirement, schedule, presence (agent-hours) and the gap.")
class CoverageInterval:
    lob_id: UUID
    interval_start: datetime = strawberry.field(description="Start, in UTC.")
    interval_minutes: int
    required_hours: float = strawberry.field(description="Agent-hours to schedule for the forecast volume.")
    required_actual_hours: float = strawberry.field(description="Agent-hours the actual volume needed.")
    scheduled_hours: float
    present_hours: float
    coverage: Fraction | None = strawberry.field(description="Scheduled ÷ required; null when nothing was required;"
                                                 " above 1 when over-staffed.")
    parts: GapParts


@strawberry.type(description="Coverage per interval and why it fell short, with totals over the range.")
class CoverageReport:
    rows: strawberry.Private[list[CoverageInterval]]
    empty_because: strawberry.Private[str | None]
    total: GapParts
    required_hours: float
    scheduled_hours: float
    present_hours: float
    coverage: Fraction | None = strawberry.field(description="Scheduled ÷ required over the range; null when nothing"
                                                 " was required; above 1 when over-staffed.")

    @strawberry.field(description="Why there is no interval (NO_LOB_IN_SCOPE: no LOB to report on;"
                      " NO_FORECAST_IN_RANGE: no latest forecast of those LOBs has an interval in the range);"
                      " null when there are intervals.")
    def reason(self, info: strawberry.Info) -> EmptyReason | None:
        return empty_reason(info, self.empty_because)

    @connection_field(description="Its intervals, by LOB then start.")
    def intervals(self, info: strawberry.Info, window: Window) -> Connection[CoverageInterval]:
        return list_connection(self.rows, ("lob_id", "interval_start"), lambda r: r, window,
                               page_cap(info))

    @classmethod
    def from_gap(cls, report: CoverageGap) -> CoverageReport:
        f, totals = report.intervals, report.totals()
        intervals = [CoverageInterval(
            lob_id=r.lob_id, interval_start=r.interval_start, interval_minutes=int(r.interval_minutes),
            required_hours=round(r.required, 4), required_actual_hours=round(r.required_actual, 4),
            scheduled_hours=round(r.scheduled / 60, 4), present_hours=round(r.present / 60, 4),
            coverage=None if r.coverage != r.coverage else round(r.coverage, 4),
            parts=GapParts.from_values(r._asdict())) for r in f.itertuples(index=False)]
        need = totals["required"]
        return cls(rows=intervals, empty_because=report.empty_because, total=GapParts.from_values(totals),
                   required_hours=round(need, 4),
                   scheduled_hours=round(totals["scheduled"], 4), present_hours=round(totals["present"], 4),
                   coverage=round(totals["scheduled"] / need, 4) if need > 0 else None)


ScorecardEntry = strawberry.type(ScorecardLine, name="ScorecardEntry",
                                 description="One LOB's SLA scorecard over a range of local dates: coverage is"
                                 " scheduled ÷ required hours, the service level achieved is weighted by offered"
                                 " volume; ratios are null when their denominator is zero.")
