"""Erlang C and Erlang A staffing against pyworkforce, a published example and exact results.

Conventions compared with pyworkforce's ``ErlangC`` (read from its source):

* its ``raw_positions`` is our ``whole_agents`` and its ``positions`` our
  ``whole_scheduled``; ``service_level``, ``occupancy`` and ``waiting_probability``
  are measured at ``raw_positions`` as ours are at ``whole_agents``;
* it is unit-agnostic: we give it seconds throughout, so traffic is computed with the
  same float operations on both sides;
* two differences, each shown by its own test: its search starts at ``round(A + 1)``
  (Python rounding), so when ``floor(A) + 1`` agents already meet the target it
  answers one more; and it takes the ceiling of float quotients as they come, so
  ``21 / (1 − 0.30) = 30.000000000000004`` becomes 31 where we say 30.
"""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyworkforce.queuing import ErlangC
from scipy.linalg import expm
from scipy.special import logsumexp
from scipy.stats import poisson

from switchboard.plugins.scheduling.staffing.erlang import erlang_a, erlang_c, log_queue_series
from switchboard.plugins.scheduling.staffing.requirement import required_agents
from tests.conftest import examples

volumes = st.floats(0.5, 600)
ahts = st.floats(30, 600)
intervals = st.sampled_from([900, 1800])
targets = st.floats(0.5, 0.95)
answers = st.floats(1, 60)
caps = st.floats(0.6, 1.0)
shrinkages = st.floats(0, 0.5)


def near_whole(x: float) -> bool:
    """Within float noise of a whole number (with a margin: the two sides round such noise differently)."""
    return abs(x - round(x)) < 1e-6 * max(1.0, x)


@settings(max_examples=examples(150), deadline=None)
@given(volumes, ahts, intervals, targets, answers, caps, shrinkages)
def test_erlang_c_equals_pyworkforce(volume, aht, interval, target, answer, cap, shrinkage):
    ours = required_agents(volume, aht, interval_seconds=interval, service_level=target, answer_seconds=answer,
                           occupancy_cap=cap, shrinkage=shrinkage)
    theirs = ErlangC(transactions=volume, aht=aht, asa=answer, interval=interval, shrinkage=shrinkage)
    traffic = theirs.intensity
    # outside the two documented differences (each tested below)
    assume(round(traffic + 1) <= ours.whole_agents)
    assume(not near_whole(traffic / cap) and not near_whole(int(ours.whole_agents) / (1 - shrinkage)))
    result = theirs.required_positions(service_level=target, max_occupancy=cap)
    assert ours.whole_agents == result["raw_positions"]
    assert ours.whole_scheduled == result["positions"]
    assert ours.service_level == pytest.approx(result["service_level"], rel=1e-9, abs=1e-12)
    assert ours.occupancy == pytest.approx(result["occupancy"], rel=1e-12)
    assert ours.wait_probability == pytest.approx(result["waiting_probability"], rel=1e-9, abs=1e-12)


@settings(max_examples=examples(150), deadline=None)
@given(volumes, ahts, intervals, targets, answers, caps)
def test_whole_requirement_is_the_least_meeting_the_targets_by_pyworkforce_formulas(
        volume, aht, interval, target, answer, cap):
    """No assumption here: pyworkforce's own measures say n meets every target and n − 1 does not."""
    n = int(required_agents(volume, aht, interval_seconds=interval, service_level=target, answer_seconds=answer,
                            occupancy_cap=cap).whole_agents)
    theirs = ErlangC(transactions=volume, aht=aht, asa=answer, interval=interval)
    assert n > theirs.intensity
    assert theirs.service_level(n) >= target
    assert theirs.achieved_occupancy(n) <= cap * (1 + 1e-9)
    fewer = n - 1
    assert (fewer <= theirs.intensity or theirs.service_level(fewer) < target
            or theirs.achieved_occupancy(fewer) > cap * (1 + 1e-9))


def test_pyworkforce_skips_floor_a_plus_one():
    """A = 0.55 Erlangs, 60/60: one agent already answers 64.9 % within a minute."""
    ours = required_agents(33, 30, interval_seconds=1800, service_level=0.6, answer_seconds=60)
    theirs = ErlangC(transactions=33, aht=30, asa=60, interval=1800)
    assert theirs.intensity == pytest.approx(0.55)
    assert ours.whole_agents == 1 and theirs.service_level(1) >= 0.6
    assert theirs.required_positions(service_level=0.6)["raw_positions"] == 2


def test_pyworkforce_float_ceiling_of_shrinkage():
    """21 agents on the phones at 30 % shrinkage are 30 scheduled, exactly."""
    ours = required_agents(140, 216, interval_seconds=1800, service_level=0.8, answer_seconds=20, shrinkage=0.3)
    theirs = ErlangC(transactions=140, aht=216, asa=20, interval=1800, shrinkage=0.3)
    assert ours.whole_agents == 21 and ours.whole_scheduled == 30
    assert theirs.required_positions(service_level=0.8)["positions"] == 31


def test_published_erlang_c_worked_example():
    """Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
    100 calls per 30 minutes, AHT 180 s, 80 % answered in 20 s, occupancy at most 85 %,
    30 % shrinkage. Traffic 10 Erlangs; with 11 agents P(wait) = 0.6821; 14 agents are
    needed, occupancy 71.4 %; 20 agents after shrinkage. The same case is pyworkforce's
    documented example: service level 0.888, P(wait) 0.174.
    """
    eleven = erlang_c(11, 10.0, 20, 180)
    assert round(float(eleven.wait_probability), 4) == 0.6821
    r = required_agents(100, 180, interval_seconds=1800, service_level=0.8, answer_seconds=20,
                        occupancy_cap=0.85, shrinkage=0.3)
    assert (r.whole_agents, r.whole_scheduled) == (14, 20)
    assert round(float(r.occupancy), 3) == 0.714
    assert round(float(r.service_level), 3) == 0.888
    assert round(float(r.wait_probability), 3) == 0.174
    assert 13 < r.agents < 14 and r.scheduled == pytest.approx(r.agents / 0.7)


@settings(max_examples=examples(100), deadline=None)
@given(st.floats(0.01, 2e6), st.floats(0, 1.2), st.floats(0, 2e5))
def test_log_queue_series_equals_the_series_summed(x, rho, y_free):
    """Both branches (closed form, hyp1f1) against the sum of the terms, in logs: y near x,
    where the closed form is hardest, and y anywhere up to 200,000."""
    y = rho * x if rho < 1.1 else y_free
    logs, log_term, peak, j = [0.0], 0.0, 0.0, 1
    while j < y - x + 2 or log_term > peak - 50:
        log_term += math.log(y) - math.log(x + j) if y else -math.inf
        logs.append(log_term)
        peak = max(peak, log_term)
        j += 1
    assert log_queue_series(x, y) == pytest.approx(logsumexp(logs), rel=1e-9, abs=1e-12)


@settings(max_examples=examples(100), deadline=None)
@given(st.floats(0.05, 3000), st.integers(0, 200), st.floats(60, 600), st.floats(0, 60))
def test_erlang_a_with_patience_equal_to_aht_is_poisson(traffic, extra, aht, answer):
    """θ = μ makes M/M/n+M a birth–death chain with death rate kμ in every state: M/M/∞."""
    n = max(1, int(traffic) - 100 + extra)
    m = erlang_a(n, traffic, answer, aht, aht)
    assert m.wait_probability == pytest.approx(poisson.sf(n - 1, traffic), rel=1e-8, abs=1e-300)


@settings(max_examples=examples(30), deadline=None)
@given(st.floats(0.2, 2000), st.floats(0.5, 0.95), st.floats(5, 60), st.floats(60, 600))
def test_erlang_a_tends_to_erlang_c(traffic, target, answer, aht):
    """Patience 10⁸ handle times: Erlang C within 1e-4 (ASA within 0.1 %), same requirement."""
    n = math.ceil(traffic + 1) + np.arange(0, 40)  # n − A ≥ 1: nearer A the limit is slower
    a, c = erlang_a(n, traffic, answer, aht, 1e8 * aht), erlang_c(n, traffic, answer, aht)
    assert np.allclose(a.service_level, c.service_level, atol=1e-4)
    assert np.allclose(a.wait_probability, c.wait_probability, atol=1e-4)
    assert np.allclose(a.asa_seconds, c.asa_seconds, rtol=1e-3)
    assert np.all(a.abandon_probability < 1e-4)
    volume = traffic * 1800 / aht
    kw = dict(interval_seconds=1800, service_level=target, answer_seconds=answer)
    with_patience = required_agents(volume, aht, patience_seconds=1e8 * aht, **kw)
    without = required_agents(volume, aht, **kw)
    assert with_patience.whole_agents == without.whole_agents
    assert with_patience.agents == pytest.approx(without.agents, abs=1e-2)


def birth_death(n: int, traffic: float, answer: float, aht: float, patience: float, ahead: int = 200) -> dict:
    """M/M/n+M measures from the truncated chain itself, with no closed form.

    Service within ``answer`` for a call that finds ``j`` calls ahead: a matrix
    exponential of the chain (calls ahead; answered; abandoned) it then rides.
    """
    mu, theta = 1 / aht, 1 / patience
    lam = traffic * mu
    rates = [lam / (min(k, n) * mu + max(k - n, 0) * theta) for k in range(1, n + ahead + 1)]
    weights = np.concatenate([[1.0], np.cumprod(rates)])
    pi = weights / weights.sum()
    queue = np.arange(n + ahead + 1) - n
    waiting = pi[n:]
    size = ahead + 2  # states 0..ahead calls ahead, then answered (absorbing); abandoning leaves the chain
    gen = np.zeros((size + 1, size + 1))
    for m in range(ahead + 1):
        gen[m, m - 1 if m else ahead + 1] = n * mu + (m * theta if m else 0)
        gen[m, size] = theta
        gen[m, m] = -gen[m].sum()
    answered_in_time = expm(gen * answer)[: ahead + 1, ahead + 1]
    abandon = theta * float(pi[n:] @ queue[n:]) / lam
    return {"wait_probability": waiting.sum(),
            "service_level": pi[:n].sum() + float(waiting @ answered_in_time),
            "abandon_probability": abandon, "asa_seconds": abandon * patience,
            "occupancy": traffic * (1 - abandon) / n}


@settings(max_examples=examples(20), deadline=None)
@given(st.integers(1, 12), st.floats(0.3, 1.6), st.floats(0.1, 5), st.floats(0, 1.5))
def test_erlang_a_equals_the_birth_death_chain(n, load, patience_in_aht, answer_in_aht):
    aht = 240.0
    traffic = load * n
    m = erlang_a(n, traffic, answer_in_aht * aht, aht, patience_in_aht * aht)
    exact = birth_death(n, traffic, answer_in_aht * aht, aht, patience_in_aht * aht)
    for name, value in exact.items():
        assert float(getattr(m, name)) == pytest.approx(value, rel=1e-7, abs=1e-10), name


def simulate(n: int, traffic: float, answer: float, aht: float, patience: float, calls: int, seed: int) -> dict:
    """First-come first-served M/M/n+M, call by call: a call waits for the earliest free agent
    unless its patience runs out first (it then never holds an agent)."""
    rng = np.random.default_rng(seed)
    arrivals = np.cumsum(rng.exponential(aht / traffic, calls))
    patiences = rng.exponential(patience, calls)
    services = rng.exponential(aht, calls)
    free = [0.0] * n
    waited = answered_in_time = abandoned = queue_time = 0
    for t, tau, s in zip(arrivals.tolist(), patiences.tolist(), services.tolist(), strict=True):
        wait = max(0.0, free[0] - t)
        waited += wait > 0
        if wait > tau:
            abandoned += 1
            queue_time += tau
        else:
            answered_in_time += wait <= answer
            queue_time += wait
            heapq.heapreplace(free, t + wait + s)
    return {"wait_probability": waited / calls, "service_level": answered_in_time / calls,
            "abandon_probability": abandoned / calls, "asa_seconds": queue_time / calls}


@pytest.mark.parametrize(("n", "traffic", "patience"), [(6, 5.5, 2 * 180.0), (10, 12.0, 90.0), (3, 1.5, 600.0)])
def test_erlang_a_agrees_with_a_seeded_simulation(n, traffic, patience):
    """200,000 calls; tolerances are several standard errors of the simulated figures."""
    sim = simulate(n, traffic, 20.0, 180.0, patience, calls=200_000, seed=11)
    m = erlang_a(n, traffic, 20.0, 180.0, patience)
    for name in ("wait_probability", "service_level", "abandon_probability"):
        assert float(getattr(m, name)) == pytest.approx(sim[name], abs=0.015), name
    assert float(m.asa_seconds) == pytest.approx(sim["asa_seconds"], rel=0.06, abs=0.5)


def test_large_traffic_is_stable():
    """Thousands of Erlangs: finite measures and the least n meeting 80/20 and n ≥ A / 0.95."""
    volume = np.array([20_000.0, 60_000.0, 150_000.0])  # 2,000 – 15,000 Erlangs at AHT 180 s
    traffic = volume / 10
    for patience in (None, 120.0, 900.0):
        r = required_agents(volume, 180, interval_seconds=1800, service_level=0.8, answer_seconds=20,
                            occupancy_cap=0.95, patience_seconds=patience)
        def model(k, patience=patience):
            return erlang_c(k, traffic, 20, 180) if patience is None else erlang_a(k, traffic, 20, 180, patience)
        assert np.all(model(r.whole_agents).service_level >= 0.8) and np.all(r.whole_agents >= traffic / 0.95)
        fewer = r.whole_agents - 1
        assert np.all((model(fewer).service_level < 0.8) | (fewer < traffic / 0.95))
        assert np.all(np.isfinite(r.asa_seconds)) and np.all(r.whole_agents - r.agents < 1)


@settings(max_examples=examples(80), deadline=None)
@given(volumes, st.floats(0, 1), ahts, targets, answers, caps, shrinkages,
       st.one_of(st.none(), st.floats(10, 1200)))
def test_fractional_requirement(volume, more, aht, target, answer, cap, shrinkage, patience):
    """Within a whole agent below the whole requirement, and rising with volume."""
    kw = dict(interval_seconds=1800, service_level=target, answer_seconds=answer, occupancy_cap=cap,
              shrinkage=shrinkage, patience_seconds=patience)
    r = required_agents([volume, volume * (1 + more)], aht, **kw)
    assert np.all(r.agents <= r.whole_agents) and np.all(r.whole_agents - r.agents < 1)
    assert np.all(r.scheduled <= r.whole_scheduled)
    assert r.scheduled == pytest.approx(r.agents / (1 - shrinkage))
    assert r.agents[0] <= r.agents[1] + 1e-9 and r.whole_agents[0] <= r.whole_agents[1]


def test_small_queues_sum_below_their_ceilings():
    """23 small LOBs of 1 to 12 calls in the half hour: the fractional total is 58.0 agents
    where the ceilings add up to 67 (each LOB's fraction is what its curve asks for)."""
    r = required_agents(np.linspace(1, 12, 23), 300, interval_seconds=1800, service_level=0.8, answer_seconds=20)
    assert r.whole_agents.sum() == 67
    assert r.agents.sum() == pytest.approx(57.98, abs=0.01)


def test_zero_volume_needs_nobody():
    for patience in (None, 60.0):
        r = required_agents([0.0, 10.0], 300, interval_seconds=1800, service_level=0.8, answer_seconds=20,
                            shrinkage=0.3, patience_seconds=patience)
        assert (r.agents[0], r.scheduled[0], r.whole_agents[0], r.whole_scheduled[0]) == (0, 0, 0, 0)
        assert (r.service_level[0], r.wait_probability[0], r.occupancy[0]) == (1, 0, 0)
        assert r.whole_agents[1] > 0


@pytest.mark.parametrize("agents, traffic", [(5, 5.0), (4, 5.0), (1, 30.0)])
def test_an_unstable_queue_answers_nobody_in_time(agents, traffic):
    """With no more agents than Erlangs of traffic (n ≤ A) the M/M/n queue grows without end:
    every call waits, nobody is answered within T, the wait is unbounded and agents never
    idle (occupancy 1, not A/n)."""
    m = erlang_c(agents, traffic, 20.0, 180.0)
    assert (float(m.service_level), float(m.wait_probability), float(m.occupancy)) == (0.0, 1.0, 1.0)
    assert math.isinf(float(m.asa_seconds))


def test_one_agent_more_than_the_traffic_is_a_stable_queue():
    """Two agents, one Erlang, by hand: Erlang C's P(wait) = X / (Σ_{k<n} A^k/k! + X) with
    X = A^n/n!·n/(n−A) = 1/2·2 = 1 and the sum 1 + 1 = 2, so 1/3; occupancy A/n = 1/2."""
    m = erlang_c(2, 1.0, 20.0, 180.0)
    assert float(m.wait_probability) == pytest.approx(1 / 3)
    assert float(m.occupancy) == pytest.approx(0.5)
    # P(W > t) = P(wait)·e^{−(n−A)·t/AHT}
    assert float(m.service_level) == pytest.approx(1 - math.exp(-20 / 180) / 3)
