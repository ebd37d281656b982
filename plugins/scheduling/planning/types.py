"""GraphQL types of planning: staffing parameters, requirements, a solve's result and coverage gaps."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import strawberry

from switchboard.core.graphql.pagination import Connection, Window, connection_field, list_connection, page_cap
from switchboard.core.graphql.reason import EmptyReason, empty_reason
from switchboard.core.graphql.scalars import Fraction
from switchboard.core.jobs.results import JobResult
from switchboard.plugins.scheduling.planning.parameters import StaffingParameters
from switchboard.plugins.scheduling.planning.requirement import Requirement
from switchboard.plugins.scheduling.schedules.types import Schedule, schedule_by_id
from switchboard.plugins.scheduling.schedules.vocabulary import SolverStatus


@strawberry.type(description="How a LOB is staffed (defaults when never set).")
class LobStaffing:
    lob_id: UUID
    shrinkage: Fraction = strawberry.field(description="Share of paid time not on the phones, in [0, 1).")
    occupancy_cap: Fraction = strawberry.field(description="Highest acceptable occupancy, in (0, 1].")
    patience_seconds: float | None = strawberry.field(description="Callers' mean patience (Erlang A); null: Erlang C.")
    priority: float = strawberry.field(description="Weight of the LOB's under-coverage when scheduling (1: normal).")

    @classmethod
    def of(cls, lob_id: UUID, p: StaffingParameters) -> LobStaffing:
        return cls(lob_id=lob_id, shrinkage=p.shrinkage, occupancy_cap=p.occupancy_cap,
                   patience_seconds=p.patience_seconds, priority=p.priority)


@strawberry.type(description="One forecast interval's staffing requirement.")
class RequirementInterval:
    starts_at: datetime = strawberry.field(description="Start, UTC.")
    local_starts_at: datetime = strawberry.field(description="Start in the LOB's time zone.")
    offered: float = strawberry.field(description="Forecast calls (the planner's override when there is one).")
    aht_seconds: float
    required: float = strawberry.field(description="Agents to schedule, fractional, after shrinkage.")
    required_whole: int = strawberry.field(description="Whole agents to schedule, after shrinkage.")
    service_level: Fraction = strawberry.field(description="Service level achieved with the whole requirement.")


@strawberry.type(description="A LOB's requirement per interval of its latest forecast over a range.")
class StaffingRequirement:
    lob_id: UUID
    interval_minutes: int | None
    staffing: LobStaffing
    rows: strawberry.Private[list[RequirementInterval]]
    empty_because: strawberry.Private[str | None]

    @strawberry.field(description="Why there is no interval (NO_FORECAST: the LOB has none yet; NO_FORECAST_IN_RANGE:"
                      " its latest forecast has no interval in [from, to)); null when there are intervals.")
    def reason(self, info: strawberry.Info) -> EmptyReason | None:
        return empty_reason(info, self.empty_because)

    @connection_field(description="Its intervals by start.")
    def intervals(self, info: strawberry.Info, window: Window) -> Connection[RequirementInterval]:
        return list_connection(self.rows, ("starts_at",), lambda r: r, window, page_cap(info))

    @classmethod
    def of(cls, r: Requirement) -> StaffingRequirement:
        zone = ZoneInfo(r.lob.timezone)
        rows = [RequirementInterval(starts_at=s, local_starts_at=s.astimezone(zone), offered=float(o),
                                    aht_seconds=float(a), required=float(q), required_whole=int(w),
                                    service_level=float(sl))
                for s, o, a, q, w, sl in zip(r.starts, r.offered, r.aht_seconds, r.scheduled, r.whole_scheduled,
                                             r.service_level, strict=True)]
        return cls(lob_id=r.lob.id, interval_minutes=r.interval_minutes,
                   staffing=LobStaffing.of(r.lob.id, r.parameters), rows=rows, empty_because=r.empty_because)


@strawberry.type(description="Why agents did not cover a gap: a reason code and the employees it applies to.")
class GapReason:
    code: str
    employee_ids: list[UUID]


@strawberry.type(description="A LOB-interval a solve left under-covered, and why.")
class CoverageGap:
    lob_id: UUID
    starts_at: datetime
    required: float
    scheduled: int
    reasons: list[GapReason]

    @classmethod
    def from_json(cls, g: dict[str, Any]) -> CoverageGap:
        return cls(lob_id=UUID(g["lobId"]), starts_at=datetime.fromisoformat(g["startsAt"]), required=g["required"],
                   scheduled=g["scheduled"],
                   reasons=[GapReason(code=r["code"], employee_ids=[UUID(e) for e in r["employeeIds"]])
                            for r in g["reasons"]])


@strawberry.type(description="How far a solved schedule falls short of the requirement.")
class ScheduleCoverage:
    schedule_id: UUID
    under_coverage_agent_hours: float
    gap_rows: strawberry.Private[list[CoverageGap]]

    @connection_field(description="Its under-covered LOB-intervals, by LOB then start.")
    def gaps(self, info: strawberry.Info, window: Window) -> Connection[CoverageGap]:
        return list_connection(self.gap_rows, ("lob_id", "starts_at"), lambda g: g, window, page_cap(info))


@strawberry.type(description="What a scheduling.solve job made: a draft schedule and the solver's figures.")
class ScheduleSolveResult(JobResult):
    schedule_id: UUID
    status: SolverStatus
    objective: float | None
    best_bound: float | None
    gap: Fraction | None
    under_coverage_agent_hours: float
    coverage_gaps: int = strawberry.field(description="Under-covered intervals (scheduleCoverage lists them).")
    segments: int
    agents: int

    @classmethod
    def of(cls, job_id: UUID, result: dict[str, Any]) -> ScheduleSolveResult:
        return cls(job_id=job_id, stored=result, schedule_id=UUID(result["scheduleId"]),
                   status=SolverStatus[result["status"]],
                   objective=result.get("objective"), best_bound=result.get("bestBound"), gap=result.get("gap"),
                   under_coverage_agent_hours=result["underCoverageAgentHours"], coverage_gaps=result["gaps"],
                   segments=result["segments"], agents=result["agents"])

    @strawberry.field(description="The draft schedule (null once no longer visible).")
    async def schedule(self, info: strawberry.Info) -> Schedule | None:
        return await schedule_by_id(info.context).load(self.schedule_id)
