"""Erlang C (M/M/n) and Erlang A (M/M/n+M) queue measures, vectorized over intervals.

Every function takes numpy arrays that broadcast together (one element per interval)
and computes in log space with ``scipy.special``, never with factorials, so traffic of
thousands of Erlangs is as stable as traffic of one.

Notation: ``n`` agents, offered traffic ``A = λ·AHT`` Erlangs, answer time ``T`` (the
"20 s" of an 80/20 target), mean patience ``1/θ`` for Erlang A. All times in seconds.

Definitions shared by both models (each measure is per offered call, in steady state):

* ``wait_probability`` — P(an arriving call finds every agent busy);
* ``service_level`` — P(a call is answered within ``T``); under Erlang A a call that
  abandons counts as not answered, whether it abandoned before or after ``T``;
* ``asa_seconds`` — mean time in queue over all offered calls (calls answered at once
  count as 0; under Erlang A an abandoned call counts the time it waited);
* ``occupancy`` — handled traffic ÷ ``n``: ``A/n`` under Erlang C, ``A·(1 − P(abandon))/n``
  under Erlang A;
* ``abandon_probability`` — P(a call abandons) (Erlang A only).

Erlang C needs ``n > A``; for ``n ≤ A`` the queue is unstable and the measures are those
of its limit ``n ↓ A``: nobody is answered in time (service level 0, P(wait) 1, ASA ∞).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, gammainc, gammaincc, gammaln, hyp1f1, xlogy

# Where the closed form of log_queue_series is not accurate to 1e-9 (checked against
# the series summed term by term): P(x, y) underflowing, or x large with y below x.
_GAMMAINC_FLOOR = 1e-250
_CLOSED_FORM_MAX_X = 1e5
# Above this, Stirling's series for log Γ(x+1) to the x⁻³ term is exact to 1e-18.
_STIRLING_MIN_X = 1000.0


@dataclass(frozen=True)
class QueueMetrics:
    """Measures of one queue per interval (arrays of one shape; see the module docstring)."""

    service_level: np.ndarray
    wait_probability: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray
    abandon_probability: np.ndarray | None = None


def _arrays(*values) -> list[np.ndarray]:
    return [np.asarray(v, dtype=float) for v in np.broadcast_arrays(*values)]


def _log_gamma_ratio(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``log(Γ(x+1)·e^y·y^-x)``; for large x through Stirling's series, which keeps the
    cancellation between its terms out (``x·(d − log(1+d))`` with ``d = y/x − 1``)."""
    large = x > _STIRLING_MIN_X
    xl = np.where(large, x, _STIRLING_MIN_X + 1)
    d = (y - xl) / xl
    stirling = xl * (d - np.log1p(d)) + 0.5 * np.log(2 * np.pi * xl) + 1 / (12 * xl) - 1 / (360 * xl**3)
    return np.where(large, stirling, gammaln(x + 1) + y - xlogy(x, y))


def _log_poisson_pmf(n: np.ndarray, traffic: np.ndarray) -> np.ndarray:
    return -_log_gamma_ratio(n, traffic)


def log_queue_series(x, y) -> np.ndarray:
    """``log Σ_{j≥0} Π_{i=1..j} y/(x+i)`` (= log ₁F₁(1; x+1; y)) for x > 0, y ≥ 0.

    The sum weighs the states with ``j`` calls waiting behind ``n`` busy agents in
    M/M/n+M, with ``x = n·μ/θ`` and ``y = λ/θ``. Closed form: ``Γ(x+1)·e^y·y^-x·P(x, y)``
    with ``P`` the regularized lower incomplete gamma function; where that loses
    accuracy (``P`` underflows, or ``x > 1e5`` with ``y < x``), ``scipy.special.hyp1f1``,
    whose value stays moderate there.
    """
    x, y = _arrays(x, y)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = gammainc(x, y)
        out = np.asarray(np.log(p) + _log_gamma_ratio(x, y))
    other = ~((p > _GAMMAINC_FLOOR) & ((x <= _CLOSED_FORM_MAX_X) | (y >= x)))
    with np.errstate(divide="ignore", invalid="ignore"):
        series = np.log(hyp1f1(1.0, x[other] + 1.0, y[other]))
    out[other] = np.where(np.isfinite(series), series, out[other])  # hyp1f1 gives up near x = y ≥ 1e10
    return out


def erlang_b_inverse(agents, traffic) -> np.ndarray:
    """``1/B(n, A)``, the reciprocal of the Erlang B blocking probability: ``F(n)/p(n)`` with
    ``p`` and ``F`` the Poisson(A) mass and distribution function, taken in log space.

    Going up one agent is the stable recursion ``1/B(n+1) = 1 + (n+1)/A · 1/B(n)``.
    """
    n, a = _arrays(agents, traffic)
    with np.errstate(divide="ignore", over="ignore"):
        return np.exp(np.log(gammaincc(n + 1, a)) + _log_gamma_ratio(n, a))


def erlang_c_service_level(agents, traffic, answer_seconds, aht_seconds, b_inverse) -> np.ndarray:
    """``1 − C·e^{−(n−A)·T/AHT}`` from ``b_inverse = 1/B(n, A)``, for ``n > A``; P(wait) is
    ``C = n / ((n−A)/B + A)``."""
    spare = agents - traffic
    return 1.0 - agents / (spare * b_inverse + traffic) * np.exp(-spare * answer_seconds / aht_seconds)


def erlang_c(agents, traffic, answer_seconds, aht_seconds) -> QueueMetrics:
    """Erlang C measures with ``agents`` agents facing ``traffic`` Erlangs (traffic > 0).

    P(wait) = C(n, A) = n / ((n−A)/B(n, A) + A); service level ``1 − C·e^{−(n−A)·T/AHT}``;
    ASA ``C·AHT/(n−A)``; occupancy ``A/n``.
    """
    n, a, t, aht = _arrays(agents, traffic, answer_seconds, aht_seconds)
    stable = n > a
    spare = np.where(stable, n - a, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = np.where(stable, n / (spare * erlang_b_inverse(n, a) + a), 1.0)
        service_level = np.where(stable, 1.0 - wait * np.exp(-spare * t / aht), 0.0)
        asa = np.where(stable, wait * aht / spare, np.inf)
        occupancy = np.minimum(a / n, 1.0)
    return QueueMetrics(service_level, wait, asa, occupancy)


def least_agents_erlang_c(traffic, target, answer_seconds, aht_seconds):
    """Per element, the least whole ``n > A`` whose Erlang C service level meets ``target``.

    Returns ``(n, service level at n, service level at n − 1)`` (0 where ``n − 1 ≤ A``).
    Starts at ``⌊A⌋ + 1`` with one log-space Erlang B and steps up by its recursion, every
    unfinished element at once; a step costs a few multiplications.
    """
    a, goal, t, aht = _arrays(traffic, target, answer_seconds, aht_seconds)
    n = np.floor(a) + 1
    b_inverse = erlang_b_inverse(n, a)
    level = erlang_c_service_level(n, a, t, aht, b_inverse)
    below = np.zeros_like(a)
    todo = np.flatnonzero(~(level >= goal))
    while todo.size:
        below[todo] = level[todo]
        n[todo] += 1
        b_inverse[todo] = 1.0 + n[todo] / a[todo] * b_inverse[todo]
        level[todo] = erlang_c_service_level(n[todo], a[todo], t[todo], aht[todo], b_inverse[todo])
        todo = todo[~(level[todo] >= goal[todo])]
    return n.astype(np.int64), level, below


def erlang_a(agents, traffic, answer_seconds, aht_seconds, patience_seconds) -> QueueMetrics:
    """Erlang A (Palm) measures: Erlang C plus exponential patience of mean ``patience_seconds``.

    With ``x = n·patience/AHT``, ``y = A·patience/AHT``, ``S = exp(log_queue_series(x, y))``
    and ``s = e^{−T/patience}``:

    * P(wait) = p·S / (F + p·S) (``p``, ``F`` as in :func:`erlang_c`);
    * P(abandon | wait) = 1 − (n/A)·(1 − 1/S);
    * P(offered wait > T | wait) = G = s^x·e^{y(1−s)}·S(x, y·s)/S;
    * P(answered within T | wait) = (n/A)·(1 − 1/S − G + s^x·e^{y(1−s)}/S).

    The last two follow from P(offered wait > t | j calls ahead) = I_s(x, j+1), the
    regularized incomplete beta function, summed against the queue's distribution.
    ``agents`` may be 0 (every call abandons) and may be below the traffic.
    """
    n, a, t, aht, patience = _arrays(agents, traffic, answer_seconds, aht_seconds, patience_seconds)
    staffed = n > 0
    n1 = np.where(staffed, n, 1.0)
    ratio = patience / aht
    x, y = n1 * ratio, a * ratio
    log_s = -t / patience
    log_series = log_queue_series(x, y)
    with np.errstate(divide="ignore"):
        wait = expit(_log_poisson_pmf(n1, a) + log_series - np.log(gammaincc(n1, a)))
    unserved = -np.expm1(-log_series)  # 1 − 1/S
    abandon_if_wait = 1.0 - n1 / a * unserved
    log_kernel = x * log_s - y * np.expm1(log_s) - log_series  # log(s^x·e^{y(1−s)}/S) ≤ 0
    log_series_later = log_queue_series(x, y * np.exp(log_s))
    with np.errstate(divide="ignore"):  # S(x, y·s) − 1 = 0 when T is 0 or long past
        beyond = np.exp(log_kernel + log_series_later + np.log(-np.expm1(-log_series_later)))
    answered_in_time_if_wait = np.clip(n1 / a * (unserved - beyond), 0.0, 1.0)
    service_level = np.where(staffed, 1.0 - wait + wait * answered_in_time_if_wait, 0.0)
    wait = np.where(staffed, wait, 1.0)
    abandon = np.where(staffed, np.clip(wait * abandon_if_wait, 0.0, 1.0), 1.0)
    asa = abandon * patience  # Little's law on the queue: E[queue]/λ = P(abandon)/θ
    occupancy = np.where(staffed, a * (1.0 - abandon) / n1, 0.0)
    return QueueMetrics(service_level, wait, asa, occupancy, abandon)
