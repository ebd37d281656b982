"""Rows the report tests build on the world of :mod:`tests.world`, written as the owner."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from sqlalchemy import text

from tests.plugins.billing.helpers import entry as time_entry
from tests.plugins.scheduling.schedule_helpers import PUBLISH, UNPUBLISH, ok, schedule, segment


def entry(owner, employee: UUID, lob: UUID, start: datetime, hours: float, activity: str = "handling") -> UUID:
    """An active time entry of ``employee`` on ``lob`` lasting ``hours``."""
    return time_entry(owner, employee, lob, start, start + timedelta(hours=hours), activity)


def published(gql, world, owner, lobs: list[UUID], segments: list[tuple[UUID, UUID, datetime, float]],
              unpublish: bool = False) -> UUID:
    """A schedule of ``(employee, lob, start, hours)`` work segments, published by the admin
    (and unpublished again when asked)."""
    s = schedule(owner, world.tA, lobs)
    for employee, lob, start, hours in segments:
        segment(owner, s, employee, lob, start, hours)
    ok(gql, world, PUBLISH, {"id": str(s)})
    if unpublish:
        ok(gql, world, UNPUBLISH, {"id": str(s)})
    return s


def forecast(owner, world, lob: str, start: datetime, offered: list[float], aht: float, minutes: int = 30) -> UUID:
    """Version 1 of ``lob``'s forecast: one interval per value of ``offered`` from ``start``."""
    end = start + timedelta(minutes=minutes * len(offered))
    f = owner.execute(text(
        "INSERT INTO forecast (tenant_id, client_id, lob_id, version, method, horizon_start, horizon_end,"
        " interval_minutes, history_start, history_end, holiday_factor, backtest_weeks, created_by)"
        " SELECT tenant_id, client_id, id, 1, 'seasonal_naive', :s, :e, :m, :s - interval '28 days', :s, 1, 1, :by"
        " FROM lob WHERE id = :l RETURNING id"),
        {"s": start, "e": end, "m": minutes, "by": world.admin, "l": world.ids[lob]}).scalar_one()
    for n, value in enumerate(offered):
        owner.execute(text(
            "INSERT INTO forecast_interval (tenant_id, client_id, lob_id, forecast_id, interval_start, offered,"
            " aht_seconds) SELECT tenant_id, client_id, lob_id, id, :at, :o, :a FROM forecast WHERE id = :f"),
            {"at": start + timedelta(minutes=minutes * n), "o": value, "a": aht, "f": f})
    return f


def volume(owner, world, lob: str, start: datetime, offered: int, handled: int, abandoned: int, aht: float,
           service_level: float, minutes: int = 30) -> None:
    """One interval of actual volume."""
    owner.execute(text(
        "INSERT INTO interval_volume (tenant_id, client_id, lob_id, interval_start, interval_minutes, offered,"
        " handled, abandoned, aht_seconds, service_level)"
        " SELECT tenant_id, client_id, id, :s, :m, :o, :h, :ab, :aht, :sl FROM lob WHERE id = :l"),
        {"s": start, "m": minutes, "o": offered, "h": handled, "ab": abandoned, "aht": aht, "sl": service_level,
         "l": world.ids[lob]})
