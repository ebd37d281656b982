"""The demo's interval volume history: 30-minute intervals (UTC) for every demo LOB.

``small`` holds eight weeks (enough for a weekly-seasonal backtest on four held-out
weeks), ``mid`` and ``large`` a year, ending the day before the demo's anchor. Per LOB,
from one generator seeded by the demo's seed and the LOB's id:

* an intraday curve by channel in the LOB's local time (voice peaks mid-morning and
  early afternoon, chat in the evening too, e-mail and social around the clock, back
  office in office hours) and a weekly pattern (Mondays busiest, quiet weekends);
* a level proportional to the LOB's headcount weight, a trend of +8% a year and a
  mild annual swing;
* dips on the client's public holidays (its holiday region);
* day-to-day noise (log-normal) and Poisson arrivals per interval;
* no row outside a LOB's opening hours (as an ACD exports it: nothing was offered);
* AHT by channel, longer early, late and on Mondays, noisier where few contacts were
  handled; abandonment rising with load (none for e-mail and back office) and the
  service level achieved falling with it.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import Connection

from switchboard.core.demo.builder import load_rows
from switchboard.core.demo.model import Client, DemoResult, Lob, time_ordered_id
from switchboard.core.scope.holidays import region_holidays

SPAN_DAYS = {"small": 56, "mid": 364, "large": 364}
MINUTES = 30
PER_WEIGHT = {"voice": 110.0, "chat": 70.0, "email": 45.0, "social": 30.0, "back_office": 60.0}  # per day
WEEKLY = {  # Monday … Sunday
    "voice": (1.18, 1.06, 1.0, 0.98, 0.94, 0.55, 0.36),
    "back_office": (1.12, 1.02, 1.0, 1.0, 0.95, 0.08, 0.04),
}
WEEKLY_OTHER = (1.06, 1.0, 1.0, 1.0, 0.98, 0.8, 0.7)
# intraday: (centre hour, width in hours, height) bumps on a floor, by channel
CURVES = {
    "voice": (0.01, ((10.5, 1.6, 1.0), (14.0, 1.8, 0.85), (19.0, 1.5, 0.35))),
    "chat": (0.02, ((11.0, 2.0, 0.9), (20.0, 2.0, 0.8))),
    "email": (0.15, ((10.0, 3.0, 1.0), (15.0, 3.0, 0.7))),
    "social": (0.12, ((12.0, 3.0, 0.9), (20.5, 2.0, 1.0))),
    "back_office": (0.0, ((10.0, 1.8, 1.0), (14.5, 1.8, 0.9))),
}
OPEN_HOURS = {"voice": (7, 22), "chat": (8, 23), "back_office": (8, 18)}
AHT = {"voice": 330.0, "chat": 540.0, "email": 420.0, "social": 300.0, "back_office": 780.0}
HOLIDAY_DIP = {"voice": 0.35, "back_office": 0.1}
HOLIDAY_DIP_OTHER = 0.6
TREND = 0.08
DAY_NOISE = 0.06
CONTACT_SPREAD = 0.7  # coefficient of variation of one contact's handle time
COLUMNS = ("id", "tenant_id", "client_id", "lob_id", "interval_start", "interval_minutes", "offered", "handled",
           "abandoned", "aht_seconds", "service_level")


@dataclass(frozen=True)
class VolumeSeries:
    """One LOB's generated intervals, as arrays over UTC ``starts``."""

    lob: Lob
    starts: pd.DatetimeIndex
    offered: np.ndarray
    handled: np.ndarray
    abandoned: np.ndarray
    aht: np.ndarray  # NaN where nothing was handled
    service_level: np.ndarray  # NaN where nothing was offered
    open: np.ndarray  # False outside the LOB's opening hours: no row (nothing offered)


def span(demo: DemoResult) -> tuple[date, date]:
    """The first and last day of the demo's history (UTC dates)."""
    last = demo.anchor - timedelta(days=1)
    return last - timedelta(days=SPAN_DAYS[demo.size] - 1), last


def _curve(channel: str, hours: np.ndarray) -> np.ndarray:
    floor, bumps = CURVES[channel]
    shape = floor + sum(h * np.exp(-0.5 * ((hours - c) / w) ** 2) for c, w, h in bumps)
    opening = OPEN_HOURS.get(channel)
    if opening:
        shape = np.where((hours >= opening[0]) & (hours < opening[1]), shape, 0.0)
    return shape


def lob_series(lob: Lob, client: Client, first: date, last: date, seed: int) -> VolumeSeries:
    """The generated history of ``lob`` from ``first`` to ``last`` (UTC days, inclusive)."""
    rng = np.random.default_rng([seed, zlib.crc32(lob.id.bytes)])
    starts = pd.date_range(datetime.combine(first, datetime.min.time(), UTC),
                           datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC),
                           freq=f"{MINUTES}min", inclusive="left")
    local = starts.tz_convert(lob.timezone)
    hours = np.asarray(local.hour + local.minute / 60.0 + MINUTES / 120.0)
    weekday = np.asarray(local.day_of_week)
    days = np.asarray(local.normalize().tz_localize(None).date)
    channel = lob.channel
    shape = _curve(channel, hours)
    per_day = 24 * 60 // MINUTES
    shape_sum = _curve(channel, (np.arange(per_day) + 0.5) * MINUTES / 60.0).sum()
    years = np.asarray((starts - starts[0]).total_seconds()) / (365.25 * 86400)
    level = lob.weight * PER_WEIGHT[channel] * (1 + TREND * years) * (1 + 0.06 * np.sin(2 * np.pi * years + 1.0))
    weekly = np.asarray(WEEKLY.get(channel, WEEKLY_OTHER))[weekday]
    holidays = region_holidays(client.holiday_region, first - timedelta(days=1), last + timedelta(days=1))
    dip = np.where(np.isin(days, np.array(sorted(holidays), dtype=object)),
                   HOLIDAY_DIP.get(channel, HOLIDAY_DIP_OTHER), 1.0) if holidays else 1.0
    unique_days, day_index = np.unique(days, return_inverse=True)
    day_noise = rng.lognormal(0.0, DAY_NOISE, len(unique_days))[day_index]
    mean = level * weekly * dip * day_noise * shape / shape_sum
    offered = rng.poisson(mean)
    load = shape / shape.max() if shape.max() > 0 else shape
    abandon_rate = 0.0 if channel in ("email", "back_office") else 0.02 + 0.08 * load ** 2
    abandoned = rng.binomial(offered, abandon_rate)
    handled = offered - abandoned
    slow = 1 + 0.12 * ((hours < 9) | (hours >= 19)) + 0.04 * (weekday == 0)
    spread = CONTACT_SPREAD / np.sqrt(np.maximum(handled, 1))
    aht = np.where(handled > 0, AHT[channel] * slow * rng.lognormal(0.0, spread), np.nan)
    service = np.clip(0.92 - 0.2 * load ** 2 + rng.normal(0, 0.04, len(starts)), 0, 1)
    service = np.where(offered > 0, service, np.nan)
    return VolumeSeries(lob, starts, offered, handled, abandoned, np.round(aht, 1), np.round(service, 4), shape > 0)


def demo_series(demo: DemoResult) -> list[VolumeSeries]:
    """Every demo LOB's generated history (deterministic for the demo's seed)."""
    first, last = span(demo)
    clients = {c.id: c for c in demo.clients}
    return [lob_series(lob, clients[lob.client_id], first, last, demo.seed) for lob in demo.lobs]


def _rows(demo: DemoResult, series: list[VolumeSeries]) -> Iterator[tuple]:
    """The rows interval by interval (each interval's LOBs together), so that the
    time-ordered ids append to the table's indexes."""
    rng = np.random.default_rng([demo.seed, 5])
    bits = rng.integers(0, 1 << 62, size=(len(series[0].starts), len(series)), dtype=np.int64) if series else []
    for i, start in enumerate(series[0].starts.to_pydatetime() if series else []):
        for j, s in enumerate(series):
            if not s.open[i]:
                continue
            aht, level = s.aht[i], s.service_level[i]
            yield (time_ordered_id(start, int(bits[i, j])), demo.tenant_id, s.lob.client_id, s.lob.id, start,
                   MINUTES, int(s.offered[i]), int(s.handled[i]), int(s.abandoned[i]),
                   None if np.isnan(aht) else float(aht), None if np.isnan(level) else float(level))


def add_demo_volumes(conn: Connection, demo: DemoResult) -> int:
    """Write every demo LOB's interval history on ``conn`` (owner); returns the row count."""
    series = demo_series(demo)
    load_rows(conn, "interval_volume", COLUMNS, _rows(demo, series))
    return sum(int(s.open.sum()) for s in series)
