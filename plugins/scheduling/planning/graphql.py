"""Planning's queries and mutations: staffing parameters and requirements, solving a week."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.graphql.scalars import Fraction
from switchboard.core.jobs import service as jobs
from switchboard.core.jobs.mutations import JobPayload
from switchboard.core.jobs.types import Job
from switchboard.core.workforce.permissions import ELIGIBILITY_READ
from switchboard.plugins.scheduling.lobs import lob_for, lobs_for
from switchboard.plugins.scheduling.permissions import FORECAST_READ, SCHEDULE_READ, SOLVE, STAFFING_MANAGE
from switchboard.plugins.scheduling.planning import parameters
from switchboard.plugins.scheduling.planning.open_shift import open_shift_candidates
from switchboard.plugins.scheduling.planning.open_shift_types import OpenShiftCandidate
from switchboard.plugins.scheduling.planning.requirement import staffing_requirement
from switchboard.plugins.scheduling.planning.solve_job import KIND
from switchboard.plugins.scheduling.planning.types import (
    CoverageGap,
    LobStaffing,
    ScheduleCoverage,
    StaffingRequirement,
)
from switchboard.plugins.scheduling.planning.week_problem import check_week
from switchboard.plugins.scheduling.schedules import service as schedules

DEFAULT_TIME_LIMIT = 60


@strawberry.input(description="A LOB's staffing parameters; omitted fields take their defaults.")
class LobStaffingInput:
    shrinkage: Fraction = Fraction(parameters.DEFAULT.shrinkage)
    occupancy_cap: Fraction = Fraction(parameters.DEFAULT.occupancy_cap)
    patience_seconds: float | None = None
    priority: float = float(parameters.DEFAULT.priority)


@strawberry.type
class LobStaffingPayload:
    staffing: LobStaffing | None
    errors: list[UserErrorType]


@strawberry.type
class PlanningQuery:
    @strawberry.field(description="A LOB's staffing parameters (defaults when never set).",
                      extensions=[requires(SCHEDULE_READ)])
    async def lob_staffing(self, info: strawberry.Info, lob_id: UUID) -> LobStaffing:
        ctx = info.context
        lob = await lob_for(ctx.db, ctx.me, lob_id, SCHEDULE_READ)
        return LobStaffing.of(lob.id, (await parameters.parameters_of(ctx.db, [lob.id]))[lob.id])

    @strawberry.field(description="Per interval of the LOB's latest forecast in [from, to) (overrides included):"
                                  " agents required, fractional and whole, and the service level achieved.",
                      extensions=[requires(FORECAST_READ)])
    async def staffing_requirement(self, info: strawberry.Info, lob_id: UUID,
                                   start: Annotated[datetime, strawberry.argument(name="from")],
                                   to: datetime) -> StaffingRequirement:
        ctx = info.context
        return StaffingRequirement.of(await staffing_requirement(ctx.db, ctx.me, lob_id, start, to))

    @strawberry.field(description="A solved schedule's shortfall and its under-covered intervals with their reasons;"
                                  " null when the schedule is not visible.",
                      extensions=[requires(SCHEDULE_READ)])
    async def schedule_coverage(self, info: strawberry.Info, schedule_id: UUID) -> ScheduleCoverage | None:
        ctx = info.context
        row = await schedules.coverage_of(ctx.db, ctx.me, schedule_id)
        if row is None:
            return None
        gaps = [CoverageGap.from_json(g) for g in row.coverage_gaps]  # row security: the caller sees every LOB
        return ScheduleCoverage(schedule_id=row.id, gap_rows=gaps,
                                under_coverage_agent_hours=round(float(row.under_coverage_minutes) / 60, 2))

    @connection_field(description="Who fits one open shift [start, end) on the LOB best: every candidate of"
                                  " eligibleAgents, ranked, with every reason not to (eligibleAgents' own, then"
                                  " overlap, minimum rest and consecutive days against published shifts) and the"
                                  " figures of the rank. At most 16 hours. One SQL statement once the LOB is checked.",
                      extensions=[requires(ELIGIBILITY_READ)])
    async def open_shift_candidates(self, info: strawberry.Info, lob_id: UUID, start: datetime, end: datetime,
                                    window: Window) -> Connection[OpenShiftCandidate]:
        ctx = info.context
        rows = await open_shift_candidates(ctx.db, ctx.me, ctx.runtime.eligibility_rules, lob_id, start, end,
                                           window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.rank,), OpenShiftCandidate.from_row)


@strawberry.type
class PlanningMutation:
    @strawberry.mutation(description="Set a LOB's staffing parameters.",
                         extensions=[requires(STAFFING_MANAGE)])
    async def set_lob_staffing(self, info: strawberry.Info, lob_id: UUID,
                               input: LobStaffingInput) -> LobStaffingPayload:
        ctx = info.context
        values = parameters.StaffingParameters(input.shrinkage, input.occupancy_cap, input.patience_seconds,
                                               input.priority)
        return await mutate(info, LobStaffingPayload,
                            lambda: parameters.set_parameters(ctx.db, ctx.me, lob_id, values),
                            lambda saved: LobStaffing.of(lob_id, saved))

    @strawberry.mutation(description="Queue a solve of the week starting on the Monday weekStart for these LOBs;"
                                     " the job writes a draft schedule (see the job's result).",
                         extensions=[requires(SOLVE)])
    async def solve_schedule(self, info: strawberry.Info, lob_ids: list[UUID], week_start: date,
                             time_limit_seconds: int = DEFAULT_TIME_LIMIT) -> JobPayload:
        ctx = info.context

        async def queue():
            lobs = await lobs_for(ctx.db, ctx.me, lob_ids, SOLVE)
            check_week(week_start)
            ids = [lob.id for lob in lobs]
            return await jobs.enqueue(ctx.db, ctx.me, KIND, {"lobIds": [str(i) for i in ids],
                                                             "weekStart": week_start.isoformat()},
                                      lob_ids=ids, time_limit_seconds=time_limit_seconds)

        return await mutate(info, JobPayload, queue, lambda row: Job.from_row(row, ctx.message))
