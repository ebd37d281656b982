"""Hours are conserved and attributed to the right client, for any set of entries.

Hypothesis draws employees in four jurisdictions working for three clients over two
weeks (night shifts included). For every entry, regular + overtime + double time +
holiday time equals its real duration, and the split matches an independent
reference computation; per client, billed hours equal that client's billable worked
hours, whoever asks; proportional attribution moves overtime between clients but
never changes an employee's weekly total.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from switchboard.plugins.billing.rules import RULES
from switchboard.plugins.billing.service import classification_params

from tests import factories as f
from tests.conftest import examples
from tests.plugins.billing.helpers import entry, hours, terms

REGIONS = {"CA-ON": "America/Toronto", "CA-QC": "America/Toronto", "US-TX": "America/Chicago",
           "US-CA": "America/Los_Angeles"}
MONDAY = date(2026, 3, 2)  # two weeks with no stat holiday in these regions, and the DST start (8 March)
BILLABLE = {"A1": ("handling", "training"), "A3": ("handling",), "A4": ("handling", "meeting", "training")}
ACTIVITIES = ("handling", "training", "meeting", "lunch")


@pytest.fixture
def setup(world, owner):
    i = world.ids
    i["A3"] = f.client(owner, i["tA"], code="THIRD")
    i["A3a"] = f.lob(owner, i["tA"], i["A3"], code="T1")
    i["A4"] = f.client(owner, i["tA"], code="FOURTH")
    i["A4a"] = f.lob(owner, i["tA"], i["A4"], code="F1")
    for n, region in enumerate(REGIONS):
        i[f"x{n}"] = f.employee(owner, i["tA"], work_region=region)
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


def place(drawn, tz):
    """Drop shifts that would overlap an earlier one of the same employee."""
    kept = []
    for day, start, length, lob, activity in drawn:
        # wall-clock start, then real elapsed time (aware arithmetic in UTC: 8 March has no 02:00)
        local = datetime.combine(MONDAY + timedelta(days=day), datetime.min.time()) + timedelta(minutes=15 * start)
        begin = local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)
        end = begin + timedelta(minutes=15 * length)
        if all(end <= b or begin >= e for b, e, *_ in kept):
            kept.append((begin, end, lob, activity))
    return kept


def overlap(before: float, seconds: float, lo: float, hi: float) -> float:
    """How much of ``[before, before + seconds)`` lies in ``[lo, hi)``."""
    return max(0.0, min(before + seconds, hi) - max(before, lo))


def reference(entries, rule):
    """Chronological overtime of one employee, computed independently of the SQL."""
    tz = ZoneInfo(rule.timezone)
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
    out = defaultdict(lambda: [0.0, 0.0, 0.0])
    day_total, week_total = defaultdict(float), defaultdict(float)
    for key, day, seconds in pieces:
        before = day_total[day]
        day_total[day] += seconds
        inf = float("inf")
        dt = overlap(before, seconds, rule.double * 3600, inf) if rule.double else 0.0
        dot = overlap(before, seconds, rule.daily * 3600, rule.double * 3600 if rule.double else inf) \
            if rule.daily else 0.0
        base = seconds - dt - dot
        week = day - timedelta(days=day.weekday())
        wbefore = week_total[week]
        week_total[week] += base
        wot = overlap(wbefore, base, rule.weekly * 3600, inf) if rule.weekly else 0.0
        out[key][0] += base - wot
        out[key][1] += wot + dot
        out[key][2] += dt
    return out


RULE = {r.region: r for r in RULES}


@given(drawn=st.lists(st.lists(shift, max_size=14), min_size=len(REGIONS), max_size=len(REGIONS)))
@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_hours_are_conserved_and_never_billed_to_another_client(setup, owner, as_runtime, gql, drawn):
    w = setup
    owner.execute(text("TRUNCATE time_entry"))
    owner.execute(text("DELETE FROM billing_policy"))
    durations, client_of, activity_of, employee_of, expected = {}, {}, {}, {}, {}
    for n, (region, tz) in enumerate(REGIONS.items()):
        mine = []
        for begin, end, lob, activity in place(drawn[n], tz):
            key = entry(owner, w.ids[f"x{n}"], w.ids[lob], begin, end, activity)
            durations[key] = (end - begin).total_seconds()
            client_of[key], activity_of[key], employee_of[key] = lob[:2], activity, n
            mine.append((key, begin, end, activity))
        expected.update(reference(mine, RULE[region]))

    last = MONDAY + timedelta(days=20)
    params = classification_params(MONDAY - timedelta(days=3), last, None, None)
    call = text("SELECT * FROM billing.entry_hours(:from, :to, :client, :lob, CAST(:rules AS jsonb),"
                " CAST(:holidays AS jsonb))")
    with as_runtime.caller(w.admin) as conn:
        split = {r.entry_id: r for r in conn.execute(call, params)}
    worked = {k for k, a in activity_of.items() if a != "lunch"}
    assert set(split) == worked
    for key in worked:
        r = split[key]
        assert float(r.regular + r.overtime + r.double_time + r.holiday) == pytest.approx(durations[key], abs=1e-6)
        assert r.holiday == 0
        assert [float(r.regular), float(r.overtime), float(r.double_time)] == pytest.approx(expected[key], abs=1e-6)

    billable = defaultdict(Decimal)
    for key in worked:
        if activity_of[key] in BILLABLE[client_of[key]]:
            billable[str(w.ids[client_of[key]])] += Decimal(durations[key]) / 3600
    rows = hours(gql, w.tokens["admin"], (MONDAY - timedelta(days=3)).isoformat(), last.isoformat(), ["CLIENT"])
    got = {r["clientId"]: Decimal(r["totalHours"]) for r in rows}
    assert set(got) == set(billable)
    for client, total in billable.items():
        assert abs(got[client] - total) <= Decimal("0.0004")
    # whoever asks, a client's hours are the same: the planner of A1 sees A1's row only
    planner = hours(gql, w.tokens["planner"], (MONDAY - timedelta(days=3)).isoformat(), last.isoformat(), ["CLIENT"])
    assert planner == [r for r in rows if r["clientId"] == str(w.A1)]

    owner.execute(text("INSERT INTO billing_policy (tenant_id, overtime_attribution) VALUES (:t, 'proportional')"),
                  {"t": w.tA})
    with as_runtime.caller(w.admin) as conn:
        shared = {r.entry_id: r for r in conn.execute(call, params)}
    overtime = defaultdict(lambda: [Decimal(0), Decimal(0)])  # per employee: chronological, proportional
    for key in worked:
        a, b = split[key], shared[key]
        assert float(b.regular + b.overtime + b.double_time) == pytest.approx(durations[key], abs=1e-6)
        assert b.regular >= -Decimal("1e-9") and b.overtime >= 0
        overtime[employee_of[key]][0] += a.overtime
        overtime[employee_of[key]][1] += b.overtime
    for chronological, proportional in overtime.values():
        assert abs(chronological - proportional) < Decimal("1e-6")
