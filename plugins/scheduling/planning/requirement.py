"""A LOB's staffing requirement per interval of its latest forecast (overrides included).

One call to :func:`~switchboard.plugins.scheduling.staffing.requirement.required_agents`
sizes the whole range, with the LOB's SLA target and answer time and its staffing
parameters (:mod:`.parameters`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.forecasts import volumes
from switchboard.plugins.scheduling.forecasts.service import EFFECTIVE_AHT, EFFECTIVE_OFFERED, LATEST_FORECASTS
from switchboard.plugins.scheduling.lobs import lob_for
from switchboard.plugins.scheduling.permissions import FORECAST_READ
from switchboard.plugins.scheduling.planning.parameters import StaffingParameters, parameters_of
from switchboard.plugins.scheduling.staffing.requirement import required_agents, without_idle

MAX_RANGE = timedelta(days=31)

LATEST_INTERVALS = f"""
WITH latest AS ({LATEST_FORECASTS})
SELECT i.interval_start, f.interval_minutes, {EFFECTIVE_OFFERED} AS offered, {EFFECTIVE_AHT} AS aht_seconds
  FROM latest f
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
    empty_because: str | None = None  # why there is no interval: NO_FORECAST, NO_FORECAST_IN_RANGE


async def lob_requirement(db: DbSession, lob: Any, start: datetime, end: datetime) -> Requirement:
    """The requirement of a visible ``lob`` row (``lobs.LOB_COLUMNS``) over ``[start, end)``."""
    parameters = (await parameters_of(db, [lob.id]))[lob.id]
    rows = await db.all(LATEST_INTERVALS, {"lobs": [str(lob.id)], "start": start, "end": end})
    offered = np.array([r.offered for r in rows], dtype=float)
    aht = np.array([r.aht_seconds for r in rows], dtype=float)
    minutes = rows[0].interval_minutes if rows else None
    staffing = required_agents(*without_idle(offered, aht), interval_seconds=(minutes or 30) * 60,
                               service_level=float(lob.sla_target_pct) / 100, answer_seconds=lob.sla_answer_seconds,
                               occupancy_cap=float(parameters.occupancy_cap), shrinkage=float(parameters.shrinkage),
                               patience_seconds=None if parameters.patience_seconds is None
                               else float(parameters.patience_seconds))
    return Requirement(lob, parameters, minutes, [r.interval_start for r in rows], offered, aht,
                       staffing.scheduled, staffing.whole_scheduled, staffing.service_level)


async def staffing_requirement(db: DbSession, caller: Caller, lob_id: Any, start: datetime,
                               end: datetime) -> Requirement:
    """:func:`lob_requirement` for a LOB the caller may read forecasts of, saying why it is
    empty when it is: the LOB has no forecast, or none of its latest forecast's intervals
    falls in the range."""
    volumes.check_range(start, end, "from", "to", MAX_RANGE)
    lob = await lob_for(db, caller, lob_id, FORECAST_READ)
    requirement = await lob_requirement(db, lob, start, end)
    if requirement.starts:
        return requirement
    forecast = await db.scalar("SELECT EXISTS (SELECT 1 FROM forecast WHERE lob_id = :lob)", {"lob": lob.id})
    return replace(requirement, empty_because="NO_FORECAST_IN_RANGE" if forecast else "NO_FORECAST")
