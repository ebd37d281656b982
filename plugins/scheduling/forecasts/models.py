"""Interval forecasts of offered volume and average handle time (AHT) from a LOB's history.

Two methods, both on the LOB's local clock (:mod:`.local_grid`):

* ``seasonal_naive``: each interval repeats the same local interval one week
  earlier (the last observed week, repeated over the horizon). The baseline every
  other method must beat.
* ``mstl_ets``: ``log1p`` of the last :data:`FIT_WEEKS` weeks decomposed by
  statsmodels' MSTL into a daily and a weekly seasonal component, a trend and a
  remainder; the deseasonalized series (trend + remainder) is forecast by a damped
  additive-trend exponential smoothing model (Holt), the seasonal components repeat
  their last cycle, and the sum is transformed back. A smearing factor (the fit
  window's actual volume over the back-transformed fit) removes the log transform's
  downward bias.

Holidays: volume on the client's public holidays (its holiday region) is compared
with the same local intervals a week before and after; the ratio of the sums is the
LOB's **holiday factor** (:func:`holiday_factor`). ``mstl_ets`` divides holiday
history by it before fitting and multiplies the forecast's holidays by it. A LOB
whose history holds no holiday takes the factor pooled over the LOBs forecast with
it (:func:`forecast_lobs`), or none at all (1).

AHT is forecast by the same method, without holiday factor, from the intervals that
handled something (the others are interpolated).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
import pandas as pd
from statsmodels.tsa.holtwinters import ExponentialSmoothing
from statsmodels.tsa.seasonal import MSTL

from switchboard.plugins.scheduling.forecasts import accuracy
from switchboard.plugins.scheduling.forecasts.local_grid import (
    from_local_grid,
    holiday_mask,
    local_slots,
    slots_per_day,
    to_local_grid,
)

METHODS = ("seasonal_naive", "mstl_ets")
FIT_WEEKS = 12
MIN_WEEKS = 4  # a weekly seasonal model needs over two weeks to fit (three here), and a week to test
HOLDOUT_WEEKS = 4
FACTOR_RANGE = (0.05, 2.0)


@dataclass(frozen=True)
class History:
    """One LOB's interval history: UTC interval starts (regular, every ``minutes``),
    offered volume and AHT in seconds (NaN where nothing was handled), the LOB's
    timezone and its client's public holidays (local dates, history and horizon)."""

    starts: pd.DatetimeIndex
    offered: np.ndarray
    aht: np.ndarray
    minutes: int
    zone: str
    holidays: frozenset[date] = frozenset()

    def weeks(self) -> float:
        """How many weeks of intervals the history spans."""
        return len(self.starts) / (7 * slots_per_day(self.minutes))

    def before(self, moment: pd.Timestamp) -> History:
        """The history of the intervals starting before ``moment``."""
        keep = self.starts < moment
        return replace(self, starts=self.starts[keep], offered=self.offered[keep], aht=self.aht[keep])

    def since(self, moment: pd.Timestamp) -> History:
        """The history of the intervals starting at or after ``moment``."""
        keep = self.starts >= moment
        return replace(self, starts=self.starts[keep], offered=self.offered[keep], aht=self.aht[keep])


@dataclass(frozen=True)
class Forecast:
    """Forecast offered volume and AHT for each UTC interval of ``starts``."""

    starts: pd.DatetimeIndex
    offered: np.ndarray
    aht: np.ndarray
    holiday_factor: float


@dataclass(frozen=True)
class Backtest:
    """A method's accuracy on the last ``weeks`` weeks of a history it did not see,
    with seasonal naive's on the same weeks for comparison."""

    weeks: int
    wape: float | None
    bias: float | None
    baseline_wape: float | None
    baseline_bias: float | None


def holiday_factor(history: History) -> tuple[float | None, int]:
    """The LOB's holiday factor and how many holidays of its history gave it.

    For each holiday in the history, its local intervals' volume is compared with the
    mean of the same intervals one week before and one week after (whichever lie in
    the history and are not holidays themselves). The factor is the holidays' volume
    over their baselines', clipped to :data:`FACTOR_RANGE`; None without a usable holiday.
    """
    if not history.holidays or len(history.starts) == 0:
        return None, 0
    grid = to_local_grid(history.starts, history.offered, history.zone, history.minutes)
    week = 7 * slots_per_day(history.minutes)
    values = grid.to_numpy()
    on_holiday = holiday_mask(grid.index, history.holidays)
    dates = np.asarray(grid.index.normalize())
    actual = baseline = 0.0
    used = 0
    for day in np.unique(dates[on_holiday]):
        slots = np.flatnonzero(dates == day)
        if len(slots) < slots_per_day(history.minutes):
            continue
        around = [slots + shift for shift in (-week, week)
                  if 0 <= slots[0] + shift and slots[-1] + shift < len(values) and not on_holiday[slots + shift].any()]
        if not around:
            continue
        actual += values[slots].sum()
        baseline += np.mean([values[s].sum() for s in around])
        used += 1
    if used == 0 or baseline <= 0:
        return None, 0
    return float(np.clip(actual / baseline, *FACTOR_RANGE)), used


def forecast(history: History, starts: pd.DatetimeIndex, method: str, factor: float | None = None,
             with_aht: bool = True) -> Forecast:
    """Forecast ``starts`` (UTC interval starts after the history) with ``method``.

    ``factor`` overrides the holiday factor estimated from the history (``mstl_ets``);
    without ``with_aht`` the AHT forecast is left NaN (backtests score volume only).
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}")
    if len(starts) == 0 or starts[0] <= history.starts[-1]:
        raise ValueError("the forecast's intervals must follow the history")
    zone, minutes = history.zone, history.minutes
    offered = to_local_grid(history.starts, history.offered, zone, minutes)
    target = local_slots(starts, zone, minutes)
    future = pd.date_range(offered.index[-1], target.max(), freq=f"{minutes}min")[1:]
    if method == "seasonal_naive":
        volume, used = _naive(offered, future, minutes), 1.0
    else:
        used = factor if factor is not None else (holiday_factor(history)[0] or 1.0)
        past, ahead = holiday_mask(offered.index, history.holidays), holiday_mask(future, history.holidays)
        volume = _mstl_ets(offered.where(~past, offered / used), future, minutes)
        volume = volume.where(~ahead, volume * used)
    handle = np.full(len(starts), np.nan)
    if with_aht:
        aht = to_local_grid(history.starts, history.aht, zone, minutes)
        model = _naive if method == "seasonal_naive" else _mstl_ets
        handle = np.clip(from_local_grid(model(aht, future, minutes), starts, zone, minutes), 0, None)
    return Forecast(starts=starts, offered=np.clip(from_local_grid(volume, starts, zone, minutes), 0, None),
                    aht=handle, holiday_factor=used)


def _naive(series: pd.Series, future: pd.DatetimeIndex, minutes: int) -> pd.Series:
    """The last week of ``series`` repeated over ``future``."""
    week = 7 * slots_per_day(minutes)
    last = series.to_numpy()[-week:]
    return pd.Series(np.resize(last, len(future)), index=future)


def _mstl_ets(series: pd.Series, future: pd.DatetimeIndex, minutes: int) -> pd.Series:
    """The ``mstl_ets`` forecast of a local-grid series over ``future`` (see the module's doc).

    The smoothing model runs on day-long blocks of the deseasonalized series (counted
    back from its end), so its level follows the trend, not one interval's noise.
    """
    day = slots_per_day(minutes)
    periods = (day, 7 * day)
    values = series.to_numpy()[-FIT_WEEKS * periods[1]:]
    values = values[len(values) % periods[1]:]  # whole weeks: the last cycle ends the series
    logged = np.log1p(np.clip(values, 0, None))
    jumps = {"seasonal_deg": 0, "trend_jump": max(1, periods[1] // 16), "low_pass_jump": max(1, periods[1] // 16)}
    parts = MSTL(logged, periods=periods, stl_kwargs=jumps).fit()
    seasonal = np.asarray(parts.seasonal).reshape(len(logged), -1)
    daily = (np.asarray(parts.trend) + np.asarray(parts.resid)).reshape(-1, day).mean(axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter of the smoothing fit
        model = ExponentialSmoothing(daily, trend="add", damped_trend=True,
                                     initialization_method="estimated").fit()
    steps = len(future)
    days = -(-steps // day)
    ahead = np.repeat(model.forecast(days), day)[:steps]
    for column, period in enumerate(periods[:seasonal.shape[1]]):  # MSTL drops a period too long to fit
        ahead = ahead + np.resize(seasonal[-period:, column], steps)
    fitted = np.expm1(np.repeat(model.fittedvalues, day) + seasonal.sum(axis=1)).clip(0, None)
    smear = values.sum() / fitted.sum() if fitted.sum() > 0 else 1.0
    return pd.Series(np.expm1(ahead).clip(0, None) * smear, index=future)


def holdout_weeks(history: History, weeks: int = HOLDOUT_WEEKS) -> int:
    """How many of ``weeks`` a backtest of ``history`` holds out: at most all but three
    (the fit needs more than two weekly cycles), at least one."""
    return max(1, min(weeks, int(history.weeks()) - 3))


def holdout_start(history: History, weeks: int = HOLDOUT_WEEKS) -> pd.Timestamp:
    """The first interval a backtest of ``history`` holds out."""
    return history.starts[-holdout_weeks(history, weeks) * 7 * slots_per_day(history.minutes)]


def backtest(history: History, method: str, weeks: int = HOLDOUT_WEEKS, factor: float | None = None) -> Backtest:
    """Hold out the history's last weeks (:func:`holdout_weeks`), forecast them with
    ``method`` from what precedes, and score offered volume against seasonal naive's.

    ``factor``: the holiday factor to use (estimated from the held-in weeks when None).
    """
    cut = holdout_start(history, weeks)
    seen, held = history.before(cut), history.since(cut)
    model = forecast(seen, held.starts, method, factor, with_aht=False)
    naive = forecast(seen, held.starts, "seasonal_naive", with_aht=False)
    return Backtest(weeks=holdout_weeks(history, weeks), wape=accuracy.wape(model.offered, held.offered),
                    bias=accuracy.bias(model.offered, held.offered),
                    baseline_wape=accuracy.wape(naive.offered, held.offered),
                    baseline_bias=accuracy.bias(naive.offered, held.offered))


def pooled_factors(histories: Sequence[History]) -> list[float | None]:
    """Each history's holiday factor, or for one without holidays, the factor of the
    others weighted by their holidays' count (None when none has any)."""
    found = [holiday_factor(h) for h in histories]
    count = sum(n for _, n in found)
    pooled = sum(f * n for f, n in found if f is not None) / count if count else None
    return [f if f is not None else pooled for f, _ in found]


def forecast_lobs(histories: Sequence[History], horizons: Sequence[pd.DatetimeIndex], method: str,
                  weeks: int = HOLDOUT_WEEKS, on_lob: Callable[[int], None] | None = None
                  ) -> list[tuple[Forecast, Backtest]]:
    """Forecast each LOB's ``horizons`` entry from its history with ``method``, and
    backtest it; holiday factors are pooled across the LOBs (:func:`pooled_factors`),
    for the backtests from the held-in weeks only. ``on_lob(n)`` is called once ``n``
    LOBs are done (it may raise to stop)."""
    factors = pooled_factors(histories)
    held_in = pooled_factors([h.before(holdout_start(h, weeks)) for h in histories])
    done = []
    for h, starts, factor, fitted in zip(histories, horizons, factors, held_in, strict=True):
        done.append((forecast(h, starts, method, factor), backtest(h, method, weeks, fitted)))
        if on_lob is not None:
            on_lob(len(done))
    return done
