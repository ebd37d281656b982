"""Interval series on the LOB's local clock.

Volume follows the customers' day, so its daily and weekly seasonality is regular in
the LOB's local time, not in UTC: after a daylight-saving change the 09:00 peak moves
one UTC hour. Models therefore run on a regular grid of local wall-clock slots. On
the autumn night two UTC intervals share a local slot (their mean is kept: values are
per interval); on the spring night a local slot has no interval (it is interpolated).
Forecasts on that grid map back to UTC intervals by each interval's local slot.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd


def slots_per_day(minutes: int) -> int:
    """How many intervals of ``minutes`` a day holds (48 for 30-minute intervals)."""
    return 24 * 60 // minutes


def local_slots(starts: pd.DatetimeIndex, zone: str, minutes: int) -> pd.DatetimeIndex:
    """Each UTC interval start's local wall-clock slot in ``zone`` (naive, floored to the interval)."""
    return starts.tz_convert(zone).tz_localize(None).floor(f"{minutes}min")


def to_local_grid(starts: pd.DatetimeIndex, values: np.ndarray, zone: str, minutes: int) -> pd.Series:
    """``values`` of UTC intervals ``starts`` on a regular local grid (see the module's doc).

    Missing values (NaN) are interpolated, and filled at the ends (0 when all are missing).
    """
    slots = local_slots(starts, zone, minutes)
    series = pd.Series(np.asarray(values, dtype=float), index=slots).groupby(level=0).mean()
    grid = pd.date_range(series.index[0], series.index[-1], freq=f"{minutes}min")
    return series.reindex(grid).interpolate(limit_direction="both").fillna(0.0)


def from_local_grid(local: pd.Series, starts: pd.DatetimeIndex, zone: str, minutes: int) -> np.ndarray:
    """The values of ``local`` (a local-grid series) at each UTC interval of ``starts``
    (a slot off the grid, such as the repeated hour after a change back, takes the nearest)."""
    return local.reindex(local_slots(starts, zone, minutes), method="nearest").to_numpy(dtype=float)


def local_dates(grid: pd.DatetimeIndex) -> np.ndarray:
    """The local date of each slot of a local grid (``datetime.date`` objects)."""
    return np.asarray(grid.date)


def holiday_mask(grid: pd.DatetimeIndex, holidays: frozenset[date]) -> np.ndarray:
    """True for the slots of a local grid that fall on one of ``holidays``."""
    if not holidays:
        return np.zeros(len(grid), dtype=bool)
    return np.isin(local_dates(grid), np.array(sorted(holidays), dtype=object))
