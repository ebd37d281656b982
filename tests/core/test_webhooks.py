"""Webhooks: endpoints a tenant admin registers, events written with the change, deliveries signed
and retried by the worker against a real HTTP receiver, a log to read and replay, and isolation:
a client's endpoint hears only that client, another tenant sees nothing."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from uuid import UUID

import pytest
import strawberry
from sqlalchemy import text
from sqlalchemy.exc import ProgrammingError
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.errors import ConfigurationError
from switchboard.core.hookspecs import hookimpl
from switchboard.core.jobs import service as jobs
from switchboard.core.jobs.worker import JobContext, Worker
from switchboard.core.webhooks.dispatcher import Dispatcher
from switchboard.core.webhooks.events import emit
from tests.conftest import TEMPLATE, GraphQLClient, RuntimeSQL, cloned_runtime
from tests.webhooks import CREATE, receiver, register
from tests.world import build_world

EVENT = "test.thing.happened"


@strawberry.type
class EmitMutation:
    @strawberry.mutation
    async def emit_test_event(self, info: strawberry.Info, client_id: UUID | None = None, note: str = "") -> bool:
        ctx = info.context
        await emit(ctx.db, ctx.me.tenant_id, EVENT, {"note": note}, client_id)
        return True

    @strawberry.mutation
    async def start_nothing(self, info: strawberry.Info, lob_ids: list[UUID]) -> UUID:
        ctx = info.context
        row = await jobs.enqueue(ctx.db, ctx.me, "test.nothing", {}, lob_ids=lob_ids, time_limit_seconds=60)
        return row.id


async def nothing(ctx: JobContext) -> dict:
    return {"done": True}


class EventsPlugin:
    @hookimpl
    def switchboard_webhook_event_types(self):
        return {EVENT: "Something happened (tests)."}

    @hookimpl
    def switchboard_graphql_mutation(self):
        return EmitMutation

    @hookimpl
    def switchboard_job_handlers(self):
        return {"test.nothing": nothing}


@pytest.fixture
def env(template) -> Iterator[tuple]:
    settings = replace(template, webhook_allow_private=True, webhook_retry_seconds=0.2, webhook_max_attempts=3)
    with cloned_runtime(settings, TEMPLATE, ("events_test", EventsPlugin())) as rt:
        with rt.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
            with TestClient(create_app(rt)) as http:
                yield rt, world, GraphQLClient(http), conn


DELIVERIES = """query($endpoint: UUID, $state: WebhookDeliveryState) {
  webhookDeliveries(endpointId: $endpoint, state: $state, first: 50) { nodes {
    id endpointId eventId eventType clientId payload state attempts lastStatus lastError deliveredAt replayOf
    attemptLog { status error milliseconds } } } }"""
ENDPOINTS = "{ webhookEndpoints(first: 50) { nodes { id url clientId eventTypes } } }"
REPLAY = """mutation($id: UUID!) { replayWebhookDelivery(id: $id) { delivery { id state replayOf eventId }
  errors { code message } } }"""
EMIT = "mutation($c: UUID, $n: String!) { emitTestEvent(clientId: $c, note: $n) }"


def emitted(gql, world, client=None, note="", who="admin") -> None:
    body = gql(EMIT, {"c": client and str(client), "n": note}, token=world.tokens[who])
    assert body["data"]["emitTestEvent"] is True, body


def deliveries(gql, world, who="admin", **filters) -> list[dict]:
    body = gql(DELIVERIES, {k: str(v) for k, v in filters.items()}, token=world.tokens[who])
    assert "errors" not in body, body
    return body["data"]["webhookDeliveries"]["nodes"]


def dispatch(rt, rounds: int = 1) -> None:
    """Run the dispatcher ``rounds`` times, waiting out the (short) retry delay in between."""
    for n in range(rounds):
        if n:
            time.sleep(0.25 * 2 ** n)
        Dispatcher(rt).run_once()


def readme_receiver() -> Callable[..., bool]:
    """The receiver's check the README shows under "Webhooks", run as written."""
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    section = readme[readme.index("## Webhooks"):]
    code = section[section.index("```python") + len("```python"):]
    namespace: dict = {}
    exec(code[:code.index("```")], namespace)
    return namespace["verified"]


def verified(secret: str, request: dict) -> bool:
    """A request the receiver got passes the README's check (HMAC-SHA-256 of
    "<timestamp>.<body>" under the secret, v1=<hex>, a timestamp near now)."""
    return readme_receiver()(secret, request["headers"], request["body"])


def test_a_delivery_is_signed_retried_until_the_receiver_recovers_and_can_be_replayed(env):
    rt, world, gql, owner = env
    with receiver() as hook:
        made = register(gql, world, hook.url, (EVENT,))
        secret, endpoint = made["secret"], made["endpoint"]
        assert secret.startswith("whsec_") and endpoint["active"] and endpoint["url"] == hook.url
        stored = owner.execute(text("SELECT secret_enc FROM webhook_endpoint")).scalar()
        assert secret not in stored and rt.keyring.decrypt(stored) == secret  # encrypted under the key ring
        hook.statuses = [500]
        emitted(gql, world, world.A1, "first")
        dispatch(rt)
        [pending] = deliveries(gql, world)
        assert (pending["state"], pending["attempts"], pending["lastStatus"]) == ("PENDING", 1, 500)
        assert pending["lastError"] == "HTTP 500" and pending["deliveredAt"] is None
        dispatch(rt)  # too early: the retry waits its delay
        assert len(hook.received) == 1
        time.sleep(0.3)
        dispatch(rt)
        [done] = deliveries(gql, world)
        assert (done["state"], done["attempts"], done["lastStatus"], done["lastError"]) == ("DELIVERED", 2, 200, None)
        assert [a["status"] for a in done["attemptLog"]] == [500, 200]
        first, second = hook.received
        assert first["body"] == second["body"] and all(verified(secret, r) for r in hook.received)
        assert not verified(secret.replace("whsec_", "whsec_x"), second)
        assert second["path"] == "/hooks/switchboard?from=test"
        assert second["headers"]["Switchboard-Event"] == EVENT
        assert second["headers"]["Switchboard-Delivery"] == done["id"]
        body = json.loads(second["body"])
        assert body == {"id": done["eventId"], "type": EVENT, "occurredAt": body["occurredAt"],
                        "tenantId": str(world.tA), "clientId": str(world.A1), "data": {"note": "first"}}
        # a replay is a new delivery of the same event
        replay = gql(REPLAY, {"id": done["id"]}, token=world.tokens["admin"])["data"]["replayWebhookDelivery"]
        assert replay["errors"] == [] and replay["delivery"]["replayOf"] == done["id"]
        dispatch(rt)
        assert len(hook.received) == 3 and json.loads(hook.received[2]["body"])["id"] == done["eventId"]
        assert hook.received[2]["headers"]["Switchboard-Delivery"] == replay["delivery"]["id"]
        assert verified(secret, hook.received[2])


def test_a_delivery_gives_up_after_the_last_attempt_and_a_turned_off_endpoint_gets_nothing(env):
    rt, world, gql, owner = env
    with receiver() as hook:
        endpoint = register(gql, world, hook.url, (EVENT,))["endpoint"]
        hook.statuses = [500, 503, 502, 500]
        emitted(gql, world, world.A1)
        dispatch(rt, rounds=4)
        [given_up] = deliveries(gql, world)
        assert (given_up["state"], given_up["attempts"]) == ("FAILED", 3)
        assert [a["status"] for a in given_up["attemptLog"]] == [500, 503, 502]
        assert len(hook.received) == 3
        off = gql("mutation($id: UUID!) { setWebhookEndpointActive(id: $id, active: false) { endpoint { active } } }",
                  {"id": endpoint["id"]}, token=world.tokens["admin"])
        assert off["data"]["setWebhookEndpointActive"]["endpoint"] == {"active": False}
        emitted(gql, world, world.A1)
        dispatch(rt)
        assert len(hook.received) == 3 and len(deliveries(gql, world)) == 1
        refused = gql(REPLAY, {"id": given_up["id"]}, token=world.tokens["admin"], lang="fr")
        assert refused["data"]["replayWebhookDelivery"]["errors"][0]["code"] == "WEBHOOK_ENDPOINT_INACTIVE"


def test_a_private_address_is_refused_unless_allowed_and_urls_and_types_are_checked(env):
    rt, world, gql, owner = env
    strict = replace(rt.settings, webhook_allow_private=False)
    rt.settings = strict
    cases = [("ftp://example.com/hook", "WEBHOOK_URL_INVALID"), ("https://user:pw@example.com/", "WEBHOOK_URL_INVALID"),
             ("http:///nohost", "WEBHOOK_URL_INVALID"), ("http://127.0.0.1:8080/hook", "WEBHOOK_URL_PRIVATE"),
             ("http://localhost/hook", "WEBHOOK_URL_PRIVATE"), ("http://10.1.2.3/", "WEBHOOK_URL_PRIVATE"),
             ("http://169.254.169.254/latest/meta-data", "WEBHOOK_URL_PRIVATE"),
             ("http://[::1]/", "WEBHOOK_URL_PRIVATE"), ("http://[::ffff:192.168.0.1]/", "WEBHOOK_URL_PRIVATE")]
    for url, code in cases:
        body = gql(CREATE, {"input": {"url": url, "eventTypes": [EVENT]}}, token=world.tokens["admin"], lang="fr")
        errors = body["data"]["createWebhookEndpoint"]["errors"]
        assert [(e["code"], e["field"]) for e in errors] == [(code, "url")], url
        assert errors[0]["message"] != code
    body = gql(CREATE, {"input": {"url": "https://1.1.1.1/hook", "eventTypes": ["nope.never", EVENT]}},
               token=world.tokens["admin"])
    assert [(e["code"], e["field"]) for e in body["data"]["createWebhookEndpoint"]["errors"]] == [
        ("WEBHOOK_EVENT_TYPE_UNKNOWN", "eventTypes.0")]
    body = gql(CREATE, {"input": {"url": "https://1.1.1.1/hook", "eventTypes": []}}, token=world.tokens["admin"])
    assert body["data"]["createWebhookEndpoint"]["errors"][0]["code"] == "WEBHOOK_EVENT_TYPES_REQUIRED"
    assert owner.execute(text("SELECT count(*) FROM webhook_endpoint")).scalar() == 0
    types = gql("{ webhookEventTypes { name description } }", token=world.tokens["admin"])["data"]["webhookEventTypes"]
    assert {t["name"] for t in types} == {EVENT, "job.finished"}
    # registered while allowed, then delivered under the strict setting: refused at delivery, no request made
    with receiver() as hook:
        rt.settings = replace(strict, webhook_allow_private=True)
        register(gql, world, hook.url, (EVENT,))
        emitted(gql, world, world.A1)
        rt.settings = strict
        dispatch(rt)
        [refused] = deliveries(gql, world)
        assert refused["state"] == "PENDING" and refused["lastStatus"] is None
        assert "non-public address" in refused["lastError"] and hook.received == []


def test_a_client_endpoint_hears_only_its_client_and_another_tenant_sees_nothing(env):
    rt, world, gql, owner = env
    with receiver() as a1_hook, receiver() as tenant_hook, receiver() as b_hook:
        register(gql, world, a1_hook.url, types=(EVENT, "job.finished"), client=world.A1)
        register(gql, world, tenant_hook.url, types=(EVENT, "job.finished"))
        register(gql, world, b_hook.url, types=(EVENT, "job.finished"), who="adminB")
        emitted(gql, world, world.A1, "for A1")
        emitted(gql, world, world.A2, "for A2")
        emitted(gql, world, None, "for the tenant")
        emitted(gql, world, world.A1, "planner's", who="planner")  # scoped staff emit for their client
        job = gql("mutation($l: [UUID!]!) { startNothing(lobIds: $l) }", {"l": [str(world.A1a), str(world.A2a)]},
                  token=world.tokens["admin"])["data"]["startNothing"]
        assert Worker(rt).run_once() == UUID(job)
        dispatch(rt)
        notes = lambda hook: sorted(b["data"].get("note") or b["data"]["kind"] for b in hook.bodies())  # noqa: E731
        assert notes(a1_hook) == ["for A1", "planner's", "test.nothing"]
        assert notes(tenant_hook) == ["for A1", "for A2", "for the tenant", "planner's", "test.nothing",
                                      "test.nothing"]
        assert b_hook.received == []
        finished = [b for b in a1_hook.bodies() if b["type"] == "job.finished"]
        assert [(b["clientId"], b["data"]["lobIds"], b["data"]["state"]) for b in finished] == [
            (str(world.A1), [str(world.A1a)], "SUCCEEDED")]  # the job's part on A1 only
    # another tenant's admin reads no endpoint or delivery of tenant A
    assert len(gql(ENDPOINTS, token=world.tokens["adminB"])["data"]["webhookEndpoints"]["nodes"]) == 1
    assert deliveries(gql, world, "adminB") == []
    assert len(deliveries(gql, world)) == 9
    for who in ("planner", "supervisor"):  # scoped staff neither
        body = gql(ENDPOINTS, token=world.tokens[who])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_raw_sql_as_the_runtime_role_sees_and_writes_nothing_outside_its_scope(env):
    rt, world, gql, owner = env
    with receiver() as hook:
        register(gql, world, hook.url, (EVENT,))
        emitted(gql, world, world.A1)
    raw = RuntimeSQL(rt)
    try:
        for who in ("adminB", "planner", "supervisor"):
            with raw.caller(world.ids[who]) as conn:
                for table in ("webhook_endpoint", "webhook_delivery"):
                    assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0, (who, table)
        with raw.caller(world.adminB) as conn:
            assert conn.execute(text("SELECT count(*) FROM webhook_event")).scalar() == 0
            for sql in (f"INSERT INTO webhook_endpoint (tenant_id, url, event_types, secret_enc)"
                        f" VALUES ('{world.tA}', 'https://example.com', '{{{EVENT}}}', 'x')",
                        f"INSERT INTO webhook_event (tenant_id, event_type, client_id)"
                        f" VALUES ('{world.tA}', '{EVENT}', '{world.A1}')",
                        "UPDATE webhook_endpoint SET active = false RETURNING id"):
                try:
                    with conn.begin_nested():
                        rows = conn.execute(text(sql)).all()
                except ProgrammingError as exc:
                    assert "row-level security" in str(exc)
                else:
                    assert rows == []
        with raw.caller(world.planner) as conn:  # a client-level planner writes no event of another client
            with pytest.raises(ProgrammingError, match="row-level security"):
                conn.execute(text("INSERT INTO webhook_event (tenant_id, event_type, client_id)"
                                  f" VALUES ('{world.tA}', '{EVENT}', '{world.A2}')"))
        with raw.caller(world.admin) as conn:  # the secret is never readable, even by the tenant's admin
            with pytest.raises(ProgrammingError, match="permission denied"):
                conn.execute(text("SELECT secret_enc FROM webhook_endpoint"))
    finally:
        raw.engine.dispose()
    assert owner.execute(text("SELECT count(*) FROM webhook_event")).scalar() == 1
    assert owner.execute(text("SELECT bool_and(active) FROM webhook_endpoint")).scalar() is True


def test_the_webhook_and_subscription_settings_are_read_from_the_environment():
    defaults = Settings.from_env({})
    assert (defaults.webhook_allow_private, defaults.webhook_max_attempts, defaults.webhook_retry_seconds,
            defaults.subscription_recheck_seconds) == (False, 8, 30, 5)
    settings = Settings.from_env({"SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE": "1", "SWITCHBOARD_WEBHOOK_MAX_ATTEMPTS": "3",
                                  "SWITCHBOARD_WEBHOOK_RETRY_SECONDS": "2",
                                  "SWITCHBOARD_SUBSCRIPTION_RECHECK_SECONDS": "9"})
    assert (settings.webhook_allow_private, settings.webhook_max_attempts, settings.webhook_retry_seconds,
            settings.subscription_recheck_seconds) == (True, 3, 2, 9)
    assert Settings.from_env({"SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE": "no"}).webhook_allow_private is False
    for name, value in (("SWITCHBOARD_WEBHOOK_ALLOW_PRIVATE", "sometimes"), ("SWITCHBOARD_WEBHOOK_MAX_ATTEMPTS", "0"),
                        ("SWITCHBOARD_WEBHOOK_RETRY_SECONDS", "1.5")):
        with pytest.raises(ConfigurationError):
            Settings.from_env({name: value})
