"""The ledger's demo rows: a year of worked time for every demo agent.

Each agent works half-day blocks (08:00-12:00 and 12:30-16:30 in their own timezone:
the home site's, else their first LOB's) Monday to Friday; an agent of several
clients fills the week's half-days client by client in proportion to each
assignment's weekly-hours cap, so many weeks and some days are split across
clients. A half-day is two handling blocks around a 15-minute break (some blocks
are training, coaching, meetings, after-contact work or available time); the
half-hour between them is an unrecorded lunch. On top of that, deterministically:

* overtime weeks: a Saturday on one of the agent's clients (more often for agents
  of several clients), which crosses the weekly threshold of every jurisdiction;
* long days to 18:30 (daily overtime where the rule has it, as in California);
* stat holidays of the agent's region: most agents are off, some work;
* two vacation weeks a year and sick days, as absence entries;
* corrections (a handling block ended early, superseding the punch) and, after
  the month-end close, adjustments booked in the next open period.

Entries up to the end of last week are approved (by the LOB's supervisor login
where the demo has one, else the tenant admin); every client is closed through
the end of last month. ``small`` holds four weeks, ``mid`` (about 0.5 M entries)
and ``large`` (about 5 M) a year. Rows are written with COPY through the ledger's
triggers (assignment and close checks, work date, audit).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, text

from switchboard.core.demo.builder import load_rows
from switchboard.core.demo.model import Assignment, DemoResult, Employee, time_ordered_id
from switchboard.core.scope.holidays import public_holidays

SPAN_DAYS = {"small": 28, "mid": 364, "large": 364}
HALF_HOURS = 4
SLOTS = [(day, half) for day in range(5) for half in (0, 1)]  # Monday AM … Friday PM
SATURDAY = 5

OVERTIME_WEEK = {1: 0.04, 2: 0.15, 3: 0.2}  # by the number of clients the agent works for
LONG_DAY = 0.04
HOLIDAY_WORK = 0.3
SICK_DAY = 0.02
VACATION_WEEKS = 2
CORRECTION = 0.003
ADJUSTMENTS_PER_CLIENT = 3
BLOCK_ACTIVITY = (("handling", 0.86), ("after_contact_work", 0.04), ("available", 0.03), ("training", 0.03),
                  ("coaching", 0.02), ("meeting", 0.02))

# Local times of a half-day: two working blocks around a break.
AM = ((time(8), time(10)), (time(10), time(10, 15)), (time(10, 15), time(12)))
PM = ((time(12, 30), time(14, 30)), (time(14, 30), time(14, 45)), (time(14, 45), time(16, 30)))
LONG_END = time(18, 30)

COLUMNS = ("id", "tenant_id", "client_id", "lob_id", "employee_id", "assignment_id", "activity", "started_at",
           "ended_at", "source", "state", "status", "supersedes", "note", "recorded_by", "approved_by",
           "approved_at")


@dataclass(frozen=True)
class Plan:
    """What the ledger demo covers: its days, the approval and close cut-offs, who signs."""

    first: date
    last: date
    approved_through: date
    closed_through: date
    admin: uuid.UUID
    finance: uuid.UUID
    approvers: dict[uuid.UUID, uuid.UUID]  # lob id -> the supervisor login approving it

    @classmethod
    def of(cls, demo: DemoResult) -> Plan:
        users = {u.role: u for u in demo.users}
        lobs = {(lob.client_code, lob.code): lob.id for lob in demo.lobs}
        approvers = {lobs[tuple(u.scope.split("/"))]: u.id for u in demo.users
                     if u.role == "supervisor" and "/" in u.scope}
        last = demo.anchor - timedelta(days=1)
        return cls(demo.anchor - timedelta(days=SPAN_DAYS[demo.size]), last, last - timedelta(days=7),
                   demo.anchor.replace(day=1) - timedelta(days=1), users["tenant_admin"].id, users["finance"].id,
                   approvers)


@cache
def _instant(zone: str, day: date, at: time) -> datetime:
    """``day`` at local time ``at`` in ``zone``, in UTC (the DST change included)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(zone)).astimezone(UTC)


@dataclass(frozen=True)
class Agent:
    """One agent's fixed facts for the year: agent assignments, timezone, vacation weeks."""

    employee: Employee
    assignments: list[Assignment]
    zone: str
    vacation: frozenset[int]
    clients: int


class Ledger:
    """Generates the entries of one demo, week by week, from one seeded RNG.

    Ids are time-ordered (UUID version 7 from the entry's start, random bits from the
    seed), and rows come week by week, so a load appends to the ledger's indexes."""

    def __init__(self, demo: DemoResult, plan: Plan) -> None:
        self.demo = demo
        self.plan = plan
        self.rng = random.Random(f"{demo.seed}:timekeeping")
        self.lobs = {lob.id: lob for lob in demo.lobs}
        self.sites = {site.id: site for site in demo.sites}
        self.monday = plan.first - timedelta(days=plan.first.weekday())
        self.weeks = range((plan.last - self.monday).days // 7 + 1)
        self.corrections: list[tuple] = []

    def new_id(self, moment: datetime) -> uuid.UUID:
        """A version-7 id for ``moment``: its Unix milliseconds, then 74 random bits."""
        return time_ordered_id(moment, self.rng.getrandbits(74))

    def rows(self) -> Iterator[tuple]:
        """Every entry row (``COLUMNS``), week by week; corrections after the entries they supersede."""
        agents = self.agents()
        for week in self.weeks:
            for agent in agents:
                yield from self.week_rows(agent, week)
        yield from self.corrections

    def agents(self) -> list[Agent]:
        held: dict[uuid.UUID, list[Assignment]] = {}
        for a in self.demo.assignments:
            if a.role == "agent":
                held.setdefault(a.employee_id, []).append(a)
        weeks = list(self.weeks)
        agents = []
        for employee in self.demo.employees:
            if employee.id not in held:
                continue
            assignments = sorted(held[employee.id], key=lambda a: (a.start, a.id))
            zone = (self.sites[employee.home_site_id].timezone if employee.home_site_id
                    else self.lobs[assignments[0].lob_id].timezone)
            vacation = frozenset(self.rng.sample(weeks, VACATION_WEEKS)) if len(weeks) > 8 else frozenset()
            agents.append(Agent(employee, assignments, zone, vacation, len({a.client_id for a in assignments})))
        return agents

    def week_rows(self, agent: Agent, week: int) -> Iterator[tuple]:
        rng, plan, zone = self.rng, self.plan, agent.zone
        start = self.monday + timedelta(weeks=week)
        slots = self.week_slots(agent.assignments, start, agent.clients)
        for (weekday, half), assignment in slots.items():
            day = start + timedelta(days=weekday)
            if not plan.first <= day <= plan.last or not self.working(assignment, day):
                continue
            country, _, subdivision = agent.employee.work_region.partition("-")
            if day in public_holidays(country, subdivision or None, day.year) and rng.random() >= HOLIDAY_WORK:
                continue
            if week in agent.vacation:
                if half == 0 or (weekday, 0) not in slots:
                    yield self.absence(assignment, zone, day, "vacation")
                continue
            yield from self.half(assignment, zone, day, half)

    def week_slots(self, assignments: list[Assignment], monday: date,
                   clients: int) -> dict[tuple[int, int], Assignment]:
        """Which assignment works each half-day of the week starting ``monday``."""
        rng = self.rng
        active = [a for a in assignments if a.active_on(monday) or a.active_on(monday + timedelta(days=4))]
        halves = [max(1, round(float(a.weekly_hours_cap) / HALF_HOURS)) for a in active]
        offset = rng.randint(0, max(0, len(SLOTS) - sum(halves)))
        slots: dict[tuple[int, int], Assignment] = {}
        position = offset
        for assignment, count in zip(active, halves, strict=True):
            for slot in SLOTS[position:position + count]:
                slots[slot] = assignment
            position += count
        if active and rng.random() < OVERTIME_WEEK[min(clients, 3)]:
            extra = rng.choice(active)
            slots[(SATURDAY, 0)] = slots[(SATURDAY, 1)] = extra
        return slots

    @staticmethod
    def working(assignment: Assignment, day: date) -> bool:
        """Active the day before, of and after: a shift's LOB-local date may differ by one."""
        return all(assignment.active_on(day + timedelta(days=d)) for d in (-1, 0, 1))

    def half(self, a: Assignment, zone: str, day: date, half: int) -> Iterator[tuple]:
        rng = self.rng
        if rng.random() < SICK_DAY:
            yield self.absence(a, zone, day, "sick", half)
            return
        blocks = list(AM if half == 0 else PM)
        if half == 1 and rng.random() < LONG_DAY:
            blocks[-1] = (blocks[-1][0], LONG_END)
        new_hire = (day - a.start).days < 7
        for index, (begin, end) in enumerate(blocks):
            if index == 1:
                yield self.row(a, zone, day, "break", begin, end)
                continue
            activity = "training" if new_hire else self.activity()
            row = self.row(a, zone, day, activity, begin, end)
            if activity == "handling" and rng.random() < CORRECTION:
                yield self.correct(row)
            else:
                yield row

    def activity(self) -> str:
        r = self.rng.random()
        for name, share in BLOCK_ACTIVITY:
            if r < share:
                return name
            r -= share
        return BLOCK_ACTIVITY[0][0]

    def absence(self, a: Assignment, zone: str, day: date, activity: str, half: int | None = None) -> tuple:
        blocks = AM + PM if half is None else AM if half == 0 else PM
        begin, end = blocks[0][0], blocks[-1][1]
        return self.row(a, zone, day, activity, begin, end, source="manual")

    def row(self, a: Assignment, zone: str, day: date, activity: str, begin: time, end: time,
            source: str = "acd") -> tuple:
        plan = self.plan
        approved = day <= plan.approved_through
        approver = plan.approvers.get(a.lob_id, plan.admin) if approved else None
        started = _instant(zone, day, begin)
        return (self.new_id(started), a.tenant_id, a.client_id, a.lob_id, a.employee_id, a.id, activity,
                started, _instant(zone, day, end), source,
                "approved" if approved else "recorded", "active", None, None, None, approver,
                _instant("UTC", day + timedelta(days=2), time(15)) if approved else None)

    def correct(self, row: tuple) -> tuple:
        """Supersede ``row`` (a handling block): the agent logged out 5-40 minutes early."""
        ended = row[8]
        early = timedelta(minutes=self.rng.randint(1, 8) * 5)
        approver = row[15] or self.plan.approvers.get(row[3], self.plan.admin)
        self.corrections.append((self.new_id(row[7]), *row[1:8], ended - early, "manual", row[10], "active", row[0],
                                 "Logged out early; corrected from the supervisor's notes", approver, *row[15:]))
        return (*row[:11], "superseded", *row[12:])


def add_demo_entries(conn: Connection, demo: DemoResult) -> int:
    """Write the ledger's demo rows on ``conn`` (owner): entries, the month-end close,
    and adjustments to closed days. Returns the number of entries written."""
    plan = Plan.of(demo)
    ledger = Ledger(demo, plan)
    counted = _Counter(ledger.rows())
    load_rows(conn, "time_entry", COLUMNS, counted)
    conn.execute(
        text("INSERT INTO period_close (tenant_id, client_id, closed_through, closed_by)"
             " SELECT tenant_id, id, :through, :by FROM client WHERE tenant_id = :t ORDER BY code"),
        {"through": plan.closed_through, "by": plan.finance, "t": demo.tenant_id})
    return counted.count + _adjust_closed_days(conn, demo, plan, ledger)


def _adjust_closed_days(conn: Connection, demo: DemoResult, plan: Plan, ledger: Ledger) -> int:
    """A few corrections to closed days: each supersedes an entry of the closed month and
    lands as an adjustment booked in the next open period (the ledger's triggers check it)."""
    picked = conn.execute(text("""
        SELECT DISTINCT ON (e.client_id, e.lob_id) e.*
          FROM time_entry e
         WHERE e.tenant_id = :t AND e.activity = 'handling' AND e.status = 'active'
           AND e.work_date BETWEEN :first AND :closed
         ORDER BY e.client_id, e.lob_id, e.started_at"""),
        {"t": demo.tenant_id, "first": max(plan.first, plan.closed_through.replace(day=1)),
         "closed": plan.closed_through}).mappings().all()
    per_client: dict[uuid.UUID, list] = {}
    for entry in picked:
        per_client.setdefault(entry["client_id"], []).append(entry)
    chosen = [e for entries in per_client.values() for e in entries[:ADJUSTMENTS_PER_CLIENT]]
    if not chosen:
        return 0
    rng = ledger.rng
    conn.execute(text("UPDATE time_entry SET status = 'superseded' WHERE tenant_id = :t AND id = ANY (:ids)"),
                 {"t": demo.tenant_id, "ids": [e["id"] for e in chosen]})
    booked = plan.closed_through + timedelta(days=1)
    conn.execute(text("""
        INSERT INTO time_entry (id, tenant_id, client_id, lob_id, employee_id, assignment_id, activity,
                                started_at, ended_at, booked_on, source, supersedes, adjustment, note, recorded_by)
        VALUES (:id, :tenant_id, :client_id, :lob_id, :employee_id, :assignment_id, 'handling',
                :started_at, :ended_at, :booked, 'manual', :supersedes, true,
                'Late punch correction after the month-end close', :by)"""),
        [{**{k: e[k] for k in ("tenant_id", "client_id", "lob_id", "employee_id", "assignment_id", "started_at")},
          "id": ledger.new_id(e["started_at"]), "supersedes": e["id"],
          "ended_at": e["ended_at"] - timedelta(minutes=rng.randint(1, 6) * 5),
          "booked": booked + timedelta(days=rng.randint(0, 9)), "by": plan.finance} for e in chosen])
    return len(chosen)


class _Counter:
    """Counts the rows of an iterator as they stream past."""

    def __init__(self, rows: Iterator[tuple]) -> None:
        self.rows, self.count = rows, 0

    def __iter__(self) -> Iterator[tuple]:
        for row in self.rows:
            self.count += 1
            yield row
