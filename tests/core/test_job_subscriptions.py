"""``jobProgress`` over a real WebSocket (graphql-transport-ws) to a live server.

Every event is read as the subscriber: the requester gets the job's progress and its end;
a supervisor of another client gets a coded error and nothing else; a planner whose grant
is revoked and an admin whose token is revoked mid-stream get an end, and no more events.
A connection without a good token is closed with a coded reason.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from uuid import UUID

import pytest
import strawberry
from sqlalchemy import text
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from switchboard.core.hookspecs import hookimpl
from switchboard.core.jobs import service
from switchboard.core.jobs.worker import JobContext, Worker
from tests import factories as f
from tests.conftest import TEMPLATE, cloned_runtime
from tests.live import served
from tests.world import build_world

PROTOCOL = "graphql-transport-ws"
WAIT = 20.0
GO: queue.Queue = queue.Queue()  # the test lets the job take its next step


async def steps(ctx: JobContext) -> dict:
    """Reports an objective that improves at each step the test allows."""
    for step in range(2):
        ctx.progress(force=True, phase="solving", objective=10.0 - step, bestBound=5.0, gap=0.5 - step / 10,
                     elapsedSeconds=float(step))
        await asyncio.to_thread(GO.get, timeout=WAIT)
    return {"steps": 2}


@strawberry.type
class StartMutation:
    @strawberry.mutation
    async def start_steps(self, info: strawberry.Info, lob_ids: list[UUID]) -> UUID:
        ctx = info.context
        row = await service.enqueue(ctx.db, ctx.me, "test.steps", {}, lob_ids=lob_ids, time_limit_seconds=60)
        return row.id


class StepsPlugin:
    @hookimpl
    def switchboard_job_handlers(self):
        return {"test.steps": steps}

    @hookimpl
    def switchboard_graphql_mutation(self):
        return StartMutation


PROGRESS = """subscription($id: UUID!) { jobProgress(id: $id) {
  id state cancelRequested progress { phase objective bestBound gap elapsedSeconds } error { code } finishedAt } }"""


@pytest.fixture
def live(template) -> Iterator[tuple]:
    settings = replace(template, subscription_recheck_seconds=30.0)  # only notifications wake the tests' streams
    with cloned_runtime(settings, TEMPLATE, ("steps", StepsPlugin())) as rt:
        with rt.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
            world.ids["planner2"] = f.user(conn, world.tA, ("workforce_planner", world.A1, None))
            world.tokens["planner2"] = f.token(conn, world.planner2)
            world.tokens["admin2"] = f.token(conn, world.admin)
            with served(rt) as url:
                yield rt, world, conn, url


def post(url: str, token: str, query: str, variables: dict) -> dict:
    import httpx2

    body = httpx2.post(f"{url}/graphql", json={"query": query, "variables": variables},
                       headers={"authorization": f"Bearer {token}"}, timeout=30).json()
    assert "errors" not in body, body
    return body["data"]


@contextmanager
def socket(url: str, token: str | None, lang: str | None = None) -> Iterator[ClientConnection]:
    """A graphql-transport-ws connection, initialised with ``token`` (acknowledged)."""
    headers = {"accept-language": lang} if lang else None
    with connect(url.replace("http", "ws") + "/graphql", subprotocols=[PROTOCOL], additional_headers=headers,
                 open_timeout=WAIT) as ws:
        ws.send(json.dumps({"type": "connection_init",
                            "payload": {"authorization": f"Bearer {token}"} if token else {}}))
        yield ws


def acknowledged(ws: ClientConnection) -> ClientConnection:
    assert json.loads(ws.recv(timeout=WAIT)) == {"type": "connection_ack"}
    return ws


def subscribe(ws: ClientConnection, job_id: str) -> None:
    ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": PROGRESS, "variables": {"id": job_id}}}))


def message(ws: ClientConnection) -> dict:
    return json.loads(ws.recv(timeout=WAIT))


def until(ws: ClientConnection, done) -> list[dict]:
    """Events (``next`` payloads' jobProgress) until one satisfies ``done``."""
    events = []
    while True:
        m = message(ws)
        assert m["type"] == "next", m
        events.append(m["payload"]["data"]["jobProgress"])
        if done(events[-1]):
            return events


def objective(value: float):
    return lambda e: (e["progress"]["objective"] == value)


def test_job_progress_streams_to_those_who_may_read_it_and_ends_for_those_who_no_longer_may(live):
    rt, world, owner, url = live
    job_id = post(url, world.tokens["planner"], "mutation($l: [UUID!]!) { startSteps(lobIds: $l) }",
                  {"l": [str(world.A1a)]})["startSteps"]
    with (socket(url, world.tokens["planner"]) as planner, socket(url, world.tokens["supervisor"], "fr") as outsider,
          socket(url, world.tokens["planner2"]) as revoked_grant, socket(url, world.tokens["admin2"]) as revoked_token):
        for ws in (planner, outsider, revoked_grant, revoked_token):
            subscribe(acknowledged(ws), job_id)
        for ws in (planner, revoked_grant, revoked_token):
            first = message(ws)
            assert first["type"] == "next" and first["payload"]["data"]["jobProgress"]["state"] == "QUEUED", first
        refused = message(outsider)  # the supervisor of another client: a coded error, localized, and nothing
        assert refused["type"] == "next" and refused["payload"]["data"] is None, refused
        assert refused["payload"]["errors"][0]["extensions"] == {"code": "NOT_FOUND"}
        assert refused["payload"]["errors"][0]["message"] == "Introuvable."
        assert message(outsider) == {"id": "1", "type": "complete"}

        stop = threading.Event()
        worker = threading.Thread(target=Worker(rt, poll_seconds=0.2).run, args=(stop,))
        worker.start()
        try:
            for ws in (planner, revoked_grant, revoked_token):
                running = until(ws, objective(10.0))[-1]
                assert running["state"] == "RUNNING" and running["progress"] == {
                    "phase": "solving", "objective": 10.0, "bestBound": 5.0, "gap": 0.5, "elapsedSeconds": 0.0}
            owner.execute(text("DELETE FROM role_grant WHERE user_id = :u"), {"u": world.planner2})
            owner.execute(text("UPDATE auth_token SET revoked_at = now() WHERE token_hash = :h"),
                          {"h": f.token_hash(world.tokens["admin2"])})
            GO.put(1)
            assert until(planner, objective(9.0))[-1]["progress"]["gap"] == pytest.approx(0.4)
            for ws in (revoked_grant, revoked_token):  # lost sight of the job: the end, not the next event
                assert message(ws) == {"id": "1", "type": "complete"}
            GO.put(2)
            events = until(planner, lambda e: e["state"] != "RUNNING")
            assert events[-1]["state"] == "SUCCEEDED" and events[-1]["finishedAt"] is not None
            assert message(planner) == {"id": "1", "type": "complete"}
        finally:
            stop.set()
            worker.join(timeout=30)
        with pytest.raises(TimeoutError):
            outsider.recv(timeout=0.5)


@pytest.mark.parametrize(("token", "reason"), [
    (None, "UNAUTHENTICATED"), ("sb_not-a-token", "UNAUTHENTICATED"), ("portal", "WRONG_ENDPOINT"),
])
def test_a_connection_without_a_good_token_is_closed_with_a_code(live, token, reason):
    rt, world, owner, url = live
    with socket(url, world.tokens.get(token, token)) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=WAIT)
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, reason)


def test_an_expired_token_is_refused_and_a_subscription_before_init_too(live):
    rt, world, owner, url = live
    owner.execute(text("UPDATE auth_token SET expires_at = now() - interval '1 second' WHERE token_hash = :h"),
                  {"h": f.token_hash(world.tokens["admin2"])})
    with socket(url, world.tokens["admin2"]) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=WAIT)
    assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "TOKEN_EXPIRED")
    with connect(url.replace("http", "ws") + "/graphql", subprotocols=[PROTOCOL]) as ws:
        subscribe(ws, str(world.A1a))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=WAIT)
    assert closed.value.rcvd.code == 4401
