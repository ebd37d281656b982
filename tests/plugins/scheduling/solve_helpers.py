"""Rows a solve needs on the world of :mod:`tests.world`: forecasts, shift templates, and
the GraphQL requests that queue, run and read a solve.

Demand: every LOB of tenant A gets a forecast for ``WEEK`` with calls from 09:00 to
17:00 local every day; templates offer an 8-hour day shift from 09:00, Monday to
Friday, so the weekend stays uncovered (and says why).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import text

from switchboard.core.jobs.worker import Worker
from tests.plugins.scheduling.schedule_helpers import WEEK, at, ok

SOLVE = """mutation($lobs: [UUID!]!, $week: Date!, $limit: Int!) {
  solveSchedule(lobIds: $lobs, weekStart: $week, timeLimitSeconds: $limit) {
    job { id: databaseId state kind lobIds } errors { code field message } } }"""
JOB = """query($id: UUID!) { job(id: $id) { state result error { code }
  progress { objective bestBound gap elapsedSeconds phase } } }"""
SEGMENTS = """query($id: UUID!) { schedule(id: $id) { state solverStatus
  segments(first: 100) { edges { node { employeeId lobId startsAt endsAt } } } } }"""
ELIGIBLE = """query($lob: UUID!, $start: DateTime!, $end: DateTime!) {
  eligibleAgents(lobId: $lob, start: $start, end: $end, first: 100) {
    edges { node { employee { id: databaseId } eligible reasons { code } } } } }"""
COVERAGE = """query($id: UUID!, $after: String) { scheduleCoverage(scheduleId: $id) { underCoverageAgentHours
  gaps(first: 100, after: $after) { nodes { lobId startsAt required scheduled reasons { code employeeIds } }
                                    pageInfo { hasNextPage endCursor } } } }"""


def forecast(owner, world, lob: str, client: str, calls: float = 40, aht: float = 300, hours=(9, 17)) -> UUID:
    """A forecast of ``lob`` over ``WEEK`` (30-minute intervals, EST) with ``calls`` per interval within ``hours``."""
    start = at(1, 0)
    forecast_id = owner.execute(text(
        "INSERT INTO forecast (tenant_id, client_id, lob_id, version, method, horizon_start, horizon_end,"
        " interval_minutes, history_start, history_end, holiday_factor, backtest_weeks, created_by)"
        " VALUES (:t, :c, :l, 1, 'mstl_ets', :s, :s + interval '7 days', 30, :s - interval '9 weeks', :s, 1, 1, :u)"
        " RETURNING id"), {"t": world.tA, "c": world.ids[client], "l": world.ids[lob], "s": start,
                            "u": world.admin}).scalar_one()
    owner.execute(text(
        "INSERT INTO forecast_interval"
        " (tenant_id, client_id, lob_id, forecast_id, interval_start, offered, aht_seconds)"
        " SELECT :t, :c, :l, :f, s, CASE WHEN extract(hour FROM s AT TIME ZONE 'America/Toronto') >= :h0"
        "  AND extract(hour FROM s AT TIME ZONE 'America/Toronto') < :h1 THEN :calls ELSE 0 END, :aht"
        " FROM generate_series(CAST(:s AS timestamptz), :s + interval '7 days' - interval '30 minutes',"
        " interval '30 minutes') s"),
        {"t": world.tA, "c": world.ids[client], "l": world.ids[lob], "f": forecast_id, "s": start, "calls": calls,
         "aht": aht, "h0": hours[0], "h1": hours[1]})
    return forecast_id


def day_template(owner, world, lob: str, client: str, name: str = "Day", earliest: str = "09:00",
                 latest: str = "09:00", weekdays=(1, 2, 3, 4, 5)) -> None:
    """An 8-hour template of ``lob`` starting between ``earliest`` and ``latest`` (local), hourly."""
    owner.execute(text(
        "INSERT INTO shift_template (tenant_id, client_id, lob_id, name, length_minutes, earliest_start,"
        " latest_start, start_step_minutes, weekdays) VALUES (:t, :c, :l, :n, 480, CAST(:e AS time),"
        " CAST(:la AS time), 60, CAST(:w AS smallint[]))"),
        {"t": world.tA, "c": world.ids[client], "l": world.ids[lob], "n": name, "e": earliest, "la": latest,
         "w": list(weekdays)})


def demand(owner, world) -> None:
    """Forecasts and day templates on A1a, A1b and A2a."""
    for lob, client in (("A1a", "A1"), ("A1b", "A1"), ("A2a", "A2")):
        forecast(owner, world, lob, client)
        day_template(owner, world, lob, client)


def queue(gql, world, lobs: list[UUID], who: str = "admin", limit: int = 30) -> str:
    """Queue a solve of ``WEEK``; the job's id."""
    payload = ok(gql, world, SOLVE, {"lobs": [str(x) for x in lobs], "week": WEEK.isoformat(), "limit": limit},
                 who=who)
    assert payload["job"]["state"] == "QUEUED" and payload["job"]["kind"] == "scheduling.solve"
    return payload["job"]["id"]


def run(runtime, gql, world, job_id: str, who: str = "admin") -> dict[str, Any]:
    """Run the queued job with a real worker; the job as its requester reads it."""
    assert Worker(runtime).run_once() == UUID(job_id)
    return gql(JOB, {"id": job_id}, token=world.tokens[who])["data"]["job"]


def segments(gql, world, schedule_id: str, who: str = "admin") -> list[dict[str, Any]]:
    body = gql(SEGMENTS, {"id": schedule_id}, token=world.tokens[who])
    return [e["node"] for e in body["data"]["schedule"]["segments"]["edges"]]


def hours(segs: list[dict[str, Any]]) -> float:
    return sum((datetime.fromisoformat(s["endsAt"]) - datetime.fromisoformat(s["startsAt"])) / timedelta(hours=1)
               for s in segs)
