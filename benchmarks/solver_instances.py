"""Schedule-solver instances for the benchmarks: the mid demo's week and a single LOB.

The mid demo instance is built from the in-memory demo (no database): eligibility per
LOB comes from the agents' assignments active on each local date (credentials are
not consulted here; the integrator applies core's full eligibility rules), caps from
the assignments' weekly hours, shifts from the agent's contract templates (8 h with a
30-minute break from 30 h a week, else 6 h and 4 h) starting on the hour inside
07:00-22:00 in the agent's main LOB's timezone, and a requirement per LOB with an intraday and weekly shape scaled so
the LOB's eligible agents can mostly, but not fully, cover it.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from switchboard.core.demo.generate import SIZES, generate
from switchboard.plugins.scheduling.solver.problem import Agent, Eligibility, Horizon, Lob, Problem, Shift

INTERVAL_MINUTES = 30
DAYS = 7
FULL_TIME = ((8 * 60, (4 * 60,)),)  # (minutes, break offsets in minutes): 8 h with a 30-minute break
PART_TIME = ((6 * 60, ()), (4 * 60, ()))
FULL_TIME_FROM = 30 * 60  # weekly minutes from which an agent works full-time shifts
OPEN, CLOSE = time(7), time(22)
WEEKLY_SHAPE = (1.0, 0.95, 0.95, 1.0, 1.05, 0.6, 0.4)  # Monday first
LEGAL_MAX_MINUTES = 48 * 60
COVERABLE_SHARE = 0.85  # the requirement, over the week, vs the eligible agents' capped hours


def week_horizon(monday: date) -> Horizon:
    """A week of half-hours from ``monday`` 00:00 UTC."""
    return Horizon(datetime.combine(monday, time(), UTC), INTERVAL_MINUTES, DAYS * 24 * 60 // INTERVAL_MINUTES)


def intraday(hour: float) -> float:
    """The demand of an hour of the local day: two humps (late morning, mid afternoon), 0 when closed."""
    if not OPEN.hour <= hour < CLOSE.hour:
        return 0.0
    return 0.25 + math.exp(-((hour - 10.5) / 2.0) ** 2) + 0.8 * math.exp(-((hour - 15.0) / 2.5) ** 2)


def shape(horizon: Horizon, zone: ZoneInfo) -> list[float]:
    """The requirement's shape per interval of ``horizon``, in the LOB's local time."""
    out = []
    for t in range(horizon.intervals):
        local = horizon.at(t).astimezone(zone)
        out.append(intraday(local.hour + local.minute / 60) * WEEKLY_SHAPE[local.weekday()])
    return out


def template_shifts(horizon: Horizon, zone: ZoneInfo, monday: date, templates: tuple = FULL_TIME + PART_TIME,
                    start_step_minutes: int = 60) -> tuple[Shift, ...]:
    """Every shift of ``templates`` inside 07:00-22:00 local on the seven local days from ``monday``."""
    shifts = []
    im = horizon.interval_minutes
    for day in range(DAYS):
        local_day = monday + timedelta(days=day)
        opening = datetime.combine(local_day, OPEN, zone)
        closing = datetime.combine(local_day, CLOSE, zone)
        for minutes, breaks in templates:
            begin = opening
            while begin + timedelta(minutes=minutes) <= closing:
                start = int((begin - horizon.start).total_seconds() // 60) // im
                length = minutes // im
                if 0 <= start and start + length <= horizon.intervals:
                    shifts.append(Shift(start, length, day, tuple(start + b // im for b in breaks)))
                begin += timedelta(minutes=start_step_minutes)
    return tuple(shifts)


def mid_demo_problem(seed: int = 7, start_step_minutes: int = 60) -> Problem:
    """The mid demo's first week (from its anchor Monday) as a schedule problem."""
    demo = generate(SIZES["mid"], seed, "not-a-password-hash")
    monday = demo.anchor
    horizon = week_horizon(monday)
    lobs = {lob.id: lob for lob in demo.lobs}
    zones = {lob_id: ZoneInfo(lob.timezone) for lob_id, lob in lobs.items()}
    local_dates = {z: [horizon.at(t).astimezone(z).date() for t in range(horizon.intervals)]
                   for z in set(zones.values())}
    jobs = defaultdict(list)
    for a in demo.assignments:
        if a.role in ("agent", "lead") and any(a.active_on(monday + timedelta(days=d)) for d in range(DAYS)):
            jobs[a.employee_id].append(a)
    capacity: dict[object, float] = defaultdict(float)
    agents = []
    for employee_id, assignments in sorted(jobs.items()):
        main = max(assignments, key=lambda a: (a.weekly_hours_cap, str(a.lob_id)))
        eligibility = []
        for a in assignments:
            dates = local_dates[zones[a.lob_id]]
            active = [a.active_on(d) for d in dates]
            cap = int(a.weekly_hours_cap * 60)
            eligibility.append(Eligibility(str(a.lob_id), runs(active), cap))
            capacity[a.lob_id] += cap / horizon.interval_minutes
        target = min(LEGAL_MAX_MINUTES, sum(e.weekly_cap_minutes for e in eligibility))
        templates = FULL_TIME if target >= FULL_TIME_FROM else PART_TIME
        shifts = template_shifts(horizon, zones[main.lob_id], monday, templates, start_step_minutes)
        agents.append(Agent(str(employee_id), shifts,
                            tuple(eligibility), LEGAL_MAX_MINUTES, cost_per_hour=main.pay_rate,
                            target_minutes=target))
    problem_lobs = []
    for lob_id, lob in lobs.items():
        curve = shape(horizon, zones[lob_id])
        scale = COVERABLE_SHARE * capacity[lob_id] / sum(curve)
        problem_lobs.append(Lob(str(lob_id), tuple(round(v * scale, 2) for v in curve),
                                priority=float(lob.sla_target_pct) / 80))
    return Problem(horizon, tuple(problem_lobs), tuple(agents))


def runs(flags: list[bool]) -> tuple[tuple[int, int], ...]:
    """Half-open ranges of consecutive true flags."""
    out, begin = [], None
    for i, flag in enumerate([*flags, False]):
        if flag and begin is None:
            begin = i
        elif not flag and begin is not None:
            out.append((begin, i))
            begin = None
    return tuple(out)


def single_lob_problem(agents: int, peak: float, monday: date = date(2026, 11, 23)) -> Problem:
    """One LOB in UTC with an integer requirement (what pyworkforce takes) and ``agents``
    identical agents (40 h cap, 11 h rest, 6 days in a row at most)."""
    horizon = week_horizon(monday)
    utc = ZoneInfo("UTC")
    curve = shape(horizon, utc)
    top = max(curve)
    required = tuple(float(round(v / top * peak)) for v in curve)
    shifts = template_shifts(horizon, utc, monday)
    everyone = (Eligibility("lob", ((0, horizon.intervals),), 40 * 60),)
    crew = tuple(Agent(f"agent-{i:03d}", shifts, everyone, LEGAL_MAX_MINUTES, cost_per_hour=Decimal(20))
                 for i in range(agents))
    return Problem(horizon, (Lob("lob", required),), crew)
