"""Coverage per LOB interval, and why it fell short of what was needed.

Requirement: agents to schedule (after shrinkage, fractional) from the latest
forecast through :func:`required_agents` with the LOB's staffing parameters;
coverage = scheduled agents ÷ that requirement.

The gap between the requirement the volume that came needed and the agents present
(agent-hours) splits into parts that add up exactly, per interval:

* ``forecast_error`` = requirement from actual volume − requirement from forecast
  (0 when the interval has no actual volume yet);
* ``never_scheduled`` = forecast requirement − scheduled − withdrawn;
* ``schedule_changes`` = withdrawn: published, then unpublished and not re-scheduled;
* ``absences`` = scheduled time covered by an absence entry, not worked;
* ``no_shows`` = scheduled time neither worked nor covered by an absence;
* ``unscheduled_work`` = −(time worked on the LOB that was not scheduled).

A part is negative when it helped (a forecast that ran high, more scheduled than
required, agents working beyond their schedule).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import numpy as np

from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.reports.intervals import interval_minutes
from switchboard.plugins.scheduling.reports.parameters import StaffingParameters, staffing_parameters
from switchboard.plugins.scheduling.reports.scope import check_instants, report_lobs
from switchboard.plugins.scheduling.staffing.requirement import required_agents, without_idle

if TYPE_CHECKING:
    import pandas as pd

PARTS = ("forecast_error", "never_scheduled", "schedule_changes", "absences", "no_shows", "unscheduled_work")


def requirement(volume: np.ndarray, aht: np.ndarray, minutes: np.ndarray,
                params: list[StaffingParameters]) -> np.ndarray:
    """Agents to schedule per interval (fractional, after shrinkage); 0 without volume or handle
    time. Erlang A for the intervals of LOBs with a patience, Erlang C for the others, as the
    solve job sizes them."""
    volume, aht = without_idle(volume, aht)
    minutes = np.broadcast_to(np.asarray(minutes, dtype=float), volume.shape)
    patience = np.array([np.nan if p.patience_seconds is None else p.patience_seconds for p in params], dtype=float)
    out = np.zeros(volume.shape)
    for sel, patient in ((np.isnan(patience), False), (~np.isnan(patience), True)):
        if not sel.any():
            continue
        chosen = [p for p, keep in zip(params, sel, strict=True) if keep]
        staffing = required_agents(volume[sel], aht[sel], interval_seconds=minutes[sel] * 60.0,
                                   service_level=np.array([p.service_level for p in chosen]),
                                   answer_seconds=np.array([p.answer_seconds for p in chosen], dtype=float),
                                   occupancy_cap=np.array([p.occupancy_cap for p in chosen]),
                                   shrinkage=np.array([p.shrinkage for p in chosen]),
                                   patience_seconds=patience[sel] if patient else None)
        out[sel] = staffing.scheduled
    return out


def explain(frame: pd.DataFrame, params: dict[UUID, StaffingParameters]) -> pd.DataFrame:
    """Add requirement, coverage and the gap's parts (agent-hours) to the interval rows."""
    frame = frame.copy()
    if frame.empty:
        import pandas as pd

        for column in ("required", "required_actual", "coverage", "gap", *PARTS):
            frame[column] = pd.Series(dtype=float)
        return frame
    per_row = [params[lob] for lob in frame.lob_id]
    minutes = frame.interval_minutes.to_numpy(dtype=float)
    hours = minutes / 60
    forecast = requirement(frame.forecast_offered.to_numpy(dtype=float), frame.forecast_aht.to_numpy(dtype=float),
                           minutes, per_row)
    actual_aht = frame.actual_aht.fillna(frame.forecast_aht).to_numpy(dtype=float)
    actual = requirement(frame.actual_offered.fillna(0).to_numpy(dtype=float), actual_aht, minutes, per_row)
    actual = np.where(frame.actual_offered.isna(), forecast, actual)
    scheduled = frame.scheduled.to_numpy() / 60
    frame["required"] = forecast * hours
    frame["required_actual"] = actual * hours
    frame["coverage"] = np.where(forecast > 0, scheduled / np.where(forecast > 0, hours * forecast, 1.0), np.nan)
    frame["forecast_error"] = frame.required_actual - frame.required
    frame["never_scheduled"] = frame.required - scheduled - frame.withdrawn / 60
    frame["schedule_changes"] = frame.withdrawn / 60
    frame["absences"] = frame.absent / 60
    frame["no_shows"] = frame.no_show / 60
    frame["unscheduled_work"] = -frame.unscheduled / 60
    frame["gap"] = frame.required_actual - frame.present / 60
    return frame


@dataclass(frozen=True)
class CoverageGap:
    """Per-interval rows of one or more LOBs with requirement, coverage and the gap's parts."""

    intervals: pd.DataFrame
    empty_because: str | None = None  # why there is no interval: NO_LOB_IN_SCOPE, NO_FORECAST_IN_RANGE

    def totals(self) -> dict[str, float]:
        """Agent-hours summed over the intervals: required, scheduled, present, gap and each part."""
        f = self.intervals
        sums = {k: float(f[k].sum()) for k in ("required", "required_actual", "gap", *PARTS)}
        sums["scheduled"] = float(f.scheduled.sum() / 60)
        sums["present"] = float(f.present.sum() / 60)
        return sums


async def coverage_gap(db: DbSession, caller: Caller, lob_ids: list[UUID] | None, start: datetime,
                       end: datetime) -> CoverageGap:
    """Coverage and why it fell short, per interval of the LOBs' latest forecasts from
    ``start`` to ``end`` (instants, end excluded), over the LOBs the caller may report on."""
    check_instants(start, end)
    lobs = [r.id for r in await report_lobs(db, caller, lob_ids)]
    frame = await interval_minutes(db, lobs, start, end)
    empty = None if not frame.empty else "NO_FORECAST_IN_RANGE" if lobs else "NO_LOB_IN_SCOPE"
    return CoverageGap(explain(frame, await staffing_parameters(db, lobs)), empty)
