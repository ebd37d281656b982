"""The CP-SAT schedule solver on small instances: each hard rule holds where demand
pushes against it, soft rules trade off as weighted, gaps say why, and the solve can
be limited, watched and cancelled. Pure: no database."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from switchboard.core.errors import ValidationErrors
from switchboard.plugins.scheduling.solver.checker import violations
from switchboard.plugins.scheduling.solver.greedy import greedy_plan
from switchboard.plugins.scheduling.solver.model import build, plan_objective, read_plan
from switchboard.plugins.scheduling.solver.plan import lob_coverage, scheduled_shifts
from switchboard.plugins.scheduling.solver.problem import (
    Agent,
    Eligibility,
    Horizon,
    Lob,
    Problem,
    Schedule,
    Segment,
    Shift,
)
from switchboard.plugins.scheduling.solver.relaxation import RelaxationRun, solve_relaxation
from switchboard.plugins.scheduling.solver.rules import longest_run
from switchboard.plugins.scheduling.solver.search import ScheduleSolver, solve
from tests.conftest import examples

START = datetime(2026, 11, 23, tzinfo=UTC)
DAY = 24  # hourly intervals


def horizon(days: int = 7) -> Horizon:
    return Horizon(START, 60, days * DAY)


def demand(days: int = 7, level: float = 1.0, hours: range = range(8, 20)) -> tuple[float, ...]:
    """``level`` agents during ``hours`` of every day."""
    return tuple(level if t % DAY in hours else 0.0 for t in range(days * DAY))


def day_shifts(days: int = 7, starts: tuple[int, ...] = (8,), length: int = 8, breaks: bool = False) -> tuple:
    return tuple(Shift(d * DAY + s, length, d, (d * DAY + s + length // 2,) if breaks else ())
                 for d in range(days) for s in starts)


def anywhere(lob: str = "A", days: int = 7, cap: int | None = None) -> Eligibility:
    return Eligibility(lob, ((0, days * DAY),), cap)


def agent(name: str = "a", shifts=None, eligibility=None, **rules) -> Agent:
    return Agent(name, day_shifts() if shifts is None else shifts,
                 (anywhere(),) if eligibility is None else eligibility, **rules)


def solved(problem: Problem, **options) -> Schedule:
    """Solve and check the result against every hard rule."""
    result = solve(problem, time_limit=30, num_workers=1, **options)
    assert result.status in ("OPTIMAL", "FEASIBLE"), result.status
    assert violations(problem, result) == []
    return result


def reasons(result: Schedule, lob: str, interval: int) -> dict[str, tuple]:
    gap = next(g for g in result.gaps if g.lob == lob and g.interval == interval)
    return {r.code: r.agents for r in gap.reasons}


def worked_hours(result: Schedule, lob: str | None = None) -> int:
    return sum(seg.end - seg.start for s in result.shifts for seg in s.segments if lob in (None, seg.lob))


# -- hard rules ------------------------------------------------------------------------------


def test_eligibility_window_bounds_each_lob():
    # eligible for A only on days 0-2; demand all week; shifts every day
    problem = Problem(horizon(), (Lob("A", demand()),), (agent(eligibility=(Eligibility("A", ((0, 3 * DAY),)),)),))
    result = solved(problem)
    assert {s.day for s in result.shifts} == {0, 1, 2}
    assert reasons(result, "A", 4 * DAY + 10) == {"SCHEDULE_GAP_NO_ELIGIBLE_AGENT": ()}


def test_assignment_weekly_cap():
    problem = Problem(horizon(), (Lob("A", demand()),), (agent(eligibility=(anywhere(cap=16 * 60),)),))
    result = solved(problem)
    assert worked_hours(result) == 16
    idle_day = next(d for d in range(7) if d not in {s.day for s in result.shifts})
    assert reasons(result, "A", idle_day * DAY + 10) == {"SCHEDULE_GAP_WEEKLY_CAP": ("a",)}


def test_legal_weekly_maximum_across_clients():
    # 24 h on A and 24 h on B allowed per assignment, but 32 h in all
    both = (anywhere("A", cap=24 * 60), anywhere("B", cap=24 * 60))
    problem = Problem(horizon(), (Lob("A", demand()), Lob("B", demand())),
                      (agent(eligibility=both, legal_max_minutes=32 * 60),))
    result = solved(problem)
    assert worked_hours(result) == 32
    assert worked_hours(result, "A") > 0 and worked_hours(result, "B") > 0
    idle_day = next(d for d in range(7) if d not in {s.day for s in result.shifts})
    below_cap = min("AB", key=lambda lob: worked_hours(result, lob))
    assert reasons(result, below_cap, idle_day * DAY + 10) == {"SCHEDULE_GAP_LEGAL_MAX": ("a",)}


def test_time_off_leaves_no_candidate_shift():
    # approved time off on day 3: no candidate shift that day
    shifts = tuple(s for s in day_shifts() if s.day != 3)
    problem = Problem(horizon(), (Lob("A", demand()),), (agent(shifts=shifts, max_consecutive_days=7),))
    result = solved(problem)
    assert {s.day for s in result.shifts} == {0, 1, 2, 4, 5, 6}
    assert reasons(result, "A", 3 * DAY + 10) == {"SCHEDULE_GAP_UNAVAILABLE": ("a",)}


def test_minimum_rest_between_shifts():
    # demand late on day 0 and early on day 1: a 14-22 shift and a 06-14 shift leave 8 h
    required = tuple(1.0 if 14 <= t < 22 or DAY + 6 <= t < DAY + 14 else 0.0 for t in range(2 * DAY))
    shifts = (Shift(14, 8, 0), Shift(DAY + 6, 8, 1))
    problem = Problem(horizon(2), (Lob("A", required),), (agent(shifts=shifts, eligibility=(anywhere(days=2),)),))
    result = solved(problem)
    assert len(result.shifts) == 1
    other = DAY + 6 if result.shifts[0].day == 0 else 14
    assert reasons(result, "A", other) == {"SCHEDULE_GAP_MIN_REST": ("a",)}
    relaxed = replace(problem, agents=(replace(problem.agents[0], min_rest_minutes=8 * 60),))
    assert len(solved(relaxed).shifts) == 2


def test_maximum_consecutive_days():
    problem = Problem(horizon(), (Lob("A", demand()),), (agent(max_consecutive_days=3, legal_max_minutes=60 * 60),))
    result = solved(problem)
    days = {s.day for s in result.shifts}
    assert longest_run(days) == 3 and len(days) == 6  # e.g. three on, one off, three on
    off = next(d for d in range(7) if d not in days)
    assert reasons(result, "A", off * DAY + 10) == {"SCHEDULE_GAP_CONSECUTIVE_DAYS": ("a",)}


def test_days_worked_before_the_horizon_count():
    problem = Problem(horizon(), (Lob("A", demand()),), (agent(max_consecutive_days=3, worked_days=(-2, -1)),))
    days = {s.day for s in solved(problem).shifts}
    # 3 in a row at most, counting the 2 days before: working day 0 means resting on day 1
    assert longest_run(days, (-2, -1)) <= 3 and not {0, 1} <= days and len(days) == 5


def test_days_worked_elsewhere_in_and_after_the_horizon_count():
    # published elsewhere on day 3 and on days 7-8 (after the week); at most 3 days in a row:
    # the best week then works 4 more days, e.g. 0-1 and 4-5, or 0, 2, 4 and 6
    problem = Problem(horizon(), (Lob("A", demand()),), (agent(max_consecutive_days=3, worked_days=(3, 7, 8)),))
    result = solved(problem)
    days = {s.day for s in result.shifts}
    assert longest_run(days, (3, 7, 8)) <= 3 and len(days - {3}) == 4  # 6 when nothing is worked elsewhere
    alone = solved(replace(problem, agents=(agent(max_consecutive_days=3),)))
    assert len({s.day for s in alone.shifts}) == 6


def test_one_place_at_a_time():
    # one agent, two LOBs needing someone at the same hours
    problem = Problem(horizon(1), (Lob("A", demand(1)), Lob("B", demand(1))),
                      (agent(shifts=day_shifts(1), eligibility=(anywhere("A", 1), anywhere("B", 1))),))
    result = solved(problem)
    a, b = (c.scheduled for c in result.coverage)
    assert all(x + y <= 1 for x, y in zip(a, b, strict=True))
    assert sum(a) + sum(b) == 8


def one_shift_two_lobs(a_hours: range, b_hours: range, shift: Shift) -> Problem:
    """One agent on A and B, one candidate shift, one agent needed on each LOB at its hours."""
    lobs = (Lob("A", demand(1, 1.0, a_hours)), Lob("B", demand(1, 1.0, b_hours)))
    return Problem(horizon(1), lobs, (agent(shifts=(shift,), eligibility=(anywhere("A", 1), anywhere("B", 1))),))


def test_one_shift_holds_segments_on_two_lobs():
    # A needs someone 08-12, B 13-16; one 8 h shift, switch point after its 12:00 break
    result = solved(one_shift_two_lobs(range(8, 12), range(13, 16), Shift(8, 8, 0, breaks=(12,))))
    (scheduled,) = result.shifts
    assert [(s.lob, s.start, s.end) for s in scheduled.segments] == [("A", 8, 12), ("B", 13, 16)]
    assert scheduled.segments[1].starts_at == START + timedelta(hours=13)
    assert result.gaps == ()


def test_lob_changes_only_at_switch_points():
    # B's demand starts mid-morning, but the shift may only switch at 12:00
    (scheduled,) = solved(one_shift_two_lobs(range(8, 10), range(10, 16), Shift(8, 8, 0, switch_points=(12,)))).shifts
    assert [s.lob for s in scheduled.segments] in (["A", "B"], ["B"])
    assert all(s.start in (8, 12) for s in scheduled.segments)


def test_scarce_agent_goes_to_the_higher_priority_lob():
    lobs = (Lob("A", demand(1), priority=1.0), Lob("B", demand(1), priority=3.0))
    problem = Problem(horizon(1), lobs,
                      (agent(shifts=day_shifts(1), eligibility=(anywhere("A", 1), anywhere("B", 1))),))
    result = solved(problem)
    assert worked_hours(result, "B") == 8 and worked_hours(result, "A") == 0
    assert reasons(result, "A", 10) == {"SCHEDULE_GAP_OTHER_LOB": ("a",)}
    flipped = replace(problem, lobs=(replace(lobs[0], priority=3.0), replace(lobs[1], priority=1.0)))
    assert worked_hours(solved(flipped), "A") == 8


def test_fractional_requirement_stays_fractional():
    # 1.4 agents needed: a second agent leaves 0.6 over instead of 0.4 short, worth it
    # while over-coverage weighs less than two thirds of under-coverage (rounding to 1
    # agent would never schedule the second)
    problem = Problem(horizon(1), (Lob("A", demand(1, 1.4)),),
                      tuple(agent(n, day_shifts(1), (anywhere(days=1),)) for n in "ab"))
    assert worked_hours(solved(problem)) == 16
    heavy = replace(problem, weights=replace(problem.weights, over=80))
    assert worked_hours(solved(heavy)) == 8


@pytest.mark.parametrize("over", [20, 80])
def test_lp_relaxation_cannot_cover_a_fraction_with_fractional_shifts(over):
    # 1.4 agents needed all day: the LP would cover it with 1.4 shifts at no coverage cost;
    # costed as whole agents (0.4 short or 0.6 over, interpolated), its bound is the optimum
    problem = Problem(horizon(1), (Lob("A", demand(1, 1.4)),),
                      tuple(agent(n, day_shifts(1), (anywhere(days=1),)) for n in "ab"))
    problem = replace(problem, weights=replace(problem.weights, over=over))
    optimum = solve(problem, relative_gap=0.0, lp_bound=False).objective
    assert solve_relaxation(build(problem).cp).bound == optimum


def test_partial_schedule_says_what_and_why():
    # C has nobody; A's lone agent is capped at 16 h
    lobs = (Lob("A", demand()), Lob("C", demand()))
    problem = Problem(horizon(), lobs, (agent(eligibility=(anywhere(cap=16 * 60),)),))
    result = solved(problem)
    uncovered = {(g.lob, g.interval) for g in result.gaps}
    assert {("C", d * DAY + h) for d in range(7) for h in range(8, 20)} <= uncovered
    assert reasons(result, "C", 10) == {"SCHEDULE_GAP_NO_ELIGIBLE_AGENT": ()}
    assert all(g.shortfall > 0 for g in result.gaps)
    covered = {(c.lob, t) for c in result.coverage
               for t, (r, s) in enumerate(zip(c.required, c.scheduled, strict=True)) if s >= r}
    assert not covered & uncovered


# -- solve control -----------------------------------------------------------------------------


def crowd(agents: int = 60, days: int = 7) -> Problem:
    """A busier instance: three LOBs, agents on one or two of them, three shift starts a day."""
    lobs = tuple(Lob(name, demand(days, agents / 6, range(7, 22)), priority=p)
                 for name, p in zip("ABC", (1, 2, 1), strict=True))
    shifts = day_shifts(days, starts=(7, 10, 13), breaks=True)
    people = tuple(agent(f"a{i:02d}", shifts, (anywhere("ABC"[i % 3], days, 32 * 60),) +
                         ((anywhere("ABC"[(i + 1) % 3], days, 16 * 60),) if i % 4 == 0 else ()),
                         cost_per_hour=15 + i % 5, target_minutes=32 * 60)
                   for i in range(agents))
    return Problem(horizon(days), lobs, people)


def test_progress_is_reported():
    seen = []
    result = solve(crowd(), time_limit=30, num_workers=1, on_progress=seen.append)
    assert seen, "no progress reported"
    assert all(0 <= p.gap <= 1 and p.bound <= p.objective + 1e-6 for p in seen)
    objectives = [p.objective for p in seen]
    assert objectives == sorted(objectives, reverse=True)
    assert result.first_solution_seconds is not None and result.gap <= 0.05 + 1e-9


def test_time_limit_is_kept():
    problem = crowd(200)
    result = solve(problem, time_limit=3, relative_gap=0.0)
    assert result.wall_seconds < 3 + 5  # building and diagnosing the model come on top of the search
    assert result.status in ("FEASIBLE", "OPTIMAL") and violations(problem, result) == []


def test_cancel_from_another_thread_returns_the_best_so_far():
    problem = crowd(200)
    solver = ScheduleSolver(problem, time_limit=120, relative_gap=0.0)
    threading.Timer(2.0, solver.cancel).start()
    result = solver.solve()
    assert result.status == "CANCELLED"
    assert result.wall_seconds < 30
    assert violations(problem, result) == []


def test_cancel_before_solving():
    solver = ScheduleSolver(crowd(10), time_limit=60)
    solver.cancel()
    result = solver.solve()
    assert result.status == "CANCELLED" and result.shifts == () and result.objective is None


def test_one_worker_and_a_seed_are_reproducible():
    problem = crowd(30)
    first = solve(problem, time_limit=60, num_workers=1, seed=3)
    second = solve(problem, time_limit=60, num_workers=1, seed=3)
    assert first.shifts == second.shifts and first.objective == second.objective


# -- refusals and the checker -------------------------------------------------------------


def test_bad_input_is_refused_with_every_code():
    bad = Problem(Horizon(datetime(2026, 11, 23), 7, 24), (), ())
    with pytest.raises(ValidationErrors) as caught:
        solve(bad)
    assert {e.code for e in caught.value.errors} == {"SCHEDULE_HORIZON_NOT_UTC", "SCHEDULE_INTERVAL_MINUTES"}
    worse = Problem(horizon(1), (Lob("A", (1.0,)), Lob("A", demand(1, -1))),
                    (agent(shifts=(Shift(20, 8, 0, breaks=(20,)),), eligibility=(Eligibility("Z", ((5, 2),)),)),))
    with pytest.raises(ValidationErrors) as caught:
        ScheduleSolver(worse)
    assert {(e.code, e.field) for e in caught.value.errors} == {
        ("SCHEDULE_REQUIREMENT_LENGTH", "lobs[0].required"), ("SCHEDULE_DUPLICATE_ID", "lobs[1].id"),
        ("SCHEDULE_NEGATIVE_VALUE", "lobs[1].required"), ("SCHEDULE_UNKNOWN_LOB", "agents[0].eligibility[0].lob"),
        ("SCHEDULE_WINDOW_INVALID", "agents[0].eligibility[0].windows"),
        ("SCHEDULE_SHIFT_OUTSIDE_HORIZON", "agents[0].shifts[0]"),
        ("SCHEDULE_BREAK_OUTSIDE_SHIFT", "agents[0].shifts[0].breaks")}


def test_checker_catches_broken_schedules():
    problem = Problem(horizon(2), (Lob("A", demand(2)),),
                      (agent(shifts=day_shifts(2, starts=(8, 14)),
                             eligibility=(Eligibility("A", ((0, 30),), 8 * 60),)),))
    result = solved(problem)
    (good,) = result.shifts
    later = replace(good, shift=1, start=14, end=22, starts_at=START + timedelta(hours=14),
                    ends_at=START + timedelta(hours=22), segments=(Segment("A", 14, 22, START + timedelta(hours=14),
                                                                           START + timedelta(hours=22)),))
    tomorrow = replace(good, shift=2, day=1, start=32, end=40, starts_at=START + timedelta(hours=32),
                       ends_at=START + timedelta(hours=40),
                       segments=(Segment("A", 32, 40, START + timedelta(hours=32), START + timedelta(hours=40)),))
    broken = violations(problem, replace(result, shifts=(good, later, tomorrow)))
    text = "\n".join(broken)
    for phrase in ("two shifts on one day", "overlap or break the minimum rest", "may not work LOB 'A' at interval 32",
                   "exceed its cap", "coverage of LOB 'A' differs"):
        assert phrase in text, (phrase, broken)


# -- property: whatever the instance, the result obeys every rule ------------------------------


@st.composite
def instances(draw) -> Problem:
    days = draw(st.integers(1, 3))
    lob_names = ["L0", "L1", "L2"][: draw(st.integers(1, 3))]
    intervals = days * DAY
    lobs = tuple(Lob(n, tuple(draw(st.sampled_from((0.0, 0.5, 1.0, 1.7, 3.0))) if t % 4 == 0 else 0.0
                              for t in range(intervals)), priority=draw(st.sampled_from((0.5, 1.0, 2.0))))
                 for n in lob_names)
    lobs = tuple(replace(lob, required=tuple(lob.required[t - t % 4] for t in range(intervals))) for lob in lobs)
    people = []
    for i in range(draw(st.integers(1, 5))):
        shifts = []
        for d in range(days):
            for s in draw(st.lists(st.integers(0, 16), max_size=3, unique=True)):
                length = draw(st.integers(2, 8))
                brk = (d * DAY + s + length // 2,) if length >= 6 and draw(st.booleans()) else ()
                shifts.append(Shift(d * DAY + s, length, d, brk))
        eligibility = []
        for n in draw(st.lists(st.sampled_from(lob_names), min_size=1, max_size=len(lob_names), unique=True)):
            a = draw(st.integers(0, intervals - 1))
            b = draw(st.integers(a + 1, intervals))
            eligibility.append(Eligibility(n, ((a, b),), draw(st.sampled_from((None, 4 * 60, 10 * 60)))))
        people.append(Agent(f"p{i}", tuple(shifts), tuple(eligibility),
                            legal_max_minutes=draw(st.sampled_from((8 * 60, 16 * 60, 48 * 60))),
                            min_rest_minutes=draw(st.sampled_from((0, 8 * 60, 11 * 60))),
                            max_consecutive_days=draw(st.integers(1, 3)),
                            worked_days=tuple(range(-draw(st.integers(0, 2)), 0)),
                            target_minutes=draw(st.sampled_from((None, 8 * 60)))))
    return Problem(horizon(days), lobs, tuple(people), max_switches=draw(st.integers(0, 2)))


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_result_obeys_every_rule(problem):
    result = solve(problem, time_limit=10, num_workers=1)
    assert result.status in ("OPTIMAL", "FEASIBLE")
    assert violations(problem, result) == []
    for gap in result.gaps:
        assert gap.reasons and gap.scheduled < gap.required


# -- the LP relaxation: a valid bound, and a guided start that obeys the rules -------------------


def test_lp_bound_rounds_a_fractional_optimum_up():
    cp = cp_model.CpModel()
    x, y, z = (cp.new_bool_var(n) for n in "xyz")
    for pair in ((x, y), (y, z), (x, z)):
        cp.add_at_most_one(pair)
    cp.minimize(-x - y - z)  # LP optimum -1.5 (every variable at one half), integer optimum -1
    assert solve_relaxation(cp).bound == -1


def test_lp_bound_reads_negated_literals_and_equalities():
    cp = cp_model.CpModel()
    x, y = cp.new_bool_var("x"), cp.new_bool_var("y")
    cp.add_bool_or([x, ~y])  # x >= y
    cp.add(y == 1)
    cp.minimize(3 * x + 2)
    assert solve_relaxation(cp).bound == 5


def test_lp_bound_is_reported_when_stronger_and_never_above_the_optimum():
    """Twelve agents: small enough for CP-SAT to prove the optimum in a few seconds (forty
    needed the whole time limit), so the LP bound is compared with the optimum itself."""
    problem = crowd(12)
    with_lp = solve(problem, time_limit=20, relative_gap=0.0, num_workers=2)
    assert with_lp.status == "OPTIMAL"
    model = build(problem)
    relaxed = solve_relaxation(model.cp)
    assert relaxed.bound <= with_lp.objective + 1e-6
    assert with_lp.bound >= relaxed.bound


def test_lp_relaxation_in_a_child_process_gives_the_same_bound_and_stops_at_once():
    model = build(crowd(40))
    here = solve_relaxation(model.cp, isolate=False)
    there = solve_relaxation(model.cp, isolate=True)
    assert there.bound == here.bound and len(there.values) == len(here.values)
    run = RelaxationRun(model.cp, time_limit=60, isolate=True)
    stop = threading.Event()
    stop.set()
    began = time.perf_counter()
    assert run.result(stop) is None  # the child has not even started PDLP yet
    assert time.perf_counter() - began < 5 and run._process.poll() is not None


@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_lp_bound_and_plan_objective_agree_with_cp_sat(problem):
    model = build(problem)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_time_in_seconds = 20
    assert solver.solve(model.cp) == cp_model.OPTIMAL
    relaxed = solve_relaxation(model.cp)
    if relaxed is not None:
        assert relaxed.bound <= solver.objective_value + 1e-6
    # CP-SAT reports its integer objective as a float (5399.999999999999 for 5400)
    assert plan_objective(model, read_plan(model, solver.boolean_value)) == round(solver.objective_value)
    guide = relaxed.values if relaxed is not None else [0.5] * len(model.cp.proto.variables)
    plan = greedy_plan(model, guide=guide)
    schedule = Schedule("FEASIBLE", None, None, None, 0.0, None, None, scheduled_shifts(problem, plan),
                        lob_coverage(problem, plan), ())
    assert violations(problem, schedule) == []


# -- the checker names every corruption of a valid schedule ------------------------------------


def pair() -> tuple[Problem, Schedule]:
    """Agents a and b, each on LOB A from 08:00 to 16:00 of one day: a valid schedule."""
    staff = tuple(agent(name, day_shifts(1), (anywhere("A", 1),)) for name in "ab")
    problem = Problem(horizon(1), (Lob("A", demand(1, 2.0)),), staff)
    return problem, solved(problem)


def at(interval: int) -> datetime:
    return START + timedelta(hours=interval)


def segment(lob: str, start: int, end: int) -> Segment:
    return Segment(lob, start, end, at(start), at(end))


def checked(problem: Problem, schedule: Schedule, *shifts) -> str:
    return "\n".join(violations(problem, replace(schedule, shifts=tuple(shifts))))


def test_the_checker_names_each_broken_rule_and_goes_on_checking():
    """Each hard rule, broken once, is named with its agent; a broken shift does not stop the
    check of the shifts and agents after it."""
    problem, schedule = pair()
    a, b = sorted(schedule.shifts, key=lambda s: s.agent)
    ghost = replace(a, agent="z")
    beyond = replace(a, shift=1)  # agent a has one candidate shift: index 1 is past the end
    text = checked(problem, schedule, ghost, beyond, replace(a, starts_at=at(9)), replace(b, ends_at=at(17)))
    for phrase in ("unknown agent 'z'", "agent 'a': shift 1 is not a candidate",
                   "agent 'a': shift 0 is reported with other times than its candidate",
                   "agent 'b': shift 0 is reported with other times than its candidate"):
        assert phrase in text, (phrase, text)
    empty = replace(a, segments=(segment("A", 8, 16), segment("A", 12, 12)))
    mistimed = replace(b, segments=(Segment("A", 8, 16, at(9), at(16)),))
    text = checked(problem, schedule, empty, mistimed)
    assert "agent 'a': segment 12-12 is empty or mistimed" in text, text
    assert "agent 'b': segment 8-16 is empty or mistimed" in text, text
    twice = replace(a, segments=(segment("A", 8, 16), segment("A", 12, 13)))
    short = replace(b, segments=(segment("A", 8, 15),))
    text = checked(problem, schedule, twice, short)
    assert "agent 'a': interval 12 is on two LOBs" in text, text
    assert "agent 'b': segments of shift 0 do not cover exactly its worked intervals" in text, text
    elsewhere = replace(a, segments=(segment("B", 8, 16),))  # a may work A only
    text = checked(problem, schedule, elsewhere, b)
    assert all(f"agent 'a': may not work LOB 'B' at interval {t}" in text for t in range(8, 16)), text


def test_the_checker_names_a_switch_off_its_points_even_within_the_allowed_count():
    problem = one_shift_two_lobs(range(8, 10), range(10, 16), Shift(8, 8, 0, switch_points=(12,)))
    schedule = solved(problem)
    (shift,) = schedule.shifts
    early = replace(shift, segments=(segment("A", 8, 10), segment("B", 10, 16)))  # one switch, at 10
    assert "agent 'a': shift 0 changes LOB off its switch points or too often" in checked(problem, schedule, early)


def test_the_checker_counts_days_worked_elsewhere_and_minutes_against_the_legal_maximum():
    problem, schedule = pair()
    a, b = sorted(schedule.shifts, key=lambda s: s.agent)
    tired = replace(problem.agents[0], worked_days=(-6, -5, -4, -3, -2, -1))  # day 0 is the seventh in a row
    capped = replace(problem.agents[1], legal_max_minutes=7 * 60)  # 8 h worked
    strict = replace(problem, agents=(tired, capped))
    text = checked(strict, schedule, a, b)
    assert "agent 'a': more than 6 consecutive days" in text, text
    assert "agent 'b': 480 minutes exceed the legal maximum 420" in text, text
