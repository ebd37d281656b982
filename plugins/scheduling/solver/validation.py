"""Refusals of a malformed :class:`~.problem.Problem`: coded, localized, all found at once."""

from __future__ import annotations

import math
from datetime import timedelta

from switchboard.core.errors import UserError, ValidationErrors
from switchboard.plugins.scheduling.solver.problem import Agent, Problem

INTERVAL_MINUTES = (5, 10, 15, 20, 30, 60)


def problem_errors(problem: Problem) -> list[UserError]:
    """Every defect of ``problem`` (an empty list when the solver can take it)."""
    errors = _horizon_errors(problem)
    if errors:  # every other check reads the horizon
        return errors
    known = set()
    for i, lob in enumerate(problem.lobs):
        field = f"lobs[{i}]"
        if lob.id in known:
            errors.append(UserError("SCHEDULE_DUPLICATE_ID", f"{field}.id", id=lob.id))
        known.add(lob.id)
        if len(lob.required) != problem.horizon.intervals:
            errors.append(UserError("SCHEDULE_REQUIREMENT_LENGTH", f"{field}.required",
                                    expected=problem.horizon.intervals, got=len(lob.required)))
        if any(not math.isfinite(r) or r < 0 for r in lob.required):
            errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", f"{field}.required"))
        if not math.isfinite(lob.priority) or lob.priority < 0:
            errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", f"{field}.priority"))
    seen = set()
    for i, agent in enumerate(problem.agents):
        if agent.id in seen:
            errors.append(UserError("SCHEDULE_DUPLICATE_ID", f"agents[{i}].id", id=agent.id))
        seen.add(agent.id)
        errors += _agent_errors(agent, f"agents[{i}]", known, problem.horizon.intervals)
    if problem.max_switches < 0:
        errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", "maxSwitches"))
    for name, value in vars(problem.weights).items():
        if value < 0:
            errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", f"weights.{name}"))
    return errors


def validate(problem: Problem) -> None:
    """Raise :class:`ValidationErrors` listing every defect of ``problem``."""
    errors = problem_errors(problem)
    if errors:
        raise ValidationErrors(errors)


def _horizon_errors(problem: Problem) -> list[UserError]:
    horizon = problem.horizon
    errors = []
    if horizon.start.tzinfo is None or horizon.start.utcoffset() != timedelta(0):
        errors.append(UserError("SCHEDULE_HORIZON_NOT_UTC", "horizon.start"))
    if horizon.interval_minutes not in INTERVAL_MINUTES:
        errors.append(UserError("SCHEDULE_INTERVAL_MINUTES", "horizon.intervalMinutes",
                                allowed=", ".join(map(str, INTERVAL_MINUTES))))
    if horizon.intervals < 1:
        errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", "horizon.intervals"))
    return errors


def _agent_errors(agent: Agent, field: str, lobs: set, intervals: int) -> list[UserError]:
    errors = []
    for name in ("legal_max_minutes", "min_rest_minutes", "max_consecutive_days",
                 "cost_per_hour", "target_minutes"):
        value = getattr(agent, name)
        if value is not None and value < 0:
            errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", f"{field}.{name}"))
    for j, e in enumerate(agent.eligibility):
        where = f"{field}.eligibility[{j}]"
        if e.lob not in lobs:
            errors.append(UserError("SCHEDULE_UNKNOWN_LOB", f"{where}.lob", lob=e.lob))
        if any(not 0 <= a < b <= intervals for a, b in e.windows):
            errors.append(UserError("SCHEDULE_WINDOW_INVALID", f"{where}.windows", intervals=intervals))
        if e.weekly_cap_minutes is not None and e.weekly_cap_minutes < 0:
            errors.append(UserError("SCHEDULE_NEGATIVE_VALUE", f"{where}.weeklyCapMinutes"))
    if len({e.lob for e in agent.eligibility}) != len(agent.eligibility):
        errors.append(UserError("SCHEDULE_DUPLICATE_ID", f"{field}.eligibility", id=agent.id))
    for j, s in enumerate(agent.shifts):
        where = f"{field}.shifts[{j}]"
        if s.length < 1 or s.start < 0 or s.end > intervals:
            errors.append(UserError("SCHEDULE_SHIFT_OUTSIDE_HORIZON", where, intervals=intervals))
        if any(not s.start < b < s.end - 1 for b in s.breaks):
            errors.append(UserError("SCHEDULE_BREAK_OUTSIDE_SHIFT", f"{where}.breaks"))
        if any(not s.start < p < s.end for p in s.switch_points or ()):
            errors.append(UserError("SCHEDULE_BREAK_OUTSIDE_SHIFT", f"{where}.switchPoints"))
    return errors
