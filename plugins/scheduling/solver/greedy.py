"""A fast greedy plan that obeys every hard rule: the solver's starting point (hint).

Agents are taken one at a time, single-LOB agents first (multi-LOB agents then fill
what is left). For each agent every column is scored against the coverage still
missing; days are taken best first, each with its best column that the rules (rest,
consecutive days, legal maximum, caps) still allow. Then passes of best responses:
each agent's week is re-chosen against everyone else's, and kept when it is better.
Guided by the LP relaxation's optimum, the first weeks round it instead (each agent's
columns by LP value, nudged by their coverage gain) and the same best responses repair
and improve the rounding.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Sequence

from switchboard.plugins.scheduling.solver.model import SCALE, AgentModel, Column, Model, column_cost, in_symmetry_order
from switchboard.plugins.scheduling.solver.plan import Plan, Work
from switchboard.plugins.scheduling.solver.rules import clash, longest_run, rest_intervals

GUIDE_FLOOR = 0.2  # subtracted from a column's LP value when rounding
GUIDE_AGENT_INTERVALS = 30  # a column's coverage gain, when rounding, in units of this many short agent-intervals


def greedy_plan(model: Model, passes: int = 3, deadline: float | None = None,
                guide: Sequence[float] | None = None) -> Plan:
    """A rule-abiding plan for ``model``: greedy, then up to ``passes`` rounds of best
    responses (stopping at ``deadline``, a ``time.perf_counter()`` instant).

    ``guide``: a fractional value per model variable (the LP relaxation's optimum); the
    first week of each agent then rounds it: columns by LP value, less ``GUIDE_FLOOR``,
    plus what they add to the coverage still missing (in units of
    ``GUIDE_AGENT_INTERVALS`` short agent-intervals), so the rounding follows the LP
    where it is sure and the coverage where it hesitates."""
    problem = model.problem
    w = problem.weights
    residual = [list(lob.required) for lob in problem.lobs]
    under = [lob.priority * w.under * SCALE for lob in problem.lobs]
    over = w.over * SCALE

    def gain(lob: int, t: int) -> float:
        """What one more agent on ``lob`` at ``t`` is worth against the objective."""
        r = min(1.0, max(0.0, residual[lob][t]))
        return under[lob] * r - over * (1 - r)

    def place(works: list[Work], sign: int) -> None:
        for work in works:
            for t, lob in work.lobs.items():
                residual[lob][t] -= sign

    plan: Plan = {}
    multi = [len({lob for c in m.columns for lob in c.minutes}) > 1 for m in model.agents]
    order = sorted(range(len(model.agents)), key=lambda a: (multi[a], a))
    unit = max(1, GUIDE_AGENT_INTERVALS * w.under * SCALE)
    for a in order:
        m = model.agents[a]
        score = by_gain = _by_gain(model, m, gain)
        if guide is not None:
            def score(j, c, m=m, by_gain=by_gain):
                return guide[m.vars[j].index] - GUIDE_FLOOR + by_gain(j, c) / unit
        plan[a] = _choose(model, m, score)
        place(plan[a], 1)
    for _ in range(passes):
        better = 0
        for a in order:
            if deadline is not None and time.perf_counter() > deadline:
                return in_symmetry_order(model, plan)
            place(plan[a], -1)
            new = _choose(model, model.agents[a], _by_gain(model, model.agents[a], gain))
            if _value(model, a, new, gain) > _value(model, a, plan[a], gain) + 1e-6:
                plan[a] = new
                better += 1
            place(plan[a], 1)
        if not better:
            break
    return in_symmetry_order(model, plan)


def _value(model: Model, a: int, works: list[Work], gain) -> float:
    """What an agent's week adds to the objective against everyone else's (higher: better)."""
    m = model.agents[a]
    total = 0.0
    for work in works:
        column = next(c for c in m.columns if c.shift == work.shift and c.lobs == work.lobs)
        total += sum(gain(lob, t) for t, lob in work.lobs.items()) - _cost(model, m, column)
    return total


def _cost(model: Model, m: AgentModel, c: Column) -> float:
    """The column's own cost in the objective: pay, preference, LOB switches."""
    return column_cost(m.agent, c, model.problem.weights)


def _by_gain(model: Model, m: AgentModel, gain) -> Callable[[int, Column], float]:
    """Scores a column of ``m`` by what it adds to coverage less its own cost."""
    return lambda j, c: sum(gain(lob, t) for t, lob in c.lobs.items()) - _cost(model, m, c)


def _choose(model: Model, m: AgentModel, score: Callable[[int, Column], float]) -> list[Work]:
    """The agent's columns scoring above 0, best days first, each day's best column the rules allow."""
    agent, im = m.agent, model.problem.horizon.interval_minutes
    by_day: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for j, c in enumerate(m.columns):
        value = score(j, c)
        if value > 0:
            by_day[agent.shifts[c.shift].day].append((value, j))
    caps = {model.lob_index[e.lob]: e.weekly_cap_minutes for e in agent.eligibility}
    rest = rest_intervals(agent, model.problem.horizon)
    chosen: list[Column] = []
    used: dict[int, int] = defaultdict(int)

    def fits(c: Column) -> bool:
        shift = agent.shifts[c.shift]
        return (sum(len(x.lobs) for x in chosen) * im + len(c.lobs) * im <= agent.legal_max_minutes
                and all(caps[lob] is None or used[lob] + mins <= caps[lob] for lob, mins in c.minutes.items())
                and not any(clash(shift, agent.shifts[x.shift], rest) for x in chosen)
                and longest_run({agent.shifts[x.shift].day for x in chosen} | {shift.day},
                                agent.worked_days) <= agent.max_consecutive_days)

    for day in sorted(by_day, key=lambda d: -max(by_day[d])[0]):
        for _, j in sorted(by_day[day], reverse=True):
            c = m.columns[j]
            if fits(c):
                chosen.append(c)
                for lob, mins in c.minutes.items():
                    used[lob] += mins
                break
    return [Work(c.shift, c.lobs) for c in chosen]
