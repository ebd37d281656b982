"""An independent check of a :class:`~.problem.Schedule` against its problem's hard rules."""

from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

from switchboard.plugins.scheduling.solver.problem import Agent, Problem, Schedule, ScheduledShift
from switchboard.plugins.scheduling.solver.rules import clash, longest_run, rest_intervals


def violations(problem: Problem, schedule: Schedule) -> list[str]:
    """Every broken hard rule of ``schedule``, one readable line each (empty: it is valid).

    Checked: only candidate shifts; at most one shift per agent-day; no overlap and the
    minimum rest; maximum consecutive days; every worked interval on exactly one LOB the
    agent may work then; LOB changes only at the shift's switch points, at most
    ``max_switches`` times;
    per-assignment caps and the legal maximum; reported coverage and times."""
    out: list[str] = []
    agents = {a.id: a for a in problem.agents}
    by_agent: dict[object, list[ScheduledShift]] = defaultdict(list)
    for s in schedule.shifts:
        if s.agent not in agents:
            out.append(f"unknown agent {s.agent!r}")
            continue
        by_agent[s.agent].append(s)
    counts = {lob.id: [0] * problem.horizon.intervals for lob in problem.lobs}
    for agent_id, shifts in by_agent.items():
        out += _agent_violations(problem, agents[agent_id], shifts, counts)
    reported = {c.lob: c for c in schedule.coverage}
    for lob in problem.lobs:
        cov = reported.get(lob.id)
        if cov is None or list(cov.scheduled) != counts[lob.id] or tuple(cov.required) != tuple(lob.required):
            out.append(f"coverage of LOB {lob.id!r} differs from the shifts")
    return out


def _agent_violations(problem: Problem, agent: Agent, shifts: list[ScheduledShift],
                      counts: dict[object, list[int]]) -> list[str]:
    out: list[str] = []
    horizon, im = problem.horizon, problem.horizon.interval_minutes
    who = f"agent {agent.id!r}"
    candidates = []
    lob_minutes: dict[object, int] = defaultdict(int)
    for s in shifts:
        if not 0 <= s.shift < len(agent.shifts):
            out.append(f"{who}: shift {s.shift} is not a candidate")
            continue
        c = agent.shifts[s.shift]
        candidates.append(c)
        if (s.start, s.end, s.day, tuple(s.breaks)) != (c.start, c.end, c.day, tuple(sorted(c.breaks))) or \
                (s.starts_at, s.ends_at) != (horizon.at(c.start), horizon.at(c.end)):
            out.append(f"{who}: shift {s.shift} is reported with other times than its candidate")
        lob_of: dict[int, object] = {}
        for seg in s.segments:
            if seg.start >= seg.end or (seg.starts_at, seg.ends_at) != (horizon.at(seg.start), horizon.at(seg.end)):
                out.append(f"{who}: segment {seg.start}-{seg.end} is empty or mistimed")
            for t in range(seg.start, seg.end):
                if t in lob_of:
                    out.append(f"{who}: interval {t} is on two LOBs")
                lob_of[t] = seg.lob
        if sorted(lob_of) != list(c.worked):
            out.append(f"{who}: segments of shift {s.shift} do not cover exactly its worked intervals")
        for t, lob in lob_of.items():
            e = agent.eligibility_for(lob)
            if e is None or not e.allows(t) or lob not in counts:
                out.append(f"{who}: may not work LOB {lob!r} at interval {t}")
                continue
            counts[lob][t] += 1
            lob_minutes[lob] += im
        order = sorted(lob_of)
        changes = [t for before, t in pairwise(order) if lob_of[before] != lob_of[t]]
        if len(changes) > problem.max_switches or not set(changes) <= set(c.switches):
            out.append(f"{who}: shift {s.shift} changes LOB off its switch points or too often")
    out += _week_violations(problem, agent, candidates, lob_minutes)
    return out


def _week_violations(problem: Problem, agent: Agent, shifts: list, lob_minutes: dict[object, int]) -> list[str]:
    who = f"agent {agent.id!r}"
    out = []
    days = [s.day for s in shifts]
    if len(days) != len(set(days)):
        out.append(f"{who}: two shifts on one day")
    rest = rest_intervals(agent, problem.horizon)
    ordered = sorted(shifts, key=lambda s: s.start)
    for a, b in pairwise(ordered):
        if clash(a, b, rest):
            out.append(f"{who}: shifts at {a.start} and {b.start} overlap or break the minimum rest")
    if longest_run(days, agent.worked_days) > agent.max_consecutive_days:
        out.append(f"{who}: more than {agent.max_consecutive_days} consecutive days")
    total = sum(len(s.worked) for s in shifts) * problem.horizon.interval_minutes
    if total > agent.legal_max_minutes:
        out.append(f"{who}: {total} minutes exceed the legal maximum {agent.legal_max_minutes}")
    for lob, minutes in lob_minutes.items():
        cap = agent.eligibility_for(lob).weekly_cap_minutes
        if cap is not None and minutes > cap:
            out.append(f"{who}: {minutes} minutes on LOB {lob!r} exceed its cap {cap}")
    return out
