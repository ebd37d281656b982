"""Relay global ids: ``node``/``nodes`` on both schemas answer as the caller, per type in one
statement, and null (never an error, never another scope's row) for anything else."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from switchboard.core.graphql.node import MAX_IDS, to_global_id
from tests.conftest import graphql_client

TABLES = {"Client": "client", "Lob": "lob", "Site": "site", "Employee": "employee", "Forecast": "forecast",
          "Schedule": "schedule", "Invoice": "invoice", "TimeEntry": "time_entry", "Assignment": "assignment",
          "User": "app_user", "Job": "job", "WebhookEndpoint": "webhook_endpoint"}
NODE = "query($id: ID!) { node(id: $id) { __typename id databaseId } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id databaseId } }"


@pytest.fixture(scope="module")
def gql(populated):
    with graphql_client(populated.runtime) as client:
        yield client


def first_row(populated, table: str, tenant) -> str:
    with populated.runtime.owner.connect() as conn:
        return str(conn.execute(text(f"SELECT id FROM {table} WHERE tenant_id = :t ORDER BY id LIMIT 1"),
                                {"t": tenant}).scalar_one())


def node(gql, token: str, gid: str, portal: bool = False):
    body = gql(NODE, {"id": gid}, token=token, portal=portal)
    assert "errors" not in body, body
    return body["data"]["node"]


def test_every_internal_node_type_is_covered_here(populated):
    assert set(populated.runtime.node_types[False]) == set(TABLES)
    assert set(populated.runtime.node_types[True]) == {"PortalAccount", "PortalLob"}


@pytest.mark.parametrize("type_name", sorted(TABLES))
def test_node_round_trips_every_type_and_hides_the_other_tenant(populated, gql, type_name):
    w = populated.world
    mine, theirs = (first_row(populated, TABLES[type_name], t) for t in (w.tA, w.tB))
    gid = to_global_id(type_name, mine)
    assert node(gql, w.tokens["admin"], gid) == {"__typename": type_name, "id": gid, "databaseId": mine}
    assert node(gql, w.tokens["admin"], to_global_id(type_name, theirs)) is None
    assert node(gql, w.tokens["adminB"], to_global_id(type_name, theirs))["databaseId"] == theirs
    assert node(gql, w.tokens["adminB"], gid) is None


def test_another_clients_object_is_null(populated, gql):
    w = populated.world
    planner = w.tokens["planner"]  # granted client A1 only
    assert node(gql, planner, to_global_id("Client", w.A1))["databaseId"] == str(w.A1)
    assert node(gql, planner, to_global_id("Client", w.A2)) is None
    assert node(gql, planner, to_global_id("Lob", w.A2a)) is None
    assert node(gql, planner, to_global_id("Lob", w.A1a))["__typename"] == "Lob"


def rows_of_client(populated, table: str, client) -> list[str]:
    with populated.runtime.owner.connect() as conn:
        return [str(x) for x in conn.execute(text(f"SELECT id FROM {table} WHERE client_id = :c ORDER BY id"),
                                             {"c": client}).scalars()]


def test_assignments_of_another_client_are_null(populated, gql):
    w = populated.world
    planner = w.tokens["planner"]  # granted client A1 only
    mine, theirs = rows_of_client(populated, "assignment", w.A1), rows_of_client(populated, "assignment", w.A2)
    assert mine and theirs
    assert [node(gql, planner, to_global_id("Assignment", a))["databaseId"] for a in mine] == mine
    assert [node(gql, planner, to_global_id("Assignment", a)) for a in theirs] == [None] * len(theirs)


def test_jobs_about_another_clients_lob_are_null(populated, gql):
    w = populated.world
    with populated.runtime.owner.connect() as conn:
        jobs = dict(conn.execute(text("SELECT lob_ids[1], id::text FROM job WHERE tenant_id = :t"
                                      " AND cardinality(lob_ids) = 1"), {"t": w.tA}).all())
    assert node(gql, w.tokens["planner"], to_global_id("Job", jobs[w.A1a]))["databaseId"] == jobs[w.A1a]
    assert node(gql, w.tokens["planner"], to_global_id("Job", jobs[w.A2a])) is None
    assert node(gql, w.tokens["admin"], to_global_id("Job", jobs[w.A2a]))["databaseId"] == jobs[w.A2a]


@pytest.mark.parametrize("type_name", ["User", "WebhookEndpoint"])
def test_admin_only_types_are_null_without_the_permission(populated, gql, type_name):
    w = populated.world
    gid = to_global_id(type_name, first_row(populated, TABLES[type_name], w.tA))
    assert node(gql, w.tokens["admin"], gid)["__typename"] == type_name
    for who in ("planner", "supervisor", "agent"):
        assert node(gql, w.tokens[who], gid) is None


@pytest.mark.parametrize("gid", [
    "!!!", "", "Q2xpZW50", to_global_id("Client", "not-a-uuid"), to_global_id("Query", "0" * 32),
    to_global_id("PortalLob", "00000000-0000-0000-0000-000000000000"),
])
def test_garbled_or_foreign_ids_are_null(populated, gql, gid):
    assert node(gql, populated.world.tokens["admin"], gid) is None


def test_an_id_of_another_type_does_not_load_this_one(populated, gql):
    w = populated.world
    assert node(gql, w.tokens["admin"], to_global_id("Lob", w.A1)) is None  # a client's UUID named as a LOB
    assert node(gql, w.tokens["admin"], to_global_id("Employee", w.A1a)) is None


def test_nodes_keeps_order_and_nulls(populated, gql):
    w = populated.world
    ids = [to_global_id("Lob", w.A1a), "garbage", to_global_id("Client", w.B1), to_global_id("Client", w.A1)]
    body = gql(NODES, {"ids": ids}, token=w.tokens["admin"])
    found = body["data"]["nodes"]
    assert [n and n["databaseId"] for n in found] == [str(w.A1a), None, None, str(w.A1)]


@pytest.mark.parametrize("lang, message", [("en", "At most 100 ids"), ("fr", "Au plus 100 identifiants")])
def test_nodes_over_the_cap_is_a_coded_error(populated, gql, lang, message):
    ids = [to_global_id("Client", populated.world.A1)] * (MAX_IDS + 1)
    body = gql(NODES, {"ids": ids}, token=populated.world.tokens["admin"], lang=lang)
    assert body.get("data") is None  # refused before anything runs
    error = body["errors"][0]
    assert error["extensions"]["code"] == "TOO_MANY_IDS" and message in error["message"]
    assert len(gql(NODES, {"ids": ids[:MAX_IDS]}, token=populated.world.tokens["admin"])["data"]["nodes"]) == MAX_IDS


def test_nodes_reads_each_type_once(populated, gql, monkeypatch):
    w = populated.world
    runtime = populated.runtime
    monkeypatch.setattr(runtime, "settings", replace(runtime.settings, expose_statement_count=True))

    def statements(ids):
        body = gql(NODES, {"ids": ids}, token=w.tokens["admin"])
        assert "errors" not in body and all(body["data"]["nodes"]), body
        return body["extensions"]["sqlStatements"]

    one = statements([to_global_id("Client", w.A1)])
    clients = [to_global_id("Client", c) for c in (w.A1, w.A2)]
    lobs = [to_global_id("Lob", x) for x in (w.A1a, w.A1b, w.A2a)]
    employees = [to_global_id("Employee", e) for e in (w.e1, w.e2, w.e3)]
    assert statements(clients) == one
    assert statements(clients + lobs) == one + 1
    assert statements(lobs + clients + employees + lobs) == one + 2


def test_ids_are_accepted_where_uuids_are(populated, gql):
    w = populated.world
    body = gql("query($id: UUID!) { client(id: $id) { id name } lobs(clientId: $id) { totalCount } }",
               {"id": to_global_id("Client", w.A1)}, token=w.tokens["admin"])
    assert body["data"]["client"]["id"] == to_global_id("Client", w.A1)
    assert body["data"]["lobs"]["totalCount"] == 3
    body = gql("query($id: UUID!) { client(id: $id) { id } }", {"id": "garbage"}, token=w.tokens["admin"])
    assert "errors" in body


def test_portal_nodes_are_the_callers_account_only(populated, gql):
    w = populated.world
    token = w.tokens["portal"]  # bound to A1
    lob = node(gql, token, to_global_id("PortalLob", w.A1a), portal=True)
    assert lob == {"__typename": "PortalLob", "id": to_global_id("PortalLob", w.A1a), "databaseId": str(w.A1a)}
    account = gql("{ account { id lobs { id } } }", token=token, portal=True)["data"]["account"]
    assert node(gql, token, account["id"], portal=True)["databaseId"] == str(w.A1)
    assert to_global_id("PortalLob", w.A1a) in [x["id"] for x in account["lobs"]]
    for gid in (to_global_id("PortalLob", w.A2a), to_global_id("PortalLob", w.B1a),
                to_global_id("PortalAccount", w.A2), to_global_id("Client", w.A1), to_global_id("Lob", w.A1a)):
        assert node(gql, token, gid, portal=True) is None
    # a staff member's internal node never answers a portal type
    assert node(gql, w.tokens["admin"], to_global_id("PortalLob", w.A1a)) is None
