"""The hard rules between an agent's shifts, as plain functions shared by the model,
the greedy start, the diagnosis and the checker (so they cannot disagree)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations, pairwise, product

from switchboard.plugins.scheduling.solver.problem import Agent, Horizon, Shift


def rest_intervals(agent: Agent, horizon: Horizon) -> int:
    """The agent's minimum rest between two shifts, in whole intervals (rounded up)."""
    return horizon.to_intervals(agent.min_rest_minutes)


def clash(a: Shift, b: Shift, rest: int) -> bool:
    """True when ``a`` and ``b`` overlap or leave less than ``rest`` intervals between them.

    Equivalently the stretched spans ``[start, end + rest)`` intersect, which is why
    the model can state the rule as one at-most-one constraint per point in time."""
    return a.start < b.end + rest and b.start < a.end + rest


def longest_run(days: Iterable[int], worked_days: Iterable[int] = ()) -> int:
    """The longest run of consecutive days, among ``days`` and the ``worked_days`` already
    worked elsewhere, that holds at least one of ``days`` (a run of ``worked_days`` alone is
    not this schedule's doing)."""
    own = set(days)
    worked = own | set(worked_days)
    best = 0
    for day in worked:
        if day - 1 in worked:
            continue
        end = day
        while end + 1 in worked:
            end += 1
        if any(d in own for d in range(day, end + 1)):
            best = max(best, end - day + 1)
    return best


def lob_patterns(shift: Shift, options: dict[int, set[int]], max_switches: int) -> list[dict[int, int]]:
    """Every way to work ``shift`` on LOBs: per worked interval the LOB index, changing LOB
    at most ``max_switches`` times and only at the shift's switch points, each interval on
    a LOB of its ``options`` (the LOBs the agent may work then). Empty: not workable."""
    worked = shift.worked
    if not worked or any(not options.get(t) for t in worked):
        return []
    points = [p for p in shift.switches if worked[0] < p <= worked[-1]]
    out = []
    for n in range(min(max_switches, len(points)) + 1):
        for cut in combinations(points, n):
            edges = [worked[0], *cut, worked[-1] + 1]
            parts = [[t for t in worked if a <= t < b] for a, b in pairwise(edges)]
            if any(not part for part in parts):
                continue
            choices = [sorted(set.intersection(*(options[t] for t in part))) for part in parts]
            for lobs in product(*choices):
                if all(x != y for x, y in pairwise(lobs)):
                    out.append({t: lob for part, lob in zip(parts, lobs, strict=True) for t in part})
    return out
