"""Why a LOB-interval was left under-covered.

For each under-covered LOB-interval, every agent eligible for the LOB then (and not
already on it) gets one reason code, and the gap lists the codes with their agents:

``SCHEDULE_GAP_NO_ELIGIBLE_AGENT``  nobody may work the LOB then (no agents listed)
``SCHEDULE_GAP_UNAVAILABLE``        no candidate shift covers it (availability, time off, templates)
``SCHEDULE_GAP_OTHER_LOB``          the agent works another LOB then (priority trade-off)
``SCHEDULE_GAP_WEEKLY_CAP``         the assignment's weekly cap is used up by other days
``SCHEDULE_GAP_LEGAL_MAX``          the legal weekly maximum is used up by other days
``SCHEDULE_GAP_CONSECUTIVE_DAYS``   working that day would exceed the consecutive-day limit
``SCHEDULE_GAP_MIN_REST``           every shift covering it is too close to another scheduled shift
``SCHEDULE_GAP_TRADE_OFF``          a shift fitting every rule exists: cost, over-coverage or
                                    another LOB's priority weighed more (or the solve stopped early)

Rules are checked as if the agent's shift that day were replaced, so a reason names
what blocks the agent, not merely that the agent works other hours that day.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cached_property

from switchboard.plugins.scheduling.solver.model import Column, agent_columns
from switchboard.plugins.scheduling.solver.plan import Plan, Work
from switchboard.plugins.scheduling.solver.problem import Agent, Gap, GapReason, LobCoverage, Problem
from switchboard.plugins.scheduling.solver.rules import clash, longest_run, rest_intervals

NO_ELIGIBLE_AGENT = "SCHEDULE_GAP_NO_ELIGIBLE_AGENT"
UNAVAILABLE = "SCHEDULE_GAP_UNAVAILABLE"
OTHER_LOB = "SCHEDULE_GAP_OTHER_LOB"
WEEKLY_CAP = "SCHEDULE_GAP_WEEKLY_CAP"
LEGAL_MAX = "SCHEDULE_GAP_LEGAL_MAX"
CONSECUTIVE_DAYS = "SCHEDULE_GAP_CONSECUTIVE_DAYS"
MIN_REST = "SCHEDULE_GAP_MIN_REST"
TRADE_OFF = "SCHEDULE_GAP_TRADE_OFF"
CODES = (NO_ELIGIBLE_AGENT, UNAVAILABLE, OTHER_LOB, WEEKLY_CAP, LEGAL_MAX, CONSECUTIVE_DAYS, MIN_REST, TRADE_OFF)


def diagnose(problem: Problem, plan: Plan, coverage: tuple[LobCoverage, ...]) -> tuple[Gap, ...]:
    """Every LOB-interval scheduled below its requirement, with the reasons, by LOB then interval."""
    lob_index = {lob.id: i for i, lob in enumerate(problem.lobs)}
    agents = [_AgentState(problem, lob_index, a, plan.get(a, [])) for a in range(len(problem.agents))]
    eligible: dict[int, list[_AgentState]] = defaultdict(list)
    for state in agents:
        for e in state.agent.eligibility:
            eligible[lob_index[e.lob]].append(state)
    gaps = []
    for lob_i, cov in enumerate(coverage):
        for t, (required, scheduled) in enumerate(zip(cov.required, cov.scheduled, strict=True)):
            if scheduled >= required:
                continue
            by_code: dict[str, list] = defaultdict(list)
            for state in eligible[lob_i]:
                code = state.reason(lob_i, t)
                if code is not None:
                    by_code[code].append(state.agent.id)
            if not by_code:
                by_code[NO_ELIGIBLE_AGENT] = []
            reasons = tuple(GapReason(code, tuple(by_code[code])) for code in CODES if code in by_code)
            gaps.append(Gap(cov.lob, t, problem.horizon.at(t), required, scheduled, reasons))
    return tuple(gaps)


class _AgentState:
    """One agent's scheduled week, and what keeps each of its other columns out of it."""

    def __init__(self, problem: Problem, lob_index: dict, index: int, works: list[Work]) -> None:
        self.problem = problem
        self.lob_index = lob_index
        self.agent: Agent = problem.agents[index]
        self.works = works
        self.lob_at = {t: lob for w in works for t, lob in w.lobs.items()}
        self.im = problem.horizon.interval_minutes
        self.rest = rest_intervals(self.agent, problem.horizon)
        self.caps = {lob_index[e.lob]: e.weekly_cap_minutes for e in self.agent.eligibility}
        self.eligibility = {lob_index[e.lob]: e for e in self.agent.eligibility}
        self._blocked: dict[int, str | None] = {}

    @cached_property
    def covering(self) -> dict[tuple[int, int], list[Column]]:
        """The agent's columns per (LOB index, interval) they work."""
        out: dict[tuple[int, int], list[Column]] = defaultdict(list)
        for c in agent_columns(self.agent, self.lob_index, self.problem.horizon, self.problem.max_switches):
            for t, lob in c.lobs.items():
                out[lob, t].append(c)
        return out

    def reason(self, lob: int, t: int) -> str | None:
        """Why the agent is not on ``lob`` at ``t`` (None: it is, or may not work it then)."""
        if not self.eligibility[lob].allows(t) or self.lob_at.get(t) == lob:
            return None
        if t in self.lob_at:
            return OTHER_LOB
        codes = set()
        for c in self.covering.get((lob, t), ()):
            code = self._blocked_by(c.shift) or self._cap_code(c)
            if code is None:
                return TRADE_OFF
            codes.add(code)
        return next((c for c in CODES if c in codes), UNAVAILABLE)

    def _others(self, day: int) -> list[Work]:
        return [w for w in self.works if self.agent.shifts[w.shift].day != day]

    @cached_property
    def _minutes_by_day(self) -> dict[int, dict[int, int]]:
        out: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
        for w in self.works:
            for lob in w.lobs.values():
                out[self.agent.shifts[w.shift].day][lob] += self.im
        return out

    def _cap_code(self, c: Column) -> str | None:
        """An assignment's cap blocks column ``c`` (other days' minutes kept)."""
        day = self.agent.shifts[c.shift].day
        for lob, minutes in c.minutes.items():
            cap = self.caps[lob]
            used = sum(m.get(lob, 0) for d, m in self._minutes_by_day.items() if d != day)
            if cap is not None and used + minutes > cap:
                return WEEKLY_CAP
        return None

    def _blocked_by(self, k: int) -> str | None:
        """The rule that keeps shift ``k`` out of the agent's week (None: it would fit)."""
        if k not in self._blocked:
            agent, shift = self.agent, self.agent.shifts[k]
            others = self._others(shift.day)
            days = {agent.shifts[w.shift].day for w in others} | {shift.day}
            minutes = (sum(len(w.lobs) for w in others) + len(shift.worked)) * self.im
            code = None
            if minutes > agent.legal_max_minutes:
                code = LEGAL_MAX
            elif longest_run(days, agent.worked_days) > agent.max_consecutive_days:
                code = CONSECUTIVE_DAYS
            elif any(clash(shift, agent.shifts[w.shift], self.rest) for w in others):
                code = MIN_REST
            self._blocked[k] = code
        return self._blocked[k]
