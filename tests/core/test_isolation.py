"""Row-level security decides which rows each caller sees and may write.

Every expectation here is spelled out by hand from the world in conftest; the
property-based tests in test_isolation_properties.py cover random grants.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from switchboard.core.db.engines import connect_args, sqlalchemy_url
from tests import factories as f

# caller → table → the names (world keys) of the rows it must see, no more, no less
VISIBLE = {
    "admin": {"client": {"A1", "A2"}, "lob": {"A1a", "A1b", "A2a"}, "employee": {"e1", "e2", "e3"},
              "site": {"siteA"}},
    "planner": {"client": {"A1"}, "lob": {"A1a", "A1b"}, "employee": {"e1", "e2"}, "site": {"siteA"}},
    "supervisor": {"client": {"A2"}, "lob": {"A2a"}, "employee": {"e2", "e3"}, "site": {"siteA"}},
    "agent": {"client": {"A1", "A2"}, "lob": {"A1b", "A2a"}, "employee": {"e2"}, "site": {"siteA"}},
    "portal": {"client": {"A1"}, "lob": {"A1a", "A1b"}, "employee": set(), "site": set()},
    "adminB": {"client": {"B1"}, "lob": {"B1a"}, "employee": {"eB"}, "site": {"siteB"}},
    None: {"client": set(), "lob": set(), "employee": set(), "site": set()},
}
# caller → (employee, LOB) pairs of the assignments it sees
ASSIGNMENTS = {
    "admin": {("e1", "A1a"), ("e2", "A1b"), ("e2", "A2a"), ("e3", "A2a")},
    "planner": {("e1", "A1a"), ("e2", "A1b")},
    "supervisor": {("e2", "A2a"), ("e3", "A2a")},
    "agent": {("e2", "A1b"), ("e2", "A2a")},
    "portal": set(),
    "adminB": {("eB", "B1a")},
    None: set(),
}
CREDENTIALS = {
    "admin": {"pci_clearance", "cert:retailco", "cert:laurier"},
    "planner": {"pci_clearance", "cert:retailco"},
    "supervisor": {"pci_clearance", "cert:laurier"},
    "agent": {"pci_clearance", "cert:retailco"},
    "portal": set(),
    "adminB": set(),
    None: set(),
}


def names(world, ids) -> set[str]:
    reverse = {v: k for k, v in world.ids.items()}
    return {reverse[i] for i in ids}


@pytest.mark.parametrize("who", list(VISIBLE))
def test_runtime_role_sees_exactly_its_scope(world, as_runtime, who):
    with as_runtime.caller(world.ids.get(who)) as conn:
        for table, expected in VISIBLE[who].items():
            rows = conn.execute(text(f"SELECT id FROM {table}")).scalars().all()
            assert names(world, rows) == expected, (who, table)
        pairs = conn.execute(text("SELECT employee_id, lob_id FROM assignment")).all()
        assert {(names(world, [e]).pop(), names(world, [lob]).pop()) for e, lob in pairs} == ASSIGNMENTS[who]
        kinds = conn.execute(text("SELECT kind FROM credential")).scalars().all()
        assert set(kinds) == CREDENTIALS[who] and len(kinds) == len(set(kinds))


@pytest.fixture
def dated(world, owner):
    """Employees of tenant A whose assignments on A1a (RetailCo) ended yesterday, end after
    today, or start tomorrow; one of them moved from A1a to A2a (Banque Laurier), and is
    an agent. Dates are the database's (the policies compare with its current_date)."""
    i = world.ids
    today = owner.execute(text("SELECT current_date")).scalar_one()
    yesterday, tomorrow, long_ago = today - timedelta(days=1), today + timedelta(days=1), today - timedelta(days=90)
    for name in ("left", "last_day", "upcoming", "moved"):
        i[name] = f.employee(owner, i["tA"], preferred_name=name, hire_date=long_ago)
    f.assignment(owner, i["tA"], i["A1"], i["A1a"], i["left"], start=long_ago, end=today)  # last day: yesterday
    f.assignment(owner, i["tA"], i["A1"], i["A1a"], i["last_day"], start=long_ago, end=tomorrow)  # last day: today
    f.assignment(owner, i["tA"], i["A1"], i["A1a"], i["upcoming"], start=tomorrow)
    f.assignment(owner, i["tA"], i["A1"], i["A1a"], i["moved"], start=long_ago, end=yesterday)
    f.assignment(owner, i["tA"], i["A2"], i["A2a"], i["moved"], start=yesterday)
    i["moved_agent"] = f.user(owner, i["tA"], "agent", employee_id=i["moved"])
    return world


def test_an_ended_assignment_no_longer_brings_its_employee_into_view(dated, as_runtime):
    """Staff scoped to a client or LOB see the employees who work it now or will (ARCHITECTURE,
    "Who sees what": only the clients/LOBs granted). Someone whose assignment there has ended
    has left that client's scope: the planner of RetailCo no longer sees them, though
    RetailCo's records of the past assignment stay visible; the supervisor of the LOB they
    moved to does see them."""
    w = dated
    with as_runtime.caller(w.planner) as conn:
        employees = conn.execute(text("SELECT id FROM employee")).scalars().all()
        past = conn.execute(text("SELECT employee_id FROM assignment WHERE upper(valid_during) <= current_date"))
        assert names(w, past.scalars()) == {"left", "moved"}
    assert names(w, employees) == {"e1", "e2", "last_day", "upcoming"}
    with as_runtime.caller(w.supervisor) as conn:
        employees = conn.execute(text("SELECT id FROM employee")).scalars().all()
    assert names(w, employees) == {"e2", "e3", "moved"}


def test_an_agent_s_ended_assignment_no_longer_opens_its_client(dated, as_runtime):
    """An agent sees the LOBs and clients they work now or will work; not those they have left
    (their own past assignment stays visible to them)."""
    w = dated
    with as_runtime.caller(w.moved_agent) as conn:
        lobs = conn.execute(text("SELECT id FROM lob")).scalars().all()
        clients = conn.execute(text("SELECT id FROM client")).scalars().all()
        mine = conn.execute(text("SELECT lob_id FROM assignment")).scalars().all()
    assert (names(w, lobs), names(w, clients), names(w, mine)) == ({"A2a"}, {"A2"}, {"A1a", "A2a"})


def test_no_caller_sees_nothing_anywhere(world, as_runtime, owner):
    tables = owner.execute(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'"
        " WHERE n.nspname = 'public' AND c.relkind = 'r'")).scalars().all()
    assert len(tables) >= 10
    with as_runtime.caller(None) as conn:
        for table in tables:
            conn.execute(text("SAVEPOINT s"))
            try:
                count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            except DBAPIError:  # no SELECT grant at all is also nothing
                conn.execute(text("ROLLBACK TO SAVEPOINT s"))
                continue
            assert count == 0, table


@pytest.mark.parametrize("who, statement", [
    ("planner", "INSERT INTO lob (tenant_id, client_id, name, code, language, channel, timezone, sla_target_pct,"
                " sla_answer_seconds) VALUES (:tA, :A2, 'x', 'XX', 'en', 'voice', 'UTC', 80, 20)"),
    ("planner", "INSERT INTO client (tenant_id, name, code, jurisdiction, timezone, languages, currency,"
                " holiday_region) VALUES (:tB, 'x', 'XX', 'CA', 'UTC', '{en}', 'CAD', 'CA')"),
    ("adminB", "INSERT INTO lob (tenant_id, client_id, name, code, language, channel, timezone, sla_target_pct,"
               " sla_answer_seconds) VALUES (:tA, :A1, 'x', 'XX', 'en', 'voice', 'UTC', 80, 20)"),
    ("portal", "INSERT INTO lob (tenant_id, client_id, name, code, language, channel, timezone, sla_target_pct,"
               " sla_answer_seconds) VALUES (:tA, :A1, 'x', 'XX', 'en', 'voice', 'UTC', 80, 20)"),
    ("agent", "INSERT INTO credential (tenant_id, employee_id, kind, issued_on)"
              " VALUES (:tA, :e2, 'pci_clearance', '2026-01-01')"),
])
def test_writes_outside_scope_are_refused(world, as_runtime, who, statement):
    with as_runtime.caller(world.ids[who]) as conn:
        with pytest.raises(DBAPIError, match="row-level security|permission denied"):
            conn.execute(text(statement), world.ids)


@pytest.mark.parametrize("who, statement", [
    ("planner", "UPDATE lob SET name = 'hijacked' WHERE id = :A2a"),
    ("supervisor", "UPDATE lob SET name = 'hijacked' WHERE id = :A1a"),
    ("adminB", "UPDATE client SET name = 'hijacked' WHERE id = :A1"),
    ("agent", "UPDATE assignment SET weekly_hours_cap = 60 WHERE employee_id = :e2"),
    ("portal", "UPDATE client SET name = 'hijacked' WHERE id = :A1"),
    ("adminB", "DELETE FROM credential WHERE employee_id = :e2"),
])
def test_updates_outside_scope_touch_nothing(world, as_runtime, owner, who, statement):
    with as_runtime.caller(world.ids[who]) as conn:
        assert conn.execute(text(statement), world.ids).rowcount == 0
    assert owner.execute(text("SELECT count(*) FROM lob WHERE name = 'hijacked'")).scalar() == 0
    assert owner.execute(text("SELECT count(*) FROM credential WHERE employee_id = :e2"), world.ids).scalar() == 2


def test_scope_keys_forbid_a_lob_of_another_client_or_tenant(world, owner):
    """Composite keys: even the owner cannot file a row under a LOB of another client."""
    with pytest.raises(DBAPIError, match="foreign key"):
        owner.execute(text(
            "INSERT INTO assignment (tenant_id, client_id, lob_id, employee_id, role, valid_during, pay_rate,"
            " pay_currency, weekly_hours_cap) VALUES (:tA, :A1, :A2a, :e1, 'agent', '[2026-01-01,)', 20, 'CAD', 40)"),
            world.ids)
    with pytest.raises(DBAPIError, match="foreign key"):
        owner.execute(text(
            "INSERT INTO lob (tenant_id, client_id, name, code, language, channel, timezone, sla_target_pct,"
            " sla_answer_seconds) VALUES (:tA, :B1, 'x', 'XX', 'en', 'voice', 'UTC', 80, 20)"), world.ids)


def test_pooled_connection_never_carries_the_previous_caller(world, runtime):
    db = runtime.database
    engine = create_engine(sqlalchemy_url(db.runtime_url), pool_size=1, max_overflow=0,
                           connect_args=connect_args(db.runtime_set_role, "pool-test"))
    try:
        with engine.begin() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            conn.execute(text("SELECT set_config('app.user_id', :u, true)"), {"u": str(world.admin)})
            assert conn.execute(text("SELECT count(*) FROM client")).scalar() == 2
        with engine.begin() as conn:
            assert conn.execute(text("SELECT pg_backend_pid()")).scalar() == pid  # same physical connection
            assert conn.execute(text("SELECT current_setting('app.user_id', true)")).scalar() == ""
            assert conn.execute(text("SELECT app.user_id()")).scalar() is None
            assert conn.execute(text("SELECT count(*) FROM client")).scalar() == 0
    finally:
        engine.dispose()


CLIENTS = "{ clients { edges { node { name lobs { name } } } } }"


@pytest.mark.parametrize("who, expected", [
    ("admin", {"Banque Laurier": {"Cards"}, "RetailCo": {"L1 retail EN", "L1 retail FR"}}),
    ("planner", {"RetailCo": {"L1 retail EN", "L1 retail FR"}}),
    ("supervisor", {"Banque Laurier": {"Cards"}}),
    ("agent", {"Banque Laurier": {"Cards"}, "RetailCo": {"L1 retail FR"}}),
    ("adminB", {"Other BPO client": {"Support"}}),
])
def test_graphql_clients_are_bounded_by_scope(world, gql, who, expected):
    body = gql(CLIENTS, token=world.tokens[who])
    assert "errors" not in body, body
    got = {e["node"]["name"]: {lob["name"] for lob in e["node"]["lobs"]} for e in body["data"]["clients"]["edges"]}
    assert got == expected


def test_graphql_one_client_outside_scope_is_null(world, gql):
    body = gql("query($id: UUID!) { client(id: $id) { name } }", {"id": str(world.A2)}, token=world.tokens["planner"])
    assert body["data"]["client"] is None
    body = gql("query($id: UUID!) { client(id: $id) { name } }", {"id": str(world.A1)}, token=world.tokens["adminB"])
    assert body["data"]["client"] is None


def test_client_users_get_nothing_from_the_internal_endpoint(world, gql):
    body = gql(CLIENTS, token=world.tokens["portal"])
    assert body["_status"] == 403
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"  # refused, not run


def test_staff_get_nothing_from_the_portal_endpoint(world, gql):
    body = gql("{ account { name } }", token=world.tokens["admin"], portal=True)
    assert body["_status"] == 403 and body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"


def test_portal_shows_only_the_bound_account(world, gql):
    body = gql("{ account { name lobs { name } } }", token=world.tokens["portal"], portal=True)
    assert body["data"]["account"] == {"name": "RetailCo", "lobs": [{"name": "L1 retail EN"}, {"name": "L1 retail FR"}]}


def test_anonymous_graphql_is_refused_with_a_code(world, gql):
    body = gql(CLIENTS)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] is None
