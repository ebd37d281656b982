"""Erlang requirements for a tenant-year of 30-minute intervals, against pyworkforce, in one run.

The year: 23 LOBs × 365 days × 48 intervals (402,960 intervals), seeded. Each LOB has
its own daily volume, handle time, 80/20-style target, occupancy cap, shrinkage and
caller patience; volumes follow an intraday curve (two peaks, quiet nights: some
intervals have no call), a weekly curve and Poisson noise.

Timed, interleaved round by round:

1. ``required_agents`` (Erlang C) over the whole year, one call;
2. ``required_agents`` (Erlang A) over the whole year, one call;
3. the baseline: pyworkforce's ``ErlangC(...).required_positions`` looped over every
   interval with calls (it refuses zero volume); ``--sample 5000`` loops over a seeded
   random sample instead and extrapolates to the year's intervals with calls.

Erlang A's ratio is against the same Erlang C baseline (pyworkforce has no Erlang A).
Before timing, the compared intervals' whole requirements are checked: on the phones
(pyworkforce's ``raw_positions``) and after shrinkage (``positions``). A mismatch after
shrinkage is counted as explained when pyworkforce's float quotient
``raw / (1 − shrinkage)`` sits within 1e-9 above a whole number (see the test module).

Usage: ``python -m benchmarks.bench_erlang [--sample 0] [--rounds 3] [--seed 7]``.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from pyworkforce.queuing import ErlangC

from benchmarks.harness import interleaved, table
from switchboard.plugins.scheduling.staffing.requirement import required_agents

LOBS, DAYS, PER_DAY, INTERVAL = 23, 365, 48, 1800


def tenant_year(seed: int) -> dict[str, np.ndarray]:
    """Per-interval inputs, each an array of LOBS × DAYS × PER_DAY (per-LOB settings broadcast)."""
    rng = np.random.default_rng(seed)
    lob = (slice(None), None, None)
    daily = rng.lognormal(np.log(2500), 0.9, LOBS)[lob]  # calls a day: a few hundred to tens of thousands
    hours = (np.arange(PER_DAY) + 0.5) / 2
    intraday = (np.exp(-((hours - 10.5) / 2.2) ** 2) + 0.8 * np.exp(-((hours - 15) / 2.5) ** 2)
                + 0.05 * ((hours > 7) & (hours < 22)))
    intraday = (intraday / intraday.sum())[None, None, :]
    weekday = np.array([1.15, 1.05, 1.0, 1.0, 0.95, 0.6, 0.45])[(np.arange(DAYS) % 7)][None, :, None]
    season = (1 + 0.15 * np.sin(2 * np.pi * np.arange(DAYS) / 365))[None, :, None]
    volume = rng.poisson(daily * intraday * weekday * season).astype(float)
    aht = rng.uniform(180, 600, LOBS)[lob] * rng.normal(1, 0.05, volume.shape)
    targets = np.array([(0.8, 20), (0.9, 30), (0.8, 30), (0.7, 60)])[rng.integers(0, 4, LOBS)]
    return {"volume": volume, "aht": aht, "service_level": targets[:, 0][lob], "answer": targets[:, 1][lob],
            "cap": rng.choice([0.85, 0.88, 0.9], LOBS)[lob],
            "shrinkage": rng.choice([0.25, 0.3, 0.32, 0.35], LOBS)[lob],
            "patience": rng.uniform(60, 300, LOBS)[lob]}


def ours(year: dict[str, np.ndarray], erlang_a: bool):
    """This module's requirements for every interval of the year."""
    return required_agents(year["volume"], year["aht"], interval_seconds=INTERVAL,
                           service_level=year["service_level"], answer_seconds=year["answer"],
                           occupancy_cap=year["cap"], shrinkage=year["shrinkage"],
                           patience_seconds=year["patience"] if erlang_a else None)


def flat(year: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    shape = year["volume"].shape
    return {k: np.broadcast_to(v, shape).ravel() for k, v in year.items()}


def theirs(cells: dict[str, np.ndarray], picked: np.ndarray) -> list[tuple[int, int]]:
    """pyworkforce's (raw_positions, positions) for the picked intervals, one at a time."""
    out = []
    for i in picked.tolist():
        erlang = ErlangC(transactions=cells["volume"][i], aht=cells["aht"][i], asa=cells["answer"][i],
                         interval=INTERVAL, shrinkage=cells["shrinkage"][i])
        result = erlang.required_positions(service_level=cells["service_level"][i], max_occupancy=cells["cap"][i])
        out.append((result["raw_positions"], result["positions"]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=0, help="intervals looped through pyworkforce (0: all)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    year = tenant_year(args.seed)
    cells = flat(year)
    with_calls = np.flatnonzero(cells["volume"] > 0)
    rng = np.random.default_rng(args.seed)
    picked = with_calls if args.sample == 0 else np.sort(rng.choice(with_calls, args.sample, replace=False))

    c, a = ours(year, False), ours(year, True)
    expected = theirs(cells, picked)
    raw = np.array([e[0] for e in expected])
    scheduled = np.array([e[1] for e in expected])
    raw_mismatch = int(np.sum(c.whole_agents.ravel()[picked] != raw))
    sched_off = np.flatnonzero(c.whole_scheduled.ravel()[picked] != scheduled)
    quotient = raw[sched_off] / (1 - cells["shrinkage"][picked][sched_off])
    explained = int(np.sum((scheduled[sched_off] == c.whole_scheduled.ravel()[picked][sched_off] + 1)
                           & (np.abs(quotient - np.round(quotient)) < 1e-9 * quotient)))

    timings = interleaved({"c": lambda: ours(year, False), "a": lambda: ours(year, True),
                           "pyworkforce": lambda: theirs(cells, picked)}, rounds=args.rounds, warmup=1)
    total, busy = cells["volume"].size, with_calls.size
    base = timings["pyworkforce"].median * busy / picked.size  # the year's intervals with calls
    base_rate = picked.size / timings["pyworkforce"].median
    extrapolated = "" if picked.size == busy else f" (timed on {picked.size:,} sampled, extrapolated)"
    rows = [
        [f"pyworkforce ErlangC, looped{extrapolated}", f"{busy:,}", f"{base:.1f}", f"{base_rate:,.0f}", "1.0×"],
        ["required_agents, Erlang C", f"{total:,}", f"{timings['c'].median:.2f}",
         f"{total / timings['c'].median:,.0f}", f"{base / timings['c'].median:,.0f}×"],
        ["required_agents, Erlang A", f"{total:,}", f"{timings['a'].median:.2f}",
         f"{total / timings['a'].median:,.0f}", f"{base / timings['a'].median:,.0f}×"],
    ]
    print(table(f"Erlang requirement, tenant-year ({LOBS} LOBs × {DAYS} days × {PER_DAY}), median of "
                f"{args.rounds} rounds", ["variant", "intervals", "seconds", "intervals/s", "speed vs baseline"],
                rows))
    print()
    print(table(f"Equality on the {picked.size:,} compared intervals (Erlang C)", ["measure", "mismatches"], [
        ["whole agents on the phones (raw_positions)", raw_mismatch],
        ["whole agents after shrinkage (positions)", f"{sched_off.size} ({explained} pyworkforce float ceilings)"],
    ]))
    print()
    print(table("Year totals (agent-intervals)", ["model", "fractional scheduled", "whole scheduled", "saving"], [
        [name, f"{r.scheduled.sum():,.0f}", f"{r.whole_scheduled.sum():,}",
         f"{1 - r.scheduled.sum() / r.whole_scheduled.sum():.1%}"] for name, r in (("Erlang C", c), ("Erlang A", a))
    ]))
    assert raw_mismatch == 0 and explained == sched_off.size, "results differ from pyworkforce"
    assert math.isfinite(a.asa_seconds.sum())


if __name__ == "__main__":
    main()
