"""A plan in index space (per agent index: chosen shifts and the LOB index of every worked
interval) and its conversion to the public :class:`~.problem.Schedule` parts."""

from __future__ import annotations

from dataclasses import dataclass

from switchboard.plugins.scheduling.solver.problem import LobCoverage, Problem, ScheduledShift, Segment


@dataclass(frozen=True)
class Work:
    """One chosen shift (index in ``Agent.shifts``) and the LOB index per worked interval."""

    shift: int
    lobs: dict[int, int]


Plan = dict[int, list[Work]]


def coverage_counts(problem: Problem, plan: Plan) -> list[list[int]]:
    """Agents scheduled per LOB index and interval."""
    counts = [[0] * problem.horizon.intervals for _ in problem.lobs]
    for works in plan.values():
        for work in works:
            for t, lob in work.lobs.items():
                counts[lob][t] += 1
    return counts


def segments(problem: Problem, lobs: dict[int, int]) -> tuple[Segment, ...]:
    """Maximal runs of consecutive worked intervals on one LOB."""
    horizon = problem.horizon
    runs: list[list[int]] = []  # [lob, start, end]
    for t in sorted(lobs):
        if runs and runs[-1][0] == lobs[t] and runs[-1][2] == t:
            runs[-1][2] = t + 1
        else:
            runs.append([lobs[t], t, t + 1])
    return tuple(Segment(problem.lobs[lob].id, a, b, horizon.at(a), horizon.at(b)) for lob, a, b in runs)


def scheduled_shifts(problem: Problem, plan: Plan) -> tuple[ScheduledShift, ...]:
    """The plan's shifts as output records, by agent then start."""
    horizon = problem.horizon
    out = []
    for a in sorted(plan):
        agent = problem.agents[a]
        for work in plan[a]:
            shift = agent.shifts[work.shift]
            out.append(ScheduledShift(agent.id, work.shift, shift.day, shift.start, shift.end, horizon.at(shift.start),
                                      horizon.at(shift.end), segments(problem, work.lobs), tuple(sorted(shift.breaks))))
    return tuple(out)


def lob_coverage(problem: Problem, plan: Plan) -> tuple[LobCoverage, ...]:
    """Required vs scheduled per LOB and interval."""
    counts = coverage_counts(problem, plan)
    return tuple(LobCoverage(lob.id, tuple(lob.required), tuple(counts[i])) for i, lob in enumerate(problem.lobs))
