"""Build the solver's :class:`~switchboard.plugins.scheduling.solver.problem.Problem` for a
set of LOBs and a week, reading as the requester (row security bounds what it sees).

* horizon: 30-minute UTC grid covering every LOB's local week (:mod:`.grid`);
* each LOB's requirement (:mod:`.requirement`, fractional, after shrinkage; a slot takes
  the largest value of the forecast intervals it overlaps) and its SLA priority;
* agents: employees with an assignment to one of the LOBs active during the week;
* per agent and LOB, the local days on which core's eligibility statement finds no
  reason against them (the same statement and rules as ``eligibleAgents``, without
  the scheduling plugin's own rules, which the caps and candidate shifts express);
* per assignment, its weekly-hours cap less the minutes already published in other
  schedules; the legal weekly maximum less every published minute;
* candidate shifts from the LOBs' shift templates, inside the agent's availability
  (when recorded), clear of approved time off, and clear of shifts already published
  (this week for other LOBs, or the weeks around it) by the minimum rest; 11 h rest, at
  most 6 days in a row, counting the days those published shifts are worked.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import numpy as np

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.graphql.pagination import Window
from switchboard.core.identity.caller import Caller
from switchboard.core.workforce.eligibility import EligibilityRule, statement
from switchboard.plugins.scheduling.lobs import lobs_for
from switchboard.plugins.scheduling.permissions import SOLVE
from switchboard.plugins.scheduling.planning.grid import (
    DAYS,
    index_ceil,
    index_floor,
    local_instant,
    local_midnight,
    on_grid,
    week_horizon,
)
from switchboard.plugins.scheduling.planning.requirement import Requirement, lob_requirement
from switchboard.plugins.scheduling.schedules.availability import windows_of_employees
from switchboard.plugins.scheduling.schedules.eligibility import RULES as SCHEDULING_RULES
from switchboard.plugins.scheduling.solver.problem import Agent, Eligibility, Horizon, Lob, Problem, Shift

MIN_REST_MINUTES = 11 * 60
MAX_CONSECUTIVE_DAYS = 6
MAX_CANDIDATES = 100_000

ASSIGNMENTS = """
SELECT DISTINCT ON (a.employee_id, a.lob_id) a.id, a.employee_id, a.lob_id, a.weekly_hours_cap
  FROM assignment a
 WHERE a.lob_id = ANY(:lobs) AND a.valid_during && daterange(:first, :last, '[]')
 ORDER BY a.employee_id, a.lob_id, lower(a.valid_during) DESC"""
TEMPLATES = """
SELECT lob_id, length_minutes, earliest_start, latest_start, start_step_minutes, unpaid_break_minutes, weekdays
  FROM shift_template WHERE lob_id = ANY(:lobs) ORDER BY lob_id, name"""
TIME_OFF = """
SELECT employee_id, lower(during) AS starts_at, upper(during) AS ends_at FROM time_off
 WHERE status = 'approved' AND employee_id = ANY(:ids) AND during && tstzrange(:start, :end)"""
PUBLISHED = """
SELECT employee_id, lower(during) AS starts_at, upper(during) AS ends_at
  FROM scheduling.published_shifts(CAST(:ids AS uuid[]), tstzrange(:start, :end))"""
COMMITTED = """
SELECT employee_id, assignment_id, minutes
  FROM scheduling.committed_minutes(CAST(:ids AS uuid[]), tstzmultirange(tstzrange(:start, :end)))"""


@dataclass(frozen=True)
class WeekProblem:
    """The problem, and what turns its answer back into rows: the assignment of each
    (employee, LOB) and the LOB rows, in the request's order."""

    problem: Problem
    assignments: dict[tuple[UUID, UUID], UUID]
    lobs: list[Any]
    week_start: date


def check_week(week_start: date) -> None:
    """``WEEK_START_NOT_MONDAY`` unless ``week_start`` is a Monday."""
    if week_start.isoweekday() != 1:
        raise UserError("WEEK_START_NOT_MONDAY", "weekStart")


def _merge(windows: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    out: list[list[int]] = []
    for a, b in sorted(w for w in windows if w[0] < w[1]):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return tuple((a, b) for a, b in out)


def _required(horizon: Horizon, req: Requirement) -> tuple[float, ...]:
    """The requirement on the grid: each slot the largest value of the forecast intervals it meets."""
    out = np.zeros(horizon.intervals)
    length = timedelta(minutes=req.interval_minutes or horizon.interval_minutes)
    for start, value in zip(req.starts, req.scheduled, strict=True):
        a, b = index_floor(horizon, start), index_ceil(horizon, start + length)
        out[a:b] = np.maximum(out[a:b], value)
    return tuple(float(x) for x in out)


async def _eligible_days(db: DbSession, rules: Sequence[EligibilityRule], lob: Any, week_start: date,
                         employees: set[UUID]) -> dict[UUID, list[int]]:
    """Per employee, the local days (0 = Monday) the rules find nothing against them on ``lob``."""
    page = statement(rules, Window(first=MAX_CANDIDATES), MAX_CANDIDATES)
    sql, params = page.sql, page.params
    days: dict[UUID, list[int]] = defaultdict(list)
    for d in range(DAYS):
        day = week_start + timedelta(days=d)
        rows = await db.all(sql, {**params, "lob_id": lob.id, "window_start": local_midnight(day, lob.timezone),
                                  "window_end": local_midnight(day + timedelta(days=1), lob.timezone)})
        for r in rows:
            if r.id in employees and not r.ineligible:
                days[r.id].append(d)
    return days


def _template_shifts(horizon: Horizon, lob: Any, template: Any, week_start: date) -> list[Shift]:
    """Every start of ``template`` in the LOB's local week that falls on the grid."""
    out = []
    length = horizon.to_intervals(template.length_minutes)
    pause = horizon.to_intervals(template.unpaid_break_minutes) if template.unpaid_break_minutes else 0
    first = (length - pause) // 2
    step = timedelta(minutes=template.start_step_minutes)
    for d in range(DAYS):
        day = week_start + timedelta(days=d)
        if day.isoweekday() not in template.weekdays:
            continue
        moment = datetime.combine(day, template.earliest_start)
        while moment.time() <= template.latest_start and moment.date() == day:
            at = local_instant(day, moment.time(), lob.timezone)
            start = index_floor(horizon, at)
            if on_grid(horizon, at) and start + length <= horizon.intervals and at >= horizon.start:
                breaks = tuple(range(start + first, start + first + pause))
                out.append(Shift(start, length, d, breaks))
            moment += step
    return out


def _spans(horizon: Horizon, rows: list[Any]) -> dict[UUID, list[tuple[int, int]]]:
    """Per employee, ``(starts_at, ends_at)`` rows as grid index ranges (rounded outwards)."""
    out: dict[UUID, list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        out[r.employee_id].append((index_floor(horizon, r.starts_at), index_ceil(horizon, r.ends_at)))
    return out


def _availability(horizon: Horizon, rows: list[Any], week_start: date) -> dict[UUID, tuple[tuple[int, int], ...]]:
    """Per employee with recorded availability, the grid ranges it covers (rounded inwards)."""
    out: dict[UUID, list[tuple[int, int]]] = defaultdict(list)
    for r in rows:
        for d in range(-1, DAYS + 1):
            day = week_start + timedelta(days=d)
            if day.isoweekday() != r.weekday:
                continue
            end = (local_midnight(day + timedelta(days=1), r.timezone) if r.end_time.hour == r.end_time.minute == 0
                   else local_instant(day, r.end_time, r.timezone))
            out[r.employee_id].append((index_ceil(horizon, local_instant(day, r.start_time, r.timezone)),
                                       index_floor(horizon, end)))
    return {e: _merge(w) for e, w in out.items()}


def _fits(shift: Shift, available: tuple[tuple[int, int], ...] | None, away: list[tuple[int, int]]) -> bool:
    inside = available is None or any(a <= shift.start and shift.end <= b for a, b in available)
    return inside and not any(a < shift.end and shift.start < b for a, b in away)


def _clear(horizon: Horizon, shift: Shift, busy: list[tuple[datetime, datetime]]) -> bool:
    """True when ``shift`` keeps the minimum rest from every ``busy`` (published) span."""
    rest = timedelta(minutes=MIN_REST_MINUTES)
    start, end = horizon.at(shift.start), horizon.at(shift.end)
    return not any(start < b + rest and a < end + rest for a, b in busy)


def _worked_days(busy: list[tuple[datetime, datetime]], week_start: date, zone: str) -> tuple[int, ...]:
    """The local days (0 = ``week_start``) on which a ``busy`` span starts."""
    return tuple(sorted({(a.astimezone(ZoneInfo(zone)).date() - week_start).days for a, _ in busy}))


async def build_week_problem(db: DbSession, caller: Caller, rules: Sequence[EligibilityRule],
                             lob_ids: Sequence[UUID], week_start: date) -> WeekProblem:
    """The week's problem for ``lob_ids`` as ``caller`` sees it (``scheduling.schedule.solve`` on each).

    ``rules``: every enabled eligibility rule (the runtime's); the scheduling plugin's own
    are left out here, as the caps and candidate shifts express them."""
    rules = [r for r in rules if r not in SCHEDULING_RULES]
    check_week(week_start)
    lobs = await lobs_for(db, caller, lob_ids, SOLVE)
    horizon = week_horizon(week_start, (lob.timezone for lob in lobs))
    ids = [lob.id for lob in lobs]
    problem_lobs = []
    for lob in lobs:
        req = await lob_requirement(db, lob, local_midnight(week_start, lob.timezone),
                                    local_midnight(week_start + timedelta(days=DAYS), lob.timezone))
        problem_lobs.append(Lob(lob.id, _required(horizon, req), float(req.parameters.priority)))

    rows = await db.all(ASSIGNMENTS, {"lobs": ids, "first": week_start,
                                      "last": week_start + timedelta(days=DAYS - 1)})
    assignments = {(r.employee_id, r.lob_id): r for r in rows}
    employees = sorted({r.employee_id for r in rows})
    span = {"ids": [str(e) for e in employees], "start": horizon.start, "end": horizon.at(horizon.intervals)}
    committed: dict[UUID | None, float] = defaultdict(float)
    total: dict[UUID, float] = defaultdict(float)
    for r in await db.all(COMMITTED, span):
        committed[r.assignment_id] += float(r.minutes)
        total[r.employee_id] += float(r.minutes)
    legal = await db.scalar("SELECT scheduling.legal_weekly_max_minutes()")

    windows: dict[UUID, dict[UUID, list[tuple[int, int]]]] = defaultdict(dict)
    shifts_of_lob: dict[UUID, list[Shift]] = defaultdict(list)
    templates = await db.all(TEMPLATES, {"lobs": ids})
    for lob in lobs:
        days = await _eligible_days(db, rules, lob, week_start, set(employees))
        bounds = [(index_ceil(horizon, local_midnight(week_start + timedelta(days=d), lob.timezone)),
                   index_floor(horizon, local_midnight(week_start + timedelta(days=d + 1), lob.timezone)))
                  for d in range(DAYS)]
        for employee, worked in days.items():
            if (employee, lob.id) in assignments:
                windows[employee][lob.id] = [bounds[d] for d in worked]
        for t in templates:
            if t.lob_id == lob.id:
                shifts_of_lob[lob.id] += _template_shifts(horizon, lob, t, week_start)

    available = _availability(horizon, await windows_of_employees(db, employees), week_start)
    away = _spans(horizon, await db.all(TIME_OFF, span))
    reach = max(timedelta(days=MAX_CONSECUTIVE_DAYS + 1), timedelta(minutes=MIN_REST_MINUTES))
    around = {**span, "start": horizon.start - reach, "end": horizon.at(horizon.intervals) + reach}
    busy: dict[UUID, list[tuple[datetime, datetime]]] = defaultdict(list)
    for r in await db.all(PUBLISHED, around):
        busy[r.employee_id].append((r.starts_at, r.ends_at))
    zones = {lob.id: lob.timezone for lob in lobs}
    agents = []
    for employee in employees:
        eligibility = tuple(
            Eligibility(lob_id, _merge(w), max(0, int(float(assignments[employee, lob_id].weekly_hours_cap) * 60
                                                      - committed[assignments[employee, lob_id].id])))
            for lob_id, w in windows[employee].items() if w)
        if not eligibility:
            continue
        candidates = dict.fromkeys(s for e in eligibility for s in shifts_of_lob[e.lob])
        shifts = tuple(s for s in candidates if _fits(s, available.get(employee), away[employee])
                       and _clear(horizon, s, busy[employee])
                       and all(any(e.allows(t) for e in eligibility) for t in s.worked))
        if shifts:
            agents.append(Agent(employee, shifts, eligibility, legal_max_minutes=max(0, int(legal - total[employee])),
                                min_rest_minutes=MIN_REST_MINUTES, max_consecutive_days=MAX_CONSECUTIVE_DAYS,
                                worked_days=_worked_days(busy[employee], week_start, zones[eligibility[0].lob])))
    problem = Problem(horizon, tuple(problem_lobs), tuple(agents))
    return WeekProblem(problem, {k: r.id for k, r in assignments.items()}, lobs, week_start)
