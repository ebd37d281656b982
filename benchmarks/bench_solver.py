"""The CP-SAT schedule solver on two instances.

1. The mid demo's week (see :mod:`benchmarks.solver_instances`): time to the first
   schedule and to one within the target gap of the solver's own bound, final gap,
   under- and over-coverage, against the greedy start, and CP-SAT with the LP
   relaxation (bound and guided start) against CP-SAT alone (same run).
2. One LOB, both ways in the same run: this scheduler (named agents, every hard rule)
   vs pyworkforce's MinAbsDifference and MinRequiredResources (counts of shift types
   per day, no per-agent rules) on the same integer requirement and the same shifts:
   under-staffed agent-intervals and run time, as ratios to pyworkforce.

Usage: ``python -m benchmarks.bench_solver [--time-limit 60] [--workers 2] [--skip-mid] [--skip-single]``.
"""

from __future__ import annotations

import argparse
import time

from benchmarks.harness import table
from benchmarks.solver_instances import mid_demo_problem, single_lob_problem
from switchboard.plugins.scheduling.solver.checker import violations
from switchboard.plugins.scheduling.solver.greedy import greedy_plan
from switchboard.plugins.scheduling.solver.model import build
from switchboard.plugins.scheduling.solver.plan import lob_coverage
from switchboard.plugins.scheduling.solver.problem import LobCoverage, Problem, Schedule
from switchboard.plugins.scheduling.solver.search import ScheduleSolver

HOURS_PER_INTERVAL = 0.5


def seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} s"


def coverage_row(name: str, coverage: tuple[LobCoverage, ...], required: float, extra: list[object]) -> list[object]:
    under = sum(c.under for c in coverage) * HOURS_PER_INTERVAL
    over = sum(c.over for c in coverage) * HOURS_PER_INTERVAL
    scheduled = sum(sum(c.scheduled) for c in coverage) * HOURS_PER_INTERVAL
    return [name, *extra, f"{scheduled:.0f}", f"{under:.0f} ({100 * under / required:.1f}%)", f"{over:.0f}"]


def mid_demo(time_limit: float, workers: int) -> None:
    problem = mid_demo_problem()
    required = sum(sum(lob.required) for lob in problem.lobs) * HOURS_PER_INTERVAL
    started = time.perf_counter()
    greedy = lob_coverage(problem, greedy_plan(build(problem)))
    greedy_seconds = time.perf_counter() - started
    results = {}
    for name, lp in (("CP-SAT alone (before)", False), ("CP-SAT + LP relaxation", True)):
        results[name] = ScheduleSolver(problem, time_limit=time_limit, num_workers=workers, lp_bound=lp).solve()
        assert violations(problem, results[name]) == [], "the solver broke a hard rule"
    multi = sum(1 for a in problem.agents if len(a.eligibility) > 1)
    print(f"mid demo week: {len(problem.agents)} agents ({multi} on 2-3 LOBs), {len(problem.lobs)} LOBs, "
          f"{problem.horizon.intervals} half-hours, {sum(len(a.shifts) for a in problem.agents)} candidate shifts, "
          f"{required:.0f} agent-hours required; {workers} workers, time limit {time_limit:.0f} s")
    header = ["schedule", "status", "first", "≤5% gap", "wall", "gap", "objective", "bound", "scheduled h", "under h",
              "over h"]
    rows = [coverage_row("greedy start", greedy, required, ["-", "-", "-", seconds(greedy_seconds), "-", "-", "-"])]
    rows += [coverage_row(name, r.coverage, required,
                          [r.status, seconds(r.first_solution_seconds), seconds(r.gap_reached_seconds),
                           seconds(r.wall_seconds), f"{100 * r.gap:.1f}%" if r.gap is not None else "-",
                           f"{r.objective:.0f}" if r.objective is not None else "-",
                           f"{r.bound:.0f}" if r.bound is not None else "-"])
             for name, r in results.items()]
    print(table("Mid demo week (gap: relative to the solver's own bound)", header, rows))
    before, after = results.values()
    under = [sum(c.under for c in cov) for cov in (greedy, before.coverage, after.coverage)]
    print(f"after ÷ before: objective {after.objective / before.objective:.3f}, gap {after.gap / before.gap:.3f}, "
          f"under-coverage {under[2] / under[1]:.3f} (÷ greedy start {under[2] / under[0]:.3f}); "
          f"gaps diagnosed: {len(after.gaps)}")


def pyworkforce_inputs(problem: Problem) -> tuple[dict[str, list[int]], list[list[int]], dict[str, int]]:
    """The single-LOB problem as pyworkforce takes it: shift types over a day's periods and
    the requirement per day and period (shifts are the same every day and stay inside it)."""
    per_day = 24 * 60 // problem.horizon.interval_minutes
    days = problem.horizon.intervals // per_day
    coverage, position = {}, {}
    for shift in problem.agents[0].shifts:
        if shift.day != 0:
            continue
        name = f"s{shift.start:02d}x{shift.length}"
        coverage[name] = [int(t in shift.worked) for t in range(per_day)]
        position[name] = shift.start
    required = [[int(problem.lobs[0].required[d * per_day + p]) for p in range(per_day)] for d in range(days)]
    return coverage, required, position


def pyworkforce_coverage(problem: Problem, solution: dict, coverage: dict[str, list[int]]) -> LobCoverage:
    per_day = 24 * 60 // problem.horizon.interval_minutes
    counts = [0] * problem.horizon.intervals
    for row in solution["resources_shifts"]:
        for p, on in enumerate(coverage.get(row["shift"], ())):
            counts[row["day"] * per_day + p] += on * row["resources"]
    lob = problem.lobs[0]
    return LobCoverage(lob.id, lob.required, tuple(counts))


def single_lob(time_limit: float, workers: int, agents: int, peak: float) -> None:
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    problem = single_lob_problem(agents, peak)
    coverage, required, _ = pyworkforce_inputs(problem)
    common = dict(num_days=len(required), periods=len(required[0]), shifts_coverage=coverage,
                  required_resources=required, max_period_concurrency=agents, max_shift_concurrency=agents,
                  max_search_time=time_limit, num_search_workers=workers)
    runs: list[tuple[str, LobCoverage, float, str]] = []
    for name, cls in (("pyworkforce MinAbsDifference", MinAbsDifference),
                      ("pyworkforce MinRequiredResources", MinRequiredResources)):
        started = time.perf_counter()
        solution = cls(**common).solve()
        runs.append((name, pyworkforce_coverage(problem, solution, coverage), time.perf_counter() - started,
                     solution["status"]))
    started = time.perf_counter()
    result: Schedule = ScheduleSolver(problem, time_limit=time_limit, num_workers=workers).solve()
    assert violations(problem, result) == [], "the solver broke a hard rule"
    runs.append(("this scheduler (named agents)", result.coverage[0], time.perf_counter() - started, result.status))
    base_under, base_time = runs[0][1].under, runs[0][2]
    total = sum(problem.lobs[0].required) * HOURS_PER_INTERVAL
    print(f"single LOB: {problem.horizon.intervals} half-hours, peak {peak:.0f} agents, {total:.0f} agent-hours "
          f"required, {len(coverage)} shift types a day, {agents} identical agents for this scheduler")
    rows = [[name, status, f"{cov.under:.0f}", f"{cov.under / base_under:.2f}" if base_under else "-",
             f"{cov.over:.0f}", f"{sum(cov.scheduled) * HOURS_PER_INTERVAL:.0f}", seconds(spent),
             f"{spent / base_time:.2f}"] for name, cov, spent, status in runs]
    print(table("Single LOB, same requirement and shifts (ratios: ÷ MinAbsDifference)",
                ["scheduler", "status", "under agent-intervals", "ratio", "over agent-intervals", "agent-hours",
                 "run time", "ratio"], rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--agents", type=int, default=60, help="single LOB: agents for this scheduler")
    parser.add_argument("--peak", type=float, default=30.0, help="single LOB: agents required at the peak")
    parser.add_argument("--skip-mid", action="store_true")
    parser.add_argument("--skip-single", action="store_true")
    args = parser.parse_args()
    if not args.skip_mid:
        mid_demo(args.time_limit, args.workers)
    if not args.skip_single:
        single_lob(args.time_limit, args.workers, args.agents, args.peak)


if __name__ == "__main__":
    main()
