"""Shift templates: the shapes of shift a LOB may schedule.

A template says how long a shift lasts, between which local start times of the LOB
it may start (every ``start_step_minutes``), its unpaid break and on which ISO
weekdays (1 = Monday) it may be used. Every rule is checked here first, all errors
at once, and backed by a check constraint of the same meaning.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import time
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.core.scope import validation as v
from switchboard.plugins.scheduling.permissions import SCHEDULE_READ, TEMPLATE_MANAGE

STEPS = (15, 30, 60)
MIN_LENGTH, MAX_LENGTH, LENGTH_STEP = 60, 960, 15
MAX_BREAK = 120
MAX_NAME = 100
COLUMNS = (
    "id, tenant_id, client_id, lob_id, name, length_minutes, earliest_start, latest_start, start_step_minutes,"
    " unpaid_break_minutes, weekdays, created_at"
)


@dataclass(frozen=True)
class TemplateValues:
    """A template's shape; times are local times of the LOB (no UTC offset)."""

    name: str
    length_minutes: int
    earliest_start: time
    latest_start: time
    start_step_minutes: int
    unpaid_break_minutes: int
    weekdays: tuple[int, ...]


def local_time(value: time, field: str) -> UserError | None:
    """``LOCAL_TIME_REQUIRED`` when a time carries a UTC offset (it is the LOB's local time)."""
    return UserError("LOCAL_TIME_REQUIRED", field) if value.tzinfo is not None else None


def _minute_of_day(value: time) -> int:
    return value.hour * 60 + value.minute


def validate(values: TemplateValues) -> TemplateValues:
    """Check every rule of a template, raising all errors together; returns it normalized."""
    errors: list[UserError | None] = []
    try:
        name = v.text(values.name, "name", MAX_NAME)
    except UserError as exc:
        errors.append(exc)
        name = values.name
    length = values.length_minutes
    if not (MIN_LENGTH <= length <= MAX_LENGTH and length % LENGTH_STEP == 0):
        errors.append(UserError("SHIFT_LENGTH_INVALID", "lengthMinutes", min=MIN_LENGTH, max=MAX_LENGTH,
                                step=LENGTH_STEP))
    step = values.start_step_minutes
    if step not in STEPS:
        errors.append(UserError("START_STEP_INVALID", "startStepMinutes", values=", ".join(map(str, STEPS))))
    for moment, field in ((values.earliest_start, "earliestStart"), (values.latest_start, "latestStart")):
        errors.append(local_time(moment, field))
        if step in STEPS and (moment.second or moment.microsecond or _minute_of_day(moment) % step):
            errors.append(UserError("START_NOT_ON_STEP", field, step=step))
    if values.latest_start.replace(tzinfo=None) < values.earliest_start.replace(tzinfo=None):
        errors.append(UserError("LATEST_BEFORE_EARLIEST", "latestStart"))
    if not (0 <= values.unpaid_break_minutes <= MAX_BREAK and values.unpaid_break_minutes < length):
        errors.append(UserError("BREAK_OUT_OF_RANGE", "unpaidBreakMinutes", max=MAX_BREAK))
    if not values.weekdays or any(not 1 <= d <= 7 for d in values.weekdays):
        errors.append(UserError("WEEKDAYS_INVALID", "weekdays"))
    found = [e for e in errors if e is not None]
    if found:
        raise ValidationErrors(found)
    return replace(values, name=name, weekdays=tuple(sorted(set(values.weekdays))))


def _params(values: TemplateValues) -> dict[str, Any]:
    return {**values.__dict__, "weekdays": list(values.weekdays)}


# --- reads -----------------------------------------------------------------------------


async def templates_page(db: DbSession, caller: Caller, lob_id: UUID | None, window: PageRequest,
                         cap: int) -> Fetched:
    """One page of visible templates by name (of one LOB when given)."""
    caller.require_somewhere(SCHEDULE_READ)
    return await filtered_page(db, f"SELECT {COLUMNS} FROM shift_template", ["name", "id"], window, cap,
                               Where().equal("lob_id", lob_id))


async def get_template(db: DbSession, template_id: UUID) -> Any:
    """A visible template, or ``NOT_FOUND``."""
    return await db.first_or_not_found(f"SELECT {COLUMNS} FROM shift_template WHERE id = :id",
                                       {"id": template_id}, "id")


# --- writes ----------------------------------------------------------------------------


async def create(db: DbSession, caller: Caller, lob_id: UUID, values: TemplateValues) -> Any:
    """Add a template to a LOB (``NAME_TAKEN`` when the LOB has one of that name)."""
    caller.require_somewhere(TEMPLATE_MANAGE)
    lob = await db.first_or_not_found("SELECT id, client_id FROM lob WHERE id = :id", {"id": lob_id}, "lobId")
    caller.require(TEMPLATE_MANAGE, lob.client_id, lob.id)
    values = validate(values)
    return await db.first(
        "INSERT INTO shift_template (tenant_id, client_id, lob_id, name, length_minutes, earliest_start,"
        " latest_start, start_step_minutes, unpaid_break_minutes, weekdays) VALUES (:t, :c, :l, :name,"
        " :length_minutes, :earliest_start, :latest_start, :start_step_minutes, :unpaid_break_minutes,"
        f" CAST(:weekdays AS smallint[])) RETURNING {COLUMNS}",
        {**_params(values), "t": caller.tenant_id, "c": lob.client_id, "l": lob.id},
    )


async def update(db: DbSession, caller: Caller, template_id: UUID, patch: dict[str, Any]) -> Any:
    """Change some of a template's fields; the whole result is checked again."""
    caller.require_somewhere(TEMPLATE_MANAGE)
    row = await get_template(db, template_id)
    caller.require(TEMPLATE_MANAGE, row.client_id, row.lob_id)
    current = TemplateValues(row.name, row.length_minutes, row.earliest_start, row.latest_start,
                             row.start_step_minutes, row.unpaid_break_minutes, tuple(row.weekdays))
    values = validate(replace(current, **{k: val for k, val in patch.items() if val is not None}))
    return await db.first(
        "UPDATE shift_template SET name = :name, length_minutes = :length_minutes, earliest_start = :earliest_start,"
        " latest_start = :latest_start, start_step_minutes = :start_step_minutes,"
        " unpaid_break_minutes = :unpaid_break_minutes, weekdays = CAST(:weekdays AS smallint[])"
        f" WHERE id = :id RETURNING {COLUMNS}",
        {**_params(values), "id": template_id},
    )


async def delete(db: DbSession, caller: Caller, template_id: UUID) -> UUID:
    """Delete a template; returns its id."""
    caller.require_somewhere(TEMPLATE_MANAGE)
    row = await get_template(db, template_id)
    caller.require(TEMPLATE_MANAGE, row.client_id, row.lob_id)
    await db.execute("DELETE FROM shift_template WHERE id = :id", {"id": template_id})
    return row.id
