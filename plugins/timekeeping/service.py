"""Timekeeping services: record, correct, void and approve time entries; close periods.

Reads run as the runtime role, so RLS bounds them to the caller's scope (an agent
sees their own entries). Writes validate the input without the database, look the
referenced rows up (``NOT_FOUND`` whether missing or out of scope), check the
permission on the LOB or client the work belongs to, then write; the database's
constraints and triggers back every rule (assignment on the work date, no
overlapping working entries, at most 16 hours, closed periods, final states).

Nothing is lost: an entry is never edited or deleted. A correction is a new entry
that supersedes the original (both kept, both audited); when the original's work
date is in a closed period, the correction is an *adjustment* booked in the next
open day. An approved entry stays approved; its correction needs a new approval.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, UserError, ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.core.scope.validation import aware
from switchboard.core.webhooks.events import emit

from .activities import ABSENCES
from .permissions import APPROVE, CLOSE, READ, RECORD

PERIOD_CLOSED = "timekeeping.period.closed"  # webhook event

MAX_LENGTH = timedelta(hours=16)
MAX_NOTE = 500
COLUMNS = (
    "id, tenant_id, client_id, lob_id, employee_id, assignment_id, activity, started_at, ended_at,"
    " work_date, booked_on, timezone, source, state, status, supersedes, adjustment, note,"
    " recorded_by, approved_by, approved_at, created_at"
)


@dataclass(frozen=True)
class EntryValues:
    """A time entry's worked time, validated: ``activity`` is a catalogue value."""

    activity: str
    started_at: datetime
    ended_at: datetime
    note: str | None = None


def validate(values: EntryValues, prefix: str = "") -> EntryValues:
    """Check times are timezone-aware, in order and at most 16 hours apart (all errors at once)."""
    errors = []
    for moment, field in ((values.started_at, "startedAt"), (values.ended_at, "endedAt")):
        try:
            aware(moment, prefix + field)
        except UserError as exc:
            errors.append(exc)
    if errors:
        raise ValidationErrors(errors)
    if values.ended_at <= values.started_at:
        errors.append(UserError("END_BEFORE_START", prefix + "endedAt"))
    elif values.ended_at - values.started_at > MAX_LENGTH:
        errors.append(UserError("TIME_ENTRY_TOO_LONG", prefix + "endedAt", hours=16))
    if values.note is not None and len(values.note) > MAX_NOTE:
        errors.append(UserError("TOO_LONG", prefix + "note", max=MAX_NOTE))
    if errors:
        raise ValidationErrors(errors)
    note = values.note.strip() if values.note and values.note.strip() else None
    return EntryValues(values.activity, values.started_at, values.ended_at, note)


# --- reads -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryFilter:
    """Which entries to list; work dates are the LOB's local dates, ``to`` inclusive."""

    employee_id: UUID | None = None
    client_id: UUID | None = None
    lob_id: UUID | None = None
    work_from: date | None = None
    work_to: date | None = None
    state: str | None = None
    current_only: bool = True


def _where(f: EntryFilter) -> Where:
    where = Where().equal_each({"employee_id": f.employee_id, "client_id": f.client_id, "lob_id": f.lob_id,
                                "state": f.state})
    where.given("work_date >= :work_from", work_from=f.work_from).given("work_date <= :work_to", work_to=f.work_to)
    return where.always("status = 'active'") if f.current_only else where


async def entries_page(db: DbSession, caller: Caller, f: EntryFilter, window: PageRequest, cap: int) -> Fetched:
    """One page of visible entries by start time."""
    caller.require_somewhere(READ)
    if f.work_from and f.work_to and f.work_to < f.work_from:
        raise UserError("END_BEFORE_START", "workTo")
    return await filtered_page(db, f"SELECT {COLUMNS} FROM time_entry", ["started_at", "id"], window, cap, _where(f))


async def entries_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(f"SELECT {COLUMNS} FROM time_entry WHERE id = ANY(:ids)", {"ids": list(ids)})


async def get_entry(db: DbSession, entry_id: UUID, field: str = "id") -> Any:
    """A visible entry, or ``NOT_FOUND``."""
    return await db.first_or_not_found(f"SELECT {COLUMNS} FROM time_entry WHERE id = :id", {"id": entry_id}, field)


async def closed_through(db: DbSession, client_id: UUID) -> date | None:
    """The last closed day of a visible client (None: nothing closed)."""
    return await db.scalar(
        "SELECT max(closed_through) FROM period_close WHERE client_id = :c", {"c": client_id}
    )


# --- writes ----------------------------------------------------------------------------


async def _assignment_for(db: DbSession, employee_id: UUID, lob_id: UUID, started_at: datetime,
                          field: str = "lobId") -> Any:
    """The employee's assignment to the LOB on the start's local date there, with that
    ``work_date`` (``TIME_ENTRY_NOT_ASSIGNED`` when there is none)."""
    row = await db.first(
        "SELECT a.id, a.client_id, a.lob_id, a.employee_id,"
        " (CAST(:s AS timestamptz) AT TIME ZONE l.timezone)::date AS work_date FROM assignment a"
        " JOIN lob l ON l.tenant_id = a.tenant_id AND l.id = a.lob_id"
        " WHERE a.employee_id = :e AND a.lob_id = :l"
        " AND a.valid_during @> (CAST(:s AS timestamptz) AT TIME ZONE l.timezone)::date",
        {"e": employee_id, "l": lob_id, "s": started_at},
    )
    if row is None:
        raise UserError("TIME_ENTRY_NOT_ASSIGNED", field)
    return row


async def _insert(db: DbSession, caller: Caller, assignment: Any, values: EntryValues, source: str,
                  supersedes: UUID | None = None, booked_on: date | None = None,
                  adjustment: bool = False) -> Any:
    return await db.first(
        "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity,"
        " started_at, ended_at, source, note, supersedes, adjustment, booked_on, recorded_by,"
        " work_date, timezone)"
        " VALUES (:t, :c, :l, :e, :a, :activity, :s, :end, :source, :note, :sup, :adj, :booked, :by,"
        " NULL, NULL)"
        f" RETURNING {COLUMNS}",
        {"t": caller.tenant_id, "c": assignment.client_id, "l": assignment.lob_id, "e": assignment.employee_id,
         "a": assignment.id, "activity": values.activity, "s": values.started_at, "end": values.ended_at,
         "source": source, "note": values.note, "sup": supersedes, "adj": adjustment, "booked": booked_on,
         "by": caller.user_id},
    )


async def _check_free(db: DbSession, employee_id: UUID, values: EntryValues, field: str) -> None:
    """No other active working entry of the employee meets the range (``TIME_ENTRY_OVERLAP``)."""
    if values.activity in ABSENCES:
        return
    if await db.scalar(
        "SELECT EXISTS (SELECT 1 FROM time_entry WHERE employee_id = :e AND status = 'active'"
        " AND activity <> ALL(:absences) AND tstzrange(started_at, ended_at) && tstzrange(:s, :end))",
        {"e": employee_id, "s": values.started_at, "end": values.ended_at, "absences": ABSENCES},
    ):
        raise UserError("TIME_ENTRY_OVERLAP", field)


async def record(db: DbSession, caller: Caller, employee_id: UUID, lob_id: UUID, values: EntryValues,
                 source: str = "manual") -> Any:
    """Record worked or absence time of an employee on a LOB."""
    caller.require_somewhere(RECORD)
    values = validate(values)
    await db.first_or_not_found("SELECT id FROM employee WHERE id = :id", {"id": employee_id}, "employeeId")
    await db.first_or_not_found("SELECT id FROM lob WHERE id = :id", {"id": lob_id}, "lobId")
    assignment = await _assignment_for(db, employee_id, lob_id, values.started_at)
    caller.require(RECORD, assignment.client_id, assignment.lob_id)
    await _require_open(db, assignment.client_id, assignment.work_date, "startedAt")
    await _check_free(db, employee_id, values, "startedAt")
    return await _insert(db, caller, assignment, values, source)


async def _require_open(db: DbSession, client_id: UUID, day: date, field: str) -> None:
    """``day`` is after the client's last closed day (``PERIOD_CLOSED``)."""
    closed = await closed_through(db, client_id)
    if closed is not None and day <= closed:
        raise UserError("PERIOD_CLOSED", field)


async def _retire(db: DbSession, caller: Caller, original: Any, status: str) -> Any:
    """Mark a visible active entry ``status`` after the permission check; returns it as updated."""
    caller.require(RECORD, original.client_id, original.lob_id)
    if original.status != "active":
        raise UserError("TIME_ENTRY_FINAL", "id")
    return await db.first(f"UPDATE time_entry SET status = :status WHERE id = :id RETURNING {COLUMNS}",
                        {"status": status, "id": original.id})


async def correct(db: DbSession, caller: Caller, entry_id: UUID, values: EntryValues) -> Any:
    """Supersede an active entry with a corrected one; work on a closed day becomes an
    adjustment booked in the client's next open day."""
    caller.require_somewhere(RECORD)
    values = validate(values)
    original = await _retire(db, caller, await get_entry(db, entry_id), "superseded")
    assignment = await _assignment_for(db, original.employee_id, original.lob_id, values.started_at, "startedAt")
    await _check_free(db, original.employee_id, values, "startedAt")
    closed = await closed_through(db, original.client_id)
    adjustment = closed is not None and assignment.work_date <= closed
    booked = closed + timedelta(days=1) if adjustment else None
    return await _insert(db, caller, assignment, values, original.source, supersedes=original.id,
                         booked_on=booked, adjustment=adjustment)


async def void(db: DbSession, caller: Caller, entry_id: UUID) -> Any:
    """Void an active entry of an open period (kept and audited, no longer counted)."""
    caller.require_somewhere(RECORD)
    original = await get_entry(db, entry_id)
    await _require_open(db, original.client_id, original.booked_on, "id")
    return await _retire(db, caller, original, "voided")


async def approve(db: DbSession, caller: Caller, ids: list[UUID]) -> list[Any]:
    """Approve recorded entries (a supervisor of their LOB; never one's own)."""
    caller.require_somewhere(APPROVE)
    if not ids:
        raise UserError("REQUIRED", "ids")
    rows = await entries_by_ids(db, list(dict.fromkeys(ids)))
    found = {r.id: r for r in rows}
    errors = []
    for index, entry_id in enumerate(dict.fromkeys(ids)):
        row = found.get(entry_id)
        field = f"ids.{index}"
        if row is None:
            errors.append(UserError("NOT_FOUND", field))
        elif not caller.can(APPROVE, row.client_id, row.lob_id):
            raise AccessError("FORBIDDEN", permission=APPROVE)
        elif caller.employee_id is not None and row.employee_id == caller.employee_id:
            errors.append(UserError("SELF_APPROVAL", field))
        elif row.status != "active" or row.state != "recorded":
            errors.append(UserError("TIME_ENTRY_FINAL", field))
    if errors:
        raise ValidationErrors(errors)
    return await db.all(
        "UPDATE time_entry SET state = 'approved', approved_by = :by, approved_at = now()"
        f" WHERE id = ANY(:ids) RETURNING {COLUMNS}",
        {"by": caller.user_id, "ids": list(found)},
    )


async def close_period(db: DbSession, caller: Caller, client_id: UUID, through: date) -> Any:
    """Close a client's days up to ``through`` (inclusive): every active entry must be approved."""
    caller.require_somewhere(CLOSE)
    await db.first_or_not_found("SELECT id FROM client WHERE id = :id", {"id": client_id}, "clientId")
    caller.require(CLOSE, client_id)
    closed = await closed_through(db, client_id)
    if closed is not None and through <= closed:
        raise UserError("PERIOD_ALREADY_CLOSED", "through")
    pending = await db.scalar(
        "SELECT count(*) FROM time_entry WHERE client_id = :c AND booked_on <= :d"
        " AND status = 'active' AND state = 'recorded'",
        {"c": client_id, "d": through},
    )
    if pending:
        raise UserError("PERIOD_HAS_UNAPPROVED", "through", count=pending)
    row = await db.first(
        "INSERT INTO period_close (tenant_id, client_id, closed_through, closed_by)"
        " VALUES (:t, :c, :d, :by) RETURNING id, client_id, closed_through, closed_by, created_at",
        {"t": caller.tenant_id, "c": client_id, "d": through, "by": caller.user_id},
    )
    await emit(db, caller.tenant_id, PERIOD_CLOSED, {
        "periodCloseId": str(row.id), "clientId": str(client_id), "closedThrough": through.isoformat(),
        "closedBy": str(caller.user_id)}, client_id)
    return row
