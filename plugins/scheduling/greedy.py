"""A fast greedy plan that obeys every hard rule: the solver's starting point (hint).

Agents are taken one at a time, single-LOB agents first (multi-LOB agents then fill
what is left). For each agent every column is scored against the coverage still
missing; days are taken best first, each with its best column that the rules (rest,
consecutive days, legal maximum, caps) still allow.
"""

from __future__ import annotations

from collections import defaultdict

from .model import SCALE, AgentModel, Column, Model
from .plan import Plan, Work
from .rules import clash, longest_run, rest_intervals


def greedy_plan(model: Model) -> Plan:
    """A rule-abiding plan for ``model`` built greedily against the requirement."""
    problem = model.problem
    w = problem.weights
    residual = [list(lob.required) for lob in problem.lobs]
    under = [lob.priority * w.under * SCALE for lob in problem.lobs]
    over = w.over * SCALE
    plan: Plan = {}
    multi = [len({lob for c in m.columns for lob in c.minutes}) > 1 for m in model.agents]
    for a in sorted(range(len(model.agents)), key=lambda a: (multi[a], a)):
        m = model.agents[a]

        def gain(lob: int, t: int) -> float:
            r = min(1.0, max(0.0, residual[lob][t]))
            return under[lob] * r - over * (1 - r)

        works = _choose(model, m, gain)
        if works:
            plan[a] = sorted(works, key=lambda work: m.agent.shifts[work.shift].start)
            for work in works:
                for t, lob in work.lobs.items():
                    residual[lob][t] -= 1
    return _ordered(model, plan)


def _choose(model: Model, m: AgentModel, gain) -> list[Work]:
    """The agent's columns, best days first, each day's best column the rules allow."""
    agent, im, w = m.agent, model.problem.horizon.interval_minutes, model.problem.weights
    by_day: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for j, c in enumerate(m.columns):
        shift = agent.shifts[c.shift]
        cents = float(agent.cost_per_hour) * sum(c.minutes.values()) * 100 / 60
        value = (sum(gain(lob, t) for t, lob in c.lobs.items()) - w.cost * cents
                 - w.preference * shift.preference - w.switch * c.switches)
        if value > 0:
            by_day[shift.day].append((value, j))
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
                                agent.prior_consecutive_days) <= agent.max_consecutive_days)

    for day in sorted(by_day, key=lambda d: -max(by_day[d])[0]):
        for _, j in sorted(by_day[day], reverse=True):
            c = m.columns[j]
            if fits(c):
                chosen.append(c)
                for lob, mins in c.minutes.items():
                    used[lob] += mins
                break
    return [Work(c.shift, c.lobs) for c in chosen]


def _ordered(model: Model, plan: Plan) -> Plan:
    """The plan with identical agents' weeks swapped so the model's symmetry order holds."""
    for group in model.identical:
        weeks = sorted((plan.get(a, []) for a in group), key=lambda works: -sum(len(w.lobs) for w in works))
        for a, works in zip(group, weeks):
            plan[a] = works
    return {a: works for a, works in plan.items() if works}
