"""The CP-SAT model of a :class:`~.problem.Problem`.

One boolean per *column*: an (agent, candidate shift, LOB pattern) triple, where the
pattern gives the LOB of every worked interval (one LOB, or a split at the shift's
switch points for an agent with several LOBs). A single-LOB agent has one column per
usable shift. Every hard rule is then linear in the columns: at most one column per
maximal clique of conflicting shifts (one per day, no overlap, minimum rest), windows
over consecutive days, caps as weighted sums. Coverage per LOB-interval is an
aggregate sum, compared with the requirement in hundredths of an agent so that
fractional requirements stay fractional in the objective. The model is a set-packing
problem with coverage rows, whose LP relaxation stays small and tight.

Coverage is an integer count, so its cost is stated the way only integers can be
covered (see :meth:`_Builder.add_coverage`): for a requirement of 3.4 agents, the
cost of 3 agents (0.4 short) and of 4 (0.6 over), interpolated in between. Every
integer schedule costs exactly what it did with plain under and over amounts, but the
LP relaxation can no longer cover 3.4 agents with 3.4 fractional shifts for free,
which raises its bound by about 8% on the mid demo's week.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

from ortools.sat.python import cp_model

from switchboard.plugins.scheduling.solver.plan import Plan, Work, coverage_counts
from switchboard.plugins.scheduling.solver.problem import Agent, Horizon, Problem, Weights
from switchboard.plugins.scheduling.solver.rules import lob_patterns, rest_intervals

SCALE = 100  # coverage is compared with the requirement in hundredths of an agent
TIER = 4     # fairness: the first quarter of a shortfall costs 1×, the rest 3× (spreads shortfalls)


@dataclass(frozen=True)
class Column:
    """A way to work one candidate shift: its index, the LOB index per worked interval,
    the minutes per LOB index and the number of LOB switches."""

    shift: int
    lobs: dict[int, int]
    minutes: dict[int, int]
    switches: int


def agent_columns(agent: Agent, lob_index: dict[object, int], horizon: Horizon, max_switches: int) -> list[Column]:
    """Every column of ``agent`` that no rule rules out on its own: each worked interval
    on a LOB the agent may work then, within the legal maximum and each assignment's cap."""
    options: dict[int, set[int]] = defaultdict(set)
    caps = {}
    for e in agent.eligibility:
        lob = lob_index[e.lob]
        caps[lob] = e.weekly_cap_minutes
        for a, b in e.windows:
            for t in range(a, b):
                options[t].add(lob)
    im = horizon.interval_minutes
    out = []
    for k, shift in enumerate(agent.shifts):
        if len(shift.worked) * im > agent.legal_max_minutes:
            continue
        for lobs in lob_patterns(shift, options, max_switches):
            minutes: dict[int, int] = defaultdict(int)
            for lob in lobs.values():
                minutes[lob] += im
            if all(caps[lob] is None or m <= caps[lob] for lob, m in minutes.items()):
                order = [lobs[t] for t in shift.worked]
                out.append(Column(k, lobs, dict(minutes), sum(x != y for x, y in pairwise(order))))
    return out


def column_cost(agent: Agent, column: Column, weights: Weights) -> int:
    """The column's own term in the objective: pay (in cents), preference and LOB switches."""
    cents = round(agent.cost_per_hour * sum(column.minutes.values()) * 100 / 60)
    return (weights.cost * cents
            + weights.preference * agent.shifts[column.shift].preference
            + weights.switch * column.switches)


def shortfall_tiers(target: int, worked: int) -> tuple[int, int]:
    """Intervals short of a contract ``target`` split into the fairness tiers (first quarter, rest)."""
    short = max(0, target - worked)
    head = min(short, -(-target // TIER))
    return head, short - head


@dataclass
class AgentModel:
    """One agent's columns and their booleans; ``shortfall``: the fairness tiers."""

    agent: Agent
    columns: list[Column]
    vars: list[cp_model.IntVar]
    shortfall: tuple[cp_model.IntVar, cp_model.IntVar] | None = None

    def worked(self):
        """Intervals worked over the horizon, as a linear expression."""
        return cp_model.LinearExpr.weighted_sum(self.vars, [len(c.lobs) for c in self.columns])


@dataclass
class Deviation:
    """The coverage of one LOB-interval against its requirement of ``q`` whole agents and
    ``r`` hundredths: ``count == q + ceil + excess - short`` (``ceil``: the fraction is
    covered; ``excess``, ``short``: whole agents beyond it or below ``q``)."""

    lob: int
    interval: int
    ceil: cp_model.IntVar
    short: cp_model.IntVar
    excess: cp_model.IntVar

    @staticmethod
    def values(need: int, count: int) -> tuple[int, int, int]:
        """(ceil, short, excess) for ``count`` agents against ``need`` hundredths."""
        q = need // SCALE
        if count <= q:
            return 0, q - count, 0
        return 1, 0, count - q - 1


@dataclass
class Model:
    """A built model and the handles needed to hint it and read its solution;
    ``identical``: groups of interchangeable agents (indices, in symmetry order);
    ``coeffs``: the objective's coefficient per variable index; ``offset``: its constant."""

    problem: Problem
    cp: cp_model.CpModel
    agents: list[AgentModel]
    deviations: list[Deviation]
    lob_index: dict[object, int]
    identical: list[list[int]] = field(default_factory=list)
    coeffs: dict[int, int] = field(default_factory=dict)
    offset: int = 0


def build(problem: Problem, break_symmetry: bool = True) -> Model:
    """The CP-SAT model of ``problem`` (which must be valid: see :mod:`.validation`)."""
    builder = _Builder(problem)
    for agent in problem.agents:
        builder.add_agent(agent)
    identical = builder.order_identical_agents() if break_symmetry else []
    builder.add_coverage()
    builder.cp.minimize(cp_model.LinearExpr.weighted_sum(builder.obj_vars, builder.obj_coeffs) + builder.offset)
    coeffs: dict[int, int] = defaultdict(int)
    for var, coeff in zip(builder.obj_vars, builder.obj_coeffs, strict=True):
        coeffs[var.index] += coeff
    return Model(problem, builder.cp, builder.agents, builder.deviations, builder.lob_index, identical, dict(coeffs),
                 builder.offset)


class _Builder:
    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.horizon = problem.horizon
        self.cp = cp_model.CpModel()
        self.lob_index = {lob.id: i for i, lob in enumerate(problem.lobs)}
        self.terms: list[dict[int, list]] = [defaultdict(list) for _ in problem.lobs]
        self.agents: list[AgentModel] = []
        self.deviations: list[Deviation] = []
        self.obj_vars: list = []
        self.obj_coeffs: list[int] = []
        self.offset = 0

    def _cost(self, var, coeff: int) -> None:
        if coeff:
            self.obj_vars.append(var)
            self.obj_coeffs.append(coeff)

    def add_agent(self, agent: Agent) -> None:
        """The agent's columns, rules and costs."""
        cp, w, n = self.cp, self.problem.weights, len(self.agents)
        columns = agent_columns(agent, self.lob_index, self.horizon, self.problem.max_switches)
        xs = [cp.new_bool_var(f"x{n}_{c.shift}_{j}") for j, c in enumerate(columns)]
        model = AgentModel(agent, columns, xs)
        self.agents.append(model)
        if not xs:
            return
        by_lob: dict[int, tuple[list, list]] = defaultdict(lambda: ([], []))
        for c, x in zip(columns, xs, strict=True):
            for t, lob in c.lobs.items():
                self.terms[lob][t].append(x)
            for lob, minutes in c.minutes.items():
                by_lob[lob][0].append(x)
                by_lob[lob][1].append(minutes)
            self._cost(x, column_cost(agent, c, w))
        im = self.horizon.interval_minutes
        self._add_limit(xs, [len(c.lobs) * im for c in columns], agent.legal_max_minutes)
        for lob, (lits, minutes) in by_lob.items():
            cap = agent.eligibility_for(self.problem.lobs[lob].id).weekly_cap_minutes
            if cap is not None and sum(minutes) > cap:
                self._add_limit(lits, minutes, cap)
        self._add_rest_and_days(model)
        if agent.target_minutes:
            self._add_fairness(model)

    def _add_limit(self, lits: list, minutes: list[int], limit: int) -> None:
        """``Σ minutes·x <= limit``, with its rounded forms for the LP relaxation: for each
        of the three longest lengths ``d``, ``Σ floor(minutes/d)·x <= floor(limit/d)`` (Chvátal–Gomory;
        valid because the left side is a whole number). A 40 h cap with 7.5 h shifts then
        allows 5 shifts in the LP too, not 5.33."""
        self.cp.add(cp_model.LinearExpr.weighted_sum(lits, minutes) <= limit)
        for d in sorted(set(minutes))[-3:]:
            rounded = [m // d for m in minutes]
            if limit % d and any(rounded) and sum(rounded) > limit // d:
                self.cp.add(cp_model.LinearExpr.weighted_sum(lits, rounded) <= limit // d)

    def _add_rest_and_days(self, model: AgentModel) -> None:
        """One shift per day, no overlap and the minimum rest (one at-most-one per maximal
        clique of stretched spans ``[start, end + rest)``), and at most
        ``max_consecutive_days`` worked days in any window of consecutive days."""
        agent = model.agent
        rest = rest_intervals(agent, self.horizon)
        by_shift: dict[int, list] = defaultdict(list)
        for c, x in zip(model.columns, model.vars, strict=True):
            by_shift[c.shift].append(x)
        spans = sorted((agent.shifts[k].start, agent.shifts[k].end + rest, k) for k in by_shift)
        cliques: list[set[int]] = []
        for point, _, _ in spans:
            clique = {k for a, b, k in spans if a <= point < b}
            if cliques and cliques[-1] <= clique:
                cliques[-1] = clique
            elif not (cliques and clique <= cliques[-1]):
                cliques.append(clique)
        days: dict[int, list] = defaultdict(list)
        for k, xs in by_shift.items():
            days[agent.shifts[k].day].extend(xs)
        groups = [[x for k in clique for x in by_shift[k]] for clique in cliques] + list(days.values())
        for lits in groups:
            if len(lits) > 1:
                self.cp.add_at_most_one(lits)
        limit, worked = agent.max_consecutive_days, set(agent.worked_days)
        span = set(days) | worked
        for start in range(min(span), max(span) - limit + 1):
            window = range(start, start + limit + 1)
            open_days = [d for d in window if d in days and d not in worked]
            constant = sum(1 for d in window if d in worked)
            if open_days and len(open_days) + constant > limit:
                lits = [x for d in open_days for x in days[d]]
                self.cp.add(cp_model.LinearExpr.sum(lits) <= max(0, limit - constant))

    def _add_fairness(self, model: AgentModel) -> None:
        """Intervals short of the contract target: the first quarter costs 1×, the rest 3×."""
        target = model.agent.target_minutes // self.horizon.interval_minutes
        n = len(self.agents) - 1
        first = self.cp.new_int_var(0, -(-target // TIER), f"f{n}")
        rest = self.cp.new_int_var(0, target, f"g{n}")
        self.cp.add(first + rest + model.worked() >= target)
        model.shortfall = (first, rest)
        weight = self.problem.weights.fairness
        self._cost(first, weight)
        self._cost(rest, 3 * weight)

    def order_identical_agents(self) -> list[list[int]]:
        """Among agents identical in everything but their id, the earlier works at least as
        many intervals: any schedule can be reordered that way at the same cost. Returns the
        groups of agent indices, in that order."""
        groups: dict[tuple, list[int]] = defaultdict(list)
        for i, m in enumerate(self.agents):
            if m.vars:
                a = m.agent
                groups[(a.shifts, a.eligibility, a.legal_max_minutes, a.min_rest_minutes, a.max_consecutive_days,
                        a.worked_days, a.cost_per_hour, a.target_minutes)].append(i)
        for members in groups.values():
            for first, second in pairwise(members):
                self.cp.add(self.agents[first].worked() >= self.agents[second].worked())
        return [g for g in groups.values() if len(g) > 1]

    def add_coverage(self) -> None:
        """The cost of every LOB-interval someone can work, against its requirement of
        ``q`` agents and ``r`` hundredths (weights per hundredth: ``under`` times the LOB's
        priority, ``over``): with ``count == q + ceil + excess - short``, the cost is
        ``under·r·(1 - ceil) + over·(100 - r)·ceil + 100·under·short + 100·over·excess``,
        which at every integer count is exactly its under- or over-coverage cost, and
        between two counts their interpolation (the convex hull, hence a tighter LP)."""
        w = self.problem.weights
        for lob_i, lob in enumerate(self.problem.lobs):
            under = round(lob.priority * w.under)
            for t, terms in sorted(self.terms[lob_i].items()):
                q, r = divmod(round(lob.required[t] * SCALE), SCALE)
                ceil = self.cp.new_int_var(0, int(len(terms) > q), f"c{lob_i}_{t}")
                short = self.cp.new_int_var(0, q, f"s{lob_i}_{t}")
                excess = self.cp.new_int_var(0, max(0, len(terms) - q - 1), f"e{lob_i}_{t}")
                self.cp.add(cp_model.LinearExpr.sum(terms) == q + ceil + excess - short)
                self.deviations.append(Deviation(lob_i, t, ceil, short, excess))
                self.offset += under * r
                self._cost(ceil, w.over * (SCALE - r) - under * r)
                self._cost(short, SCALE * under)
                self._cost(excess, SCALE * w.over)


def tune(parameters) -> None:
    """CP-SAT parameters that suit this model: probing and symmetry detection cost tens of
    seconds of presolve on a week of hundreds of agents and gain little here (identical
    agents are ordered in the model)."""
    parameters.cp_model_probing_level = 0
    parameters.symmetry_level = 0


# -- plans in and out --------------------------------------------------------------------------


def read_plan(model: Model, value) -> Plan:
    """The plan a solution holds; ``value(var)`` reads a boolean (solver or callback)."""
    plan: Plan = {}
    for a, m in enumerate(model.agents):
        works = [Work(c.shift, c.lobs) for c, x in zip(m.columns, m.vars, strict=True) if value(x)]
        if works:
            plan[a] = sorted(works, key=lambda w: m.agent.shifts[w.shift].start)
    return plan


def in_symmetry_order(model: Model, plan: Plan) -> Plan:
    """``plan`` with identical agents' weeks swapped so the model's symmetry order holds
    (the earlier agent of a group works at least as many intervals); same cost."""
    for group in model.identical:
        weeks = sorted((plan.get(a, []) for a in group), key=lambda works: -sum(len(w.lobs) for w in works))
        for a, works in zip(group, weeks, strict=True):
            plan[a] = works
    return {a: works for a, works in plan.items() if works}


def add_hint(model: Model, plan: Plan) -> None:
    """Hint every variable of ``model`` with the values ``plan`` implies (a complete,
    feasible start when the plan obeys the rules)."""
    for var, value in _assignment(model, plan):
        model.cp.add_hint(var, value)


def plan_objective(model: Model, plan: Plan) -> int:
    """The model's objective for ``plan`` (which must obey the rules)."""
    return model.offset + sum(value * model.coeffs.get(var.index, 0) for var, value in _assignment(model, plan))


def _assignment(model: Model, plan: Plan):
    """(variable, value) for every variable of ``model`` under ``plan``."""
    problem = model.problem
    im = problem.horizon.interval_minutes
    for a, m in enumerate(model.agents):
        chosen = {(w.shift, tuple(sorted(w.lobs.items()))) for w in plan.get(a, [])}
        for c, x in zip(m.columns, m.vars, strict=True):
            yield x, int((c.shift, tuple(sorted(c.lobs.items()))) in chosen)
        if m.shortfall is not None:
            tiers = shortfall_tiers(m.agent.target_minutes // im, sum(len(w.lobs) for w in plan.get(a, [])))
            yield from zip(m.shortfall, tiers, strict=True)
    coverage = coverage_counts(problem, plan)
    for d in model.deviations:
        need = round(problem.lobs[d.lob].required[d.interval] * SCALE)
        yield from zip((d.ceil, d.short, d.excess), Deviation.values(need, coverage[d.lob][d.interval]), strict=True)
