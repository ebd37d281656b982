"""Coverage, the gap's decomposition and the SLA scorecard on a constructed case.

L1-EN, Monday 1 March 2027, 09:00–11:00 local (four 30-minute intervals). Scheduled
and published 09:00–11:00: e1 (works it), e4 (sick: an absence entry), e5 (nothing
recorded). e6 was scheduled in a schedule published and then unpublished. e7 is not
scheduled and handles calls 10:00–11:00. The forecast and the volume that came differ.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from switchboard.plugins.scheduling.planning.parameters import DEFAULT
from switchboard.plugins.scheduling.reports.coverage import PARTS, explain, requirement
from switchboard.plugins.scheduling.reports.parameters import StaffingParameters
from switchboard.plugins.scheduling.staffing.requirement import required_agents
from tests import factories as f
from tests.conftest import examples
from tests.plugins.scheduling.report_helpers import entry, forecast, published, volume
from tests.plugins.scheduling.schedule_helpers import PUBLISH, at, ok

FORECAST = [40, 40, 60, 60]
ACTUAL = [50, 40, 30, 80]
AHT = 300
START, END = at(1, 9), at(1, 11)

QUERY = """query($from: DateTime!, $to: DateTime!, $lobs: [UUID!]) {
  coverage(from: $from, to: $to, lobIds: $lobs) {
    requiredHours scheduledHours presentHours coverage reason { code message }
    total { gap forecastError neverScheduled scheduleChanges absences noShows unscheduledWork }
    intervals(first: 100) { totalCount nodes { lobId intervalStart requiredHours requiredActualHours scheduledHours
                presentHours coverage
                parts { gap forecastError neverScheduled scheduleChanges absences noShows unscheduledWork } } } } }"""
SCORECARD = """query($from: Date!, $to: Date!) { slaScorecard(from: $from, to: $to) { nodes {
  clientId lobId adherence conformance scheduledHours requiredHours coverage serviceLevel
  offered handled abandoned } } }"""
CAMEL = {"forecast_error": "forecastError", "never_scheduled": "neverScheduled", "schedule_changes": "scheduleChanges",
         "absences": "absences", "no_shows": "noShows", "unscheduled_work": "unscheduledWork"}


def agents(offered) -> np.ndarray:
    """Agents to schedule per interval for L1-EN (80 % in 20 s, default cap and shrinkage)."""
    return required_agents(np.array(offered, dtype=float), AHT, interval_seconds=1800, service_level=0.8,
                           answer_seconds=20, occupancy_cap=float(DEFAULT.occupancy_cap),
                           shrinkage=float(DEFAULT.shrinkage)).scheduled


@pytest.fixture
def case(gql, world, owner):
    w = world
    for name in ("e4", "e5", "e6", "e7"):
        w.ids[name] = f.employee(owner, w.tA, preferred_name=name)
        f.assignment(owner, w.tA, w.A1, w.A1a, w.ids[name])
    published(gql, w, owner, [w.A1a], [(w.ids[e], w.A1a, START, 2) for e in ("e1", "e4", "e5")])
    published(gql, w, owner, [w.A1a], [(w.ids["e6"], w.A1a, START, 2)], unpublish=True)
    entry(owner, w.e1, w.A1a, START, 2)
    entry(owner, w.ids["e4"], w.A1a, START, 8, "sick")
    entry(owner, w.ids["e7"], w.A1a, at(1, 10), 1)
    forecast(owner, w, "A1a", START, FORECAST, AHT)
    for n, offered in enumerate(ACTUAL):
        volume(owner, w, "A1a", START + timedelta(minutes=30 * n), offered, offered - 2, 2, AHT, 0.75 + 0.05 * n)
    return w


def report(gql, world, who="admin", lobs=None, start=START, end=END):
    body = gql(QUERY, {"from": start.isoformat(), "to": end.isoformat(), "lobs": lobs}, token=world.tokens[who])
    assert "errors" not in body, body
    found = body["data"]["coverage"]
    assert found["intervals"]["totalCount"] == len(found["intervals"]["nodes"])
    found["intervals"] = found["intervals"]["nodes"]
    return found


@pytest.mark.parametrize("who", ["admin", "planner"])
def test_each_part_of_the_gap_is_attributed_and_they_add_up(gql, case, who):
    got = report(gql, case, who)
    need, came = agents(FORECAST) * 0.5, agents(ACTUAL) * 0.5
    assert len(got["intervals"]) == 4 and got["reason"] is None
    for n, interval in enumerate(got["intervals"]):
        parts = interval["parts"]
        present = 0.5 + (0.5 if n >= 2 else 0.0)       # e1, and e7 from 10:00
        assert interval["scheduledHours"] == 1.5 and interval["presentHours"] == present
        assert interval["requiredHours"] == pytest.approx(need[n], abs=1e-4)
        assert interval["coverage"] == pytest.approx(1.5 / need[n], abs=1e-4)
        assert parts == pytest.approx({
            "gap": came[n] - present,
            "forecastError": came[n] - need[n],
            "neverScheduled": need[n] - 1.5 - 0.5,
            "scheduleChanges": 0.5,                      # e6
            "absences": 0.5,                             # e4
            "noShows": 0.5,                              # e5
            "unscheduledWork": -0.5 if n >= 2 else 0.0,  # e7
        }, abs=1e-3)
        assert sum(parts[CAMEL[p]] for p in PARTS) == pytest.approx(parts["gap"], abs=1e-3)
    total = got["total"]
    assert total["gap"] == pytest.approx(sum(i["parts"]["gap"] for i in got["intervals"]), abs=1e-3)
    assert sum(total[CAMEL[p]] for p in PARTS) == pytest.approx(total["gap"], abs=1e-3)
    assert got["scheduledHours"] == 6 and got["coverage"] == pytest.approx(6 / need.sum(), abs=1e-4)


def test_a_republished_schedule_is_no_longer_a_change(gql, case, owner):
    s = owner.execute(text("SELECT id FROM schedule WHERE state = 'draft'")).scalar_one()
    ok(gql, case, PUBLISH, {"id": str(s)})
    total = report(gql, case)["total"]
    assert total["scheduleChanges"] == 0 and total["noShows"] == pytest.approx(4.0)


@pytest.mark.parametrize("who", ["supervisor", "adminB"])
def test_callers_outside_the_lob_see_no_interval(gql, case, who):
    got = report(gql, case, who, lobs=[str(case.A1a)])
    assert got["intervals"] == [] and got["requiredHours"] == 0 and got["coverage"] is None
    assert got["reason"] == {"code": "NO_LOB_IN_SCOPE",
                             "message": "There is no line of business to report on in your scope."}


def test_a_range_without_forecast_says_so(gql, case):
    got = report(gql, case, start=START + timedelta(days=7), end=END + timedelta(days=7))
    assert got["intervals"] == [] and got["reason"] == {
        "code": "NO_FORECAST_IN_RANGE", "message": "The latest forecasts have no interval in this range."}


def test_the_scorecard_sums_the_lob_over_the_day(gql, case):
    body = gql(SCORECARD, {"from": "2027-03-01", "to": "2027-03-01"}, token=case.tokens["admin"])
    assert "errors" not in body, body
    (line,) = body["data"]["slaScorecard"]["nodes"]
    need = agents(FORECAST).sum() * 0.5
    assert line["lobId"] == str(case.A1a) and line["clientId"] == str(case.A1)
    assert float(line["requiredHours"]) == pytest.approx(need, abs=0.01)
    assert float(line["scheduledHours"]) == 6 and float(line["coverage"]) == pytest.approx(6 / need, abs=1e-3)
    # e1 adherent 120 of 120, e4 and e5 nothing: 120 of 360; e7 worked 60 unscheduled minutes
    assert line["adherence"] == 0.3333 and line["conformance"] == 0.5
    assert (line["offered"], line["handled"], line["abandoned"]) == (200, 192, 8)
    weighted = sum(o * (0.75 + 0.05 * n) for n, o in enumerate(ACTUAL)) / sum(ACTUAL)
    assert float(line["serviceLevel"]) == pytest.approx(weighted, abs=1e-4)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(st.floats(0, 500), st.floats(0, 500), st.floats(0, 30), st.floats(0, 30),
                          st.floats(0, 30), st.floats(0, 30), st.floats(0, 30)), min_size=1, max_size=12))
def test_the_parts_add_up_whatever_the_minutes(rows):
    """explain() on arbitrary interval minutes: per interval the parts sum to the gap."""
    lob = uuid4()
    frame = pd.DataFrame([{
        "client_id": uuid4(), "lob_id": lob, "interval_start": None, "interval_minutes": 30, "day": None,
        "forecast_offered": fo, "forecast_aht": 240.0, "actual_offered": ao, "actual_aht": None,
        "scheduled": s, "withdrawn": g, "present": max(0.0, s - ab - ns) + un, "absent": ab, "no_show": ns,
        "unscheduled": un} for fo, ao, s, g, ab, ns, un in rows if ab + ns <= s])
    if frame.empty:
        return
    out = explain(frame, {lob: StaffingParameters(0.8, 20, 0.85, 0.3)})
    assert np.allclose(out[list(PARTS)].sum(axis=1), out.gap, atol=1e-9)


def test_reports_size_each_lob_as_the_solve_job_does():
    """requirement(): Erlang A for a LOB with a patience, Erlang C for one without, in one call."""
    volume, aht = np.array([120.0, 120.0, 0.0]), np.array([300.0, 300.0, 300.0])
    patient = StaffingParameters(0.8, 20, 0.85, 0.3, patience_seconds=60.0)
    plain = StaffingParameters(0.8, 20, 0.85, 0.3)
    out = requirement(volume, aht, np.full(3, 30.0), [patient, plain, patient])
    common = {"interval_seconds": 1800.0, "service_level": 0.8, "answer_seconds": 20.0, "occupancy_cap": 0.85,
              "shrinkage": 0.3}
    erlang_a = required_agents([120.0], [300.0], patience_seconds=60.0, **common).scheduled[0]
    erlang_c = required_agents([120.0], [300.0], **common).scheduled[0]
    assert erlang_a < erlang_c
    assert out == pytest.approx([erlang_a, erlang_c, 0.0])
