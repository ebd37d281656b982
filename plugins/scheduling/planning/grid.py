"""The week's interval grid: UTC, 30 minutes, covering every LOB's local Monday-to-Monday."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from switchboard.plugins.scheduling.solver.problem import Horizon

INTERVAL_MINUTES = 30
STEP = timedelta(minutes=INTERVAL_MINUTES)
DAYS = 7


def local_midnight(day: date, zone: str) -> datetime:
    """The UTC instant where ``day`` begins in ``zone``."""
    return datetime.combine(day, time(0), ZoneInfo(zone)).astimezone(UTC)


def local_instant(day: date, clock: time, zone: str) -> datetime:
    """The UTC instant of the wall-clock ``clock`` on ``day`` in ``zone``."""
    return datetime.combine(day, clock, ZoneInfo(zone)).astimezone(UTC)


def week_horizon(week_start: date, zones: Iterable[str]) -> Horizon:
    """The grid from the earliest local Monday 00:00 to the latest following Monday 00:00 of ``zones``."""
    zones = list(zones)
    start = min(local_midnight(week_start, z) for z in zones)
    end = max(local_midnight(week_start + timedelta(days=DAYS), z) for z in zones)
    epoch = datetime(2000, 1, 1, tzinfo=UTC)
    start -= (start - epoch) % STEP
    end += -(end - epoch) % STEP
    return Horizon(start, INTERVAL_MINUTES, (end - start) // STEP)


def index_floor(horizon: Horizon, moment: datetime) -> int:
    """The interval holding ``moment``, clamped to ``[0, intervals]``."""
    return min(max((moment - horizon.start) // STEP, 0), horizon.intervals)


def index_ceil(horizon: Horizon, moment: datetime) -> int:
    """The first interval starting at or after ``moment``, clamped to ``[0, intervals]``."""
    return min(max(-((horizon.start - moment) // STEP), 0), horizon.intervals)


def on_grid(horizon: Horizon, moment: datetime) -> bool:
    """True when an interval of the grid starts exactly at ``moment``."""
    return (moment - horizon.start) % STEP == timedelta(0)
