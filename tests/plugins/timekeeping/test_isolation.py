"""Who sees and writes which time entries: through GraphQL and raw SQL as the runtime role."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.plugins.timekeeping.test_ledger import RECORD, entry

LIST = "{ timeEntries(first: 100) { nodes { employee { preferredName } lob { code } } } }"


def ledger(owner, world) -> dict[str, str]:
    """One entry per assignment of the world (e1 A1a, e2 A1b and A2a, e3 A2a, eB B1a), by the owner."""
    rows = owner.execute(text("SELECT a.id, a.tenant_id, a.client_id, a.lob_id, a.employee_id, e.preferred_name,"
                              " l.code FROM assignment a JOIN employee e ON e.id = a.employee_id"
                              " JOIN lob l ON l.id = a.lob_id ORDER BY e.preferred_name, l.code")).all()
    ids = {}
    for n, r in enumerate(rows):
        ids[f"{r.preferred_name}/{r.code}"] = owner.execute(text(
            "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity,"
            " started_at, ended_at, source, work_date, timezone, booked_on) VALUES (:t, :c, :l, :e, :a,"
            " 'handling', CAST(:s AS timestamptz), CAST(:s AS timestamptz) + interval '1 hour',"
            " 'acd', NULL, NULL, NULL)"
            " RETURNING id"),
            {"t": r.tenant_id, "c": r.client_id, "l": r.lob_id, "e": r.employee_id, "a": r.id,
             "s": f"2026-03-02T{10 + n:02d}:00:00Z"}).scalar_one()
    return ids


SEES = {
    "admin": {"e1/L1-EN", "e2/L1-FR", "e2/CARDS", "e3/CARDS"},
    "planner": {"e1/L1-EN", "e2/L1-FR"},        # client A1
    "supervisor": {"e2/CARDS", "e3/CARDS"},     # LOB A2a
    "agent": {"e2/L1-FR", "e2/CARDS"},          # their own, on both clients
    "adminB": {"eB/SUP"},
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_caller_sees_exactly_their_scope(gql, as_runtime, world, owner, who):
    ledger(owner, world)
    nodes = gql(LIST, token=world.tokens[who])["data"]["timeEntries"]["nodes"]
    seen = {f"{n['employee']['preferredName'] if n['employee'] else 'e2'}/{n['lob']['code']}" for n in nodes}
    assert seen == SEES[who]
    with as_runtime.caller(world.ids[who]) as conn:
        raw = conn.execute(text("SELECT e.preferred_name || '/' || l.code FROM time_entry t"
                                " JOIN employee e ON e.id = t.employee_id JOIN lob l ON l.id = t.lob_id")).scalars()
        rows = conn.execute(text("SELECT count(*) FROM time_entry")).scalar()
    assert rows == len(SEES[who])
    assert set(raw) <= SEES[who]


def test_a_client_user_reaches_no_ledger(gql, world, owner):
    ledger(owner, world)
    body = gql(LIST, token=world.tokens["portal"])
    assert body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"
    portal = gql("{ timeEntries { nodes { id } } }", token=world.tokens["portal"], portal=True)
    assert "Cannot query field 'timeEntries'" in portal["errors"][0]["message"]


@pytest.mark.parametrize(("who", "employee", "lob", "code"), [
    ("planner", "e2", "A2a", "NOT_FOUND"),      # client A2 is outside the planner's grant
    ("supervisor", "e2", "A1b", "NOT_FOUND"),   # LOB A1b is outside the supervisor's
    ("adminB", "e1", "A1a", "NOT_FOUND"),       # another tenant
])
def test_nobody_records_outside_their_scope(gql, world, owner, who, employee, lob, code):
    body = gql(RECORD, {"input": entry(world.ids[employee], world.ids[lob])}, token=world.tokens[who])
    payload = body.get("data") and body["data"]["recordTimeEntry"]
    codes = [e["code"] for e in payload["errors"]] if payload else [body["errors"][0]["extensions"]["code"]]
    assert codes[0] in (code, "FORBIDDEN")
    assert owner.execute(text("SELECT count(*) FROM time_entry")).scalar() == 0


def refused_insert(as_runtime, owner, world, who: str, employee: str, client: str, lob: str) -> None:
    """Raw SQL as the runtime role, as ``who``, cannot insert an entry on ``lob`` (row security)."""
    a = owner.execute(text("SELECT id FROM assignment WHERE employee_id = :e AND lob_id = :l"),
                      {"e": world.ids[employee], "l": world.ids[lob]}).scalar_one()
    with as_runtime.caller(world.ids[who]) as conn:
        with pytest.raises(Exception) as raised:
            conn.execute(text(
                "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity,"
                " started_at, ended_at, source, work_date, timezone, booked_on) VALUES (:t, :c, :l, :e, :a,"
                " 'handling', '2026-03-09T14:00Z', '2026-03-09T15:00Z', 'manual', NULL, NULL, NULL)"),
                {"t": world.tA, "c": world.ids[client], "l": world.ids[lob], "e": world.ids[employee], "a": a})
        assert "row-level security" in str(raised.value)


def test_raw_sql_writes_outside_scope_are_refused(as_runtime, world, owner):
    ids = ledger(owner, world)
    refused_insert(as_runtime, owner, world, "planner", "e3", "A2", "A2a")  # the planner: client A1 only
    for who in ("planner", "agent", "adminB"):
        with as_runtime.caller(world.ids[who]) as conn:
            changed = conn.execute(text("UPDATE time_entry SET status = 'voided' WHERE id = :i"),
                                   {"i": ids["e3/CARDS"]}).rowcount
            assert changed == 0
    assert owner.execute(text("SELECT status FROM time_entry WHERE id = :i"), {"i": ids["e3/CARDS"]}).scalar() \
        == "active"
