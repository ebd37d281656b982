"""The schedule solve job end to end: GraphQL → job → problem built as the requester →
CP-SAT → draft schedule, on the world of :mod:`tests.world`.

e1 works A1a; e2 works A1b (cap 20 h) and A2a (cap 20 h, PCI-cleared); e3 works A2a
without PCI clearance, which A2a needs (it handles card data).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import defaultdict
from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import text

from switchboard.core.identity.operator import acting_as
from switchboard.core.jobs.worker import Worker
from switchboard.plugins.scheduling.planning.week_problem import build_week_problem
from tests import factories as f
from tests.pages import every_node
from tests.plugins.scheduling.schedule_helpers import PUBLISH, WEEK, at, ok, schedule, segment
from tests.plugins.scheduling.solve_helpers import (
    COVERAGE,
    ELIGIBLE,
    JOB,
    SOLVE,
    day_template,
    demand,
    forecast,
    hours,
    queue,
    run,
    segments,
)


def eligibility(gql, world, lob: str, start: str, end: str) -> dict[str, list[str]]:
    """Per employee id, the reasons ``eligibleAgents`` gives against them on ``lob`` (admin's view)."""
    body = gql(ELIGIBLE, {"lob": lob, "start": start, "end": end}, token=world.tokens["admin"])
    return {e["node"]["employee"]["id"]: [r["code"] for r in e["node"]["reasons"]]
            for e in body["data"]["eligibleAgents"]["edges"]}


def test_a_solve_writes_a_draft_whose_every_segment_passes_eligible_agents(gql, world, owner, runtime):
    demand(owner, world)
    job_id = queue(gql, world, [world.A1a, world.A1b, world.A2a])
    job = run(runtime, gql, world, job_id)
    assert job["state"] == "SUCCEEDED", job
    result = job["result"]
    assert result["status"] in ("OPTIMAL", "FEASIBLE") and result["agents"] == 2  # e3 may not work A2a
    assert job["progress"]["phase"] == "writing" and job["progress"]["gap"] is not None
    phases = result["seconds"]
    assert all(phases[p] >= 0 for p in ("building", "solving", "writing"))
    assert phases["gapReached"] is None or phases["gapReached"] <= phases["solving"]
    segs = segments(gql, world, result["scheduleId"])
    assert segs and len(segs) == result["segments"]
    made_by = gql("query($id: UUID!) { schedule(id: $id) { job { id: databaseId state } } }",
                  {"id": result["scheduleId"]}, token=world.tokens["admin"])
    assert made_by.get("data", {}).get("schedule") == {"job": {"id": str(job_id), "state": "SUCCEEDED"}}, made_by
    for s in segs:
        reasons = eligibility(gql, world, s["lobId"], s["startsAt"], s["endsAt"])
        assert reasons[s["employeeId"]] == [], (s, reasons[s["employeeId"]])
    assert str(world.e3) not in {s["employeeId"] for s in segs}  # no PCI clearance, though A2a is short
    per_lob = defaultdict(list)
    for s in segs:
        per_lob[s["employeeId"], s["lobId"]].append(s)
    assert hours(per_lob[str(world.e2), str(world.A1b)]) <= 20
    assert hours(per_lob[str(world.e2), str(world.A2a)]) <= 20
    assert all(datetime.fromisoformat(s["startsAt"]) < at(6, 0) for s in segs)  # templates: Monday to Friday

    def ask(after):
        return gql(COVERAGE, {"id": result["scheduleId"], "after": after}, token=world.tokens["admin"])["data"]
    coverage = ask(None)["scheduleCoverage"]
    assert float(coverage["underCoverageAgentHours"]) == result["underCoverageAgentHours"] > 0
    gaps = every_node(ask, ("scheduleCoverage", "gaps"))
    assert len(gaps) == result["gaps"]
    weekend = [g for g in gaps if datetime.fromisoformat(g["startsAt"]) >= at(6, 0)]
    assert weekend and all(g["scheduled"] == 0 and g["reasons"] for g in weekend)
    a2a = [g for g in weekend if g["lobId"] == str(world.A2a)]
    assert a2a and all(str(world.e3) not in e for g in a2a for r in g["reasons"] for e in r["employeeIds"])


def test_published_hours_reaching_the_cap_show_as_weekly_cap_reached(gql, world, owner, runtime):
    demand(owner, world)
    result = run(runtime, gql, world, queue(gql, world, [world.A1b, world.A2a]))["result"]
    segs = [s for s in segments(gql, world, result["scheduleId"]) if s["employeeId"] == str(world.e2)]
    # demand exceeds what e2 may give: both 20-hour caps, Monday to Friday
    assert hours([s for s in segs if s["lobId"] == str(world.A1b)]) == 20
    assert hours([s for s in segs if s["lobId"] == str(world.A2a)]) == 20
    saturday = (at(6, 10).isoformat(), at(6, 11).isoformat())
    assert "WEEKLY_CAP_REACHED" not in eligibility(gql, world, str(world.A1b), *saturday)[str(world.e2)]
    ok(gql, world, PUBLISH, {"id": result["scheduleId"]})
    assert "WEEKLY_CAP_REACHED" in eligibility(gql, world, str(world.A1b), *saturday)[str(world.e2)]

    # A Saturday shift on L1-FR, 09:00-17:00, is what a second solve could still give e2 but for
    # the cap: 16 h of rest after Friday 17:00, a sixth day in a row (six are allowed), and 40 + 8 h
    # is the legal maximum of 48 exactly. Only the published 20 h against L1-FR's 20-hour cap leave
    # nothing for it, so the second solve gives e2 nothing more.
    day_template(owner, world, "A1b", "A1", name="Saturday", weekdays=(6,))
    again = run(runtime, gql, world, queue(gql, world, [world.A1b, world.A2a]))["result"]
    assert str(world.e2) not in {s["employeeId"] for s in segments(gql, world, again["scheduleId"])}


def test_time_off_and_availability_are_respected(gql, world, owner, runtime):
    demand(owner, world)
    owner.execute(text(  # e1 is available Monday to Thursday, 08:00-18:00 Toronto time ...
        "INSERT INTO availability (tenant_id, employee_id, weekday, start_time, end_time, timezone)"
        " SELECT :t, :e, d, '08:00', '18:00', 'America/Toronto' FROM generate_series(1, 4) d"),
        {"t": world.tA, "e": world.e1})
    owner.execute(text(  # ... and away on approved time off all Wednesday
        "INSERT INTO time_off (tenant_id, employee_id, during, kind, status, requested_by, decided_by, decided_at)"
        " VALUES (:t, :e, tstzrange(:s, :s + interval '1 day'), 'vacation', 'approved', :u, :u, now())"),
        {"t": world.tA, "e": world.e1, "s": at(3, 0), "u": world.admin})
    result = run(runtime, gql, world, queue(gql, world, [world.A1a]))["result"]
    days = {datetime.fromisoformat(s["startsAt"]).astimezone(at(1, 0).tzinfo).day
            for s in segments(gql, world, result["scheduleId"]) if s["employeeId"] == str(world.e1)}
    assert days == {1, 2, 4}  # Monday, Tuesday, Thursday: Wednesday off, Friday unavailable


def test_callers_outside_scope_cannot_solve_nor_see_the_job_or_schedule(gql, world, owner, runtime):
    demand(owner, world)
    lobs = {"lobs": [str(world.A1a)], "week": WEEK.isoformat(), "limit": 10}
    assert gql(SOLVE, lobs, token=world.tokens["supervisor"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert gql(SOLVE, {**lobs, "lobs": [str(world.A2a)]}, token=world.tokens["planner"]
               )["data"]["solveSchedule"]["errors"][0]["code"] == "NOT_FOUND"  # A2's LOB is invisible to them
    refused = gql(SOLVE, {**lobs, "week": "2027-03-02"}, token=world.tokens["planner"], lang="fr")
    assert refused["data"]["solveSchedule"]["errors"][0]["code"] == "WEEK_START_NOT_MONDAY"
    assert "lundi" in refused["data"]["solveSchedule"]["errors"][0]["message"]
    assert owner.execute(text("SELECT count(*) FROM job")).scalar_one() == 0

    job_id = queue(gql, world, [world.A1a, world.A1b], who="planner")
    job = run(runtime, gql, world, job_id, who="planner")
    schedule_id = job["result"]["scheduleId"]
    for who in ("adminB", "supervisor"):
        assert gql(JOB, {"id": job_id}, token=world.tokens[who])["data"]["job"] is None
        assert gql(COVERAGE, {"id": schedule_id}, token=world.tokens[who])["data"]["scheduleCoverage"] is None
        assert gql("query($id: UUID!) { schedule(id: $id) { id } }", {"id": schedule_id},
                   token=world.tokens[who])["data"]["schedule"] is None


async def problem_as(runtime, world, who: str, lobs: list[UUID]):
    """The week's problem the solve job would build for ``who``."""
    async with acting_as(runtime, user_id=world.ids[who], name="test") as (db, caller):
        return (await build_week_problem(db, caller, runtime.eligibility_rules, lobs, WEEK)).problem


def test_the_problem_builder_sees_what_the_requester_sees(world, owner, runtime):
    demand(owner, world)
    planner = asyncio.run(problem_as(runtime, world, "planner", [world.A1a, world.A1b]))
    assert {a.id for a in planner.agents} == {world.e1, world.e2}
    assert {e.lob for a in planner.agents for e in a.eligibility} == {world.A1a, world.A1b}  # never A2a
    admin = asyncio.run(problem_as(runtime, world, "admin", [world.A1a, world.A1b, world.A2a]))
    e2 = next(a for a in admin.agents if a.id == world.e2)
    assert {e.lob for e in e2.eligibility} == {world.A1b, world.A2a}
    assert all(len(e.windows) == 1 and e.windows[0][1] - e.windows[0][0] == 7 * 48 for e in e2.eligibility)
    assert all(e.weekly_cap_minutes == 20 * 60 for e in e2.eligibility)
    assert admin.horizon.intervals == 7 * 48
    assert admin.horizon.start == at(1, 0)
    assert world.e3 not in {a.id for a in admin.agents}  # never eligible for A2a: no PCI clearance


def test_the_problem_caps_what_is_left_after_published_hours(gql, world, owner, runtime):
    """e2 is published on the weekend of the week: L1-FR Saturday 09:00-14:00 and Sunday 09:00-13:00
    (and an unpaid lunch hour), Cards Sunday 15:00-18:00. Left: L1-FR's 20-hour cap less 9 h is
    11 h, Cards' less 3 h is 17 h, the legal 48 h less all 12 is 36 h. The planner, who cannot
    see Cards, gets the same L1-FR cap and legal maximum: the hours of a client out of sight count."""
    demand(owner, world)
    weekend = schedule(owner, world.tA, [world.A1b])
    segment(owner, weekend, world.e2, world.A1b, at(6, 9), hours=5)
    segment(owner, weekend, world.e2, world.A1b, at(7, 9), hours=4)
    segment(owner, weekend, world.e2, world.A1b, at(7, 13), hours=1, activity="lunch")
    cards = schedule(owner, world.tA, [world.A2a])
    segment(owner, cards, world.e2, world.A2a, at(7, 15), hours=3)
    for s in (weekend, cards):
        ok(gql, world, PUBLISH, {"id": str(s)})

    admin = asyncio.run(problem_as(runtime, world, "admin", [world.A1b, world.A2a]))
    e2 = next(a for a in admin.agents if a.id == world.e2)
    assert {e.lob: e.weekly_cap_minutes for e in e2.eligibility} == {world.A1b: 11 * 60, world.A2a: 17 * 60}
    assert e2.legal_max_minutes == 36 * 60
    planner = asyncio.run(problem_as(runtime, world, "planner", [world.A1b]))
    e2 = next(a for a in planner.agents if a.id == world.e2)
    assert {e.lob: e.weekly_cap_minutes for e in e2.eligibility} == {world.A1b: 11 * 60}
    assert e2.legal_max_minutes == 36 * 60


def test_shifts_published_around_the_week_bound_rest_and_days_in_a_row(gql, world, owner, runtime):
    """Last week's Sunday evening shift leaves e1 no 11 h rest before Monday 09:00; six days
    worked in a row before the week count against the seventh; another client's shift
    published this week keeps e2 off any shift too close to it."""
    demand(owner, world)
    sunday = at(1, 0) - timedelta(hours=9)  # Sunday 28 February, 15:00-23:00
    last_week = schedule(owner, world.tA, [world.A1a, world.A1b], WEEK - timedelta(days=7))
    for days_before in range(6, 1, -1):  # Tuesday to Saturday, 09:00-15:00
        segment(owner, last_week, world.e1, world.A1a, at(1, 9) - timedelta(days=days_before), hours=6)
    segment(owner, last_week, world.e1, world.A1a, sunday)
    segment(owner, last_week, world.e2, world.A1b, at(1, 9) - timedelta(days=3))  # Friday only
    ok(gql, world, PUBLISH, {"id": str(last_week)})
    this_week = schedule(owner, world.tA, [world.A2a])
    segment(owner, this_week, world.e2, world.A2a, at(3, 20), hours=4)  # Wednesday 20:00-24:00
    ok(gql, world, PUBLISH, {"id": str(this_week)})

    problem = asyncio.run(problem_as(runtime, world, "admin", [world.A1a, world.A1b]))
    e1, e2 = (next(a for a in problem.agents if a.id == e) for e in (world.e1, world.e2))
    assert {s.day for s in e1.shifts} == {1, 2, 3, 4}  # not Monday 09:00: 10 h after Sunday's shift
    assert e1.worked_days == (-6, -5, -4, -3, -2, -1)  # Tuesday to Sunday
    # Wednesday 09:00-17:00 is 3 h before the A2a shift, Thursday 09:00 is 9 h after it
    assert {s.day for s in e2.shifts} == {0, 1, 4}
    assert e2.worked_days == (-3, 2)  # Friday, and this Wednesday for A2a


def test_cancel_job_stops_a_running_solve_and_writes_nothing(gql, world, owner, runtime):
    """Sixty agents and round-the-clock demand: the solve runs long enough to be cancelled."""
    forecast(owner, world, "A1a", "A1", calls=400, hours=(0, 24))
    day_template(owner, world, "A1a", "A1", earliest="00:00", latest="16:00", weekdays=range(1, 8))
    for _ in range(60):
        f.assignment(owner, world.tA, world.A1, world.A1a, f.employee(owner, world.tA))
    job_id = queue(gql, world, [world.A1a], limit=600)
    worker = threading.Thread(target=Worker(runtime).run_once)
    worker.start()
    deadline = time.monotonic() + 120
    phase = None
    while phase != "solving" and time.monotonic() < deadline:
        time.sleep(0.05)
        phase = gql(JOB, {"id": job_id}, token=world.tokens["admin"])["data"]["job"]["progress"]["phase"]
    assert phase == "solving"
    body = gql("mutation($id: UUID!) { cancelJob(id: $id) { job { state } errors { code } } }", {"id": job_id},
               token=world.tokens["admin"])
    assert body["data"]["cancelJob"]["errors"] == []
    worker.join(120)
    assert gql(JOB, {"id": job_id}, token=world.tokens["admin"])["data"]["job"]["state"] == "CANCELLED"
    assert owner.execute(text("SELECT count(*) FROM schedule")).scalar_one() == 0


def test_a_job_whose_lob_is_out_of_sight_at_run_time_fails_with_a_code(gql, world, owner, runtime):
    job_id = queue(gql, world, [world.A1a], who="planner")
    owner.execute(text("UPDATE job SET params = jsonb_set(params, '{lobIds}', jsonb_build_array(CAST(:l AS text)))"
                       " WHERE id = :j"), {"l": str(world.A2a), "j": job_id})  # the planner does not see A2's LOB
    job = run(runtime, gql, world, job_id, who="planner")
    assert (job["state"], job["error"]) == ("FAILED", {"code": "NOT_FOUND"})
    assert owner.execute(text("SELECT count(*) FROM schedule")).scalar_one() == 0
