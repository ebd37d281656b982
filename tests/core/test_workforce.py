"""Employees, assignments and credentials through GraphQL: writes, scope, PII and statement counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests import factories as f
from tests.core.test_isolation import VISIBLE, names

ERRORS = "errors { code field message }"
EMPLOYEE = ("id databaseId employeeNumber preferredName hireDate terminationDate workRegion"
            " languages { language proficiency }")
ASSIGNMENT = ("id: databaseId role validFrom validTo payRate { amount currency } payCurrency"
              " weeklyHoursCap employee { preferredName }"
              " lob { code } client { code } supervisor { preferredName }")


def mutation(signature: str, call: str, result: str) -> str:
    """``mutation(<signature>) { <call> { <result> errors { code field message } } }``."""
    return f"mutation({signature}) {{ {call} {{ {result} {ERRORS} }} }}"


HIRE = mutation("$input: EmployeeInput!", "hireEmployee(input: $input)",
                f"employee {{ {EMPLOYEE} homeSite {{ name }} }}")
UPDATE = mutation("$id: UUID!, $patch: EmployeePatch!", "updateEmployee(id: $id, patch: $patch)",
                  f"employee {{ {EMPLOYEE} contact {{ legalName email phone }} }}")
TERMINATE = mutation("$id: UUID!, $d: Date!", "terminateEmployee(id: $id, terminationDate: $d)",
                     "employee { terminationDate assignments { lob { code } validFrom validTo } }")
CREATE = mutation("$input: AssignmentInput!", "createAssignment(input: $input)", f"assignment {{ {ASSIGNMENT} }}")
END = mutation("$id: UUID!, $d: Date!", "endAssignment(id: $id, lastDay: $d)", f"assignment {{ {ASSIGNMENT} }}")
MOVE = mutation("$id: UUID!, $to: UUID!, $d: Date!, $sup: UUID",
                "moveAssignment(id: $id, toLobId: $to, effectiveDate: $d, supervisorId: $sup)",
                f"ended {{ {ASSIGNMENT} }} created {{ {ASSIGNMENT} }}")
RECORD = mutation("$input: CredentialInput!", "recordCredential(input: $input)",
                  "credential { id kind issuedOn expiresOn status client { code } employee { preferredName } }")
REVOKE = mutation("$id: UUID!, $d: Date!", "revokeCredential(id: $id, revokedOn: $d)",
                  'credential { revokedOn status(on: "2030-01-01") }')
EMPLOYEES = ("query($first: Int, $after: String, $clientId: UUID, $lobId: UUID, $search: String) {"
             " employees(first: $first, after: $after, clientId: $clientId, lobId: $lobId, search: $search)"
             " { edges { cursor node { preferredName employeeNumber } } pageInfo { hasNextPage endCursor } } }")


def ok(body: dict, name: str) -> dict:
    """The payload of a successful mutation."""
    assert "errors" not in body, body
    payload = body["data"][name]
    assert payload["errors"] == [], payload
    return payload


def assignment_id(owner, employee, lob):
    return owner.execute(text("SELECT id FROM assignment WHERE employee_id = :e AND lob_id = :l"),
                         {"e": employee, "l": lob}).scalar_one()


def preferred(body: dict) -> list[str]:
    return [e["node"]["preferredName"] for e in body["data"]["employees"]["edges"]]


# --- employees ---------------------------------------------------------------------------


def test_hire_update_and_read_an_employee(world, gql, owner):
    variables = {"input": {
        "employeeNumber": " N-100 ", "legalName": "Léa Tremblay", "preferredName": "Léa", "hireDate": "2026-12-01",
        "workRegion": "CA-QC", "email": "lea@example.com", "phone": "+1 514 555 0100", "homeSiteId": str(world.siteA),
        "languages": [{"language": "fr", "proficiency": "NATIVE"}, {"language": "en", "proficiency": "C1"}],
    }}
    employee = ok(gql(HIRE, variables, token=world.tokens["admin"]), "hireEmployee")["employee"]
    assert employee["employeeNumber"] == "N-100" and employee["homeSite"] == {"name": "Toronto"}
    assert employee["languages"] == [{"language": "fr", "proficiency": "NATIVE"},
                                     {"language": "en", "proficiency": "C1"}]
    assert employee["terminationDate"] is None
    # the contact fields were written though the runtime role may not select them
    assert owner.execute(text("SELECT legal_name, email FROM employee WHERE id = :id"),
                         {"id": employee["databaseId"]}).one() == ("Léa Tremblay", "lea@example.com")

    patch = {"preferredName": "Léa T.", "email": None, "languages": [{"language": "fr", "proficiency": "NATIVE"}]}
    updated = ok(gql(UPDATE, {"id": employee["id"], "patch": patch}, token=world.tokens["admin"]),
                 "updateEmployee")["employee"]
    assert updated["preferredName"] == "Léa T." and updated["workRegion"] == "CA-QC"
    assert updated["contact"] == {"legalName": "Léa Tremblay", "email": None, "phone": "+1 514 555 0100"}
    assert updated["languages"] == [{"language": "fr", "proficiency": "NATIVE"}]
    inserted = owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'employee' AND row_id = :id"),
                             {"id": employee["databaseId"]}).scalar()
    assert inserted == 2  # hired, updated


def test_terminating_ends_assignments_that_run_past_the_last_day(world, gql, owner):
    f.assignment(owner, world.tA, world.A1, world.A1a, world.e2, start=date(2027, 3, 1))  # starts after: removed
    body = gql(TERMINATE, {"id": str(world.e2), "d": "2026-12-31"}, token=world.tokens["admin"])
    employee = ok(body, "terminateEmployee")["employee"]
    assert employee["terminationDate"] == "2026-12-31"
    assert sorted((a["lob"]["code"], a["validTo"]) for a in employee["assignments"]) == [
        ("CARDS", "2026-12-31"), ("L1-FR", "2026-12-31")]
    assert owner.execute(text("SELECT count(*) FROM assignment WHERE employee_id = :e2"), world.ids).scalar() == 2


def test_employees_are_searched_filtered_and_paged(world, gql, owner):
    for name in ("Zoé", "zora", "Yann"):
        f.employee(owner, world.tA, preferred_name=name)
    admin = world.tokens["admin"]
    assert preferred(gql(EMPLOYEES, {"search": "ZO"}, token=admin)) == ["Zoé", "zora"]
    number = owner.execute(text("SELECT employee_number FROM employee WHERE id = :e3"), world.ids).scalar()
    assert preferred(gql(EMPLOYEES, {"search": number.lower()}, token=admin)) == ["e3"]
    assert preferred(gql(EMPLOYEES, {"search": "%"}, token=admin)) == []
    assert preferred(gql(EMPLOYEES, {"clientId": str(world.A2)}, token=admin)) == ["e2", "e3"]
    assert preferred(gql(EMPLOYEES, {"lobId": str(world.A1a)}, token=admin)) == ["e1"]
    # the planner's scope: asking for A2 shows nothing rather than A2's staff
    assert preferred(gql(EMPLOYEES, {"clientId": str(world.A2)}, token=world.tokens["planner"])) == []

    pages, after = [], None
    while True:
        body = gql(EMPLOYEES, {"first": 2, "after": after}, token=admin)["data"]["employees"]
        pages.append([e["node"]["preferredName"] for e in body["edges"]])
        if not body["pageInfo"]["hasNextPage"]:
            break
        after = body["pageInfo"]["endCursor"]
    expected = owner.execute(text("SELECT preferred_name FROM employee WHERE tenant_id = :tA"
                                  " ORDER BY preferred_name, id"), world.ids).scalars().all()
    assert [len(p) for p in pages] == [2, 2, 2] and sum(pages, []) == expected  # the database's collation


def test_an_employee_shows_the_assignments_and_credentials_the_caller_can_see(world, gql):
    query = ("query($id: UUID!) { employee(id: $id) { preferredName assignments { lob { code } client { code }"
             " weeklyHoursCap validFrom validTo } credentials { kind client { code } } } }")
    by_caller = {}
    for who in ("admin", "planner", "supervisor", "agent"):
        employee = gql(query, {"id": str(world.e2)}, token=world.tokens[who])["data"]["employee"]
        by_caller[who] = ({(a["lob"]["code"], a["client"]["code"]) for a in employee["assignments"]},
                          {c["kind"] for c in employee["credentials"]})
        assert all(a["validFrom"] == "2026-01-01" and a["validTo"] is None for a in employee["assignments"])
    assert by_caller["admin"] == ({("L1-FR", "RETAILCO"), ("CARDS", "LAURIER")}, {"pci_clearance", "cert:retailco"})
    assert by_caller["planner"] == ({("L1-FR", "RETAILCO")}, {"pci_clearance", "cert:retailco"})
    assert by_caller["supervisor"] == ({("CARDS", "LAURIER")}, {"pci_clearance"})
    assert by_caller["agent"] == by_caller["admin"]


# --- assignments -------------------------------------------------------------------------


def assignment_input(world, **kw):
    base = {"employeeId": str(world.e2), "lobId": str(world.A1a), "role": "LEAD", "validFrom": "2027-01-01",
            "validTo": "2027-06-30", "payRate": "23.75", "payCurrency": "CAD", "weeklyHoursCap": 12.5,
            "supervisorId": str(world.e1)}
    return {"input": {**base, **kw}}


def test_a_planner_assigns_ends_and_an_admin_moves_an_assignment(world, gql, owner):
    created = ok(gql(CREATE, assignment_input(world), token=world.tokens["planner"]), "createAssignment")["assignment"]
    assert {k: created[k] for k in ("role", "validFrom", "validTo", "payRate", "payCurrency", "weeklyHoursCap")} == {
        "role": "LEAD", "validFrom": "2027-01-01", "validTo": "2027-06-30",
        "payRate": {"amount": "23.75", "currency": "CAD"}, "payCurrency": "CAD", "weeklyHoursCap": 12.5}
    assert (created["lob"], created["client"], created["supervisor"]) == (
        {"code": "L1-EN"}, {"code": "RETAILCO"}, {"preferredName": "e1"})
    stored = owner.execute(text("SELECT client_id, valid_during::text FROM assignment WHERE id = :id"),
                           {"id": created["id"]}).one()
    assert stored == (world.A1, "[2027-01-01,2027-07-01)")  # client derived from the LOB; exclusive upper bound

    ended = ok(gql(END, {"id": created["id"], "d": "2027-03-31"}, token=world.tokens["planner"]),
               "endAssignment")["assignment"]
    assert (ended["validFrom"], ended["validTo"]) == ("2027-01-01", "2027-03-31")

    # moving e1 from RetailCo to Banque Laurier: another client, same terms
    body = gql(MOVE, {"id": str(assignment_id(owner, world.e1, world.A1a)), "to": str(world.A2a), "d": "2027-02-01",
                      "sup": str(world.e3)}, token=world.tokens["admin"])
    moved = ok(body, "moveAssignment")
    assert (moved["ended"]["lob"], moved["ended"]["validFrom"], moved["ended"]["validTo"]) == (
        {"code": "L1-EN"}, "2026-01-01", "2027-01-31")
    new = moved["created"]
    assert (new["lob"], new["client"], new["validFrom"], new["validTo"], new["supervisor"]) == (
        {"code": "CARDS"}, {"code": "LAURIER"}, "2027-02-01", None, {"preferredName": "e3"})
    assert (new["role"], new["payRate"], new["weeklyHoursCap"]) == ("AGENT", {"amount": "21.50", "currency": "CAD"}, 40)


def test_a_planner_cannot_move_an_assignment_to_a_lob_outside_its_scope(world, gql, owner):
    before = f.fingerprint(owner)
    body = gql(MOVE, {"id": str(assignment_id(owner, world.e1, world.A1a)), "to": str(world.A2a), "d": "2027-02-01"},
               token=world.tokens["planner"])
    assert body["data"]["moveAssignment"]["errors"][0]["code"] == "NOT_FOUND"
    assert f.fingerprint(owner) == before


def test_extending_an_assignment_is_checked_like_a_new_one(world, gql, owner):
    early = f.assignment(owner, world.tA, world.A1, world.A1a, world.e2, start=date(2026, 3, 1),
                         end=date(2026, 4, 1))
    f.assignment(owner, world.tA, world.A1, world.A1a, world.e2, start=date(2026, 5, 1), end=date(2026, 6, 1))
    admin = world.tokens["admin"]
    assert ok(gql(END, {"id": str(early), "d": "2026-04-30"}, token=admin), "endAssignment")["assignment"][
        "validTo"] == "2026-04-30"
    refused = gql(END, {"id": str(early), "d": "2026-05-01"}, token=admin)["data"]["endAssignment"]["errors"]
    assert [(e["code"], e["field"]) for e in refused] == [("ASSIGNMENT_OVERLAP", "lastDay")]


# --- credentials -------------------------------------------------------------------------


def test_record_and_revoke_credentials(world, gql, owner):
    officer = f.user(owner, world.tA, ("compliance_officer", world.A2, None))
    token = f.token(owner, officer)
    soon = date.today() + timedelta(days=10)
    variables = {"input": {"employeeId": str(world.e3), "kind": "cert:laurier", "clientId": str(world.A2),
                           "issuedOn": "2026-01-15", "expiresOn": soon.isoformat()}}
    credential = ok(gql(RECORD, variables, token=token), "recordCredential")["credential"]
    assert (credential["status"], credential["client"], credential["employee"]) == (
        "EXPIRING", {"code": "LAURIER"}, {"preferredName": "e3"})
    revoked = ok(gql(REVOKE, {"id": credential["id"], "d": "2026-06-01"}, token=token), "revokeCredential")
    assert revoked["credential"] == {"revokedOn": "2026-06-01", "status": "REVOKED"}
    tenant_wide = {"input": {"employeeId": str(world.e3), "kind": "bilingual_fr", "issuedOn": "2026-01-15"}}
    credential = ok(gql(RECORD, tenant_wide, token=world.tokens["admin"]), "recordCredential")["credential"]
    assert (credential["client"], credential["expiresOn"], credential["status"]) == (None, None, "VALID")


@pytest.mark.parametrize("on, status", [
    ("2026-01-04", "PENDING"), ("2026-01-05", "VALID"), ("2026-05-01", "VALID"), ("2026-05-02", "EXPIRING"),
    ("2026-05-31", "EXPIRING"), ("2026-06-01", "EXPIRED"), ("2026-07-01", "EXPIRED"),
])
def test_credential_status_is_relative_to_a_date(world, gql, owner, on, status):
    f.credential(owner, world.tA, world.e1, "first_aid", expires_on=date(2026, 6, 1))
    query = "query($id: UUID!, $on: Date) { employee(id: $id) { credentials { status(on: $on) } } }"
    body = gql(query, {"id": str(world.e1), "on": on}, token=world.tokens["admin"])
    assert body["data"]["employee"]["credentials"] == [{"status": status}]


# --- scope -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "planner", "supervisor", "agent", "adminB"])
def test_graphql_employees_are_bounded_by_scope(world, gql, who):
    body = gql(EMPLOYEES, {}, token=world.tokens[who])
    assert set(preferred(body)) == VISIBLE[who]["employee"]
    for name in {"e1", "e2", "e3", "eB"} - VISIBLE[who]["employee"]:
        one = gql("query($id: UUID!) { employee(id: $id) { id } }", {"id": str(world.ids[name])},
                  token=world.tokens[who])
        assert one["data"]["employee"] is None


def test_a_caller_outside_the_scope_writes_nothing_through_graphql(world, gql, owner):
    before = f.fingerprint(owner)
    a_e1 = str(assignment_id(owner, world.e1, world.A1a))
    attempts = [
        ("adminB", CREATE, assignment_input(world, employeeId=str(world.eB), supervisorId=None)),
        ("adminB", END, {"id": a_e1, "d": "2027-01-01"}),
        ("adminB", TERMINATE, {"id": str(world.e1), "d": "2027-01-01"}),
        ("adminB", UPDATE, {"id": str(world.e1), "patch": {"preferredName": "hijacked"}}),
        ("adminB", RECORD, {"input": {"employeeId": str(world.e1), "kind": "x", "issuedOn": "2026-01-01"}}),
        ("planner", END, {"id": str(assignment_id(owner, world.e3, world.A2a)), "d": "2027-01-01"}),
        ("planner", CREATE, assignment_input(world, employeeId=str(world.e3), supervisorId=None)),
    ]
    for who, doc, variables in attempts:
        body = gql(doc, variables, token=world.tokens[who])
        assert "errors" not in body, (who, body)
        (payload,) = body["data"].values()
        assert [e["code"] for e in payload["errors"]] == ["NOT_FOUND"], (who, doc, payload)
    assert f.fingerprint(owner) == before


@pytest.mark.parametrize("who, statement", [
    ("adminB", "UPDATE employee SET preferred_name = 'hijacked' WHERE id = :e1"),
    ("adminB", "UPDATE assignment SET weekly_hours_cap = 60 WHERE employee_id = :e1"),
    ("adminB", "DELETE FROM credential WHERE employee_id = :e2"),
    ("planner", "UPDATE employee SET preferred_name = 'hijacked' WHERE id = :e1"),
    ("planner", "UPDATE assignment SET weekly_hours_cap = 60 WHERE employee_id = :e3"),
    ("planner", "DELETE FROM credential WHERE employee_id = :e3"),
    ("supervisor", "UPDATE assignment SET weekly_hours_cap = 60 WHERE employee_id = :e1"),
])
def test_runtime_sql_outside_the_scope_touches_nothing(world, as_runtime, owner, who, statement):
    before = f.fingerprint(owner)
    with as_runtime.caller(world.ids[who]) as conn:
        assert conn.execute(text(statement), world.ids).rowcount == 0
        conn.commit()
    assert f.fingerprint(owner) == before


@pytest.mark.parametrize("who, statement", [
    ("adminB", "INSERT INTO credential (tenant_id, employee_id, kind, issued_on) VALUES (:tA, :e1, 'x', '2026-01-01')"),
    ("adminB", "INSERT INTO employee (tenant_id, employee_number, legal_name, preferred_name, hire_date, work_region)"
               " VALUES (:tA, 'X1', 'x', 'x', '2026-01-01', 'CA-ON')"),
    ("planner", "INSERT INTO assignment (tenant_id, client_id, lob_id, employee_id, role, valid_during, pay_rate,"
                " pay_currency, weekly_hours_cap)"
                " VALUES (:tA, :A2, :A2a, :e1, 'agent', '[2027-01-01,)', 20, 'CAD', 40)"),
    ("planner", "INSERT INTO employee (tenant_id, employee_number, legal_name, preferred_name, hire_date, work_region)"
                " VALUES (:tA, 'X1', 'x', 'x', '2026-01-01', 'CA-ON')"),
    ("planner", "INSERT INTO credential (tenant_id, employee_id, kind, client_id, issued_on)"
                " VALUES (:tA, :e1, 'x', :A2, '2026-01-01')"),
    ("planner", "SELECT legal_name FROM employee"),
    ("admin", "SELECT email FROM employee"),
    ("admin", "SELECT * FROM employee"),
])
def test_runtime_sql_outside_the_scope_is_refused(world, as_runtime, who, statement):
    with as_runtime.caller(world.ids[who]) as conn:
        with pytest.raises(DBAPIError, match="row-level security|permission denied"):
            conn.execute(text(statement), world.ids)


# --- PII ---------------------------------------------------------------------------------

CONTACTS = "{ employees { edges { node { preferredName contact { legalName email phone } } } } }"


def pii_reads(owner) -> list[tuple]:
    return owner.execute(text("SELECT user_id, employee_id, fields FROM pii_access ORDER BY id")).all()


@pytest.mark.parametrize("who, expected", [
    ("planner", set()),
    ("supervisor", {"e2", "e3"}),
    ("compliance", {"e1", "e2", "e3"}),
    ("admin", {"e1", "e2", "e3"}),
    ("agent", {"e2"}),  # their own
])
def test_contact_fields_only_with_pii_permission_and_every_read_logged(world, gql, owner, who, expected):
    if who == "compliance":
        world.ids[who] = f.user(owner, world.tA, "compliance_officer")
        world.tokens[who] = f.token(owner, world.ids[who])
    before = len(pii_reads(owner))
    body = gql(CONTACTS, token=world.tokens[who])
    nodes = {e["node"]["preferredName"]: e["node"]["contact"] for e in body["data"]["employees"]["edges"]}
    assert {name for name, contact in nodes.items() if contact is not None} == expected
    for name in expected:
        assert nodes[name]["legalName"].startswith("Legal Name") and nodes[name]["email"].endswith("@example.com")
    reads = pii_reads(owner)[before:]
    assert sorted(names(world, [r.employee_id for r in reads])) == sorted(expected)
    assert all(r.user_id == world.ids[who] and r.fields == ["legal_name", "email", "phone"] for r in reads)


# --- statement counts --------------------------------------------------------------------

NESTED = """{
  clients { edges { node { name lobs { name client { code } } } } }
  employees(first: 100) { edges { node {
    preferredName homeSite { name }
    assignments { role validTo lob { code client { code } } client { name } supervisor { preferredName }
                  employee { preferredName } }
    credentials { kind status client { code } employee { employeeNumber } }
    contact { legalName }
  } } }
}"""


@pytest.fixture
def counted(runtime):
    """Responses report their SQL statement count (extensions.sqlStatements)."""
    runtime.settings = replace(runtime.settings, expose_statement_count=True)
    return runtime


def staff(owner, world, count: int) -> None:
    """``count`` more employees shaped alike: a site, two assignments with a supervisor, two credentials."""
    for _ in range(count):
        e = f.employee(owner, world.tA, home_site_id=world.siteA)
        f.assignment(owner, world.tA, world.A1, world.A1a, e, supervisor_id=world.e1)
        f.assignment(owner, world.tA, world.A2, world.A2a, e, supervisor_id=world.e3)
        f.credential(owner, world.tA, e, "pci_clearance")
        f.credential(owner, world.tA, e, "cert:retailco", client_id=world.A1)


def test_statements_stay_constant_as_rows_grow(world, gql, owner, counted):
    """No N+1: every relation of the nested query is one batched statement, whatever the row count."""
    counts = []
    for more in (5, 35):
        staff(owner, world, more)
        body = gql(NESTED, token=world.tokens["admin"])
        assert "errors" not in body, body
        nodes = [e["node"] for e in body["data"]["employees"]["edges"]]
        assert len([n for n in nodes if n["homeSite"]]) in (5, 40)
        assert all(n["contact"] for n in nodes)
        counts.append(body["extensions"]["sqlStatements"])
    assert counts[0] == counts[1], counts
    # 1 to authenticate the caller, then one each: clients, employees, LOBs of clients, sites,
    # assignments, credentials, contacts, LOBs by id, clients by id, employees by id.
    assert counts[0] == 11, counts


def test_statement_count_is_hidden_unless_enabled(world, gql):
    body = gql("{ employees { edges { node { id } } } }", token=world.tokens["admin"])
    assert "extensions" not in body
