"""Schedules and their segments: read them, publish and unpublish them.

A schedule is one solve's outcome for a set of LOBs and a week (written by the
solve job, as its requester). Publishing it makes its segments what employees
work: the database refuses (``SCHEDULE_CONFLICT``) when a segment overlaps a
published segment of the same employee in another schedule, whichever client that
one is for, and (``SCHEDULE_ASSIGNMENT_INACTIVE``) when a segment's assignment is
not active on its local date. Publishing and unpublishing need
``scheduling.schedule.publish`` on every LOB of the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.scope.validation import aware
from switchboard.core.webhooks.events import emit
from switchboard.plugins.scheduling.permissions import PUBLISH, SCHEDULE_READ, SETTINGS_MANAGE

SCHEDULE_PUBLISHED = "scheduling.schedule.published"  # webhook event
SCHEDULE_COLUMNS = (
    "id, lob_ids, week_start, state, job_id, solver_status, objective, best_bound, gap, published_at,"
    " published_by, created_at"
)
# the LOB's time zone renders a segment locally (NULL when the LOB is no longer visible)
SEGMENTS = (
    "SELECT * FROM (SELECT s.id, s.schedule_id, s.client_id, s.lob_id, s.employee_id, s.assignment_id,"
    " s.activity, s.starts_at, s.ends_at, s.published, l.timezone FROM schedule_segment s"
    " LEFT JOIN lob l ON l.tenant_id = s.tenant_id AND l.id = s.lob_id) segment"
)
MAX_LEGAL_HOURS = 168


# --- reads -----------------------------------------------------------------------------


async def schedules_page(db: DbSession, caller: Caller, week_start: date | None, state: str | None,
                         window: PageRequest, cap: int) -> Fetched:
    """One page of visible schedules by week."""
    caller.require_somewhere(SCHEDULE_READ)
    return await filtered_page(db, f"SELECT {SCHEDULE_COLUMNS} FROM schedule", ["week_start", "id"], window,
                               cap, Where().equal_each({"week_start": week_start, "state": state}))


async def schedules_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(f"SELECT {SCHEDULE_COLUMNS} FROM schedule WHERE id = ANY(:ids)", {"ids": list(ids)})


@dataclass(frozen=True)
class SegmentFilter:
    """Which segments: of a schedule, an employee, a LOB, meeting ``[start, end)``."""

    schedule_id: UUID | None = None
    employee_id: UUID | None = None
    lob_id: UUID | None = None
    start: datetime | None = None
    end: datetime | None = None


async def segments_page(db: DbSession, caller: Caller, f: SegmentFilter, window: PageRequest,
                        cap: int) -> Fetched:
    """One page of visible segments by start."""
    caller.require_somewhere(SCHEDULE_READ)
    where = Where().equal_each({"schedule_id": f.schedule_id, "employee_id": f.employee_id, "lob_id": f.lob_id})
    where.overlapping(("starts_at", "ends_at"), f.start and aware(f.start, "start"), f.end and aware(f.end, "end"))
    return await filtered_page(db, SEGMENTS, ["starts_at", "id"], window, cap, where)


async def committed_minutes(db: DbSession, caller: Caller, employee_ids: list[UUID], start: datetime,
                            end: datetime) -> list[Any]:
    """Published paid minutes in ``[start, end)`` per visible employee and assignment; the
    assignments the caller cannot see fold into one row without an assignment."""
    caller.require_somewhere(SCHEDULE_READ)
    aware(start, "start")
    aware(end, "end")
    if end <= start:
        raise UserError("END_BEFORE_START", "end")
    return await db.all(
        "SELECT employee_id, assignment_id, minutes FROM scheduling.committed_minutes("
        " CAST(:ids AS uuid[]), tstzmultirange(tstzrange(:s, :e))) ORDER BY employee_id, assignment_id NULLS LAST",
        {"ids": [str(i) for i in employee_ids], "s": start, "e": end},
    )


# --- publication -----------------------------------------------------------------------


async def _require_publisher(db: DbSession, caller: Caller, schedule_id: UUID) -> tuple[Any, list[Any]]:
    """The visible schedule and its LOBs, once the caller is known to hold the publish key on each."""
    caller.require_somewhere(PUBLISH)
    row = await db.first_or_not_found(f"SELECT {SCHEDULE_COLUMNS} FROM schedule WHERE id = :id",
                                      {"id": schedule_id}, "id")
    lobs = await db.all("SELECT id, client_id FROM lob WHERE id = ANY(:ids) ORDER BY client_id, id",
                        {"ids": row.lob_ids})
    for lob in lobs:
        caller.require(PUBLISH, lob.client_id, lob.id)
    return row, lobs


async def _set_state(db: DbSession, schedule_id: UUID, state: str) -> Any:
    return await db.first(f"UPDATE schedule SET state = :state WHERE id = :id RETURNING {SCHEDULE_COLUMNS}",
                        {"state": state, "id": schedule_id})


async def publish(db: DbSession, caller: Caller, schedule_id: UUID) -> Any:
    """Publish a draft schedule (refusals: ``SCHEDULE_ALREADY_PUBLISHED``, ``SCHEDULE_CONFLICT``,
    ``SCHEDULE_ASSIGNMENT_INACTIVE``); a ``scheduling.schedule.published`` event per client of its
    LOBs, naming that client's LOBs only."""
    row, lobs = await _require_publisher(db, caller, schedule_id)
    if row.state == "published":
        raise UserError("SCHEDULE_ALREADY_PUBLISHED", "id")
    published = await _set_state(db, schedule_id, "published")
    for client_id, of_client in groupby(lobs, key=lambda lob: lob.client_id):
        await emit(db, caller.tenant_id, SCHEDULE_PUBLISHED, {
            "scheduleId": str(schedule_id), "weekStart": published.week_start.isoformat(),
            "lobIds": [str(lob.id) for lob in of_client], "publishedBy": str(caller.user_id)}, client_id)
    return published


async def unpublish(db: DbSession, caller: Caller, schedule_id: UUID) -> Any:
    """Turn a published schedule back into a draft (``SCHEDULE_NOT_PUBLISHED``)."""
    row, _ = await _require_publisher(db, caller, schedule_id)
    if row.state != "published":
        raise UserError("SCHEDULE_NOT_PUBLISHED", "id")
    return await _set_state(db, schedule_id, "draft")


# --- settings --------------------------------------------------------------------------


def hours(minutes: int) -> float:
    """Minutes as hours, to the hundredth."""
    return round(minutes / 60, 2)


async def legal_weekly_max_minutes(db: DbSession, caller: Caller) -> int:
    """The tenant's legal weekly maximum across clients, in minutes (48 h unless set)."""
    caller.require_somewhere(SCHEDULE_READ)
    return await db.scalar("SELECT scheduling.legal_weekly_max_minutes()")


async def set_legal_weekly_max(db: DbSession, caller: Caller, hours: Decimal | float) -> int:
    """Set the tenant's legal weekly maximum (whole minutes, 1 to 168 hours); returns it in minutes."""
    caller.require(SETTINGS_MANAGE)
    minutes = Decimal(str(hours)) * 60  # through its text: 40.1 h is 2,406 minutes, not 2,405.99…
    if not (1 <= hours <= MAX_LEGAL_HOURS) or minutes != minutes.to_integral_value():
        raise UserError("LEGAL_MAX_OUT_OF_RANGE", "hours", min=1, max=MAX_LEGAL_HOURS)
    return await db.scalar(
        "INSERT INTO scheduling_settings (tenant_id, legal_weekly_max_minutes) VALUES (:t, :m)"
        " ON CONFLICT (tenant_id) DO UPDATE SET legal_weekly_max_minutes = EXCLUDED.legal_weekly_max_minutes"
        " RETURNING legal_weekly_max_minutes",
        {"t": caller.tenant_id, "m": int(minutes)},
    )



async def coverage_of(db: DbSession, caller: Caller, schedule_id: UUID) -> Any:
    """A visible schedule's coverage gaps and under-covered minutes (None when not visible)."""
    caller.require_somewhere(SCHEDULE_READ)
    return await db.first("SELECT id, coverage_gaps, under_coverage_minutes FROM schedule WHERE id = :id",
                          {"id": schedule_id})
