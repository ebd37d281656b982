"""Required agents per interval from volume, handle time and the LOB's targets.

:func:`required_agents` sizes every interval at once (Erlang C, or Erlang A when a
patience is given) and keeps the requirement fractional until scheduling, so that
summing many small queues does not inflate totals the way summing ceilings does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from switchboard.core.errors import UserError

if TYPE_CHECKING:
    from switchboard.plugins.scheduling.staffing.erlang import QueueMetrics

# Quotients within this relative distance above a whole number are that number: a
# float quotient such as 21 / (1 − 0.30) = 30.000000000000004 needs 30 agents, not 31.
_CEIL_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Staffing:
    """Requirement and achieved measures per interval (arrays of the inputs' broadcast shape).

    ``agents`` is the fractional requirement on the phones and ``scheduled`` the
    fractional requirement after shrinkage, ``agents / (1 − shrinkage)``: the number
    scheduling covers. ``whole_agents`` is the smallest whole number of agents meeting
    every target, ``whole_scheduled`` is ``⌈whole_agents / (1 − shrinkage)⌉``. The
    measures are those achieved with ``whole_agents`` on the phones; see
    :mod:`switchboard.plugins.scheduling.staffing.erlang` for their definitions.
    ``abandon_probability`` is None under Erlang C.
    """

    agents: np.ndarray
    scheduled: np.ndarray
    whole_agents: np.ndarray
    whole_scheduled: np.ndarray
    service_level: np.ndarray
    occupancy: np.ndarray
    wait_probability: np.ndarray
    asa_seconds: np.ndarray
    abandon_probability: np.ndarray | None


def validate(volume, aht_seconds, interval_seconds, service_level, answer_seconds, occupancy_cap, shrinkage,
             patience_seconds) -> None:
    """Raise :class:`UserError` for the first parameter out of its range (NaN is out of every range)."""
    def bad(values, ok: Callable[[np.ndarray], np.ndarray]) -> bool:
        values = np.asarray(values, dtype=float)
        return not bool(np.all(ok(values) & np.isfinite(values)))

    if bad(volume, lambda v: v >= 0):
        raise UserError("VOLUME_NEGATIVE", "volume")
    if bad(aht_seconds, lambda v: v > 0):
        raise UserError("AHT_NOT_POSITIVE", "ahtSeconds")
    if bad(interval_seconds, lambda v: v > 0):
        raise UserError("INTERVAL_NOT_POSITIVE", "intervalSeconds")
    if bad(service_level, lambda v: (v > 0) & (v < 1)):
        raise UserError("SERVICE_LEVEL_OUT_OF_RANGE", "serviceLevel")
    if bad(answer_seconds, lambda v: v >= 0):
        raise UserError("ANSWER_TIME_NEGATIVE", "answerSeconds")
    if bad(occupancy_cap, lambda v: (v > 0) & (v <= 1)):
        raise UserError("OCCUPANCY_CAP_OUT_OF_RANGE", "occupancyCap")
    if bad(shrinkage, lambda v: (v >= 0) & (v < 1)):
        raise UserError("SHRINKAGE_OUT_OF_RANGE", "shrinkage")
    if patience_seconds is not None and bad(patience_seconds, lambda v: v > 0):
        raise UserError("PATIENCE_NOT_POSITIVE", "patienceSeconds")


def whole(x) -> np.ndarray:
    """⌈x⌉ as integers, ignoring float noise of relative size below 1e-9."""
    x = np.asarray(x, dtype=float)
    return np.ceil(x - _CEIL_TOLERANCE * np.maximum(1.0, np.abs(x))).astype(np.int64)


def smallest_meeting(service_level_at: Callable[[np.ndarray, np.ndarray], np.ndarray],
                     target: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per element, the least whole ``n ≥ 1`` with ``service_level_at(n, idx) ≥ target``.

    Returns ``(n, service level at n, service level at n − 1)``; the service level must
    rise with ``n`` and be 0 at ``n = 0``. Galloping (1, 2, 4, … agents) brackets the
    answer, bisection closes the bracket; each round evaluates every unfinished element
    at once.
    """
    size = target.size
    lo, hi = np.zeros(size, np.int64), np.ones(size, np.int64)
    level_lo, level_hi = np.zeros(size), np.zeros(size)
    todo = np.arange(size)
    while todo.size:  # gallop
        level = service_level_at(hi[todo], todo)
        met = level >= target[todo]
        level_hi[todo[met]] = level[met]
        todo, level = todo[~met], level[~met]
        lo[todo], level_lo[todo] = hi[todo], level
        hi[todo] *= 2
    todo = np.flatnonzero(hi - lo > 1)
    while todo.size:  # bisect
        mid = (lo[todo] + hi[todo]) // 2
        level = service_level_at(mid, todo)
        met = level >= target[todo]
        hi[todo[met]], level_hi[todo[met]] = mid[met], level[met]
        lo[todo[~met]], level_lo[todo[~met]] = mid[~met], level[~met]
        todo = todo[hi[todo] - lo[todo] > 1]
    return hi, level_hi, level_lo


def without_idle(volume, aht_seconds) -> tuple[np.ndarray, np.ndarray]:
    """``(volume, aht_seconds)`` ready for :func:`required_agents` when some intervals have no
    volume or no handle time (none recorded): those need nobody, so their volume becomes 0 and
    their handle time a placeholder second (the model refuses a handle time ≤ 0)."""
    volume, aht_seconds = np.asarray(volume, dtype=float), np.asarray(aht_seconds, dtype=float)
    idle = ~(np.nan_to_num(volume) > 0) | ~(np.nan_to_num(aht_seconds) > 0)
    return np.where(idle, 0.0, volume), np.where(idle, 1.0, aht_seconds)


def required_agents(volume, aht_seconds, *, interval_seconds, service_level, answer_seconds,
                    occupancy_cap=1.0, shrinkage=0.0, patience_seconds=None) -> Staffing:
    """Agents each interval needs: Erlang C, or Erlang A when ``patience_seconds`` is given.

    Every argument is a scalar or an array, and all broadcast together (one element per
    interval): offered ``volume`` (calls in the interval), ``aht_seconds``,
    ``interval_seconds``, the ``service_level`` target in (0, 1) with its
    ``answer_seconds`` (80 % answered within 20 s: 0.80 and 20), ``occupancy_cap`` in
    (0, 1], ``shrinkage`` in [0, 1) and, for Erlang A, the mean ``patience_seconds``.
    Traffic is ``A = volume / interval_seconds · aht_seconds`` Erlangs.

    Whole requirement: the smallest whole ``n`` whose service level meets the target
    (under Erlang C, ``n > A``), raised to ``⌈A / occupancy_cap⌉`` if that is more. The
    occupancy cap applies to offered traffic under both models, so it holds even if
    nobody abandons.

    Fractional requirement: the service level is made a continuous function of the
    number of agents by linear interpolation between consecutive whole numbers (taking
    it as 0 with no agent, and under Erlang C with ``n ≤ A``: the limit of Erlang A as
    patience grows). ``agents`` is where that curve crosses the target, raised to
    ``A / occupancy_cap`` (so never below the traffic) if that is more, and never above
    ``whole_agents``; so ``whole_agents − 1 < agents ≤ whole_agents``. It rises with
    volume, and a sum of small queues' ``agents`` stays below the sum of their
    ceilings. ``scheduled = agents / (1 − shrinkage)``.

    Zero volume needs zero agents (service level 1, every other measure 0). Bad
    parameters raise :class:`UserError` (see :func:`validate`) before anything is
    computed.
    """
    from switchboard.plugins.scheduling.staffing.erlang import erlang_a, erlang_c, least_agents_erlang_c  # SciPy

    validate(volume, aht_seconds, interval_seconds, service_level, answer_seconds, occupancy_cap, shrinkage,
             patience_seconds)
    abandonment = patience_seconds is not None
    inputs = np.broadcast_arrays(volume, aht_seconds, interval_seconds, service_level, answer_seconds,
                                 occupancy_cap, shrinkage, 1.0 if patience_seconds is None else patience_seconds)
    shape = inputs[0].shape
    vol, aht, length, target, answer, cap, shrink, patience = (np.asarray(v, dtype=float).ravel() for v in inputs)
    traffic = vol / length * aht
    busy = np.flatnonzero(traffic > 0)

    def measures(n: np.ndarray, idx: np.ndarray) -> QueueMetrics:
        sel = busy[idx]
        if abandonment:
            return erlang_a(n, traffic[sel], answer[sel], aht[sel], patience[sel])
        return erlang_c(n, traffic[sel], answer[sel], aht[sel])

    load, goal = traffic[busy], target[busy]
    if abandonment:
        n, level, level_lower = smallest_meeting(lambda k, idx: measures(k, idx).service_level, goal)
    else:
        n, level, level_lower = least_agents_erlang_c(load, goal, answer[busy], aht[busy])
    crossing = n - 1 + (goal - level_lower) / (level - level_lower)
    floor = load / cap[busy]
    n_whole = np.maximum(n, whole(floor))
    achieved = measures(n_whole, np.arange(busy.size))

    def spread(values, idle) -> np.ndarray:
        out = np.full(traffic.size, idle, dtype=np.asarray(values).dtype)
        out[busy] = values
        return out.reshape(shape)

    agents = spread(np.minimum(np.maximum(crossing, floor), n_whole), 0.0)
    whole_agents = spread(n_whole, 0)
    kept = 1.0 - shrink.reshape(shape)
    return Staffing(
        agents=agents,
        scheduled=np.asarray(agents / kept),
        whole_agents=whole_agents,
        whole_scheduled=whole(whole_agents / kept),
        service_level=spread(achieved.service_level, 1.0),
        occupancy=spread(achieved.occupancy, 0.0),
        wait_probability=spread(achieved.wait_probability, 0.0),
        asa_seconds=spread(achieved.asa_seconds, 0.0),
        abandon_probability=spread(achieved.abandon_probability, 0.0) if abandonment else None,
    )
