"""GraphQL types of shift templates, availability, time off, schedules and segments."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.pagination import Connection, Fetched, Window, connection, connection_field
from switchboard.core.graphql.rows import FromRow
from switchboard.core.graphql.scalars import Fraction
from switchboard.core.jobs.types import Job, job_by_id
from switchboard.core.scope.types import Lob, lob_by_id
from switchboard.core.workforce.types import Employee, employee_by_id
from switchboard.plugins.scheduling.schedules import availability, time_off
from switchboard.plugins.scheduling.schedules import service as schedules
from switchboard.plugins.scheduling.schedules.vocabulary import (
    ScheduleState,
    SegmentActivity,
    SolverStatus,
    TimeOffKind,
    TimeOffStatus,
)


def _local(moment: datetime, timezone: str | None) -> datetime | None:
    return moment.astimezone(ZoneInfo(timezone)) if timezone else None


@strawberry.type
class OfEmployee:
    """A record about one employee, who is loaded on demand (null when not visible)."""

    employee_id: UUID

    @strawberry.field
    async def employee(self, info: strawberry.Info) -> Employee | None:
        return await employee_by_id(info.context).load(self.employee_id)


@strawberry.type
class OnLob:
    """A record on one LOB, which is loaded on demand (null when not visible)."""

    lob_id: UUID

    @strawberry.field
    async def lob(self, info: strawberry.Info) -> Lob | None:
        return await lob_by_id(info.context).load(self.lob_id)


@strawberry.type(description="A shape of shift a LOB may schedule. Start times are the LOB's local times.")
class ShiftTemplate(FromRow, OnLob):
    id: UUID
    client_id: UUID
    name: str
    length_minutes: int = strawberry.field(description="From start to end, the unpaid break included.")
    earliest_start: time
    latest_start: time
    start_step_minutes: int = strawberry.field(description="Starts fall every 15, 30 or 60 minutes from earliestStart.")
    unpaid_break_minutes: int
    weekdays: list[int] = strawberry.field(description="ISO weekdays it may be used on (1 = Monday).")


@strawberry.type(description="A weekly window when an employee can work, in the time zone they are in.")
class AvailabilityWindow(FromRow):
    weekday: int = strawberry.field(description="ISO weekday (1 = Monday).")
    start: time
    end: time = strawberry.field(description="Exclusive; 00:00 is midnight at the end of the day.")
    timezone: str

    row_renames = {"start": "start_time", "end": "end_time"}


@strawberry.type(description="Time an employee is away: requested, then approved or rejected by a supervisor.")
class TimeOff(FromRow, OfEmployee):
    id: UUID
    starts_at: datetime
    ends_at: datetime = strawberry.field(description="Exclusive.")
    kind: TimeOffKind
    status: TimeOffStatus
    note: str | None
    decided_at: datetime | None = strawberry.field(description="When it was last approved, rejected or cancelled.")


@strawberry.type(description="One employee doing one activity on one LOB for a stretch of a schedule.")
class ScheduleSegment(FromRow, OfEmployee, OnLob):
    id: UUID
    schedule_id: UUID
    client_id: UUID
    assignment_id: UUID
    activity: SegmentActivity
    starts_at: datetime = strawberry.field(description="In UTC.")
    ends_at: datetime = strawberry.field(description="In UTC, exclusive.")
    published: bool
    timezone: str | None = strawberry.field(description="The LOB's time zone.")

    @strawberry.field(description="Start in the LOB's time zone.")
    def local_starts_at(self) -> datetime | None:
        return _local(self.starts_at, self.timezone)

    @strawberry.field(description="End in the LOB's time zone.")
    def local_ends_at(self) -> datetime | None:
        return _local(self.ends_at, self.timezone)


def segment_connection(rows: Fetched) -> Connection[ScheduleSegment]:
    """A page of segments as a connection keyed by start and id."""
    return connection(rows, lambda r: (r.starts_at, r.id), ScheduleSegment.from_row)


@strawberry.type(description="One solve's outcome for a set of LOBs and a week; published, what employees work.")
class Schedule(FromRow, Node):
    id: strawberry.Private[UUID]
    lob_ids: list[UUID]
    week_start: date = strawberry.field(description="The Monday the week starts on.")
    state: ScheduleState
    job_id: UUID | None
    solver_status: SolverStatus | None
    objective: float | None = strawberry.field(description="The solver's objective: weighted under-coverage and"
                                               " penalties (lower is better).")
    best_bound: float | None = strawberry.field(description="The lowest objective any schedule could reach.")
    gap: Fraction | None = strawberry.field(description="Relative gap between objective and bound (0.05 = 5%).")
    published_at: datetime | None
    created_at: datetime

    @strawberry.field(description="Its LOBs the caller can see.")
    async def lobs(self, info: strawberry.Info) -> list[Lob]:
        found = await lob_by_id(info.context).load_many(self.lob_ids)
        return [lob for lob in found if lob is not None]

    @strawberry.field(description="The solve job that produced it, when the caller may see it.")
    async def job(self, info: strawberry.Info) -> Job | None:
        return await job_by_id(info.context).load(self.job_id)

    @connection_field(description="Its segments the caller can see, by start.")
    async def segments(self, info: strawberry.Info, window: Window,
                       employee_id: UUID | None = None, lob_id: UUID | None = None) -> Connection[ScheduleSegment]:
        ctx = info.context
        f = schedules.SegmentFilter(schedule_id=self.id, employee_id=employee_id, lob_id=lob_id)
        return segment_connection(await schedules.segments_page(ctx.db, ctx.me, f, window,
                                                                ctx.runtime.settings.page_size_cap))


@strawberry.type(description="Minutes already in published schedules: on one assignment the caller can see, or"
                 " (assignmentId null) on every other assignment of the employee together.")
class CommittedMinutes:
    employee_id: UUID
    assignment_id: UUID | None
    minutes: int


def schedule_by_id(ctx: Any):
    """The request's loader of schedules by id (None when not visible)."""
    return loaders.by_id(ctx, schedules.schedules_by_ids, Schedule.from_row)


def time_off_by_id(ctx: Any):
    """The request's loader of time off by id (None when not visible)."""
    return loaders.by_id(ctx, time_off.time_off_by_ids, TimeOff.from_row)


def availability_of_employee(ctx: Any):
    """The request's loader of each employee's visible availability windows."""
    return loaders.grouped(ctx, availability.windows_of_employees, AvailabilityWindow.from_row, "employee_id")
