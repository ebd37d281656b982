"""Time off: requested by the employee (or staff for them), approved or rejected by a
supervisor of the employee, cancelled while requested or approved.

Approved time off makes the employee ineligible during it (the ``TIME_OFF`` rule).
Requested and approved time off of one employee never overlap. Nobody decides
their own request; an employee cancels their own request until it is approved,
after which staff cancel it. Every change is audited with who made it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.core.scope.validation import aware
from switchboard.plugins.scheduling.permissions import AVAILABILITY_READ, TIME_OFF_APPROVE, TIME_OFF_REQUEST
from switchboard.plugins.scheduling.schedules.employee_access import require_for_employee

MAX_LENGTH = timedelta(days=366)
MAX_NOTE = 500
COLUMNS = (
    "id, employee_id, lower(during) AS starts_at, upper(during) AS ends_at, kind, status, note, requested_by,"
    " decided_by, decided_at, created_at"
)
OPEN = ("requested", "approved")


@dataclass(frozen=True)
class TimeOffRequest:
    """What is asked: ``[starts_at, ends_at)`` with UTC offsets, a kind, an optional note."""

    starts_at: datetime
    ends_at: datetime
    kind: str
    note: str | None = None


def validate(request: TimeOffRequest) -> TimeOffRequest:
    """Aware, in order, at most 366 days, note at most 500 characters (all errors at once)."""
    aware(request.starts_at, "startsAt")
    aware(request.ends_at, "endsAt")
    errors = []
    if request.ends_at <= request.starts_at:
        errors.append(UserError("END_BEFORE_START", "endsAt"))
    elif request.ends_at - request.starts_at > MAX_LENGTH:
        errors.append(UserError("TIME_OFF_TOO_LONG", "endsAt", days=MAX_LENGTH.days))
    if request.note is not None and len(request.note) > MAX_NOTE:
        errors.append(UserError("TOO_LONG", "note", max=MAX_NOTE))
    if errors:
        raise ValidationErrors(errors)
    note = request.note.strip() if request.note and request.note.strip() else None
    return TimeOffRequest(request.starts_at, request.ends_at, request.kind, note)


# --- reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeOffFilter:
    """Which time off to list: an employee, a status, overlapping ``[start, end)``."""

    employee_id: UUID | None = None
    status: str | None = None
    start: datetime | None = None
    end: datetime | None = None


async def time_off_page(db: DbSession, caller: Caller, f: TimeOffFilter, window: PageRequest,
                        cap: int) -> Fetched:
    """One page of visible time off by start."""
    caller.require_somewhere(AVAILABILITY_READ)
    where = Where().equal_each({"employee_id": f.employee_id, "status": f.status})
    where.overlapping(("lower(during)", "upper(during)"), f.start and aware(f.start, "start"),
                      f.end and aware(f.end, "end"))
    return await filtered_page(db, f"SELECT {COLUMNS} FROM time_off", ["lower(during)", "id"], window, cap, where)


async def time_off_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(f"SELECT {COLUMNS} FROM time_off WHERE id = ANY(:ids)", {"ids": list(ids)})


async def get(db: DbSession, time_off_id: UUID) -> Any:
    """Visible time off, or ``NOT_FOUND``."""
    return await db.first_or_not_found(f"SELECT {COLUMNS} FROM time_off WHERE id = :id", {"id": time_off_id}, "id")


# --- writes ----------------------------------------------------------------------------


async def request(db: DbSession, caller: Caller, employee_id: UUID | None, asked: TimeOffRequest) -> Any:
    """Ask for time off for an employee (the caller's own when ``employee_id`` is None)."""
    employee_id = employee_id or caller.employee_id
    if employee_id is None:
        raise UserError("REQUIRED", "employeeId")
    await require_for_employee(db, caller, TIME_OFF_REQUEST, employee_id)
    asked = validate(asked)
    if await db.scalar(
        "SELECT EXISTS (SELECT 1 FROM time_off WHERE employee_id = :e AND status = ANY(:open)"
        " AND during && tstzrange(:s, :end))",
        {"e": employee_id, "open": list(OPEN), "s": asked.starts_at, "end": asked.ends_at},
    ):
        raise UserError("TIME_OFF_OVERLAP", "startsAt")
    return await db.first(
        "INSERT INTO time_off (tenant_id, employee_id, during, kind, note)"
        f" VALUES (:t, :e, tstzrange(:s, :end), :kind, :note) RETURNING {COLUMNS}",
        {"t": caller.tenant_id, "e": employee_id, "s": asked.starts_at, "end": asked.ends_at,
         "kind": asked.kind, "note": asked.note},
    )


async def _set_status(db: DbSession, row: Any, status: str) -> Any:
    return await db.first(f"UPDATE time_off SET status = :status WHERE id = :id RETURNING {COLUMNS}",
                        {"status": status, "id": row.id})


async def decide(db: DbSession, caller: Caller, time_off_id: UUID, status: str) -> Any:
    """Approve or reject a request (``status``): a supervisor of the employee, never their own."""
    caller.require_somewhere(TIME_OFF_APPROVE)
    row = await get(db, time_off_id)
    await require_for_employee(db, caller, TIME_OFF_APPROVE, row.employee_id, "id")
    if row.employee_id == caller.employee_id:
        raise UserError("TIME_OFF_SELF_DECISION", "id")
    if row.status != "requested":
        raise UserError("TIME_OFF_FINAL", "id", status=row.status)
    return await _set_status(db, row, status)


async def cancel(db: DbSession, caller: Caller, time_off_id: UUID) -> Any:
    """Cancel requested or approved time off (approved: by staff, not the employee)."""
    caller.require_somewhere(TIME_OFF_REQUEST)
    row = await get(db, time_off_id)
    await require_for_employee(db, caller, TIME_OFF_REQUEST, row.employee_id, "id")
    if row.status not in OPEN:
        raise UserError("TIME_OFF_FINAL", "id", status=row.status)
    if row.status == "approved" and row.employee_id == caller.employee_id:
        raise UserError("TIME_OFF_ALREADY_APPROVED", "id")
    return await _set_status(db, row, "cancelled")
