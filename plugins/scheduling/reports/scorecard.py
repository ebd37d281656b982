"""The SLA scorecard: per client and LOB over local dates, adherence, conformance,
coverage, service level achieved and the volume offered, handled and abandoned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.graphql.scalars import Fraction
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.reports.adherence import AdherenceRow, Grouping, ratio, rollup_sql
from switchboard.plugins.scheduling.reports.coverage import explain
from switchboard.plugins.scheduling.reports.intervals import interval_minutes
from switchboard.plugins.scheduling.reports.parameters import staffing_parameters
from switchboard.plugins.scheduling.reports.scope import check_days, report_lobs

VOLUMES = """
SELECT v.lob_id, sum(v.offered) AS offered, sum(v.handled) AS handled, sum(v.abandoned) AS abandoned,
       sum(v.service_level * v.offered) FILTER (WHERE v.service_level IS NOT NULL)
         / nullif(sum(v.offered) FILTER (WHERE v.service_level IS NOT NULL), 0) AS service_level
  FROM interval_volume v JOIN lob l ON l.tenant_id = v.tenant_id AND l.id = v.lob_id
 WHERE v.lob_id = ANY (CAST(:lobs AS uuid[]))
   AND (v.interval_start AT TIME ZONE l.timezone)::date BETWEEN :start AND :end
 GROUP BY v.lob_id
"""

# a day's local date lies within a day of its UTC date, whatever the timezone
SLACK = timedelta(days=2)


@dataclass(frozen=True)
class ScorecardLine:
    """One LOB's figures over the range; ratios are None when their denominator is zero."""

    client_id: UUID
    lob_id: UUID
    adherence: Fraction | None
    conformance: Fraction | None  # worked ÷ scheduled: above 1 when more was worked than scheduled
    scheduled_hours: float
    required_hours: float
    coverage: Fraction | None  # scheduled ÷ required: above 1 when over-staffed
    service_level: Fraction | None
    offered: int
    handled: int
    abandoned: int


def _hours(value: float) -> float:
    return round(float(value), 2)


async def scorecard(db: DbSession, caller: Caller, start: date, end: date,
                    lob_ids: list[UUID] | None = None) -> list[ScorecardLine]:
    """The scorecard of every LOB the caller may report on (among ``lob_ids``) from
    ``start`` to ``end`` (local dates, both included), by client and LOB."""
    check_days(start, end)
    clients = {r.id: r.client_id for r in await report_lobs(db, caller, lob_ids)}
    lobs = list(clients)
    params = {"lobs": lobs, "start": start, "end": end}
    kept = {r.lob_id: AdherenceRow(None, r.client_id, r.lob_id, None, r.scheduled_minutes, r.adherent_minutes,
                                   r.worked_minutes)
            for r in await db.all(rollup_sql([Grouping.CLIENT, Grouping.LOB]), params)}
    volumes = {r.lob_id: r for r in await db.all(VOLUMES, params)}
    frame = explain(await interval_minutes(db, lobs, datetime.combine(start, time(), UTC) - SLACK,
                                           datetime.combine(end, time(), UTC) + SLACK, start, end),
                    await staffing_parameters(db, lobs))
    required = frame.groupby("lob_id").required.sum().to_dict() if not frame.empty else {}
    scheduled = (frame.groupby("lob_id").scheduled.sum() / 60).to_dict() if not frame.empty else {}
    lines = []
    for lob in sorted(set(kept) | set(volumes) | set(required), key=lambda x: (str(clients[x]), str(x))):
        a, v = kept.get(lob), volumes.get(lob)
        need, have = required.get(lob, 0.0), scheduled.get(lob, 0.0)
        lines.append(ScorecardLine(
            client_id=clients[lob], lob_id=lob, adherence=a and a.adherence, conformance=a and a.conformance,
            scheduled_hours=_hours(have), required_hours=_hours(need),
            coverage=ratio(Decimal(f"{have:.6f}"), Decimal(f"{need:.6f}")),
            service_level=None if v is None or v.service_level is None else Decimal(v.service_level).quantize(
                Decimal("0.0001")),
            offered=v.offered if v else 0, handled=v.handled if v else 0, abandoned=v.abandoned if v else 0))
    return lines
