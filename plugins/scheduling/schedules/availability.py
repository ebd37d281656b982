"""Weekly availability: when an employee can work, as recurring windows of local time.

A window is an ISO weekday (1 = Monday) and a start and end time in the time zone
the employee is in; an end of 00:00 means midnight at the end of that day. Setting
availability replaces the employee's whole week at once. An employee with no
windows is available at any time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.core.scope import validation as v
from switchboard.plugins.scheduling.permissions import AVAILABILITY_MANAGE, AVAILABILITY_READ
from switchboard.plugins.scheduling.schedules.employee_access import require_for_employee
from switchboard.plugins.scheduling.schedules.templates import local_time

MAX_WINDOWS = 50
DAY_END = 24 * 60
# 24:00 (stored) reads as 00:00: Python's time stops at 23:59:59
COLUMNS = ("id, employee_id, weekday, start_time,"
           " CASE WHEN end_time = TIME '24:00' THEN TIME '00:00' ELSE end_time END AS end_time, timezone")


@dataclass(frozen=True)
class Window:
    """One weekly window of local time; ``end`` 00:00 is the end of the day."""

    weekday: int
    start: time
    end: time


def _minutes(value: time, end: bool = False) -> int:
    minutes = value.hour * 60 + value.minute
    return DAY_END if end and minutes == 0 and not value.second else minutes


def validate(timezone: str, windows: list[Window]) -> list[tuple[int, int, int]]:
    """``(weekday, start minute, end minute)`` per window, all errors raised together."""
    errors: list[UserError | None] = []
    try:
        v.timezone(timezone)
    except UserError as exc:
        errors.append(exc)
    if len(windows) > MAX_WINDOWS:
        raise UserError("TOO_MANY_WINDOWS", "windows", max=MAX_WINDOWS)
    spans: list[tuple[int, int, int]] = []
    for n, w in enumerate(windows):
        prefix = f"windows.{n}."
        errors += [local_time(w.start, prefix + "start"), local_time(w.end, prefix + "end")]
        if not 1 <= w.weekday <= 7:
            errors.append(UserError("WEEKDAY_INVALID", prefix + "weekday"))
        if w.start.second or w.start.microsecond or w.end.second or w.end.microsecond:
            errors.append(UserError("WHOLE_MINUTES_REQUIRED", prefix + "start"))
        start, end = _minutes(w.start), _minutes(w.end, end=True)
        if end <= start:
            errors.append(UserError("END_BEFORE_START", prefix + "end"))
            continue
        if any(day == w.weekday and start < e and s < end for day, s, e in spans):
            errors.append(UserError("AVAILABILITY_OVERLAP", prefix + "start"))
        spans.append((w.weekday, start, end))
    found = [e for e in errors if e is not None]
    if found:
        raise ValidationErrors(found)
    return spans


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


async def set_week(db: DbSession, caller: Caller, employee_id: UUID, timezone: str,
                   windows: list[Window]) -> list[Any]:
    """Replace the employee's weekly availability; returns the new windows."""
    await require_for_employee(db, caller, AVAILABILITY_MANAGE, employee_id)
    spans = validate(timezone, windows)
    await db.execute("DELETE FROM availability WHERE employee_id = :e", {"e": employee_id})
    if spans:
        await db.execute(
            "INSERT INTO availability (tenant_id, employee_id, weekday, start_time, end_time, timezone)"
            " SELECT :t, :e, w.day, w.start_time, w.end_time, :tz"
            " FROM unnest(CAST(:days AS smallint[]), CAST(:starts AS time[]), CAST(:ends AS time[]))"
            " AS w(day, start_time, end_time)",
            {"t": caller.tenant_id, "e": employee_id, "tz": timezone, "days": [s[0] for s in spans],
             "starts": [_clock(s[1]) for s in spans], "ends": [_clock(s[2]) for s in spans]},
        )
    return await windows_of_employees(db, [employee_id])


async def windows_of_employees(db: DbSession, employee_ids: list[UUID]) -> list[Any]:
    """The visible availability windows of these employees, by weekday and start."""
    return await db.all(
        f"SELECT {COLUMNS} FROM availability WHERE employee_id = ANY(:ids) ORDER BY weekday, start_time",
        {"ids": list(employee_ids)},
    )


async def week_of(db: DbSession, caller: Caller, employee_id: UUID) -> list[Any]:
    """One employee's windows (empty when not visible)."""
    caller.require_somewhere(AVAILABILITY_READ)
    return await windows_of_employees(db, [employee_id])
