"""Forecast services: create versioned forecasts with their backtest, read them, override
intervals, and score forecasts against the volume that came (WAPE, bias, mix error).

Writes check their input before touching the database, look every LOB up (``NOT_FOUND``
whether missing or out of scope), check the permission on it, then write as the
runtime role; the tables' constraints back every rule. The statistics run in a worker
thread (:mod:`.models`) so a long forecast never blocks the server's event loop; pandas
and the models load with the first forecast or accuracy report, not with the schema.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import numpy as np

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.forecasts import accuracy
from switchboard.plugins.scheduling.forecasts.volumes import Span, check_range, lob_histories, lob_spans
from switchboard.plugins.scheduling.lobs import named_lob_ids, permitted_lobs
from switchboard.plugins.scheduling.permissions import FORECAST_MANAGE, FORECAST_READ

if TYPE_CHECKING:
    from switchboard.plugins.scheduling.forecasts import models as forecasting

MAX_HORIZON = timedelta(days=92)  # from the end of history to the end of the horizon
MAX_REASON = 500
MAX_OVERRIDE = 1e8  # offered calls or AHT seconds of one interval: below it
FORECAST_COLUMNS = ("id, client_id, lob_id, version, method, horizon_start, horizon_end, interval_minutes,"
                    " history_start, history_end, holiday_factor, backtest_weeks, backtest_wape, backtest_bias,"
                    " baseline_wape, baseline_bias, created_by, created_at")
INTERVAL_COLUMNS = ("i.id, i.forecast_id, i.lob_id, i.interval_start, i.offered, i.aht_seconds, i.override_offered,"
                    " i.override_aht_seconds, i.override_by, i.override_at, i.override_reason, l.timezone")
INTERVAL_FROM = "forecast_interval i JOIN lob l ON l.tenant_id = i.tenant_id AND l.id = i.lob_id"


@dataclass(frozen=True)
class ForecastRequest:
    """Which LOBs to forecast, over which horizon (UTC instants, end exclusive), how."""

    lob_ids: list[UUID]
    horizon_start: datetime
    horizon_end: datetime
    method: str


def _validate(request: ForecastRequest) -> None:
    from switchboard.plugins.scheduling.forecasts import models as forecasting

    named_lob_ids(request.lob_ids)
    if request.method not in forecasting.METHODS:
        raise UserError("INVALID_FORECAST_METHOD", "method")
    check_range(request.horizon_start, request.horizon_end, "horizonStart", "horizonEnd")


def _refusals(caller: Caller, request: ForecastRequest, lob_ids: list[UUID],
              found: dict[UUID, tuple[UUID, Span | None]]) -> None:
    """Refuse (all at once, each naming its index in ``lobIds``) LOBs that are not visible,
    lack history or would be forecast too far ahead; ``FORBIDDEN`` without the permission."""
    from switchboard.plugins.scheduling.forecasts import models as forecasting

    errors = []
    for index, lob_id in enumerate(lob_ids):
        field = f"lobIds.{index}"
        if lob_id not in found:
            errors.append(UserError("NOT_FOUND", field))
            continue
        client_id, span = found[lob_id]
        caller.require(FORECAST_MANAGE, client_id, lob_id)
        if span is None or span.weeks() < forecasting.MIN_WEEKS:
            errors.append(UserError("INSUFFICIENT_HISTORY", field, weeks=forecasting.MIN_WEEKS))
        elif request.horizon_start.timestamp() % (span.minutes * 60):
            errors.append(UserError("INTERVAL_NOT_ALIGNED", "horizonStart", minutes=span.minutes))
        elif request.horizon_end - span.last > MAX_HORIZON:
            errors.append(UserError("FORECAST_HORIZON_TOO_LONG", field, days=MAX_HORIZON.days))
    if errors:
        raise ValidationErrors(errors)


async def check_forecasts(db: DbSession, caller: Caller, request: ForecastRequest) -> list[Any]:
    """What :func:`create_forecasts` would refuse, found from the history's extent alone (one
    cheap statement, for a request that queues the work); the LOBs' ``(id, client_id)``."""
    caller.require_somewhere(FORECAST_MANAGE)
    _validate(request)
    lob_ids = list(dict.fromkeys(request.lob_ids))
    found = await lob_spans(db, lob_ids, request.horizon_start)
    _refusals(caller, request, lob_ids, found)
    return [(lob_id, found[lob_id][0]) for lob_id in lob_ids]


async def create_forecasts(db: DbSession, caller: Caller, request: ForecastRequest,
                           on_lob: Callable[[int], None] | None = None) -> list[Any]:
    """A new forecast version of each LOB, with its intervals and its backtest; all LOBs
    or none (each LOB's refusal names its index in ``lobIds``). ``on_lob(n)`` hears (from
    a worker thread) when the statistics of ``n`` LOBs are done."""
    import pandas as pd

    from switchboard.plugins.scheduling.forecasts import models as forecasting

    caller.require_somewhere(FORECAST_MANAGE)
    _validate(request)
    lob_ids = list(dict.fromkeys(request.lob_ids))
    found = await lob_histories(db, lob_ids, request.horizon_start, request.horizon_end.date())
    _refusals(caller, request, lob_ids,
              {k: (v.client_id, v.history and Span.of(v.history)) for k, v in found.items()})
    histories = [found[lob_id] for lob_id in lob_ids]
    horizons = [pd.date_range(request.horizon_start, request.horizon_end, freq=f"{lob.history.minutes}min",
                              inclusive="left") for lob in histories]
    results = await asyncio.to_thread(forecasting.forecast_lobs, [lob.history for lob in histories], horizons,
                                      request.method, on_lob=on_lob)
    return [await _store(db, caller, lob, request, *result) for lob, result in zip(histories, results, strict=True)]


def _metric(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(f"{value:.4f}")


async def _store(db: DbSession, caller: Caller, lob: Any, request: ForecastRequest, result: forecasting.Forecast,
                 test: forecasting.Backtest) -> Any:
    """Insert one LOB's forecast (the next version) and its intervals; the forecast's row."""
    import pandas as pd

    history = lob.history
    row = await db.first(
        "INSERT INTO forecast (tenant_id, client_id, lob_id, version, method, horizon_start, horizon_end,"
        " interval_minutes, history_start, history_end, holiday_factor, backtest_weeks, backtest_wape, backtest_bias,"
        " baseline_wape, baseline_bias, created_by)"
        " SELECT :t, :c, :l, coalesce(max(version), 0) + 1, :method, :start, :end, :minutes, :h_start, :h_end,"
        " :factor, :weeks, :wape, :bias, :b_wape, :b_bias, :by FROM forecast WHERE tenant_id = :t AND lob_id = :l"
        f" RETURNING {FORECAST_COLUMNS}",
        {"t": caller.tenant_id, "c": lob.client_id, "l": lob.lob_id, "method": request.method,
         "start": request.horizon_start, "end": request.horizon_end, "minutes": history.minutes,
         "h_start": history.starts[0].to_pydatetime(),
         "h_end": (history.starts[-1] + pd.Timedelta(minutes=history.minutes)).to_pydatetime(),
         "factor": Decimal(f"{result.holiday_factor:.4f}"), "weeks": test.weeks, "wape": _metric(test.wape),
         "bias": _metric(test.bias), "b_wape": _metric(test.baseline_wape), "b_bias": _metric(test.baseline_bias),
         "by": caller.user_id},
    )
    await db.execute(
        "INSERT INTO forecast_interval (tenant_id, client_id, lob_id, forecast_id, interval_start, offered,"
        " aht_seconds)"
        " SELECT :t, :c, :l, :f, to_timestamp(s), round(CAST(o AS numeric), 3), round(CAST(a AS numeric), 1)"
        " FROM unnest(CAST(:starts AS float8[]), CAST(:offered AS float8[]), CAST(:aht AS float8[])) AS x(s, o, a)",
        {"t": caller.tenant_id, "c": lob.client_id, "l": lob.lob_id, "f": row.id,
         "starts": result.starts.as_unit("s").asi8.astype(float).tolist(), "offered": result.offered.tolist(),
         "aht": np.nan_to_num(result.aht).tolist()},
    )
    return row


# --- reads -----------------------------------------------------------------------------


async def forecasts_page(db: DbSession, caller: Caller, lob_id: UUID, window: PageRequest, cap: int) -> Fetched:
    """One page of a LOB's forecast versions, oldest first."""
    caller.require_somewhere(FORECAST_READ)
    return await filtered_page(db, f"SELECT {FORECAST_COLUMNS} FROM forecast", ["version", "id"], window, cap,
                               Where().always("lob_id = :lob", lob=lob_id))


async def forecasts_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all(f"SELECT {FORECAST_COLUMNS} FROM forecast WHERE id = ANY(:ids)", {"ids": list(ids)})


async def intervals_page(db: DbSession, caller: Caller, forecast_id: UUID, window: PageRequest, cap: int) -> Fetched:
    """One page of a forecast's intervals by start."""
    caller.require_somewhere(FORECAST_READ)
    return await filtered_page(db, f"SELECT {INTERVAL_COLUMNS} FROM {INTERVAL_FROM}", ["i.interval_start", "i.id"],
                               window, cap, Where().always("i.forecast_id = :f", f=forecast_id))


# --- overrides -------------------------------------------------------------------------


@dataclass(frozen=True)
class Override:
    """A planner's values for one forecast interval (both None: clear the override)."""

    offered: float | None
    aht_seconds: float | None
    reason: str | None


def _check_override(o: Override) -> Override:
    errors = []
    for value, field in ((o.offered, "offered"), (o.aht_seconds, "ahtSeconds")):
        if value is not None and (not math.isfinite(value) or value < 0 or value >= MAX_OVERRIDE):
            errors.append(UserError("INVALID_NUMBER", field))
    reason = (o.reason or "").strip() or None
    clearing = o.offered is None and o.aht_seconds is None
    if not clearing and reason is None:
        errors.append(UserError("REQUIRED", "reason"))
    if reason is not None and len(reason) > MAX_REASON:
        errors.append(UserError("TOO_LONG", "reason", max=MAX_REASON))
    if errors:
        raise ValidationErrors(errors)
    return Override(o.offered, o.aht_seconds, None if clearing else reason)


async def override_interval(db: DbSession, caller: Caller, forecast_id: UUID, interval_start: datetime,
                            override: Override) -> Any:
    """Set (or with no values, clear) a planner's override of one forecast interval."""
    caller.require_somewhere(FORECAST_MANAGE)
    check_range(interval_start, None, "intervalStart", "intervalStart")
    override = _check_override(override)
    found = await db.first_or_not_found(f"SELECT {INTERVAL_COLUMNS} FROM {INTERVAL_FROM}"
                           " WHERE i.forecast_id = :f AND i.interval_start = :s",
                           {"f": forecast_id, "s": interval_start}, "intervalStart")
    lob = await db.first("SELECT client_id FROM lob WHERE id = :l", {"l": found.lob_id})
    caller.require(FORECAST_MANAGE, lob.client_id, found.lob_id)
    setting = override.reason is not None
    await db.execute(
        "UPDATE forecast_interval SET override_offered = :o, override_aht_seconds = :a, override_reason = :r,"
        " override_by = :by, override_at = CASE WHEN :set THEN now() END WHERE id = :id",
        {"o": override.offered, "a": override.aht_seconds, "r": override.reason,
         "by": caller.user_id if setting else None, "set": setting, "id": found.id})
    return await db.first(f"SELECT {INTERVAL_COLUMNS} FROM {INTERVAL_FROM} WHERE i.id = :id", {"id": found.id})


# --- accuracy --------------------------------------------------------------------------


@dataclass(frozen=True)
class LobAccuracy:
    """One LOB's latest forecast against its actual volume over a range."""

    lob_id: UUID
    forecast_id: UUID
    version: int
    intervals: int
    forecast_volume: float
    actual_volume: float
    wape: float | None
    bias: float | None


@dataclass(frozen=True)
class AccuracyReport:
    """Per-LOB accuracy, the total's WAPE (all LOBs summed per interval) and the mix error."""

    lobs: list[LobAccuracy]
    total_wape: float | None
    mix_error: float | None


# Each of the LOBs ``:lobs``' latest forecast reaching into ``[:start, :end)``, and the
# effective values of a forecast interval ``i`` (the planner's override, else the forecast):
# what accuracy, requirements and coverage all read.
LATEST_FORECASTS = """
    SELECT DISTINCT ON (f.lob_id) f.id, f.lob_id, f.version, f.interval_minutes
      FROM forecast f
     WHERE f.lob_id = ANY (CAST(:lobs AS uuid[])) AND f.horizon_start < :end AND f.horizon_end > :start
     ORDER BY f.lob_id, f.version DESC"""
EFFECTIVE_OFFERED = "CAST(coalesce(i.override_offered, i.offered) AS float8)"
EFFECTIVE_AHT = "CAST(coalesce(i.override_aht_seconds, i.aht_seconds) AS float8)"

PAIRS = f"""
WITH latest AS ({LATEST_FORECASTS})
SELECT l.id AS forecast_id, l.lob_id, l.version, extract(epoch FROM i.interval_start) AS at,
       {EFFECTIVE_OFFERED} AS forecast, CAST(v.offered AS float8) AS actual
  FROM latest l
  JOIN forecast_interval i ON i.forecast_id = l.id AND i.lob_id = l.lob_id
  JOIN interval_volume v ON v.tenant_id = i.tenant_id AND v.lob_id = i.lob_id AND v.interval_start = i.interval_start
 WHERE i.interval_start >= :start AND i.interval_start < :end
"""


async def forecast_accuracy(db: DbSession, caller: Caller, lob_ids: list[UUID], start: datetime,
                            end: datetime) -> AccuracyReport:
    """How the latest forecast of each LOB (overrides included) did against the volume
    that came from ``start`` to ``end``: WAPE and bias per LOB, and across the LOBs the
    total's WAPE and the mix error (:mod:`.accuracy`). LOBs without a forecast or
    history in the range are left out."""
    import pandas as pd

    caller.require_somewhere(FORECAST_READ)
    ids = named_lob_ids(lob_ids)
    check_range(start, end, "from", "to", MAX_HORIZON)
    readable = [r.id for r in await permitted_lobs(db, caller, ids, FORECAST_READ)]
    rows = await db.all(PAIRS, {"lobs": readable, "start": start, "end": end})
    if not rows:
        return AccuracyReport([], None, None)
    frame = pd.DataFrame([r._mapping for r in rows])
    forecast = frame.pivot(index="lob_id", columns="at", values="forecast")
    actual = frame.pivot(index="lob_id", columns="at", values="actual").reindex_like(forecast)
    per_lob = []
    for (lob_id, forecast_id, version), group in frame.groupby(["lob_id", "forecast_id", "version"], sort=False):
        per_lob.append(LobAccuracy(lob_id, forecast_id, int(version), len(group), float(group.forecast.sum()),
                                   float(group.actual.sum()), accuracy.wape(group.forecast, group.actual),
                                   accuracy.bias(group.forecast, group.actual)))
    order = {lob: n for n, lob in enumerate(lob_ids)}
    per_lob.sort(key=lambda a: order[a.lob_id])
    f, a = forecast.to_numpy(), actual.to_numpy()
    return AccuracyReport(per_lob, accuracy.wape(np.nansum(f, axis=0), np.nansum(a, axis=0)),
                          accuracy.mix_error(f, a))
