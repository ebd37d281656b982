"""Forecasting every LOB of the mid demo's year of 30-minute history, and its backtests.

The histories are the demo's own (generated in memory, as the demo loads them: 23 LOBs,
a year of 30-minute intervals each). Two timings in the same run, interleaved: the
seasonal model (``mstl_ets``: one week forecast plus a four-week backtest per LOB,
offered volume and AHT) and seasonal naive for the same LOBs — the baseline of the
ratio. Then one table per LOB: the backtest WAPE and bias of the seasonal model and of
seasonal naive on the same held-out four weeks.
Usage: ``python -m benchmarks.bench_forecast [--size mid] [--rounds 3]``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from benchmarks.harness import interleaved, table
from switchboard.core.demo.generate import SIZES, generate
from switchboard.core.scope.holidays import region_holidays
from switchboard.plugins.scheduling.forecasts import models as forecasting
from switchboard.plugins.scheduling.forecasts.demo import demo_series, span


def histories(size: str) -> tuple[list, list[forecasting.History], list[pd.DatetimeIndex]]:
    """The demo's LOBs, their histories and the week after each history."""
    demo = generate(SIZES[size], 7, "hash")
    first, last = span(demo)
    regions = {c.id: c.holiday_region for c in demo.clients}
    series = demo_series(demo)
    found = [forecasting.History(s.starts, s.offered.astype(float), s.aht, 30, s.lob.timezone,
                                 region_holidays(regions[s.lob.client_id], first, last + pd.Timedelta(days=8)))
             for s in series]
    week = [pd.date_range(h.starts[-1] + pd.Timedelta(minutes=30), periods=7 * 48, freq="30min") for h in found]
    return [s.lob for s in series], found, week


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:+.1%}" if value < 0 else f"{value:.1%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="mid")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    lobs, found, week = histories(args.size)
    intervals = sum(len(h.starts) for h in found)
    results: dict[str, list] = {}

    def run(method: str):
        results[method] = forecasting.forecast_lobs(found, week, method)

    timings = interleaved({m: (lambda m=m: run(m)) for m in ("mstl_ets", "seasonal_naive")}, args.rounds, warmup=1)
    base = timings["seasonal_naive"].median
    print(table(f"forecast + 4-week backtest of {len(found)} LOBs ({intervals:,} intervals of history),"
                f" median of {args.rounds} rounds", ["method", "median", "per LOB", "÷ seasonal naive"],
                [[m, f"{t.median:.2f} s", f"{t.median / len(found) * 1000:.0f} ms", f"{t.median / base:.1f}x"]
                 for m, t in timings.items()]))
    print()
    rows = []
    for lob, (_, model) in zip(lobs, results["mstl_ets"], strict=True):
        rows.append([f"{lob.client_code}/{lob.code}", lob.channel, percent(model.wape), percent(model.baseline_wape),
                     f"{model.wape / model.baseline_wape:.2f}", percent(model.bias), percent(model.baseline_bias)])
    model_wape = np.mean([m.wape for _, m in results["mstl_ets"]])
    naive_wape = np.mean([m.baseline_wape for _, m in results["mstl_ets"]])
    rows.append(["mean", "", percent(model_wape), percent(naive_wape), f"{model_wape / naive_wape:.2f}", "", ""])
    print(table("backtest on the last 4 weeks of history: offered volume per 30-minute interval",
                ["LOB", "channel", "WAPE mstl_ets", "WAPE seasonal naive", "ratio", "bias mstl_ets",
                 "bias seasonal naive"], rows))


if __name__ == "__main__":
    main()
