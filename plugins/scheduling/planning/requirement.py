"""A LOB's staffing requirement per interval of its latest forecast (overrides included).

One call to :func:`~switchboard.plugins.scheduling.staffing.requirement.required_agents`
sizes the whole range, with the LOB's SLA target and answer time and its staffing
parameters (:mod:`.parameters`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import numpy as np
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller

from switchboard.plugins.scheduling.forecasts import volumes
from switchboard.plugins.scheduling.permissions import FORECAST_READ
from switchboard.plugins.scheduling.planning.lobs import lob_for
from switchboard.plugins.scheduling.planning.parameters import StaffingParameters, parameters_of
from switchboard.plugins.scheduling.staffing.requirement import required_agents

MAX_RANGE = timedelta(days=31)

LATEST_INTERVALS = """
WITH latest AS (
    SELECT id FROM forecast
     WHERE lob_id = :lob AND horizon_start < :end AND horizon_end > :start
     ORDER BY version DESC LIMIT 1
)
SELECT i.interval_start, f.interval_minutes,
       CAST(coalesce(i.override_offered, i.offered) AS float8) AS offered,
       CAST(coalesce(i.override_aht_seconds, i.aht_seconds) AS float8) AS aht_seconds
  FROM latest JOIN forecast f ON f.id = latest.id
  JOIN forecast_interval i ON i.forecast_id = f.id AND i.lob_id = f.lob_id
 WHERE i.interval_start >= :start AND i.interval_start < :end
 ORDER BY i.interval_start"""


@dataclass(frozen=True)
class Requirement:
    """Per interval (UTC starts, ``interval_minutes`` long): effective volume and AHT, the
    fractional and whole agents to schedule, and the service level whole staffing achieves."""

    lob: Any
    parameters: StaffingParameters
    interval_minutes: int | None
    starts: list[datetime]
    offered: np.ndarray
    aht_seconds: np.ndarray
    scheduled: np.ndarray
    whole_scheduled: np.ndarray
    service_level: np.ndarray


def check_range(start: datetime, end: datetime) -> None:
    """Aware bounds, ``start < end``, at most 31 days (``END_BEFORE_START``, ``RANGE_TOO_LONG``)."""
    volumes.check_range(start, end, "from", "to")
    if end - start > MAX_RANGE:
        raise UserError("RANGE_TOO_LONG", "to", days=MAX_RANGE.days)


async def lob_requirement(db: DbSession, lob: Any, start: datetime, end: datetime) -> Requirement:
    """The requirement of a visible ``lob`` row (``lobs.LOB_COLUMNS``) over ``[start, end)``."""
    parameters = (await parameters_of(db, [lob.id]))[lob.id]
    rows = await db.all(LATEST_INTERVALS, {"lob": lob.id, "start": start, "end": end})
    offered = np.array([r.offered for r in rows], dtype=float)
    aht = np.array([r.aht_seconds for r in rows], dtype=float)
    minutes = rows[0].interval_minutes if rows else None
    # an interval without volume needs nobody whatever its AHT; the model wants AHT > 0
    aht_used = np.where((offered > 0) & (aht > 0), aht, 1.0)
    staffing = required_agents(np.where(aht > 0, offered, 0.0), aht_used, interval_seconds=(minutes or 30) * 60,
                               service_level=float(lob.sla_target_pct) / 100, answer_seconds=lob.sla_answer_seconds,
                               occupancy_cap=float(parameters.occupancy_cap), shrinkage=float(parameters.shrinkage),
                               patience_seconds=None if parameters.patience_seconds is None
                               else float(parameters.patience_seconds))
    return Requirement(lob, parameters, minutes, [r.interval_start for r in rows], offered, aht,
                       staffing.scheduled, staffing.whole_scheduled, staffing.service_level)


async def staffing_requirement(db: DbSession, caller: Caller, lob_id: Any, start: datetime,
                               end: datetime) -> Requirement:
    """:func:`lob_requirement` for a LOB the caller may read forecasts of."""
    check_range(start, end)
    lob = await lob_for(db, caller, lob_id, FORECAST_READ)
    return await lob_requirement(db, lob, start, end)
