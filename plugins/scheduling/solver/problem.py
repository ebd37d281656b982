"""The schedule solver's contract in index space: what goes in, what comes out.

Time is a grid of ``Horizon.intervals`` intervals of ``interval_minutes`` starting at
``Horizon.start`` (an aware UTC instant); every index below is an interval of that
grid and every range is half-open ``[start, end)``. Agents, LOBs and candidate shifts
come precomputed from the database: eligibility (assignment, credentials,
clearances, residency) is decided upstream and arrives as per-LOB windows; templates,
availability and approved time off arrive as the agent's candidate shifts. The solver
picks at most one candidate shift per agent-day and the LOB of every worked interval.

Caps (per assignment and legal) hold over the whole horizon, which is one week.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Literal

AgentId = Hashable
LobId = Hashable
Status = Literal["OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN", "MODEL_INVALID", "CANCELLED"]


@dataclass(frozen=True)
class Horizon:
    """The interval grid: ``intervals`` slots of ``interval_minutes`` from ``start`` (aware, UTC)."""

    start: datetime
    interval_minutes: int
    intervals: int

    def at(self, index: int) -> datetime:
        """The aware UTC instant where interval ``index`` begins (``intervals`` gives the end)."""
        return self.start + timedelta(minutes=self.interval_minutes * index)

    def to_intervals(self, minutes: int) -> int:
        """How many whole intervals ``minutes`` takes, rounding up (a rest of 11 h is 22 half-hours)."""
        return -(-minutes // self.interval_minutes)


@dataclass(frozen=True)
class Lob:
    """A LOB to staff: fractional ``required`` agents per interval and the weight of its
    under-coverage (``priority``: SLA priority, 1 is normal, 2 counts a short agent twice)."""

    id: LobId
    required: tuple[float, ...]
    priority: float = 1.0


@dataclass(frozen=True)
class Shift:
    """A candidate shift: ``length`` intervals from ``start``, on the agent-local ``day``
    (consecutive integers are consecutive calendar days); ``breaks`` are interval indices
    inside the shift that are not worked; ``preference`` is added to the objective when
    the shift is chosen (negative: the agent prefers it, positive: avoids it).

    ``switch_points``: intervals where an agent with several LOBs may start a segment on
    another LOB (None: after each break, or mid-shift when there is none)."""

    start: int
    length: int
    day: int
    breaks: tuple[int, ...] = ()
    preference: int = 0
    switch_points: tuple[int, ...] | None = None

    @property
    def end(self) -> int:
        """The first interval after the shift."""
        return self.start + self.length

    @property
    def worked(self) -> tuple[int, ...]:
        """The intervals worked (the span without its breaks), in order."""
        return tuple(t for t in range(self.start, self.end) if t not in self.breaks)

    @property
    def switches(self) -> tuple[int, ...]:
        """Where a new LOB segment may begin: ``switch_points``, else after each break, else mid-shift."""
        if self.switch_points is not None:
            return tuple(sorted(self.switch_points))
        if self.breaks:
            return tuple(sorted({b + 1 for b in self.breaks}))
        return (self.start + self.length // 2,) if self.length > 1 else ()


@dataclass(frozen=True)
class Eligibility:
    """Where an agent may work one LOB: half-open interval ``windows`` (active assignment,
    credentials, clearances and residency on each date), and the assignment's cap in
    minutes over the horizon (None: only the legal maximum applies)."""

    lob: LobId
    windows: tuple[tuple[int, int], ...]
    weekly_cap_minutes: int | None = None

    def allows(self, interval: int) -> bool:
        """True when the agent may work the LOB during ``interval``."""
        return any(a <= interval < b for a, b in self.windows)


@dataclass(frozen=True)
class Agent:
    """One agent: candidate shifts, per-LOB eligibility and the rules that bind them.

    ``worked_days``: days already worked outside this problem (published shifts), as
    day indices of the same calendar: negative before the horizon's first day, past its
    last after it; they count towards ``max_consecutive_days``. ``target_minutes``:
    contract hours for fairness (hours short of it are penalised, progressively, so
    shortfalls spread across agents)."""

    id: AgentId
    shifts: tuple[Shift, ...]
    eligibility: tuple[Eligibility, ...]
    legal_max_minutes: int = 48 * 60
    min_rest_minutes: int = 11 * 60
    max_consecutive_days: int = 6
    worked_days: tuple[int, ...] = ()
    cost_per_hour: Decimal = Decimal(0)
    target_minutes: int | None = None

    def eligibility_for(self, lob: LobId) -> Eligibility | None:
        """The agent's eligibility for ``lob`` (None: never eligible)."""
        return next((e for e in self.eligibility if e.lob == lob), None)


@dataclass(frozen=True)
class Weights:
    """Objective weights (integers). Units: ``under`` and ``over`` per hundredth of an
    agent-interval (``under`` times the LOB's priority), ``cost`` per cent of pay,
    ``switch`` per LOB change inside a shift, ``preference`` per unit of a shift's
    preference, ``fairness`` per interval short of an agent's contract target."""

    under: int = 100
    over: int = 20
    cost: int = 1
    switch: int = 500
    preference: int = 100
    fairness: int = 50


@dataclass(frozen=True)
class Problem:
    """A week to schedule. ``max_switches``: how many times one shift may change LOB (at
    its switch points); 1 lets a multi-LOB agent split a shift between two LOBs."""

    horizon: Horizon
    lobs: tuple[Lob, ...]
    agents: tuple[Agent, ...]
    max_switches: int = 1
    weights: Weights = field(default_factory=Weights)


# -- output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Segment:
    """A contiguous run of worked intervals on one LOB, ``[start, end)`` and as instants."""

    lob: LobId
    start: int
    end: int
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class ScheduledShift:
    """A chosen candidate shift (``shift``: its index in ``Agent.shifts``) and its segments."""

    agent: AgentId
    shift: int
    day: int
    start: int
    end: int
    starts_at: datetime
    ends_at: datetime
    segments: tuple[Segment, ...]
    breaks: tuple[int, ...]


@dataclass(frozen=True)
class LobCoverage:
    """Per interval of one LOB: agents required (fractional) and scheduled."""

    lob: LobId
    required: tuple[float, ...]
    scheduled: tuple[int, ...]

    @property
    def under(self) -> float:
        """Agent-intervals short of the requirement, summed over the horizon."""
        return sum(max(0.0, r - s) for r, s in zip(self.required, self.scheduled, strict=True))

    @property
    def over(self) -> float:
        """Agent-intervals above the requirement, summed over the horizon."""
        return sum(max(0.0, s - r) for r, s in zip(self.required, self.scheduled, strict=True))


@dataclass(frozen=True)
class GapReason:
    """Why eligible agents did not cover a gap: a reason code and the agents it applies to."""

    code: str
    agents: tuple[AgentId, ...] = ()


@dataclass(frozen=True)
class Gap:
    """A LOB-interval left under-covered, and why (codes in :mod:`.diagnosis`)."""

    lob: LobId
    interval: int
    starts_at: datetime
    required: float
    scheduled: int
    reasons: tuple[GapReason, ...]

    @property
    def shortfall(self) -> float:
        """Agents missing in the interval (fractional)."""
        return self.required - self.scheduled


@dataclass(frozen=True)
class Progress:
    """A snapshot while solving: objective of the best schedule so far, best bound, gap."""

    objective: float
    bound: float
    gap: float
    elapsed: float


@dataclass(frozen=True)
class Schedule:
    """What a solve returns. ``bound`` is the solver's own lower bound on the objective (the
    stronger of CP-SAT's and the LP relaxation's) and ``gap`` is relative to it;
    ``first_solution_seconds`` and ``gap_reached_seconds`` say when the first schedule and
    one within the target gap were found (when CP-SAT finds none in time, the schedule is
    its rule-abiding start and ``first_solution_seconds`` says when that was ready)."""

    status: Status
    objective: float | None
    bound: float | None
    gap: float | None
    wall_seconds: float
    first_solution_seconds: float | None
    gap_reached_seconds: float | None
    shifts: tuple[ScheduledShift, ...]
    coverage: tuple[LobCoverage, ...]
    gaps: tuple[Gap, ...]

    def shifts_of(self, agent: AgentId) -> tuple[ScheduledShift, ...]:
        """The scheduled shifts of one agent, in time order."""
        return tuple(s for s in self.shifts if s.agent == agent)
