"""Property-based isolation: random grants and bindings, every table, exactly the in-scope rows.

Hypothesis draws a caller — staff or client user, any mix of roles on the tenant,
clients and LOBs, optionally linked to an employee — over a fixed random graph of
two tenants. A plain-Python model of the access rules (written from the design,
not from the SQL) predicts what the caller must see and may write; the database,
queried as the runtime role and through GraphQL, must agree exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from types import SimpleNamespace
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from tests import factories as f
from tests.conftest import GraphQLClient, RuntimeSQL, cloned_runtime, examples

STAFF_SCOPE_ROLES = ["tenant_admin", "workforce_planner", "qa_lead", "qa_evaluator", "supervisor",
                     "account_manager", "finance", "compliance_officer"]
TODAY = date.today()


@dataclass
class Graph:
    tenants: list[UUID] = field(default_factory=list)
    clients: dict[UUID, UUID] = field(default_factory=dict)  # client → tenant
    lobs: dict[UUID, tuple[UUID, UUID]] = field(default_factory=dict)  # lob → (tenant, client)
    sites: dict[UUID, UUID] = field(default_factory=dict)  # site → tenant
    employees: dict[UUID, UUID] = field(default_factory=dict)  # employee → tenant
    assignments: dict[UUID, tuple[UUID, UUID, bool]] = field(default_factory=dict)  # id → (employee, lob, current)
    credentials: dict[UUID, tuple[UUID, UUID | None]] = field(default_factory=dict)  # id → (employee, client)


def build_graph(conn, seed: int = 11) -> Graph:
    rnd = random.Random(seed)
    g = Graph()
    for t_index, client_count in enumerate((3, 2)):
        tenant = f.tenant(conn)
        g.tenants.append(tenant)
        g.sites[f.site(conn, tenant)] = tenant
        tenant_lobs = []
        for _ in range(client_count):
            client = f.client(conn, tenant)
            g.clients[client] = tenant
            for _ in range(2):
                lob = f.lob(conn, tenant, client)
                g.lobs[lob] = (tenant, client)
                tenant_lobs.append((client, lob))
        for _ in range(8 if t_index == 0 else 3):
            emp = f.employee(conn, tenant)
            g.employees[emp] = tenant
            for client, lob in rnd.sample(tenant_lobs, rnd.randint(0, 3)):
                kind = rnd.choice(["current", "current", "ended", "future"])
                start, end = {"current": (TODAY - timedelta(days=90), None),
                              "ended": (TODAY - timedelta(days=200), TODAY - timedelta(days=30)),
                              "future": (TODAY + timedelta(days=10), None)}[kind]
                a = f.assignment(conn, tenant, client, lob, emp, start=start, end=end)
                g.assignments[a] = (emp, lob, kind != "ended")
            tenant_clients = [c for c, t in g.clients.items() if t == tenant]
            for _ in range(rnd.randint(0, 2)):
                client = rnd.choice([None, *tenant_clients])
                cred = f.credential(conn, tenant, emp, rnd.choice(["pci_clearance", "hipaa_training", "cert:x"]),
                                    client_id=client)
                g.credentials[cred] = (emp, client)
    return g


@dataclass
class Caller:
    tenant: UUID
    kind: str
    grants: list[tuple[str, UUID | None, UUID | None]]
    employee: UUID | None = None
    bound: UUID | None = None


def expected(g: Graph, c: Caller) -> dict[str, set[UUID]]:
    """What the design says this caller sees, table by table."""
    t = c.tenant
    mine = lambda d: {k for k, v in d.items() if (v if isinstance(v, UUID) else v[0]) == t}  # noqa: E731
    if c.kind == "client":
        lobs = {lob for lob, (_, cl) in g.lobs.items() if cl == c.bound}
        return {"client": {c.bound}, "lob": lobs, "site": set(), "employee": set(), "assignment": set(),
                "credential": set()}
    scope = [(role, cl, lob) for role, cl, lob in c.grants if role != "agent"]
    if any(cl is None for _, cl, _ in scope):
        return {"client": mine(g.clients), "lob": mine(g.lobs), "site": mine(g.sites),
                "employee": mine(g.employees), "assignment": {a for a, (e, _, _) in g.assignments.items()
                                                              if g.employees[e] == t},
                "credential": {x for x, (e, _) in g.credentials.items() if g.employees[e] == t}}
    full_clients = {cl for _, cl, lob in scope if lob is None}
    full_lobs = ({lob for _, _, lob in scope if lob is not None}
                 | {lob for lob, (_, cl) in g.lobs.items() if cl in full_clients})
    own = c.employee
    own_lobs = {lob for a, (e, lob, current) in g.assignments.items() if e == own and current}
    reach_lobs = full_lobs | own_lobs
    reach_clients = full_clients | {g.lobs[lob][1] for lob in reach_lobs}
    scoped_employees = {e for a, (e, lob, current) in g.assignments.items() if lob in full_lobs and current}
    return {
        "client": reach_clients,
        "lob": reach_lobs,
        "site": mine(g.sites),
        "employee": scoped_employees | ({own} if own else set()),
        "assignment": {a for a, (e, lob, _) in g.assignments.items() if lob in full_lobs or e == own},
        "credential": {x for x, (e, cl) in g.credentials.items()
                       if (e in scoped_employees and (cl is None or cl in reach_clients)) or e == own},
    }


def writable_lobs(g: Graph, c: Caller) -> set[UUID]:
    """LOB rows this caller may update: tenant-wide, or a grant on the LOB's client or the LOB."""
    if c.kind == "client":
        return set()
    scope = [(cl, lob) for role, cl, lob in c.grants if role != "agent"]
    if any(cl is None for cl, _ in scope):
        return {lob for lob, (t, _) in g.lobs.items() if t == c.tenant}
    clients = {cl for cl, lob in scope if lob is None}
    return {lob for lob, (_, cl) in g.lobs.items() if cl in clients} | {lob for _, lob in scope if lob is not None}


@st.composite
def callers(draw, g: Graph) -> Caller:
    tenant = draw(st.sampled_from(g.tenants))
    clients = sorted(c for c, t in g.clients.items() if t == tenant)
    lobs = sorted(lob for lob, (t, _) in g.lobs.items() if t == tenant)
    if draw(st.integers(0, 4)) == 0:
        bound = draw(st.sampled_from(clients))
        roles = draw(st.lists(st.sampled_from(["client_viewer", "client_admin"]), unique=True, max_size=2))
        return Caller(tenant, "client", [(r, bound, None) for r in roles], bound=bound)
    scope = st.one_of(st.just((None, None)), st.sampled_from([(c, None) for c in clients]),
                      st.sampled_from([(g.lobs[lob][1], lob) for lob in lobs]))
    grants = draw(st.lists(st.tuples(st.sampled_from(STAFF_SCOPE_ROLES + ["agent"]), scope), max_size=4,
                           unique=True))
    employees = sorted(e for e, t in g.employees.items() if t == tenant)
    employee = draw(st.one_of(st.none(), st.sampled_from(employees)))
    return Caller(tenant, "staff", [(r, c, lob) for r, (c, lob) in grants], employee=employee)


def create_user(conn, c: Caller) -> UUID:
    return f.user(conn, c.tenant, *c.grants, kind=c.kind, employee_id=c.employee, bound_client=c.bound)


def delete_user(conn, user_id: UUID) -> None:
    for table in ("auth_token", "role_grant", "client_binding"):
        conn.execute(text(f"DELETE FROM {table} WHERE user_id = :u"), {"u": user_id})
    conn.execute(text("DELETE FROM app_user WHERE id = :u"), {"u": user_id})


@pytest.fixture(scope="module")
def graph_db(template):
    with cloned_runtime(template) as runtime:
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            g = build_graph(conn)
            sql = RuntimeSQL(runtime)
            with TestClient(create_app(runtime)) as http:
                yield SimpleNamespace(runtime=runtime, graph=g, owner=conn, sql=sql, gql=GraphQLClient(http))
            sql.engine.dispose()


PROPERTY = settings(max_examples=examples(120), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def test_graph_is_rich_enough(graph_db):
    g = graph_db.graph
    assert len(g.clients) == 5 and len(g.lobs) == 10 and len(g.employees) == 11
    currents = [x for x in g.assignments.values() if x[2]]
    assert currents and len(currents) < len(g.assignments)
    assert any(cl is not None for _, cl in g.credentials.values())


@given(data=st.data())
@PROPERTY
def test_every_table_returns_exactly_the_in_scope_rows(graph_db, data):
    g = graph_db.graph
    caller = data.draw(callers(g))
    user = create_user(graph_db.owner, caller)
    try:
        want = expected(g, caller)
        with graph_db.sql.caller(user) as conn:
            for table, ids in want.items():
                got = set(conn.execute(text(f"SELECT id FROM {table}")).scalars())
                assert got == ids, (table, caller)
            writable = writable_lobs(g, caller)
            for lob in g.lobs:
                changed = conn.execute(text("UPDATE lob SET name = name WHERE id = :l"), {"l": lob}).rowcount
                assert changed == (1 if lob in writable else 0), (lob, caller)
    finally:
        delete_user(graph_db.owner, user)


GQL = """{ clients(first: 100) { edges { node { id: databaseId lobs { id: databaseId } } } }
           lobs(first: 100) { edges { node { id: databaseId } } }
           sites(first: 100) { edges { node { id: databaseId } } } }"""


@given(data=st.data())
@settings(max_examples=examples(30), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_query_field_returns_exactly_the_in_scope_rows(graph_db, data):
    g = graph_db.graph
    caller = data.draw(callers(g).filter(lambda c: c.kind == "staff"))
    user = create_user(graph_db.owner, caller)
    try:
        token = f.token(graph_db.owner, user)
        want = expected(g, caller)
        body = graph_db.gql(GQL, token=token)
        if not caller.grants:
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            return
        assert "errors" not in body, body
        ids = lambda conn: {UUID(e["node"]["id"]) for e in conn["edges"]}  # noqa: E731
        assert ids(body["data"]["clients"]) == want["client"]
        assert ids(body["data"]["lobs"]) == want["lob"]
        assert ids(body["data"]["sites"]) == want["site"]
        nested = {UUID(lob["id"]) for e in body["data"]["clients"]["edges"] for lob in e["node"]["lobs"]}
        assert nested == want["lob"]
    finally:
        delete_user(graph_db.owner, user)
