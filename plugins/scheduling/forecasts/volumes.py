"""Interval volume history: pages for GraphQL, and per-LOB series for forecasting.

Reads run as the runtime role: row security bounds them to the caller's LOBs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import numpy as np

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.scope.holidays import region_holidays
from switchboard.core.scope.validation import aware
from switchboard.plugins.scheduling.permissions import VOLUME_READ

if TYPE_CHECKING:
    from switchboard.plugins.scheduling.forecasts.models import History

COLUMNS = ("v.id, v.lob_id, v.client_id, v.interval_start, v.interval_minutes, v.offered, v.handled, v.abandoned,"
           " v.aht_seconds, v.service_level, l.timezone")
FROM = "interval_volume v JOIN lob l ON l.tenant_id = v.tenant_id AND l.id = v.lob_id"
HISTORY_DAYS = 371  # a year, and the same week a year before


def check_range(start: datetime | None, end: datetime | None, start_field: str, end_field: str,
                longest: timedelta | None = None) -> None:
    """Both bounds timezone-aware (when given), in order (``END_BEFORE_START``) and, with
    ``longest``, at most that far apart (``RANGE_TOO_LONG``)."""
    for moment, field in ((start, start_field), (end, end_field)):
        if moment is not None:
            aware(moment, field)
    if start is not None and end is not None and end <= start:
        raise UserError("END_BEFORE_START", end_field)
    if longest is not None and start is not None and end is not None and end - start > longest:
        raise UserError("RANGE_TOO_LONG", end_field, days=longest.days)


async def volumes_page(db: DbSession, caller: Caller, lob_id: UUID, start: datetime | None, end: datetime | None,
                       window: PageRequest, cap: int) -> Fetched:
    """One page of a LOB's intervals from ``start`` (inclusive) to ``end`` (exclusive) by start."""
    caller.require_somewhere(VOLUME_READ)
    check_range(start, end, "from", "to")
    where = Where().always("v.lob_id = :lob", lob=lob_id)
    where.given("v.interval_start >= :start", start=start).given("v.interval_start < :end", end=end)
    return await filtered_page(db, f"SELECT {COLUMNS} FROM {FROM}", ["v.interval_start", "v.id"], window, cap, where)


@dataclass(frozen=True)
class LobHistory:
    """A LOB as forecasting needs it: ids, timezone, holiday region, and its history."""

    lob_id: UUID
    client_id: UUID
    zone: str
    region: str
    history: History | None  # None without history


# A LOB's history before :before: its last year of intervals of the length of the latest one.
HISTORY = f"""
    FROM interval_volume v
   WHERE v.tenant_id = l.tenant_id AND v.lob_id = l.id AND v.interval_start < :before
     AND v.interval_start >= CAST(:before AS timestamptz) - interval '{HISTORY_DAYS} days'
     AND v.interval_minutes = (SELECT w.interval_minutes FROM interval_volume w
                                WHERE w.tenant_id = l.tenant_id AND w.lob_id = l.id AND w.interval_start < :before
                                ORDER BY w.interval_start DESC LIMIT 1)"""
SERIES = f"""
SELECT l.id AS lob_id, l.client_id, l.timezone, c.holiday_region, h.minutes, h.starts, h.offered, h.aht
  FROM lob l
  JOIN client c ON c.tenant_id = l.tenant_id AND c.id = l.client_id
  LEFT JOIN LATERAL (
      SELECT min(v.interval_minutes) AS minutes,
             array_agg(CAST(extract(epoch FROM v.interval_start) AS bigint) ORDER BY v.interval_start) AS starts,
             array_agg(v.offered ORDER BY v.interval_start) AS offered,
             array_agg(CAST(v.aht_seconds AS float8) ORDER BY v.interval_start) AS aht
      {HISTORY}
  ) h ON true
 WHERE l.id = ANY (CAST(:lobs AS uuid[]))
"""
SPANS = f"""
SELECT l.id AS lob_id, l.client_id, h.minutes, h.first, h.last
  FROM lob l
  LEFT JOIN LATERAL (
      SELECT min(v.interval_minutes) AS minutes, min(v.interval_start) AS first, max(v.interval_start) AS last
      {HISTORY}
  ) h ON true
 WHERE l.id = ANY (CAST(:lobs AS uuid[]))
"""


@dataclass(frozen=True)
class Span:
    """Where a LOB's history lies: its interval length and its first and last interval starts."""

    minutes: int
    first: datetime
    last: datetime

    @classmethod
    def of(cls, history: History) -> Span:
        return cls(history.minutes, history.starts[0].to_pydatetime(), history.starts[-1].to_pydatetime())

    def weeks(self) -> float:
        """How many weeks of intervals the history spans (as :meth:`History.weeks`)."""
        from switchboard.plugins.scheduling.forecasts.local_grid import slots_per_day

        intervals = (self.last - self.first) / timedelta(minutes=self.minutes) + 1
        return intervals / (7 * slots_per_day(self.minutes))


async def lob_spans(db: DbSession, lob_ids: list[UUID], before: datetime) -> dict[UUID, tuple[UUID, Span | None]]:
    """``lob id → (client id, span of its history before before)`` of the visible LOBs of
    ``lob_ids`` (the span None without history): what :func:`lob_histories` would load, in one
    cheap aggregate."""
    rows = await db.all(SPANS, {"lobs": list(lob_ids), "before": before})
    return {r.lob_id: (r.client_id, r.first and Span(r.minutes, r.first, r.last)) for r in rows}


async def lob_histories(db: DbSession, lob_ids: list[UUID], before: datetime, until: date) -> dict[UUID, LobHistory]:
    """The visible LOBs of ``lob_ids`` with their last year of history before ``before``
    (intervals of the length of the latest one) and their client's holidays through
    ``until``. An interval without a row had nothing offered (an ACD exports no row for
    a closed queue); its AHT is unknown (NaN)."""
    import pandas as pd

    from switchboard.plugins.scheduling.forecasts.models import History

    rows = await db.all(SERIES, {"lobs": list(lob_ids), "before": before})
    found = {}
    for r in rows:
        history = None
        if r.starts:
            stamps = pd.to_datetime(np.asarray(r.starts, dtype="int64"), unit="s", utc=True)
            index = pd.date_range(stamps[0], stamps[-1], freq=f"{r.minutes}min")
            offered = pd.Series(np.asarray(r.offered, dtype=float), index=stamps).reindex(index, fill_value=0.0)
            offered = offered.to_numpy()
            aht = pd.Series(np.asarray(r.aht, dtype=float), index=stamps).reindex(index).to_numpy()
            holidays = region_holidays(r.holiday_region, index[0].date() - timedelta(days=1),
                                       until + timedelta(days=1))
            history = History(index, offered, aht, r.minutes, r.timezone, holidays)
        found[r.lob_id] = LobHistory(r.lob_id, r.client_id, r.timezone, r.holiday_region, history)
    return found
