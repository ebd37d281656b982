"""Background jobs: queued in PostgreSQL, run by a worker as their requester, visible and
cancellable only within scope."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from uuid import UUID

import pytest
import strawberry
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.errors import UserError
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.hookspecs import hookimpl
from switchboard.core.jobs import service
from switchboard.core.jobs.worker import JobCancelled, JobContext, Worker
from tests.conftest import TEMPLATE, GraphQLClient, RuntimeSQL, cloned_runtime
from tests.world import build_world


async def whoami(ctx: JobContext) -> dict:
    """Reads, as the requester, the LOBs row security lets them see."""
    ctx.progress(force=True, phase="reading", objective=3.0, bestBound=2.0, gap=1 / 3)
    async with ctx.acting() as (db, caller):
        lobs = await db.all("SELECT code FROM lob ORDER BY code")
    return {"user": str(caller.user_id), "lobs": [r.code for r in lobs]}


async def refuse(ctx: JobContext) -> dict:
    raise UserError("TIME_LIMIT_INVALID", max=5)


async def crash(ctx: JobContext) -> dict:
    async with ctx.acting() as (db, _):
        await db.execute("UPDATE lob SET name = 'half-written' WHERE true")
        raise RuntimeError("boom")


async def until_cancelled(ctx: JobContext) -> dict:
    while not ctx.progress(force=True, phase="waiting"):
        await asyncio.sleep(0.05)
    raise JobCancelled


@strawberry.type
class StartResult:
    job_id: UUID | None
    errors: list[UserErrorType]


@strawberry.type
class JobTestMutation:
    @strawberry.mutation
    async def start_test_job(self, info: strawberry.Info, kind: str, lob_ids: list[UUID] | None = None,
                             time_limit_seconds: int = 60) -> StartResult:
        ctx = info.context
        return await mutate(info, StartResult, lambda: service.enqueue(
            ctx.db, ctx.me, kind, {"hello": "world"}, lob_ids=lob_ids or [], time_limit_seconds=time_limit_seconds),
            lambda row: row.id)


class JobsPlugin:
    @hookimpl
    def switchboard_job_handlers(self):
        return {"test.whoami": whoami, "test.refuse": refuse, "test.crash": crash,
                "test.until_cancelled": until_cancelled}

    @hookimpl
    def switchboard_graphql_mutation(self):
        return JobTestMutation


JOB = """query($id: UUID!) { job(id: $id) { kind state lobIds result cancelRequested timeLimitSeconds
  progress { phase objective bestBound gap } error { code message } } }"""
START = """mutation($k: String!, $l: [UUID!], $t: Int!) {
  startTestJob(kind: $k, lobIds: $l, timeLimitSeconds: $t) { jobId errors { code } } }"""
CANCEL = "mutation($id: UUID!) { cancelJob(id: $id) { job { state cancelRequested } errors { code message } } }"


@pytest.fixture
def env(template) -> Iterator[tuple]:
    with cloned_runtime(template, TEMPLATE, ("jobs_test", JobsPlugin())) as rt:
        with rt.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
        with TestClient(create_app(rt)) as http:
            yield rt, world, GraphQLClient(http)


def start(gql, world, who: str, kind: str, lob_ids=None, limit: int = 60) -> UUID:
    body = gql(START, {"k": kind, "l": [str(x) for x in lob_ids or []], "t": limit}, token=world.tokens[who])
    assert body["data"]["startTestJob"]["errors"] == [], body
    return body["data"]["startTestJob"]["jobId"]


def job(gql, world, who: str, job_id, lang: str = "en") -> dict | None:
    body = gql(JOB, {"id": str(job_id)}, token=world.tokens[who], lang=lang)
    assert "errors" not in body, body
    return body["data"]["job"]


def test_worker_runs_a_job_as_its_requester_and_reports_progress(env):
    rt, world, gql = env
    job_id = start(gql, world, "planner", "test.whoami", [world.A1a])
    assert job(gql, world, "planner", job_id)["state"] == "QUEUED"
    assert Worker(rt).run_once() == UUID(job_id)
    done = job(gql, world, "planner", job_id)
    assert done["state"] == "SUCCEEDED" and done["error"] is None
    # the planner is granted client A1 only: the job saw exactly what their requests see
    assert done["result"] == {"user": str(world.planner), "lobs": ["L1-EN", "L1-FR"]}
    assert done["progress"] == {"phase": "reading", "objective": 3.0, "bestBound": 2.0, "gap": pytest.approx(1 / 3)}
    assert Worker(rt).run_once() is None  # the queue is empty


def test_refusal_is_coded_and_localized_and_a_crash_keeps_nothing(env):
    rt, world, gql = env
    refused = start(gql, world, "admin", "test.refuse")
    crashed = start(gql, world, "admin", "test.crash")
    worker = Worker(rt)
    assert worker.run_once() == UUID(refused) and worker.run_once() == UUID(crashed)
    assert job(gql, world, "admin", refused)["error"] == {
        "code": "TIME_LIMIT_INVALID", "message": "The time limit must be between 1 and 5 seconds."}
    assert job(gql, world, "admin", refused, "fr")["error"]["message"] == \
        "La limite de temps doit être entre 1 et 5 secondes."
    failed = job(gql, world, "admin", crashed)
    assert failed["state"] == "FAILED" and failed["error"]["code"] == "JOB_FAILED"
    with rt.owner.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM lob WHERE name = 'half-written'")).scalar() == 0


def test_unknown_kind_fails_and_bad_time_limit_is_refused(env):
    rt, world, gql = env
    unknown = start(gql, world, "admin", "test.nobody_runs_this")
    Worker(rt).run_once()
    assert job(gql, world, "admin", unknown)["error"]["code"] == "JOB_KIND_UNKNOWN"
    body = gql(START, {"k": "test.whoami", "l": [], "t": 0}, token=world.tokens["admin"])
    assert body["data"]["startTestJob"] == {"jobId": None, "errors": [{"code": "TIME_LIMIT_INVALID"}]}


def test_cancel_a_queued_job_and_a_running_one(env):
    rt, world, gql = env
    queued = start(gql, world, "planner", "test.whoami")
    body = gql(CANCEL, {"id": queued}, token=world.tokens["planner"])
    assert body["data"]["cancelJob"] == {"job": {"state": "QUEUED", "cancelRequested": True}, "errors": []}
    assert Worker(rt).run_once() is None  # never started
    assert job(gql, world, "planner", queued)["state"] == "CANCELLED"
    again = gql(CANCEL, {"id": queued}, token=world.tokens["planner"], lang="fr")["data"]["cancelJob"]
    assert again["errors"][0]["code"] == "JOB_FINISHED" and "déjà terminée" in again["errors"][0]["message"]

    running = start(gql, world, "planner", "test.until_cancelled")
    stop = threading.Event()
    thread = threading.Thread(target=Worker(rt, poll_seconds=0.2).run, args=(stop,))
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while job(gql, world, "planner", running)["state"] != "RUNNING" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert gql(CANCEL, {"id": running}, token=world.tokens["planner"])["data"]["cancelJob"]["errors"] == []
        while job(gql, world, "planner", running)["state"] == "RUNNING" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert job(gql, world, "planner", running)["state"] == "CANCELLED"


def test_a_job_whose_worker_died_is_failed(env):
    rt, world, gql = env
    job_id = start(gql, world, "admin", "test.whoami")
    with rt.owner.begin() as conn:
        conn.execute(text("UPDATE job SET state = 'running', started_at = now() - interval '1 hour',"
                          " heartbeat_at = now() - interval '1 hour' WHERE id = :id"), {"id": job_id})
    Worker(rt).sweep()
    assert job(gql, world, "admin", job_id)["error"]["code"] == "WORKER_LOST"


def test_outside_scope_a_job_is_invisible_and_cannot_be_cancelled(env):
    rt, world, gql = env
    job_id = start(gql, world, "planner", "test.whoami", [world.A1a])
    # the supervisor of A2 and the other tenant's admin: nothing; tenant admin: sees it
    for who in ("supervisor", "adminB", "agent"):
        assert job(gql, world, who, job_id) is None
        errors = gql(CANCEL, {"id": job_id}, token=world.tokens[who])["data"]["cancelJob"]["errors"]
        assert [e["code"] for e in errors] == ["NOT_FOUND"]
    assert job(gql, world, "admin", job_id)["kind"] == "test.whoami"
    assert gql(JOB, {"id": job_id}, token=world.tokens["portal"])["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"
    assert job(gql, world, "planner", job_id)["cancelRequested"] is False

    raw = RuntimeSQL(rt)
    try:
        with raw.caller(world.supervisor) as conn:
            assert conn.execute(text("SELECT count(*) FROM job")).scalar() == 0
            assert conn.execute(text("UPDATE job SET cancel_requested = true RETURNING id")).all() == []
        with raw.caller(world.planner) as conn:
            # the runtime role writes only the request, never the outcome nor someone else's name
            for sql in ("UPDATE job SET state = 'succeeded'",
                        "INSERT INTO job (tenant_id, kind, time_limit_seconds, requested_by)"
                        f" VALUES ('{world.tA}', 'x', 5, '{world.admin}')"):
                with pytest.raises(ProgrammingError, match="permission denied"):
                    with conn.begin_nested():
                        conn.execute(text(sql))
            # nor a job in another tenant
            with pytest.raises(ProgrammingError, match="row-level security"):
                conn.execute(text("INSERT INTO job (tenant_id, kind, time_limit_seconds)"
                                  f" VALUES ('{world.tB}', 'x', 5)"))
    finally:
        raw.engine.dispose()
    assert job(gql, world, "planner", job_id)["state"] == "QUEUED"
