"""A planner's week, the way the product runs it: forecasts, then one solve job for every LOB.

On the prepared demo database (built on first use), as the tenant admin over HTTP
(a live server): ``createForecast`` for every LOB over the demo's anchor week (a job, once per
database), ``solveSchedule`` for every LOB and that week, then the job run by a real
worker (``Worker.run_once``, as ``switchboard worker`` does) and read back through
GraphQL. Reported: the job's phases (building the problem from the database as the
requester, solving, writing the draft), when the schedule came within 5% of the
solver's own bound, the gap, and under-coverage against the requirement, compared in
the same run with the greedy start on the same problem (built again, as the job does).

Usage: ``python -m benchmarks.bench_solve_job [--size mid] [--time-limit 60]``.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from urllib.parse import urlparse
from uuid import UUID

from sqlalchemy import text

from benchmarks.bench_solver import HOURS_PER_INTERVAL
from benchmarks.harness import live_server, post_graphql, prepared, table
from benchmarks.tokens import admin_token
from switchboard.core.demo.model import ANCHOR
from switchboard.core.identity.operator import acting_as
from switchboard.core.jobs.worker import Worker
from switchboard.plugins.scheduling.planning.week_problem import build_week_problem
from switchboard.plugins.scheduling.solver.greedy import greedy_plan
from switchboard.plugins.scheduling.solver.model import build
from switchboard.plugins.scheduling.solver.plan import lob_coverage

FORECAST = """mutation($input: ForecastInput!) { createForecast(input: $input) {
  job { id } errors { code field message } } }"""
SOLVE = """mutation($lobs: [UUID!]!, $week: Date!, $limit: Int!) {
  solveSchedule(lobIds: $lobs, weekStart: $week, timeLimitSeconds: $limit) { job { id } errors { code } } }"""
JOB = """query($id: UUID!) { job(id: $id) { state result error { code } } }"""


def week_span() -> tuple[datetime, datetime]:
    """The anchor week in UTC, a day wider each side (every LOB's local week inside)."""
    start = datetime.combine(ANCHOR, clock(0), UTC) - timedelta(days=1)
    return start, start + timedelta(days=9)


def ensure_forecasts(runtime, connection, token: str, lobs: list[str]) -> tuple[float, float] | None:
    """Forecast every LOB over the anchor week unless done already: the seconds the request took
    (it queues the job) and the seconds the job took (run by a worker)."""
    start, end = week_span()
    with runtime.owner.connect() as conn:
        covered = conn.execute(text("SELECT count(DISTINCT lob_id) FROM forecast WHERE horizon_start <= :s"
                                    " AND horizon_end >= :e"), {"s": start, "e": end}).scalar_one()
    if covered == len(lobs):
        return None
    began = time.perf_counter()
    payload = post_graphql(connection, json.dumps({"query": FORECAST, "variables": {"input": {
        "lobIds": lobs, "horizonStart": start.isoformat(), "horizonEnd": end.isoformat(), "method": "MSTL_ETS"}}}),
        token)["createForecast"]
    assert not payload["errors"], payload["errors"]
    requested = time.perf_counter() - began
    Worker(runtime).run_once()
    job = post_graphql(connection, json.dumps({"query": JOB, "variables": {"id": payload["job"]["id"]}}), token)["job"]
    assert job["state"] == "SUCCEEDED", job
    return requested, time.perf_counter() - began - requested


async def greedy_under(runtime, admin, lobs: list[str]) -> tuple[float, float, float]:
    """(required, under-covered agent-hours of the greedy start, seconds to build the problem)."""
    began = time.perf_counter()
    async with acting_as(runtime, user_id=admin, name="benchmark") as (db, caller):
        week = await build_week_problem(db, caller, runtime.eligibility_rules, [UUID(x) for x in lobs], ANCHOR)
    built = time.perf_counter() - began
    problem = week.problem
    coverage = lob_coverage(problem, greedy_plan(build(problem)))
    required = sum(sum(lob.required) for lob in problem.lobs) * HOURS_PER_INTERVAL
    return required, sum(c.under for c in coverage) * HOURS_PER_INTERVAL, built


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="mid", choices=("small", "mid", "large"))
    parser.add_argument("--time-limit", type=int, default=60)
    args = parser.parse_args()
    runtime, built = prepared(args.size)
    if built is not None:
        print(f"built the {args.size} demo in {built:.0f} s")
    with runtime.owner.connect() as conn:
        lobs = [str(x) for x in conn.execute(text("SELECT id FROM lob ORDER BY name")).scalars()]
        admin = conn.execute(text("SELECT user_id FROM role_grant WHERE role = 'tenant_admin' ORDER BY user_id"
                                  " LIMIT 1")).scalar_one()
    token = admin_token(runtime)
    with live_server(args.size) as url:
        connection = http.client.HTTPConnection(urlparse(url).hostname, urlparse(url).port, timeout=600)
        forecast_seconds = ensure_forecasts(runtime, connection, token, lobs)
        job_id = post_graphql(connection, json.dumps({"query": SOLVE, "variables": {
            "lobs": lobs, "week": ANCHOR.isoformat(), "limit": args.time_limit}}), token)["solveSchedule"]["job"]["id"]
        began = time.perf_counter()
        Worker(runtime).run_once()
        wall = time.perf_counter() - began
        job = post_graphql(connection, json.dumps({"query": JOB, "variables": {"id": job_id}}), token)["job"]
    assert job["state"] == "SUCCEEDED", job
    result = job["result"]
    required, greedy, rebuilt = asyncio.run(greedy_under(runtime, admin, lobs))
    seconds = result["seconds"]
    reached = seconds["gapReached"]
    if forecast_seconds is not None:
        print(f"createForecast for {len(lobs)} LOBs: the request {forecast_seconds[0]:.2f} s (queues the job),"
              f" the job {forecast_seconds[1]:.1f} s")
    print(table(
        f"Solve job, {args.size} demo, week of {ANCHOR}: {len(lobs)} LOBs, {result['agents']} agents, "
        f"{required:.0f} agent-hours required, time limit {args.time_limit} s",
        ["schedule", "status", "building", "solving", "within 5%", "writing", "job wall", "gap", "under h",
         "under ÷ greedy"],
        [["solve job", result["status"], f"{seconds['building']:.1f} s", f"{seconds['solving']:.1f} s",
          "-" if reached is None else f"{seconds['building'] + reached:.1f} s", f"{seconds['writing']:.1f} s",
          f"{wall:.1f} s", "-" if result["gap"] is None else f"{100 * result['gap']:.1f}%",
          f"{result['underCoverageAgentHours']:.0f} ({100 * result['underCoverageAgentHours'] / required:.1f}%)",
          f"{result['underCoverageAgentHours'] / greedy:.2f}" if greedy else "-"],
         ["greedy start (same problem)", "-", f"{rebuilt:.1f} s", "-", "-", "-", "-", "-",
          f"{greedy:.0f} ({100 * greedy / required:.1f}%)", "1.00"]]))


if __name__ == "__main__":
    main()
