"""Forecasting on the demo's history: the seasonal model beats seasonal naive in backtests,
holidays are learnt and applied, and the daily curve stays on the LOB's local clock. Seasonal
naive across a DST change, its backtest's WAPE and bias, and the pooled holiday factor are checked
on small hand-built series whose expected values come from the definitions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from switchboard.core.demo.generate import SIZES, generate
from switchboard.core.scope.holidays import region_holidays
from switchboard.plugins.scheduling.forecasts import models as forecasting
from switchboard.plugins.scheduling.forecasts.demo import demo_series, span
from switchboard.plugins.scheduling.forecasts.local_grid import from_local_grid, to_local_grid

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
    for (code, _), (_, test) in zip(demo_histories, results, strict=True):
        assert test.weeks == 4
        if not test.wape < test.baseline_wape:
            worse.append((code, test.wape, test.baseline_wape))
    assert not worse
    model = np.mean([t.wape for _, t in results])
    naive = np.mean([t.baseline_wape for _, t in results])
    assert model < 0.9 * naive
    assert all(abs(t.bias) < 0.15 for _, t in results)


TORONTO = ZoneInfo("America/Toronto")


def same_local_time_a_week_earlier(moment: datetime, history: dict[datetime, float]) -> float:
    """The history's value at ``moment``'s local weekday and wall-clock time one week earlier
    in Toronto; when that wall-clock time happened twice (the hour repeated as the clocks go
    back), the mean of both intervals."""
    wall = moment.astimezone(TORONTO).replace(tzinfo=None) - timedelta(weeks=1)
    instants = {wall.replace(tzinfo=TORONTO, fold=fold).astimezone(UTC) for fold in (0, 1)}
    return float(np.mean([history[i] for i in instants]))


def test_seasonal_naive_takes_the_same_local_time_a_week_earlier_across_a_dst_change():
    """Three weeks of 30-minute intervals numbered 0, 1, 2 … from Monday 12 October 2026 00:00 in
    Toronto (04:00Z); the clocks go back on Sunday 1 November at 02:00 EDT, so the history's last
    local week holds 337 intervals. The week after it is forecast."""
    starts = pd.date_range("2026-10-12T04:00Z", "2026-11-02T05:00Z", freq="30min", inclusive="left")
    assert len(starts) == 21 * 48 + 2
    offered, aht = np.arange(len(starts), dtype=float), 1000.0 + np.arange(len(starts))
    history = forecasting.History(starts, offered, aht, 30, "America/Toronto")
    ahead = pd.date_range("2026-11-02T05:00Z", periods=7 * 48, freq="30min")
    result = forecasting.forecast(history, ahead, "seasonal_naive")

    by_start = {t.to_pydatetime(): v for t, v in zip(starts, offered, strict=True)}
    assert result.offered.tolist() == [same_local_time_a_week_earlier(t.to_pydatetime(), by_start) for t in ahead]
    aht_by_start = {t.to_pydatetime(): v for t, v in zip(starts, aht, strict=True)}
    assert result.aht.tolist() == [same_local_time_a_week_earlier(t.to_pydatetime(), aht_by_start) for t in ahead]
    assert result.holiday_factor == 1.0  # seasonal naive applies no holiday factor
    # by hand: Monday 2 November 09:00 EST (14:00Z) repeats Monday 26 October 09:00 EDT (13:00Z),
    # 14 days and 9 hours after the first interval (not the UTC week before, 14:00Z: 692)
    assert result.offered[ahead.get_loc(pd.Timestamp("2026-11-02T14:00Z"))] == 14 * 48 + 18
    # Sunday 8 November 01:00 EST repeats 01:00 on 1 November, which came twice (05:00Z and 06:00Z)
    assert result.offered[ahead.get_loc(pd.Timestamp("2026-11-08T06:00Z"))] == (20 * 48 + 2 + 20 * 48 + 4) / 2
    # Sunday 8 November 12:00 EST repeats 12:00 EST a week earlier, after the change: 17:00Z both
    assert result.offered[ahead.get_loc(pd.Timestamp("2026-11-08T17:00Z"))] == 20 * 48 + 26


def business_hours(starts: pd.DatetimeIndex, calls: float = 10.0) -> np.ndarray:
    """``calls`` per 30-minute interval from 09:00 to 17:00 Toronto time, every day; none otherwise."""
    local = starts.tz_convert("America/Toronto")
    return np.where((local.hour >= 9) & (local.hour < 17), calls, 0.0)


def test_the_seasonal_naive_backtest_wape_and_bias_by_hand():
    """Four weeks from Monday 4 January 2027 (no DST change): 10 calls an interval from 09:00 to
    17:00, 16 intervals a day, 1,120 calls a week, except:

    * Wednesday 20 January 11:00 (week 3): 22 calls; the held-out week has 10 there (error 12);
    * Monday 25 January 09:00 (week 4): 16 calls against last week's 10 (error 6);
    * Tuesday 26 January 10:00 (week 4): 4 calls against 10 (error 6).

    Four weeks hold out one (three fit). Seasonal naive forecasts week 4 with week 3:
    WAPE = Σ|f − a| / Σa = (12 + 6 + 6) / (1120 + 6 − 6) = 24 / 1120; bias = (Σf − Σa) / Σa
    = (1132 − 1120) / 1120 = 12 / 1120."""
    starts = pd.date_range("2027-01-04T05:00Z", periods=4 * 7 * 48, freq="30min")
    offered = business_hours(starts)
    for moment, calls in (("2027-01-20T16:00Z", 22), ("2027-01-25T14:00Z", 16), ("2027-01-26T15:00Z", 4)):
        offered[starts.get_loc(pd.Timestamp(moment))] = calls
    history = forecasting.History(starts, offered, np.full(len(starts), 300.0), 30, "America/Toronto")
    naive = forecasting.backtest(history, "seasonal_naive")
    assert naive.weeks == 1
    assert (naive.wape, naive.bias) == (pytest.approx(24 / 1120), pytest.approx(12 / 1120))
    assert (naive.baseline_wape, naive.baseline_bias) == (pytest.approx(24 / 1120), pytest.approx(12 / 1120))
    model = forecasting.backtest(history, "mstl_ets")
    assert (model.baseline_wape, model.baseline_bias) == (pytest.approx(24 / 1120), pytest.approx(12 / 1120))


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


def test_a_lob_without_holidays_in_its_history_takes_the_pooled_factor():
    """Three LOBs, six weeks from Monday 4 January 2027 of 10 calls an interval from 09:00 to 17:00
    Toronto time (160 calls a day), forecast for the week of Family Day (Monday 15 February):

    * ``one``: a holiday on Wednesday 20 January at 5 calls an interval: 80 against the 160 of the
      Wednesdays a week before and after, a factor of 0.5 from one holiday;
    * ``two``: holidays on Tuesday 19 and Thursday 28 January at 8 calls: 256 against 320, 0.8
      from two holidays;
    * ``three``: no holiday in its history; Family Day in its horizon. It takes the others' factor
      weighted by their holidays: (0.5 × 1 + 0.8 × 2) / 3 = 0.7."""
    starts = pd.date_range("2027-01-04T05:00Z", periods=6 * 7 * 48, freq="30min")
    local = starts.tz_convert("America/Toronto").date
    family_day = date(2027, 2, 15)

    def lob(calls_on: dict[date, float], holidays: set[date]) -> forecasting.History:
        offered = business_hours(starts)
        for day, calls in calls_on.items():
            offered[(local == day) & (offered > 0)] = calls
        return forecasting.History(starts, offered, np.full(len(starts), 300.0), 30, "America/Toronto",
                                   frozenset(holidays))

    one = lob({date(2027, 1, 20): 5.0}, {date(2027, 1, 20)})
    two = lob({date(2027, 1, 19): 8.0, date(2027, 1, 28): 8.0}, {date(2027, 1, 19), date(2027, 1, 28)})
    three = lob({}, {family_day})
    assert [forecasting.holiday_factor(h) for h in (one, two, three)] == [
        (pytest.approx(0.5), 1), (pytest.approx(0.8), 2), (None, 0)]
    assert forecasting.pooled_factors([one, two, three]) == [pytest.approx(0.5), pytest.approx(0.8),
                                                             pytest.approx(0.7)]

    ahead = pd.date_range("2027-02-15T05:00Z", periods=7 * 48, freq="30min")
    results = forecasting.forecast_lobs([one, two, three], [ahead] * 3, "mstl_ets")
    cut = results[2][0]
    assert cut.holiday_factor == pytest.approx(0.7)
    days = ahead.tz_convert("America/Toronto").date
    holiday, tuesday = (cut.offered[days == d].sum() for d in (family_day, date(2027, 2, 16)))
    assert tuesday == pytest.approx(160, rel=1e-3)
    assert holiday == pytest.approx(0.7 * 160, rel=1e-3)


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
    assert result.holiday_factor == 1.0  # no holiday in the history: none applied


def test_an_unknown_method_is_refused():
    history = forecasting.History(pd.date_range("2026-01-05", periods=3 * 336, freq="30min", tz="UTC"),
                                  np.ones(3 * 336), np.ones(3 * 336), 30, "UTC")
    with pytest.raises(ValueError, match="unknown method"):
        forecasting.forecast(history, history.starts[-2:] + pd.Timedelta(days=1), "prophet")
    last = history.starts[-1]
    for overlapping in (history.starts[-2:], pd.date_range(last, periods=2, freq="30min"), history.starts[:0]):
        with pytest.raises(ValueError, match="follow the history"):
            forecasting.forecast(history, overlapping, "mstl_ets")
    # the interval right after the history, alone
    next_one = forecasting.forecast(history, pd.date_range(last + pd.Timedelta(minutes=30), periods=1, freq="30min"),
                                    "seasonal_naive")
    assert (next_one.offered.tolist(), next_one.aht.tolist()) == ([1.0], [1.0])
    # a LOB that handled nothing (AHT unknown everywhere) is forecast an AHT of 0
    idle = forecasting.History(history.starts, np.zeros(3 * 336), np.full(3 * 336, np.nan), 30, "UTC")
    assert forecasting.forecast(idle, next_one.starts, "seasonal_naive").aht.tolist() == [0.0]


# Small histories built by hand: 30-minute intervals from local midnight in Toronto (EST, UTC−5,
# all of January and February 2027), every interval of a local day carrying that day's volume.
JANUARY_4 = date(2027, 1, 4)  # a Monday


def by_local_day(first: date, per_interval: list[float], holidays: set[date] = frozenset(),
                 drop_first: int = 0, drop_last: int = 0) -> forecasting.History:
    """``per_interval[i]`` calls in each of the 48 intervals of local day ``first + i``, less the
    history's first ``drop_first`` and last ``drop_last`` intervals."""
    midnight = pd.Timestamp(datetime(first.year, first.month, first.day, tzinfo=TORONTO)).tz_convert("UTC")
    starts = pd.date_range(midnight, periods=48 * len(per_interval), freq="30min")
    offered = np.repeat(np.asarray(per_interval, dtype=float), 48)
    keep = slice(drop_first, len(starts) - drop_last)
    return forecasting.History(starts[keep], offered[keep], np.full(len(starts), 300.0)[keep], 30,
                               "America/Toronto", frozenset(holidays))


def days(calls: float, count: int, **on: float) -> list[float]:
    """``count`` days of ``calls`` per interval, but ``on["d<i>"]`` on day ``i``."""
    return [on.get(f"d{i}", calls) for i in range(count)]


@pytest.mark.parametrize(("drop_first", "expected"), [
    # Monday 11 January at 5 calls an interval; the Monday before (4 January, the history's first
    # day) had 12, the Monday after (18 January) 8: 5 / ((12 + 8) / 2) = 0.5
    (0, 0.5),
    # without the first interval of 4 January, the week before is not whole: 5 / 8 = 0.625
    (1, 0.625),
])
def test_the_holiday_factor_compares_a_holiday_with_the_weeks_before_and_after(drop_first, expected):
    history = by_local_day(JANUARY_4, days(10, 15, d0=12, d7=5, d14=8), {date(2027, 1, 11)}, drop_first=drop_first)
    assert forecasting.holiday_factor(history) == (pytest.approx(expected), 1)


def test_the_holiday_factor_skips_partial_days_and_weeks_that_are_holidays_or_outside_the_history():
    """From Wednesday 6 January 2027 at 12:00 to Wednesday 27 January at 23:00 (its last interval,
    23:30, missing), 10 calls an interval except on these holidays and their neighbours:

    * Wednesday 6 January, 1 call: only half a day in the history, not used;
    * Thursday 7 January, 6 calls: a week before lies outside the history; after, 14 January, 12;
    * Friday 8 January, 3 calls: the week after (15 January) is a holiday too; before is outside: not used;
    * Friday 15 January, 4 calls: the week before is a holiday; after, 22 January, 8;
    * Wednesday 20 January, 7 calls: before, 13 January, 14; after, 27 January, lacks its last interval.

    Factor: (6 + 4 + 7) / (12 + 8 + 14) = 0.5, from three holidays."""
    volume = days(10, 22, d0=1, d1=6, d2=3, d8=12, d9=4, d16=8, d7=14, d14=7)
    holidays = {date(2027, 1, d) for d in (6, 7, 8, 15, 20)}
    history = by_local_day(date(2027, 1, 6), volume, holidays, drop_first=24, drop_last=1)
    assert forecasting.holiday_factor(history) == (pytest.approx(0.5), 3)


def test_the_holiday_factor_is_clipped_and_needs_a_baseline():
    # three times the usual volume on a holiday counts as twice (the factor's documented range: 0.05 to 2)
    busy = by_local_day(JANUARY_4, days(10, 15, d7=30), {date(2027, 1, 11)})
    assert forecasting.holiday_factor(busy) == (pytest.approx(2.0), 1)
    # a quiet LOB: one call on each of the Mondays around a silent holiday; 0 counts as 0.05
    quiet = by_local_day(JANUARY_4, days(0, 15, d0=1 / 48, d14=1 / 48), {date(2027, 1, 11)})
    assert forecasting.holiday_factor(quiet) == (pytest.approx(0.05), 1)
    # nothing offered on the Mondays around it: no baseline, no factor
    closed = by_local_day(JANUARY_4, days(10, 15, d0=0, d7=3, d14=0), {date(2027, 1, 11)})
    assert forecasting.holiday_factor(closed) == (None, 0)
    # no holidays, or no history
    assert forecasting.holiday_factor(by_local_day(JANUARY_4, days(10, 15))) == (None, 0)
    empty = by_local_day(JANUARY_4, [], {date(2027, 1, 11)})
    assert forecasting.holiday_factor(empty) == (None, 0)
    assert forecasting.pooled_factors([by_local_day(JANUARY_4, days(10, 15))] * 2) == [None, None]


def test_a_history_splits_at_a_moment_and_counts_its_weeks():
    starts = pd.date_range("2027-01-04T05:00Z", periods=14 * 48, freq="30min")
    history = forecasting.History(starts, np.arange(14 * 48.0), 1000 + np.arange(14 * 48.0), 30, "America/Toronto")
    assert history.weeks() == 2.0
    moment = pd.Timestamp("2027-01-04T06:00Z")  # the third interval's start: it belongs to the later part
    before, since = history.before(moment), history.since(moment)
    assert list(before.starts) == [pd.Timestamp("2027-01-04T05:00Z"), pd.Timestamp("2027-01-04T05:30Z")]
    assert (before.offered.tolist(), before.aht.tolist()) == ([0.0, 1.0], [1000.0, 1001.0])
    assert since.starts[0] == moment and len(since.starts) == 14 * 48 - 2
    assert (since.offered[:2].tolist(), since.aht[:2].tolist()) == ([2.0, 3.0], [1002.0, 1003.0])
    assert len(since.aht) == len(since.offered) == len(since.starts)
    # hourly intervals: 24 a day, 168 a week; three and a half weeks
    hourly = pd.date_range("2027-01-04T05:00Z", periods=588, freq="60min")
    assert forecasting.History(hourly, np.ones(588), np.ones(588), 60, "America/Toronto").weeks() == 3.5


@pytest.mark.parametrize(("weeks", "asked", "held_out"), [(8, 4, 4), (8, 2, 2), (5, 4, 2), (4, 4, 1), (3, 4, 1)])
def test_a_backtest_holds_out_all_but_three_weeks_and_at_least_one(weeks, asked, held_out):
    history = by_local_day(JANUARY_4, days(10, 7 * weeks))
    assert forecasting.holdout_weeks(history, asked) == held_out
    # the held-out weeks start on a Monday, local midnight (05:00Z), that many weeks before the end
    end = pd.Timestamp("2027-01-04T05:00Z") + pd.Timedelta(weeks=weeks)
    assert forecasting.holdout_start(history, asked) == end - pd.Timedelta(weeks=held_out)


def test_a_one_week_backtest_scores_the_last_week_only():
    """Six weeks of 10 calls an interval, the last at 12: seasonal naive forecasts 10 for it,
    WAPE = 2 / 12 and bias = −2 / 12 (holding out three weeks would give 2 / 32)."""
    history = by_local_day(JANUARY_4, days(10, 35) + days(12, 7))
    result = forecasting.backtest(history, "seasonal_naive", weeks=1)
    assert result.weeks == 1
    assert (result.wape, result.bias) == (pytest.approx(2 / 12), pytest.approx(-2 / 12))


def test_backtests_use_the_factor_pooled_from_the_held_in_weeks():
    """Six weeks of business hours (160 calls a day), one held out. LOB ``one`` has a holiday on
    Wednesday 27 January (week 4) at half its volume: its held-in factor is 0.5. LOB ``two`` has none
    in its held-in weeks, and one in its held-out week, Wednesday 10 February, at half volume. Its
    backtest forecasts that day at the pooled 0.5, 80 calls: nearly no error, where seasonal naive
    misses by 80 of the held-out week's 1,040 calls."""
    starts = pd.date_range("2027-01-04T05:00Z", periods=6 * 7 * 48, freq="30min")
    local = starts.tz_convert("America/Toronto").date

    def lob(holiday: date) -> forecasting.History:
        offered = business_hours(starts)
        offered[(local == holiday) & (offered > 0)] = 5.0
        return forecasting.History(starts, offered, np.full(len(starts), 300.0), 30, "America/Toronto",
                                   frozenset({holiday}))

    done = []
    ahead = pd.date_range("2027-02-15T05:00Z", periods=7 * 48, freq="30min")
    results = forecasting.forecast_lobs([lob(date(2027, 1, 27)), lob(date(2027, 2, 10))], [ahead] * 2,
                                        "mstl_ets", weeks=1, on_lob=done.append)
    assert done == [1, 2]
    test = results[1][1]
    assert test.weeks == 1
    assert test.baseline_wape == pytest.approx(80 / 1040)
    assert test.wape < 0.01
    with pytest.raises(ValueError):
        forecasting.forecast_lobs([lob(date(2027, 1, 27))], [], "seasonal_naive")


def test_forecasts_east_of_utc_cover_the_whole_horizon_and_forecast_aht_with_the_method():
    """Six weeks from Monday 4 January 2027 00:00 in Manila (UTC+8, no DST; 3 January 16:00Z):
    10 calls an interval, the AHT 300 s on the first day and one second more each day after
    (341 s on the last). Seasonal naive repeats the last week interval by interval, to the
    horizon's very last interval; the seasonal model follows the AHT's trend to about 342 s the next day,
    where repeating the week before would give 335 s."""
    starts = pd.date_range("2027-01-03T16:00Z", periods=6 * 7 * 48, freq="30min")
    offered = np.arange(len(starts), dtype=float)
    history = forecasting.History(starts, offered, 300.0 + np.repeat(np.arange(42.0), 48), 30, "Asia/Manila")
    ahead = pd.date_range("2027-02-14T16:00Z", periods=7 * 48, freq="30min")
    naive = forecasting.forecast(history, ahead, "seasonal_naive")
    assert naive.starts.equals(ahead) and naive.offered.tolist() == offered[-7 * 48:].tolist()
    history = forecasting.History(starts, np.full(len(starts), 10.0), history.aht, 30, "Asia/Manila")
    model = forecasting.forecast(history, ahead[:48], "mstl_ets")
    assert model.aht == pytest.approx(np.full(48, 342.0), abs=1.0)
    assert np.isnan(forecasting.forecast(history, ahead[:48], "mstl_ets", with_aht=False).aht).all()


def test_the_seasonal_model_repeats_the_last_daily_cycle():
    """Six weeks from Monday 4 January 2027 of 10 calls an interval in Toronto and a peak of 100
    at 10:00 each day, moved to 15:00 from the fourth week on: the next day peaks at 15:00."""
    starts = pd.date_range("2027-01-04T05:00Z", periods=6 * 7 * 48, freq="30min")
    peak = np.where(starts >= pd.Timestamp("2027-01-25T05:00Z"), 15, 10)
    values = np.where(starts.tz_convert("America/Toronto").hour == peak, 100.0, 10.0)
    history = forecasting.History(starts, values, np.full(len(starts), 300.0), 30, "America/Toronto")
    ahead = pd.date_range("2027-02-15T05:00Z", periods=48, freq="30min")
    result = forecasting.forecast(history, ahead, "mstl_ets")
    assert ahead[np.argmax(result.offered)] == pd.Timestamp("2027-02-15T20:00Z")  # 15:00 EST
