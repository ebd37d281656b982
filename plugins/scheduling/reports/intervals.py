"""Per LOB interval: requirement, schedule, presence and why they differ, in one SQL statement.

The grid is the intervals of each LOB's latest forecast reaching into the range. Per
interval and employee (minutes of the interval):

* ``scheduled``: published ``work`` segments on the LOB;
* ``withdrawn``: ``work`` segments on the LOB of schedules that were published and
  are no longer (``scheduling.was_unpublished``: the audit log holds the change),
  minus what the employee is scheduled for now;
* ``present``: active productive time entries on the LOB;
* ``absent``: scheduled, not present, and covered by an active absence entry;
* ``no_show``: scheduled, not present, no absence entry;
* ``unscheduled``: present but not scheduled.

So ``scheduled − present = absent + no_show − unscheduled`` exactly, per employee and
so per interval. Row security bounds every table to the caller's scope.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.plugins.scheduling.forecasts.service import EFFECTIVE_AHT, EFFECTIVE_OFFERED, LATEST_FORECASTS
from switchboard.plugins.scheduling.reports.adherence import PRODUCTIVE
from switchboard.plugins.timekeeping.activities import ABSENCES, sql_list

if TYPE_CHECKING:
    import pandas as pd

EMPTY = "'{}'::tstzmultirange"

INTERVALS = f"""
WITH latest AS ({LATEST_FORECASTS}
), grid AS (
    SELECT i.tenant_id, i.client_id, i.lob_id, i.interval_start, f.interval_minutes,
           (i.interval_start AT TIME ZONE l.timezone)::date AS day,
           tstzrange(i.interval_start, i.interval_start + f.interval_minutes * interval '1 minute') AS span,
           {EFFECTIVE_OFFERED} AS forecast_offered, {EFFECTIVE_AHT} AS forecast_aht,
           CAST(v.offered AS float8) AS actual_offered, CAST(v.aht_seconds AS float8) AS actual_aht
      FROM latest f
      JOIN forecast_interval i ON i.forecast_id = f.id AND i.lob_id = f.lob_id
      JOIN lob l ON l.tenant_id = i.tenant_id AND l.id = i.lob_id
      LEFT JOIN interval_volume v ON v.tenant_id = i.tenant_id AND v.lob_id = i.lob_id
                                 AND v.interval_start = i.interval_start
     WHERE i.interval_start >= :start AND i.interval_start < :end
       AND (i.interval_start AT TIME ZONE l.timezone)::date BETWEEN :first_day AND :last_day
), spans AS (
    SELECT s.lob_id, s.employee_id, tstzrange(s.starts_at, s.ends_at) AS span,
           CASE WHEN s.published THEN 's' ELSE 'g' END AS kind
      FROM schedule_segment s
     WHERE s.activity = 'work' AND s.lob_id = ANY (CAST(:lobs AS uuid[])) AND s.starts_at < :end AND s.ends_at > :start
       AND (s.published OR scheduling.was_unpublished(s.schedule_id))
    UNION ALL
    SELECT t.lob_id, t.employee_id, tstzrange(t.started_at, t.ended_at), 'w'
      FROM time_entry t
     WHERE t.status = 'active' AND t.activity IN {PRODUCTIVE} AND t.lob_id = ANY (CAST(:lobs AS uuid[]))
       AND t.started_at < :end AND t.ended_at > :start
), absences AS (
    SELECT t.employee_id, range_agg(tstzrange(t.started_at, t.ended_at)) AS away
      FROM time_entry t
     WHERE t.status = 'active' AND t.activity IN {sql_list(ABSENCES)} AND t.started_at < :end AND t.ended_at > :start
     GROUP BY t.employee_id
), cell AS (
    SELECT g.lob_id, g.interval_start, p.employee_id,
           coalesce(range_agg(p.span * g.span) FILTER (WHERE p.kind = 's'), {EMPTY}) AS s,
           coalesce(range_agg(p.span * g.span) FILTER (WHERE p.kind = 'g'), {EMPTY}) AS g,
           coalesce(range_agg(p.span * g.span) FILTER (WHERE p.kind = 'w'), {EMPTY}) AS w
      FROM grid g JOIN spans p ON p.lob_id = g.lob_id AND p.span && g.span
     GROUP BY g.lob_id, g.interval_start, p.employee_id
), minutes AS (
    SELECT c.lob_id, c.interval_start,
           scheduling.minutes(c.s) AS scheduled, scheduling.minutes(c.g - c.s) AS withdrawn,
           scheduling.minutes(c.w) AS present,
           scheduling.minutes((c.s - c.w) * coalesce(a.away, {EMPTY})) AS absent,
           scheduling.minutes((c.s - c.w) - coalesce(a.away, {EMPTY})) AS no_show,
           scheduling.minutes(c.w - c.s) AS unscheduled
      FROM cell c LEFT JOIN absences a ON a.employee_id = c.employee_id
)
SELECT g.client_id, g.lob_id, g.interval_start, g.interval_minutes, g.day, g.forecast_offered, g.forecast_aht,
       g.actual_offered, g.actual_aht,
       CAST(coalesce(sum(m.scheduled), 0) AS float8) AS scheduled,
       CAST(coalesce(sum(m.withdrawn), 0) AS float8) AS withdrawn,
       CAST(coalesce(sum(m.present), 0) AS float8) AS present,
       CAST(coalesce(sum(m.absent), 0) AS float8) AS absent,
       CAST(coalesce(sum(m.no_show), 0) AS float8) AS no_show,
       CAST(coalesce(sum(m.unscheduled), 0) AS float8) AS unscheduled
  FROM grid g LEFT JOIN minutes m ON m.lob_id = g.lob_id AND m.interval_start = g.interval_start
 GROUP BY g.client_id, g.lob_id, g.interval_start, g.interval_minutes, g.day, g.forecast_offered, g.forecast_aht,
          g.actual_offered, g.actual_aht
 ORDER BY g.lob_id, g.interval_start
"""

COLUMNS = ["client_id", "lob_id", "interval_start", "interval_minutes", "day", "forecast_offered", "forecast_aht",
           "actual_offered", "actual_aht", "scheduled", "withdrawn", "present", "absent", "no_show", "unscheduled"]


async def interval_minutes(db: DbSession, lobs: list[UUID], start: datetime, end: datetime,
                           first_day: date = date.min, last_day: date = date.max) -> pd.DataFrame:
    """The grid's rows (see the module's doc) of ``lobs`` from ``start`` to ``end`` (instants,
    end excluded) whose local date lies in ``[first_day, last_day]``, one row per interval."""
    import pandas as pd

    rows = await db.all(INTERVALS, {"lobs": lobs, "start": start, "end": end, "first_day": first_day,
                                    "last_day": last_day})
    return pd.DataFrame([tuple(r) for r in rows], columns=COLUMNS)
