"""Hours are conserved and attributed to the right client, for any set of entries.

Hypothesis draws a fortnight (from Mondays of 2026 chosen for their public holidays and
clock changes) and employees in every region the demo BPO employs, plus California,
working for three clients (night shifts included). For every entry, regular + overtime +
double time + holiday time equals its real duration, and the split matches a reference
computation written from the statutes (thresholds, timezones and holidays are literals
here, not the code's rules); per client, billed hours equal that client's billable worked
hours, whoever asks; proportional attribution moves overtime between clients but never
changes an employee's weekly total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from switchboard.plugins.billing.service import classification_params
from tests import factories as f
from tests.conftest import examples
from tests.plugins.billing.helpers import entry, hours, terms


@dataclass(frozen=True)
class Statute:
    """What a jurisdiction's law says, in hours: overtime over ``weekly`` a workweek and over
    ``daily`` a day, double time over ``double`` a day (None: no such threshold); its public
    holidays of 2026; the timezone its employees' days and weeks are counted in."""

    timezone: str
    weekly: float | None
    daily: float | None = None
    double: float | None = None
    holidays: frozenset[date] = frozenset()


def days(*pairs: tuple[int, int]) -> frozenset[date]:
    return frozenset(date(2026, m, d) for m, d in pairs)


# Ontario, Employment Standards Act, 2000, s.1(1) "public holiday".
ONTARIO_HOLIDAYS = days((1, 1), (2, 16), (4, 3), (5, 18), (7, 1), (9, 7), (10, 12), (12, 25), (12, 26))
# Quebec, Act respecting labour standards, s.60 (Good Friday taken, not Easter Monday), and
# the National Holiday Act (24 June).
QUEBEC_HOLIDAYS = days((1, 1), (4, 3), (5, 18), (6, 24), (7, 1), (9, 7), (10, 12), (12, 25))
# United States, 5 U.S.C. §6103: the federal holidays (4 July, a Saturday, observed Friday 3 July).
US_HOLIDAYS = days((1, 1), (1, 19), (2, 16), (5, 25), (6, 19), (7, 3), (7, 4), (9, 7), (10, 12), (11, 11),
                   (11, 26), (12, 25))
# Ireland, Organisation of Working Time Act, 1997, Second Schedule (St Brigid's Day included).
IRISH_HOLIDAYS = days((1, 1), (2, 2), (3, 17), (4, 6), (5, 4), (6, 1), (8, 3), (10, 26), (12, 25), (12, 26))
# Federal overtime: FLSA, 29 U.S.C. §207(a)(1), 1.5× over 40 h a workweek; Texas, Florida,
# Arizona and North Carolina add no daily overtime.
FLSA = dict(weekly=40, holidays=US_HOLIDAYS)

STATUTES = {
    # ESA 2000 s.22(1): over 44 h a work week; no daily overtime. Toronto site.
    "CA-ON": Statute("America/Toronto", weekly=44, holidays=ONTARIO_HOLIDAYS),
    # Act respecting labour standards, s.52 and s.55: over 40 h a week. Montréal site (Eastern time).
    "CA-QC": Statute("America/Toronto", weekly=40, holidays=QUEBEC_HOLIDAYS),
    # Organisation of Working Time Act, 1997: a 48 h average cap, no overtime premium. Dublin site.
    "IE-D": Statute("Europe/Dublin", weekly=None, holidays=IRISH_HOLIDAYS),
    # Work-at-home agents, no site: their state's time.
    "US-TX": Statute("America/Chicago", **FLSA),
    "US-FL": Statute("America/New_York", **FLSA),
    "US-AZ": Statute("America/Phoenix", **FLSA),  # no daylight saving time
    "US-NC": Statute("America/New_York", **FLSA),
    # California Labor Code §510(a): over 8 h a day or 40 h a week at 1.5×, over 12 h a day at 2×.
    "US-CA": Statute("America/Los_Angeles", weekly=40, daily=8, double=12, holidays=US_HOLIDAYS),
}
SITES = {"CA-ON": ("CA", "America/Toronto"), "CA-QC": ("CA", "America/Toronto"), "IE-D": ("IE", "Europe/Dublin")}
# The first Mondays of the fortnights drawn, and what they hold.
FORTNIGHTS = (
    date(2026, 3, 2),    # no holiday; clocks go forward in North America on Sunday 8 March
    date(2026, 2, 16),   # Family Day (ON), Washington's Birthday (US)
    date(2026, 3, 16),   # St Patrick's Day (IE)
    date(2026, 3, 30),   # Good Friday (ON, QC), Easter Monday (IE)
    date(2026, 5, 18),   # Victoria Day / National Patriots' Day (ON, QC), Memorial Day (US), June holiday (IE)
    date(2026, 6, 15),   # Juneteenth (US), Fête nationale (QC)
    date(2026, 6, 29),   # Canada Day (ON, QC), Independence Day and its observance (US)
    date(2026, 9, 7),    # Labour Day (ON, QC, US)
    date(2026, 10, 12),  # Thanksgiving (ON, QC), Columbus Day (US), October holiday (IE, the 15th day)
    date(2026, 10, 26),  # October holiday (IE); clocks go back in North America on Sunday 1 November
    date(2026, 11, 9),   # Veterans Day (US); Remembrance Day is not an Ontario public holiday
)
REGIONS = list(STATUTES)
BILLABLE = {"A1": ("handling", "training"), "A3": ("handling",), "A4": ("handling", "meeting", "training")}
ACTIVITIES = ("handling", "training", "meeting", "lunch")


def test_every_region_has_a_holiday_in_some_fortnight():
    for region, statute in STATUTES.items():
        windows = [m for m in FORTNIGHTS if any(m <= d <= m + timedelta(days=14) for d in statute.holidays)]
        assert len(windows) >= 2, region
    assert any(not any(m <= d <= m + timedelta(days=14) for s in STATUTES.values() for d in s.holidays)
               for m in FORTNIGHTS)


@pytest.fixture
def setup(world, owner):
    i = world.ids
    i["A3"] = f.client(owner, i["tA"], code="THIRD")
    i["A3a"] = f.lob(owner, i["tA"], i["A3"], code="T1")
    i["A4"] = f.client(owner, i["tA"], code="FOURTH")
    i["A4a"] = f.lob(owner, i["tA"], i["A4"], code="F1")
    for n, region in enumerate(REGIONS):
        site = None
        if region in SITES:
            country, tz = SITES[region]
            site = f.site(owner, i["tA"], country=country, region=region, timezone=tz)
        i[f"x{n}"] = f.employee(owner, i["tA"], work_region=region, home_site_id=site)
        for client, lob in (("A1", "A1a"), ("A3", "A3a"), ("A4", "A4a")):
            f.assignment(owner, i["tA"], i[client], i[lob], i[f"x{n}"])
    for client, activities in BILLABLE.items():
        terms(owner, i["tA"], i[client], "20.00", activities=activities)
    return world


shift = st.tuples(
    st.integers(0, 13),                 # day
    st.integers(0, 23 * 4),             # start, in quarter hours
    st.integers(1, 12 * 4),             # length, in quarter hours
    st.sampled_from(("A1a", "A3a", "A4a")),
    st.sampled_from(ACTIVITIES),
)


def local_days(begin: datetime, end: datetime, tz: ZoneInfo) -> set[date]:
    first, last = begin.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz).date()
    return {first + timedelta(days=k) for k in range((last - first).days + 1)}


def place(drawn, monday: date, tz: str, six_days: bool = False):
    """Drop shifts that would overlap an earlier one of the same employee (and, with
    ``six_days``, that would make a seventh working day of one workweek)."""
    kept, zone = [], ZoneInfo(tz)
    for day, start, length, lob, activity in drawn:
        # wall-clock start, then real elapsed time (aware arithmetic in UTC: a spring-forward night has no 02:00)
        local = datetime.combine(monday + timedelta(days=day), datetime.min.time()) + timedelta(minutes=15 * start)
        begin = local.replace(tzinfo=zone).astimezone(UTC)
        end = begin + timedelta(minutes=15 * length)
        if not all(end <= b or begin >= e for b, e, *_ in kept):
            continue
        if six_days:
            worked = set().union(*(local_days(b, e, zone) for b, e, *_ in kept), local_days(begin, end, zone))
            if any(sum(1 for d in worked if d - timedelta(days=d.weekday()) == week) == 7
                   for week in {d - timedelta(days=d.weekday()) for d in worked}):
                continue
        kept.append((begin, end, lob, activity))
    return kept


def overlap(before: float, seconds: float, lo: float, hi: float) -> float:
    """How much of ``[before, before + seconds)`` lies in ``[lo, hi)``."""
    return max(0.0, min(before + seconds, hi) - max(before, lo))


def reference(entries, statute: Statute):
    """Chronological overtime of one employee from the statute: days and weeks (from Monday)
    are local; hours on a public holiday are holiday time and count toward neither the daily
    nor the weekly threshold (Ontario: ESA 2000 and the Ministry's guide, premium-paid
    holiday hours are left out of the 44); daily overtime first, then weekly overtime over the
    remaining regular time (Labor Code §510: no hour counted twice)."""
    tz = ZoneInfo(statute.timezone)
    pieces = []
    for key, begin, end, activity in sorted(entries, key=lambda e: e[1]):
        if activity == "lunch":
            continue
        cursor = begin
        while cursor < end:
            local = cursor.astimezone(tz)
            midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), tz).astimezone(UTC)
            stop = min(end, midnight)
            pieces.append((key, local.date(), (stop - cursor).total_seconds()))
            cursor = stop
    out = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    day_total, week_total = defaultdict(float), defaultdict(float)
    inf = float("inf")
    for key, day, seconds in pieces:
        if day in statute.holidays:
            out[key][3] += seconds
            continue
        before = day_total[day]
        day_total[day] += seconds
        double = statute.double * 3600 if statute.double else inf
        dt = overlap(before, seconds, double, inf) if statute.double else 0.0
        dot = overlap(before, seconds, statute.daily * 3600, double) if statute.daily else 0.0
        base = seconds - dt - dot
        week = day - timedelta(days=day.weekday())
        wbefore = week_total[week]
        week_total[week] += base
        wot = overlap(wbefore, base, statute.weekly * 3600, inf) if statute.weekly else 0.0
        out[key][0] += base - wot
        out[key][1] += wot + dot
        out[key][2] += dt
    return out


@given(monday=st.sampled_from(FORTNIGHTS),
       drawn=st.lists(st.lists(shift, min_size=4, max_size=14), min_size=len(REGIONS), max_size=len(REGIONS)))
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hours_are_conserved_and_never_billed_to_another_client(setup, owner, as_runtime, gql, monday, drawn):
    w = setup
    owner.execute(text("TRUNCATE time_entry"))
    owner.execute(text("DELETE FROM billing_policy"))
    durations, client_of, activity_of, employee_of, expected = {}, {}, {}, {}, {}
    for n, region in enumerate(REGIONS):
        statute, mine = STATUTES[region], []
        # California's seventh-consecutive-day rule (Labor Code §510(a)) is not modelled: six days at most
        for begin, end, lob, activity in place(drawn[n], monday, statute.timezone, six_days=region == "US-CA"):
            key = entry(owner, w.ids[f"x{n}"], w.ids[lob], begin, end, activity)
            durations[key] = (end - begin).total_seconds()
            client_of[key], activity_of[key], employee_of[key] = lob[:2], activity, n
            mine.append((key, begin, end, activity))
        expected.update(reference(mine, statute))

    first, last = monday - timedelta(days=3), monday + timedelta(days=20)
    params = classification_params(first, last, None, None)
    call = text("SELECT * FROM billing.entry_hours(:from, :to, :client, :lob, CAST(:rules AS jsonb),"
                " CAST(:holidays AS jsonb))")
    with as_runtime.caller(w.admin) as conn:
        split = {r.entry_id: r for r in conn.execute(call, params)}
    worked = {k for k, a in activity_of.items() if a != "lunch"}
    assert set(split) == worked
    for key in worked:
        r = split[key]
        assert float(r.regular + r.overtime + r.double_time + r.holiday) == pytest.approx(durations[key], abs=1e-6)
        got = [float(r.regular), float(r.overtime), float(r.double_time), float(r.holiday)]
        assert got == pytest.approx(expected[key], abs=1e-6), (REGIONS[employee_of[key]], monday)
    if any(r.holiday for r in split.values()):
        event("holiday time worked")

    billable = defaultdict(Decimal)
    for key in worked:
        if activity_of[key] in BILLABLE[client_of[key]]:
            billable[str(w.ids[client_of[key]])] += Decimal(durations[key]) / 3600
    rows = hours(gql, w.tokens["admin"], first.isoformat(), last.isoformat(), ["CLIENT"])
    got = {r["clientId"]: Decimal(r["totalHours"]) for r in rows}
    assert set(got) == set(billable)
    for client, total in billable.items():
        assert abs(got[client] - total) <= Decimal("0.0004")
    # whoever asks, a client's hours are the same: the planner of A1 sees A1's row only
    planner = hours(gql, w.tokens["planner"], first.isoformat(), last.isoformat(), ["CLIENT"])
    assert planner == [r for r in rows if r["clientId"] == str(w.A1)]

    owner.execute(text("INSERT INTO billing_policy (tenant_id, overtime_attribution) VALUES (:t, 'proportional')"),
                  {"t": w.tA})
    with as_runtime.caller(w.admin) as conn:
        shared = {r.entry_id: r for r in conn.execute(call, params)}
    overtime = defaultdict(lambda: [Decimal(0), Decimal(0)])  # per employee: chronological, proportional
    for key in worked:
        a, b = split[key], shared[key]
        assert float(b.regular + b.overtime + b.double_time + b.holiday) == pytest.approx(durations[key], abs=1e-6)
        assert b.holiday == a.holiday and b.regular >= -Decimal("1e-9") and b.overtime >= 0
        overtime[employee_of[key]][0] += a.overtime
        overtime[employee_of[key]][1] += b.overtime
    for chronological, proportional in overtime.values():
        assert abs(chronological - proportional) < Decimal("1e-6")
