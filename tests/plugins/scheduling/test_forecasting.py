"""Forecasting on the demo's history: the seasonal model beats seasonal naive in backtests,
holidays are learnt and applied, and the daily curve stays on the LOB's local clock."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from switchboard.core.demo.generate import SIZES, generate
from switchboard.core.scope.holidays import region_holidays
from switchboard.plugins.scheduling.forecasts import models as forecasting
from switchboard.plugins.scheduling.forecasts.local_grid import from_local_grid, to_local_grid
from switchboard.plugins.scheduling.forecasts.demo import demo_series, span

SEED = 7


@pytest.fixture(scope="module")
def demo_histories() -> list[tuple[str, forecasting.History]]:
    demo = generate(SIZES["small"], SEED, "hash")
    first, last = span(demo)
    regions = {c.id: c.holiday_region for c in demo.clients}
    return [(s.lob.code, forecasting.History(s.starts, s.offered.astype(float), s.aht, 30, s.lob.timezone,
                                             region_holidays(regions[s.lob.client_id], first, last)))
            for s in demo_series(demo)]


def test_the_seasonal_model_beats_seasonal_naive_on_every_demo_lob(demo_histories):
    histories = [h for _, h in demo_histories]
    horizons = [h.starts[-7 * 48:] + pd.Timedelta(weeks=1) for h in histories]
    results = forecasting.forecast_lobs(histories, horizons, "mstl_ets")
    worse = []
    for (code, _), (_, test) in zip(demo_histories, results):
        assert test.weeks == 4
        if not test.wape < test.baseline_wape:
            worse.append((code, test.wape, test.baseline_wape))
    assert not worse
    model = np.mean([t.wape for _, t in results])
    naive = np.mean([t.baseline_wape for _, t in results])
    assert model < 0.9 * naive
    assert all(abs(t.bias) < 0.15 for _, t in results)


def test_seasonal_naive_repeats_last_week_and_its_backtest_is_the_baseline(demo_histories):
    _, history = demo_histories[0]
    week = 7 * 48
    seen = history.before(history.starts[-week])
    result = forecasting.forecast(seen, history.starts[-week:], "seasonal_naive")
    # same local interval a week earlier: equal to the UTC week before except across a DST change
    assert np.array_equal(result.offered, seen.offered[-week:]) or history.zone.startswith("America")
    test = forecasting.backtest(history, "seasonal_naive")
    assert test.wape == test.baseline_wape


def test_holiday_dips_are_learnt_and_applied():
    # a voice LOB of RetailCo (Ontario): 8 weeks hold Thanksgiving, 12 October 2026
    demo = generate(SIZES["small"], SEED, "hash")
    first, last = span(demo)
    series = next(s for s in demo_series(demo) if s.lob.code == "L1-RETAIL-EN")
    holidays = region_holidays("CA-ON", first, date(2026, 12, 31))
    history = forecasting.History(series.starts, series.offered.astype(float), series.aht, 30, series.lob.timezone,
                                  holidays)
    factor, used = forecasting.holiday_factor(history)
    assert used == 1 and 0.25 < factor < 0.45  # the demo dips voice to 35% on holidays
    horizon = pd.date_range("2026-12-21T05:00Z", "2026-12-28T05:00Z", freq="30min", inclusive="left")
    cut = forecasting.forecast(history, horizon, "mstl_ets")
    local = horizon.tz_convert("America/Toronto")
    christmas = cut.offered[local.date == date(2026, 12, 25)].sum()
    week_before_days = [cut.offered[local.date == date(2026, 12, d)].sum() for d in (22, 23, 24)]
    assert christmas == pytest.approx(factor * np.mean(week_before_days), rel=0.25)
    assert cut.holiday_factor == factor


def test_a_lob_without_holidays_in_its_history_takes_the_pooled_factor(demo_histories):
    histories = [h for _, h in demo_histories]
    found = [forecasting.holiday_factor(h) for h in histories]
    pooled = forecasting.pooled_factors(histories)
    assert any(f is None for f, _ in found) or all(p == f for p, (f, _) in zip(pooled, found))
    for (factor, _), result in zip(found, pooled):
        assert result == factor if factor is not None else 0.05 <= result <= 2


def test_the_daily_curve_follows_the_local_clock_across_a_dst_change():
    # a peak at 10:00 Toronto time every day, over the change back of 1 November 2026
    starts = pd.date_range("2026-10-05T04:00Z", "2026-11-16T05:00Z", freq="30min", inclusive="left")
    local = starts.tz_convert("America/Toronto")
    values = np.where((local.hour == 10) & (local.minute == 0), 100.0, 10.0)
    grid = to_local_grid(starts, values, "America/Toronto", 30)
    assert (grid.index.hour[grid.to_numpy() == 100] == 10).all()
    back = from_local_grid(grid, starts, "America/Toronto", 30)
    assert np.array_equal(back, values)
    history = forecasting.History(starts, values, np.full(len(starts), 300.0), 30, "America/Toronto")
    ahead = pd.date_range("2026-11-16T05:00Z", periods=48, freq="30min")
    result = forecasting.forecast(history, ahead, "mstl_ets")
    peak = ahead[np.argmax(result.offered)].tz_convert("America/Toronto")
    assert (peak.hour, peak.minute) == (10, 0)  # 15:00 UTC after the change, 14:00 before it
    assert result.aht == pytest.approx(np.full(48, 300.0), rel=0.01)


def test_an_unknown_method_is_refused():
    history = forecasting.History(pd.date_range("2026-01-05", periods=3 * 336, freq="30min", tz="UTC"),
                                  np.ones(3 * 336), np.ones(3 * 336), 30, "UTC")
    with pytest.raises(ValueError):
        forecasting.forecast(history, history.starts[-2:] + pd.Timedelta(days=1), "prophet")
    with pytest.raises(ValueError):
        forecasting.forecast(history, history.starts[-2:], "mstl_ets")
