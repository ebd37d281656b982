"""A client's error is logged as one line with its code; a real fault keeps its traceback."""

from __future__ import annotations

import logging

from starlette.testclient import TestClient

from switchboard.core.app import create_app
from tests import factories as f
from tests.conftest import TEMPLATE, GraphQLClient, cloned_runtime
from tests.core.test_plugins import Broken

GRAPHQL_LOGGERS = ("strawberry.execution", "switchboard.graphql")


def graphql_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name in GRAPHQL_LOGGERS]


def test_client_errors_are_one_line_with_their_code(world, gql, caplog):
    caplog.set_level(logging.INFO)
    admin, planner = world.tokens["admin"], world.tokens["planner"]
    gql("query($id: UUID!) { employee(id: $id) { id } }", {"id": "not-a-uuid"}, token=admin)
    gql('{ clients(after: "bm90LWEtY3Vyc29y") { edges { cursor } } }', token=admin)
    gql('mutation { createSite(input: {name: "Halifax", country: "CA", region: "CA-NS",'
        ' timezone: "America/Halifax"}) { site { id } } }', token=planner)
    gql("{ nope }", token=admin)
    gql("{ me { ", token=admin)
    records = graphql_records(caplog)
    assert len(records) == 5
    for record in records:
        assert record.exc_info is None and record.levelno == logging.INFO, record
        assert "\n" not in record.getMessage()
    lines = [r.getMessage() for r in records]
    assert lines[0] == "client error BAD_USER_INPUT at - argument=$id"
    assert lines[1] == "client error INVALID_CURSOR at clients field=after"
    assert lines[2] == "client error FORBIDDEN at createSite"
    assert lines[3].startswith("client error GRAPHQL_VALIDATION_FAILED at -: Cannot query field 'nope'")
    assert lines[4].startswith("client error GRAPHQL_PARSE_FAILED")


def test_a_fault_keeps_its_traceback(template, caplog):
    """``broken`` raises a RuntimeError: masked as INTERNAL_ERROR, logged with its traceback."""
    caplog.set_level(logging.INFO)
    with cloned_runtime(template, TEMPLATE, ("broken", Broken)) as runtime:
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            token = f.token(conn, f.user(conn, f.tenant(conn), "agent"))
        with TestClient(create_app(runtime)) as http:
            body = GraphQLClient(http)("{ broken }", token=token)
    assert body["errors"][0]["extensions"] == {"code": "INTERNAL_ERROR"}
    (record,) = graphql_records(caplog)
    assert record.levelno == logging.ERROR
    assert isinstance(record.exc_info[1], RuntimeError) and "broken" in record.getMessage()
