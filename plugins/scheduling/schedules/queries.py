"""Queries of shift templates, availability, time off, schedules and segments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.caps import BATCH, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field
from switchboard.core.graphql.scalars import whole_minutes
from switchboard.plugins.scheduling.permissions import AVAILABILITY_READ, SCHEDULE_READ
from switchboard.plugins.scheduling.schedules import service as schedules
from switchboard.plugins.scheduling.schedules import templates as shift_templates
from switchboard.plugins.scheduling.schedules import time_off as time_off_service
from switchboard.plugins.scheduling.schedules.types import (
    AvailabilityWindow,
    CommittedMinutes,
    Schedule,
    ScheduleSegment,
    ShiftTemplate,
    TimeOff,
    availability_of_employee,
    schedule_by_id,
    segment_connection,
    time_off_by_id,
)
from switchboard.plugins.scheduling.schedules.vocabulary import ScheduleState, TimeOffStatus


@strawberry.type
class ScheduleQuery:
    @connection_field(description="Shift templates the caller can see, by name; of one LOB when given.",
                      extensions=[requires(SCHEDULE_READ)])
    async def shift_templates(self, info: strawberry.Info, window: Window,
                              lob_id: UUID | None = None) -> Connection[ShiftTemplate]:
        ctx = info.context
        rows = await shift_templates.templates_page(ctx.db, ctx.me, lob_id, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.name, r.id), ShiftTemplate.from_row)

    @strawberry.field(description="An employee's weekly availability (empty: available any time, or not visible).",
                      extensions=[requires(AVAILABILITY_READ)])
    async def availability(self, info: strawberry.Info, employee_id: UUID) -> list[AvailabilityWindow]:
        return await availability_of_employee(info.context).load(employee_id)

    @connection_field(description="Time off the caller can see, by start; optionally of one employee, in one"
                      " status, or meeting [start, end).", extensions=[requires(AVAILABILITY_READ)])
    async def time_off(self, info: strawberry.Info, window: Window, employee_id: UUID | None = None,
                       status: TimeOffStatus | None = None, start: datetime | None = None,
                       end: datetime | None = None) -> Connection[TimeOff]:
        ctx = info.context
        f = time_off_service.TimeOffFilter(employee_id, status and status.value, start, end)
        rows = await time_off_service.time_off_page(ctx.db, ctx.me, f, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.starts_at, r.id), TimeOff.from_row)

    @strawberry.field(description="One time-off record, or null when it does not exist or is not visible.",
                      extensions=[requires(AVAILABILITY_READ)])
    async def time_off_request(self, info: strawberry.Info, id: UUID) -> TimeOff | None:
        return await time_off_by_id(info.context).load(id)

    @connection_field(description="Schedules the caller can see (tenant-wide staff, or staff who see every LOB"
                      " of one), by week.", extensions=[requires(SCHEDULE_READ)])
    async def schedules(self, info: strawberry.Info, window: Window, week_start: date | None = None,
                        state: ScheduleState | None = None) -> Connection[Schedule]:
        ctx = info.context
        rows = await schedules.schedules_page(ctx.db, ctx.me, week_start, state and state.value, window,
                                              ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.week_start, r.id), Schedule.from_row)

    @strawberry.field(description="One schedule, or null when it does not exist or is not visible.",
                      extensions=[requires(SCHEDULE_READ)])
    async def schedule(self, info: strawberry.Info, id: UUID) -> Schedule | None:
        return await schedule_by_id(info.context).load(id)

    @connection_field(description="Scheduled segments the caller can see (of the LOBs in their scope; an agent:"
                      " their own published ones), by start; filters combine.",
                      extensions=[requires(SCHEDULE_READ)])
    async def scheduled_segments(self, info: strawberry.Info, window: Window, start: datetime | None = None,
                                 end: datetime | None = None, employee_id: UUID | None = None,
                                 lob_id: UUID | None = None, schedule_id: UUID | None = None
                                 ) -> Connection[ScheduleSegment]:
        ctx = info.context
        f = schedules.SegmentFilter(schedule_id, employee_id, lob_id, start, end)
        return segment_connection(await schedules.segments_page(ctx.db, ctx.me, f, window,
                                                                ctx.runtime.settings.page_size_cap))

    @strawberry.field(description="Minutes already in published schedules during [start, end) for the employees"
                      " the caller can see among those given; minutes for assignments the caller cannot see are"
                      " one row without an assignment, so no other client is revealed.",
                      extensions=[requires(SCHEDULE_READ)])
    async def committed_minutes(self, info: strawberry.Info,
                                employee_ids: Annotated[list[UUID], capped(items=BATCH)], start: datetime,
                                end: datetime) -> list[CommittedMinutes]:
        ctx = info.context
        rows = await schedules.committed_minutes(ctx.db, ctx.me, employee_ids, start, end)
        return [CommittedMinutes(employee_id=r.employee_id, assignment_id=r.assignment_id,
                                 minutes=whole_minutes(r.minutes))
                for r in rows]

    @strawberry.field(description="The tenant's legal weekly maximum of scheduled hours across every client"
                      " (48 unless set).", extensions=[requires(SCHEDULE_READ)])
    async def legal_weekly_max_hours(self, info: strawberry.Info) -> float:
        ctx = info.context
        return schedules.hours(await schedules.legal_weekly_max_minutes(ctx.db, ctx.me))
