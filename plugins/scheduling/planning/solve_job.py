"""The ``scheduling.solve`` job: build the week's problem as the requester, solve it with
CP-SAT in a thread while reporting progress, and write a draft schedule.

Parameters: ``{"lobIds": [...], "weekStart": "YYYY-MM-DD"}``. Progress: ``phase``
(building, solving, writing), ``objective``, ``bestBound``, ``gap``, ``elapsedSeconds``.
Result: ``scheduleId``, ``status``, ``underCoverageAgentHours``, ``gaps``, ``segments``,
``agents``, ``seconds`` (``building``, ``solving``, ``writing``, and ``gapReached``: into the
solve, when the schedule came within the gap target of its bound). A cancellation stops
the solver and writes nothing.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import date
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import ValidationErrors
from switchboard.core.jobs.worker import JobCancelled, JobContext
from switchboard.plugins.scheduling.planning.week_problem import WeekProblem, build_week_problem
from switchboard.plugins.scheduling.solver.problem import Progress, Schedule

KIND = "scheduling.solve"
POLL_SECONDS = 0.25


def _gaps_json(schedule: Schedule) -> list[dict[str, Any]]:
    return [{"lobId": str(g.lob), "startsAt": g.starts_at.isoformat(), "required": round(g.required, 3),
             "scheduled": g.scheduled,
             "reasons": [{"code": r.code, "employeeIds": [str(a) for a in r.agents]} for r in g.reasons]}
            for g in schedule.gaps]


def under_coverage_minutes(week: WeekProblem, schedule: Schedule) -> float:
    """Agent-minutes short of the requirement, over every LOB and interval."""
    return sum(c.under for c in schedule.coverage) * week.problem.horizon.interval_minutes


async def write_schedule(db: DbSession, tenant_id: UUID, job_id: UUID, week: WeekProblem, schedule: Schedule) -> Any:
    """Insert the draft schedule (solver figures, gaps) and its work segments; the schedule's id."""
    schedule_id = await db.scalar(
        "INSERT INTO schedule (tenant_id, lob_ids, week_start, job_id, solver_status, objective, best_bound, gap,"
        " coverage_gaps, under_coverage_minutes) VALUES (:t, CAST(:lobs AS uuid[]), :week, :job, :status, :obj,"
        " :bound, :gap, CAST(:gaps AS jsonb), :under) RETURNING id",
        {"t": tenant_id, "lobs": [str(lob.id) for lob in week.lobs], "week": week.week_start, "job": job_id,
         "status": schedule.status.lower(), "obj": schedule.objective, "bound": schedule.bound, "gap": schedule.gap,
         "gaps": json.dumps(_gaps_json(schedule)),
         "under": round(under_coverage_minutes(week, schedule), 2)})
    lob_client = {lob.id: lob.client_id for lob in week.lobs}
    segments = [seg for shift in schedule.shifts for seg in shift.segments]
    agents = [shift.agent for shift in schedule.shifts for _ in shift.segments]
    if segments:
        await db.execute(
            "INSERT INTO schedule_segment (tenant_id, client_id, lob_id, schedule_id, employee_id, assignment_id,"
            " activity, starts_at, ends_at)"
            " SELECT :t, c, l, :s, e, a, 'work', b, f FROM unnest(CAST(:c AS uuid[]), CAST(:l AS uuid[]),"
            " CAST(:e AS uuid[]), CAST(:a AS uuid[]), CAST(:b AS timestamptz[]), CAST(:f AS timestamptz[]))"
            " AS x(c, l, e, a, b, f)",
            {"t": tenant_id, "s": schedule_id, "c": [str(lob_client[s.lob]) for s in segments],
             "l": [str(s.lob) for s in segments], "e": [str(a) for a in agents],
             "a": [str(week.assignments[a, s.lob]) for a, s in zip(agents, segments, strict=True)],
             "b": [s.starts_at for s in segments], "f": [s.ends_at for s in segments]})
    return schedule_id


async def solve_schedule(ctx: JobContext) -> dict[str, Any]:
    """The job handler (see the module's doc)."""
    started = time.monotonic()
    ctx.progress(force=True, phase="building")
    try:
        async with ctx.acting() as (db, caller):
            week = await build_week_problem(db, caller, ctx.runtime.eligibility_rules,
                                            [UUID(x) for x in ctx.params["lobIds"]],
                                            date.fromisoformat(ctx.params["weekStart"]))
    except ValidationErrors as exc:  # a LOB went out of the requester's sight since the job was queued
        raise exc.errors[0] from exc
    built = time.monotonic()

    from switchboard.plugins.scheduling.solver.search import ScheduleSolver  # OR-Tools: loaded by a solve only

    solver: ScheduleSolver

    def report(p: Progress) -> None:
        if ctx.progress(phase="solving", objective=p.objective, bestBound=p.bound, gap=p.gap,
                        elapsedSeconds=round(p.elapsed, 3)):
            solver.cancel()

    if ctx.progress(force=True, phase="solving"):
        raise JobCancelled
    remaining = max(1.0, ctx.time_limit_seconds - (time.monotonic() - started))  # the limit covers the whole job
    solver = ScheduleSolver(week.problem, time_limit=remaining, on_progress=report)
    task = asyncio.create_task(asyncio.to_thread(solver.solve))
    while not task.done():
        await asyncio.wait({task}, timeout=POLL_SECONDS)
        if await asyncio.to_thread(ctx.progress, phase="solving"):
            solver.cancel()
    schedule = task.result()
    if ctx.cancel_requested() or schedule.status == "CANCELLED":
        raise JobCancelled
    ctx.progress(force=True, phase="writing", objective=schedule.objective, bestBound=schedule.bound,
                 gap=schedule.gap, elapsedSeconds=round(schedule.wall_seconds, 3))
    solved = time.monotonic()
    async with ctx.acting() as (db, _):
        schedule_id = await write_schedule(db, ctx.tenant_id, ctx.id, week, schedule)
    under = under_coverage_minutes(week, schedule) / 60
    seconds = {"building": built - started, "solving": solved - built, "writing": time.monotonic() - solved,
               "gapReached": schedule.gap_reached_seconds}
    return {"scheduleId": str(schedule_id), "status": schedule.status, "objective": schedule.objective,
            "bestBound": schedule.bound, "gap": schedule.gap, "underCoverageAgentHours": round(under, 2),
            "gaps": len(schedule.gaps), "segments": sum(len(s.segments) for s in schedule.shifts),
            "agents": len(week.problem.agents),
            "seconds": {k: None if v is None else round(v, 3) for k, v in seconds.items()}}
