"""Mutations of shift templates, availability, time off, schedule publication and settings."""

from __future__ import annotations

from datetime import datetime, time
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.plugins.scheduling.permissions import (
    AVAILABILITY_MANAGE,
    PUBLISH,
    SETTINGS_MANAGE,
    TEMPLATE_MANAGE,
    TIME_OFF_APPROVE,
    TIME_OFF_REQUEST,
)
from switchboard.plugins.scheduling.schedules import availability
from switchboard.plugins.scheduling.schedules import service as schedules
from switchboard.plugins.scheduling.schedules import templates as shift_templates
from switchboard.plugins.scheduling.schedules import time_off as time_off_service
from switchboard.plugins.scheduling.schedules.types import AvailabilityWindow, Schedule, ShiftTemplate, TimeOff
from switchboard.plugins.scheduling.schedules.vocabulary import TimeOffKind


@strawberry.input(description="A shift template; start times are the LOB's local times (no UTC offset).")
class ShiftTemplateInput:
    name: str
    length_minutes: int = strawberry.field(description="60 to 960, a multiple of 15; the unpaid break included.")
    earliest_start: time
    latest_start: time
    start_step_minutes: int = strawberry.field(description="15, 30 or 60; both start bounds fall on the step.")
    weekdays: list[int] = strawberry.field(description="ISO weekdays (1 = Monday).")
    unpaid_break_minutes: int = 0


@strawberry.input(description="The fields to change; the result is checked as a whole.")
class ShiftTemplatePatch:
    name: str | None = None
    length_minutes: int | None = None
    earliest_start: time | None = None
    latest_start: time | None = None
    start_step_minutes: int | None = None
    weekdays: list[int] | None = None
    unpaid_break_minutes: int | None = None


@strawberry.input(description="A weekly window of local time; an end of 00:00 is midnight at the end of the day.")
class AvailabilityWindowInput:
    weekday: int = strawberry.field(description="ISO weekday (1 = Monday).")
    start: time
    end: time


@strawberry.input
class TimeOffInput:
    employee_id: UUID | None = strawberry.field(default=None, description="Omitted: the caller's own.")
    starts_at: datetime = strawberry.field(description="With a UTC offset.")
    ends_at: datetime = strawberry.field(description="Exclusive; at most 366 days after the start.")
    kind: TimeOffKind
    note: str | None = None


@strawberry.type
class ShiftTemplatePayload:
    template: ShiftTemplate | None
    errors: list[UserErrorType]


@strawberry.type
class DeletePayload:
    deleted_id: UUID | None
    errors: list[UserErrorType]


@strawberry.type
class AvailabilityPayload:
    windows: list[AvailabilityWindow] | None
    errors: list[UserErrorType]


@strawberry.type
class TimeOffPayload:
    time_off: TimeOff | None
    errors: list[UserErrorType]


@strawberry.type
class SchedulePayload:
    schedule: Schedule | None
    errors: list[UserErrorType]


@strawberry.type
class LegalWeeklyMaxPayload:
    hours: float | None
    errors: list[UserErrorType]


def _template_values(i: ShiftTemplateInput) -> shift_templates.TemplateValues:
    return shift_templates.TemplateValues(i.name, i.length_minutes, i.earliest_start, i.latest_start,
                                          i.start_step_minutes, i.unpaid_break_minutes, tuple(i.weekdays))


@strawberry.type
class ScheduleMutation:
    @strawberry.mutation(description="Add a shift template to a LOB.",
                         extensions=[requires(TEMPLATE_MANAGE)])
    async def create_shift_template(self, info: strawberry.Info, lob_id: UUID,
                                    input: ShiftTemplateInput) -> ShiftTemplatePayload:
        ctx = info.context
        return await mutate(info, ShiftTemplatePayload,
                            lambda: shift_templates.create(ctx.db, ctx.me, lob_id, _template_values(input)),
                            ShiftTemplate.from_row)

    @strawberry.mutation(description="Change a shift template.", extensions=[requires(TEMPLATE_MANAGE)])
    async def update_shift_template(self, info: strawberry.Info, id: UUID,
                                    patch: ShiftTemplatePatch) -> ShiftTemplatePayload:
        ctx = info.context
        changes = {k: (tuple(v) if k == "weekdays" and v is not None else v) for k, v in vars(patch).items()}
        return await mutate(info, ShiftTemplatePayload, lambda: shift_templates.update(ctx.db, ctx.me, id, changes),
                            ShiftTemplate.from_row)

    @strawberry.mutation(description="Delete a shift template (schedules already made keep their segments).",
                         extensions=[requires(TEMPLATE_MANAGE)])
    async def delete_shift_template(self, info: strawberry.Info, id: UUID) -> DeletePayload:
        ctx = info.context
        return await mutate(info, DeletePayload, lambda: shift_templates.delete(ctx.db, ctx.me, id))

    @strawberry.mutation(description="Replace an employee's weekly availability (an empty list: available any"
                         " time). Times are in the given time zone, the one the employee is in.",
                         extensions=[requires(AVAILABILITY_MANAGE)])
    async def set_availability(self, info: strawberry.Info, employee_id: UUID, timezone: str,
                               windows: list[AvailabilityWindowInput]) -> AvailabilityPayload:
        ctx = info.context
        given = [availability.Window(w.weekday, w.start, w.end) for w in windows]
        return await mutate(info, AvailabilityPayload,
                            lambda: availability.set_week(ctx.db, ctx.me, employee_id, timezone, given),
                            lambda rows: [AvailabilityWindow.from_row(r) for r in rows])

    @strawberry.mutation(description="Request time off (for oneself, or as staff for an employee in scope).",
                         extensions=[requires(TIME_OFF_REQUEST)])
    async def request_time_off(self, info: strawberry.Info, input: TimeOffInput) -> TimeOffPayload:
        ctx = info.context
        asked = time_off_service.TimeOffRequest(input.starts_at, input.ends_at, input.kind.value, input.note)
        return await mutate(info, TimeOffPayload,
                            lambda: time_off_service.request(ctx.db, ctx.me, input.employee_id, asked),
                            TimeOff.from_row)

    @strawberry.mutation(description="Approve requested time off (a supervisor of the employee; never one's own).",
                         extensions=[requires(TIME_OFF_APPROVE)])
    async def approve_time_off(self, info: strawberry.Info, id: UUID) -> TimeOffPayload:
        ctx = info.context
        return await mutate(info, TimeOffPayload, lambda: time_off_service.decide(ctx.db, ctx.me, id, "approved"),
                            TimeOff.from_row)

    @strawberry.mutation(description="Reject requested time off (a supervisor of the employee; never one's own).",
                         extensions=[requires(TIME_OFF_APPROVE)])
    async def reject_time_off(self, info: strawberry.Info, id: UUID) -> TimeOffPayload:
        ctx = info.context
        return await mutate(info, TimeOffPayload, lambda: time_off_service.decide(ctx.db, ctx.me, id, "rejected"),
                            TimeOff.from_row)

    @strawberry.mutation(description="Cancel requested or approved time off (approved: by staff).",
                         extensions=[requires(TIME_OFF_REQUEST)])
    async def cancel_time_off(self, info: strawberry.Info, id: UUID) -> TimeOffPayload:
        ctx = info.context
        return await mutate(info, TimeOffPayload, lambda: time_off_service.cancel(ctx.db, ctx.me, id), TimeOff.from_row)

    @strawberry.mutation(description="Publish a draft schedule: refused when a segment overlaps the employee's"
                         " published segments elsewhere, or its assignment is not active on its local date.",
                         extensions=[requires(PUBLISH)])
    async def publish_schedule(self, info: strawberry.Info, id: UUID) -> SchedulePayload:
        ctx = info.context
        return await mutate(info, SchedulePayload, lambda: schedules.publish(ctx.db, ctx.me, id), Schedule.from_row)

    @strawberry.mutation(description="Turn a published schedule back into a draft.",
                         extensions=[requires(PUBLISH)])
    async def unpublish_schedule(self, info: strawberry.Info, id: UUID) -> SchedulePayload:
        ctx = info.context
        return await mutate(info, SchedulePayload, lambda: schedules.unpublish(ctx.db, ctx.me, id), Schedule.from_row)

    @strawberry.mutation(description="Set the tenant's legal weekly maximum of scheduled hours across every"
                         " client (whole minutes, 1 to 168 hours).",
                         extensions=[requires(SETTINGS_MANAGE)])
    async def set_legal_weekly_max_hours(self, info: strawberry.Info, hours: float) -> LegalWeeklyMaxPayload:
        ctx = info.context
        return await mutate(info, LegalWeeklyMaxPayload, lambda: schedules.set_legal_weekly_max(ctx.db, ctx.me, hours),
                            schedules.hours)
