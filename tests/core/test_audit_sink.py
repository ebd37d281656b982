"""switchboard_audit_sink: plugins receive a request's audit events after it commits."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.hookspecs import hookimpl
from tests.conftest import TEMPLATE, GraphQLClient, cloned_runtime
from tests.world import build_world

RENAME = 'mutation($id: UUID!, $name: String!) { updateLob(id: $id, patch: {name: $name}) { errors { code } } }'


class Collector:
    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[dict]] = []
        self.fail = fail

    @hookimpl
    def switchboard_audit_sink(self, events):
        self.batches.append(events)
        if self.fail:
            raise RuntimeError("the SIEM is down")


@pytest.fixture
def sunk(template):
    collector, broken = Collector(), Collector(fail=True)
    with cloned_runtime(template, TEMPLATE, ("siem", collector), ("broken_siem", broken)) as runtime:
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
        with TestClient(create_app(runtime)) as http:
            yield GraphQLClient(http), world, collector, broken


def test_committed_events_reach_every_sink_even_if_one_fails(sunk):
    gql, world, collector, broken = sunk
    body = gql(RENAME, {"id": str(world.A1a), "name": "Renamed"}, token=world.tokens["admin"])
    assert body["data"]["updateLob"]["errors"] == []
    assert len(collector.batches) == 1 and len(broken.batches) == 1
    [event] = collector.batches[0]
    assert (event["table_name"], event["op"], event["row_id"], event["actor_user_id"]) == (
        "lob", "UPDATE", world.A1a, world.admin)
    assert event["changed"] == {"name": ["L1 retail EN", "Renamed"]}


def test_refused_or_read_only_requests_send_nothing(sunk):
    gql, world, collector, _ = sunk
    refused = gql(RENAME, {"id": str(world.A1a), "name": "x"}, token=world.tokens["adminB"])
    assert refused["data"]["updateLob"]["errors"] == [{"code": "NOT_FOUND"}]
    gql("{ clients { edges { node { name } } } }", token=world.tokens["admin"])
    assert collector.batches == []
