"""Every refused workforce write: a coded error naming the field, localized, and nothing written.

Each case runs in French and compares the whole message; the owner's fingerprint of
the workforce tables, the audit log and the PII log is identical before and after.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests import factories as f
from tests.core.test_workforce import mutation

CREATE = mutation("$input: AssignmentInput!", "createAssignment(input: $input)", "assignment { id }")
END = mutation("$id: UUID!, $d: Date!", "endAssignment(id: $id, lastDay: $d)", "assignment { id }")
MOVE = mutation("$id: UUID!, $to: UUID!, $d: Date!, $sup: UUID",
                "moveAssignment(id: $id, toLobId: $to, effectiveDate: $d, supervisorId: $sup)",
                "ended { id } created { id }")
HIRE = mutation("$input: EmployeeInput!", "hireEmployee(input: $input)", "employee { id }")
UPDATE = mutation("$id: UUID!, $patch: EmployeePatch!", "updateEmployee(id: $id, patch: $patch)", "employee { id }")
TERMINATE = mutation("$id: UUID!, $d: Date!", "terminateEmployee(id: $id, terminationDate: $d)", "employee { id }")
RECORD = mutation("$input: CredentialInput!", "recordCredential(input: $input)", "credential { id }")
REVOKE = mutation("$id: UUID!, $d: Date!", "revokeCredential(id: $id, revokedOn: $d)", "credential { id }")
RANDOM = str(uuid.UUID("7d1b7c9e-2f7a-4a55-9a57-0c1f8d1e0b42"))

FR = {
    "NOT_FOUND": "Introuvable.",
    "END_BEFORE_START": "La fin précède le début.",
    "CAP_OUT_OF_RANGE": "Le plafond d'heures hebdomadaires doit être entre 1 et 60.",
    "PAY_RATE_OUT_OF_RANGE": "Le taux de rémunération doit être entre 0 et 99999.99.",
    "INVALID_CURRENCY": "Devise inconnue : XYZ.",
    "ASSIGNMENT_OVERLAP": "Cet employé a déjà une affectation à cette ligne d'affaires pendant ces dates.",
    "RESIDENCY_NOT_PERMITTED": "Le client n'autorise pas les employés travaillant depuis cette région.",
    "SUPERVISOR_IS_EMPLOYEE": "Un employé ne peut pas superviser sa propre affectation.",
    "OUTSIDE_EMPLOYMENT": "L'affectation doit s'inscrire dans la période d'emploi (limite : {date}).",
    "MOVE_TO_SAME_LOB": "Choisissez une autre ligne d'affaires vers laquelle déplacer l'affectation.",
    "INVALID_CREDENTIAL_KIND": "Les types d'attestation s'écrivent en minuscules, chiffres et _, suivis au besoin"
                               " de :qualificatif (p. ex. cert:retailco) : PCI Clearance.",
    "ALREADY_REVOKED": "Cette attestation a déjà été révoquée le 2026-02-01.",
    "INVALID_EMAIL": "Adresse courriel invalide.",
    "INVALID_REGION": "Code de région invalide (ex. CA ou CA-QC) : Quebec.",
    "CODE_TAKEN": "Ce code est déjà utilisé.",
}


@pytest.fixture
def w(world, owner):
    """The world plus ids of its assignments and credentials, a US-based employee and a revoked credential."""
    i = world.ids
    for row in owner.execute(text("SELECT a.id, e.preferred_name, l.code FROM assignment a"
                                  " JOIN employee e ON e.id = a.employee_id JOIN lob l ON l.id = a.lob_id")):
        i[f"a_{row.preferred_name}_{row.code}".replace("-", "_")] = row.id
    i["eUS"] = f.employee(owner, i["tA"], preferred_name="eUS", work_region="US-TX")
    i["a_eUS"] = f.assignment(owner, i["tA"], i["A1"], i["A1a"], i["eUS"])
    i["eT"] = f.employee(owner, i["tA"], preferred_name="eT", termination_date=date(2026, 6, 30))
    i["c_e2_pci"] = owner.execute(text("SELECT id FROM credential WHERE employee_id = :e2 AND kind = 'pci_clearance'"),
                                  i).scalar_one()
    i["c_revoked"] = f.credential(owner, i["tA"], i["e3"], "bilingual_fr", revoked_on=date(2026, 2, 1))
    i["c_B"] = f.credential(owner, i["tB"], i["eB"], "pci_clearance")
    i["numE1"] = owner.execute(text("SELECT employee_number FROM employee WHERE id = :e1"), i).scalar_one()
    return world


def assignment(w, **kw):
    base = {"employeeId": str(w.e1), "lobId": str(w.A1b), "role": "AGENT", "validFrom": "2027-01-01",
            "validTo": None, "payRate": "21.50", "payCurrency": "CAD", "weeklyHoursCap": 40}
    return {"input": {**base, **{k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in kw.items()}}}


def hire(**kw):
    base = {"employeeNumber": "N-1", "legalName": "Léa Tremblay", "preferredName": "Léa", "hireDate": "2026-12-01",
            "workRegion": "CA-QC", "email": "lea@example.com"}
    return {"input": {**base, **kw}}


def credential(w, **kw):
    base = {"employeeId": str(w.e1), "kind": "cert:retailco", "issuedOn": "2026-12-01", "clientId": None}
    return {"input": {**base, **{k: (str(v) if isinstance(v, uuid.UUID) else v) for k, v in kw.items()}}}


def s(value):
    return str(value)


# (case id, caller, document, variables from the world, code, field)
CASES = [
    ("lob-unknown", "admin", CREATE, lambda w: assignment(w, lobId=RANDOM), "NOT_FOUND", "lobId"),
    ("lob-other-tenant", "admin", CREATE, lambda w: assignment(w, lobId=w.B1a), "NOT_FOUND", "lobId"),
    ("lob-out-of-scope", "planner", CREATE, lambda w: assignment(w, lobId=w.A2a), "NOT_FOUND", "lobId"),
    ("employee-unknown", "admin", CREATE, lambda w: assignment(w, employeeId=RANDOM), "NOT_FOUND", "employeeId"),
    ("employee-other-tenant", "admin", CREATE, lambda w: assignment(w, employeeId=w.eB), "NOT_FOUND", "employeeId"),
    ("employee-out-of-scope", "planner", CREATE, lambda w: assignment(w, employeeId=w.e3), "NOT_FOUND",
     "employeeId"),
    ("supervisor-other-tenant", "admin", CREATE, lambda w: assignment(w, supervisorId=w.eB), "NOT_FOUND",
     "supervisorId"),
    ("supervisor-self", "admin", CREATE, lambda w: assignment(w, supervisorId=w.e1), "SUPERVISOR_IS_EMPLOYEE",
     "supervisorId"),
    ("valid-to-before-from", "admin", CREATE, lambda w: assignment(w, validTo="2026-12-31"), "END_BEFORE_START",
     "validTo"),
    ("cap-too-high", "admin", CREATE, lambda w: assignment(w, weeklyHoursCap=60.5), "CAP_OUT_OF_RANGE",
     "weeklyHoursCap"),
    ("cap-too-low", "admin", CREATE, lambda w: assignment(w, weeklyHoursCap=0), "CAP_OUT_OF_RANGE",
     "weeklyHoursCap"),
    ("pay-negative", "admin", CREATE, lambda w: assignment(w, payRate="-0.01"), "PAY_RATE_OUT_OF_RANGE", "payRate"),
    ("currency", "admin", CREATE, lambda w: assignment(w, payCurrency="XYZ"), "INVALID_CURRENCY", "payCurrency"),
    ("overlap", "planner", CREATE, lambda w: assignment(w, lobId=w.A1a, validFrom="2026-06-01"),
     "ASSIGNMENT_OVERLAP", "validFrom"),
    ("residency", "admin", CREATE, lambda w: assignment(w, employeeId=w.eUS, lobId=w.A2a),
     "RESIDENCY_NOT_PERMITTED", "employeeId"),
    ("before-hire", "admin", CREATE, lambda w: assignment(w, validFrom="2024-12-01"), "OUTSIDE_EMPLOYMENT",
     "validFrom"),
    ("end-unknown", "admin", END, lambda w: {"id": RANDOM, "d": "2027-01-01"}, "NOT_FOUND", "id"),
    ("end-other-tenant", "admin", END, lambda w: {"id": s(w.a_eB_SUP), "d": "2027-01-01"}, "NOT_FOUND", "id"),
    ("end-out-of-scope", "planner", END, lambda w: {"id": s(w.a_e3_CARDS), "d": "2027-01-01"}, "NOT_FOUND", "id"),
    ("end-before-start", "planner", END, lambda w: {"id": s(w.a_e1_L1_EN), "d": "2025-12-31"},
     "END_BEFORE_START", "lastDay"),
    ("move-unknown-lob", "admin", MOVE, lambda w: {"id": s(w.a_e1_L1_EN), "to": RANDOM, "d": "2027-01-01"},
     "NOT_FOUND", "toLobId"),
    ("move-other-tenant-lob", "admin", MOVE, lambda w: {"id": s(w.a_e1_L1_EN), "to": s(w.B1a), "d": "2027-01-01"},
     "NOT_FOUND", "toLobId"),
    ("move-same-lob", "admin", MOVE, lambda w: {"id": s(w.a_e1_L1_EN), "to": s(w.A1a), "d": "2027-01-01"},
     "MOVE_TO_SAME_LOB", "toLobId"),
    ("move-before-start", "admin", MOVE, lambda w: {"id": s(w.a_e1_L1_EN), "to": s(w.A1b), "d": "2026-01-01"},
     "END_BEFORE_START", "effectiveDate"),
    # e2 already works A2a: the move is refused and the A1b assignment is not ended either.
    ("move-overlap", "admin", MOVE, lambda w: {"id": s(w.a_e2_L1_FR), "to": s(w.A2a), "d": "2027-01-01"},
     "ASSIGNMENT_OVERLAP", "effectiveDate"),
    ("move-residency", "admin", MOVE, lambda w: {"id": s(w.a_eUS), "to": s(w.A2a), "d": "2027-01-01"},
     "RESIDENCY_NOT_PERMITTED", "toLobId"),
    ("move-supervisor-self", "admin", MOVE, lambda w: {"id": s(w.a_e1_L1_EN), "to": s(w.A1b), "d": "2027-01-01",
                                                       "sup": s(w.e1)}, "SUPERVISOR_IS_EMPLOYEE", "supervisorId"),
    ("after-termination", "admin", CREATE, lambda w: assignment(w, employeeId=w.eT, validFrom="2026-01-01"),
     "OUTSIDE_EMPLOYMENT", "validTo"),
    ("terminate-before-hire", "admin", TERMINATE, lambda w: {"id": s(w.e1), "d": "2025-01-05"},
     "END_BEFORE_START", "terminationDate"),
    ("terminate-other-tenant", "admin", TERMINATE, lambda w: {"id": s(w.eB), "d": "2027-01-05"},
     "NOT_FOUND", "id"),
    ("hire-email", "admin", HIRE, lambda w: hire(email="not-an-address"), "INVALID_EMAIL", "email"),
    ("hire-region", "admin", HIRE, lambda w: hire(workRegion="Quebec"), "INVALID_REGION", "workRegion"),
    ("hire-number-taken", "admin", HIRE, lambda w: hire(employeeNumber=w.numE1), "CODE_TAKEN", "employeeNumber"),
    ("hire-site-other-tenant", "admin", HIRE, lambda w: hire(homeSiteId=s(w.siteB)), "NOT_FOUND", "homeSiteId"),
    ("update-region-residency", "admin", UPDATE, lambda w: {"id": s(w.e2), "patch": {"workRegion": "US-TX"}},
     "RESIDENCY_NOT_PERMITTED", "workRegion"),
    ("update-bad-region", "admin", UPDATE, lambda w: {"id": s(w.e1), "patch": {"workRegion": "Quebec"}},
     "INVALID_REGION", "workRegion"),
    ("update-hire-after-first-assignment", "admin", UPDATE,
     lambda w: {"id": s(w.e1), "patch": {"hireDate": "2026-02-01"}}, "OUTSIDE_EMPLOYMENT", "hireDate"),
    ("update-hire-after-termination", "admin", UPDATE, lambda w: {"id": s(w.eT), "patch": {"hireDate": "2026-07-01"}},
     "END_BEFORE_START", "hireDate"),
    ("credential-kind", "admin", RECORD, lambda w: credential(w, kind="PCI Clearance"), "INVALID_CREDENTIAL_KIND",
     "kind"),
    ("credential-expires-on-issue", "admin", RECORD, lambda w: credential(w, expiresOn="2026-12-01"),
     "END_BEFORE_START", "expiresOn"),
    ("credential-employee-other-tenant", "admin", RECORD, lambda w: credential(w, employeeId=w.eB), "NOT_FOUND",
     "employeeId"),
    ("credential-client-other-tenant", "admin", RECORD, lambda w: credential(w, clientId=w.B1), "NOT_FOUND",
     "clientId"),
    ("revoke-before-issue", "admin", REVOKE, lambda w: {"id": s(w.c_e2_pci), "d": "2026-01-04"},
     "END_BEFORE_START", "revokedOn"),
    ("revoke-twice", "admin", REVOKE, lambda w: {"id": s(w.c_revoked), "d": "2026-03-01"}, "ALREADY_REVOKED", "id"),
    ("revoke-other-tenant", "admin", REVOKE, lambda w: {"id": s(w.c_B), "d": "2026-03-01"}, "NOT_FOUND", "id"),
]


def refusal(body: dict) -> dict:
    """The single user error of a refused mutation whose result object is null."""
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    assert [k for k, v in payload.items() if k != "errors" and v is not None] == [], payload
    (error,) = payload["errors"]
    return error


@pytest.mark.parametrize("who, doc, variables, code, field", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_refusal_is_coded_localized_and_writes_nothing(w, gql, owner, who, doc, variables, code, field):
    before = f.fingerprint(owner)
    error = refusal(gql(doc, variables(w), token=w.tokens[who], lang="fr"))
    assert (error["code"], error["field"]) == (code, field)
    limit = {"validFrom": "2025-01-06", "validTo": "2026-06-30", "hireDate": "2026-01-01"}.get(field)
    assert error["message"] == FR[code].format(date=limit)
    assert f.fingerprint(owner) == before


def test_english_is_the_default_language(w, gql):
    error = refusal(gql(CREATE, assignment(w, weeklyHoursCap=61), token=w.tokens["admin"]))
    assert error["message"] == "The weekly hours cap must be between 1 and 60."


@pytest.mark.parametrize("doc, make, theirs", [
    (CREATE, lambda w, x: assignment(w, employeeId=x), "eB"),
    (CREATE, lambda w, x: assignment(w, lobId=x), "B1a"),
    (CREATE, lambda w, x: assignment(w, supervisorId=x), "eB"),
    (END, lambda w, x: {"id": x, "d": "2027-01-01"}, "a_eB_SUP"),
    (MOVE, lambda w, x: {"id": x, "to": s(w.A1b), "d": "2027-01-01"}, "a_eB_SUP"),
    (RECORD, lambda w, x: credential(w, employeeId=x), "eB"),
    (REVOKE, lambda w, x: {"id": x, "d": "2027-01-01"}, "c_B"),
    (TERMINATE, lambda w, x: {"id": x, "d": "2027-01-01"}, "eB"),
])
def test_another_tenants_id_and_a_random_id_get_the_identical_answer(w, gql, doc, make, theirs):
    """NOT_FOUND never tells "exists elsewhere" from "does not exist"."""
    answers = [gql(doc, make(w, x), token=w.tokens["admin"], lang="fr") for x in (s(w.ids[theirs]), RANDOM)]
    assert answers[0] == answers[1]
    assert refusal(answers[0])["code"] == "NOT_FOUND"


@pytest.mark.parametrize("who, doc, variables, permission", [
    ("supervisor", CREATE, lambda w: assignment(w, employeeId=w.e3, lobId=w.A2a), "workforce.assignment.manage"),
    ("agent", HIRE, lambda w: hire(), "workforce.employee.manage"),
    ("planner", RECORD, lambda w: credential(w), "workforce.credential.manage"),
    ("planner", TERMINATE, lambda w: {"id": s(w.e1), "d": "2027-01-01"}, "workforce.employee.manage"),
])
def test_callers_without_the_permission_are_refused_and_write_nothing(w, gql, owner, who, doc, variables,
                                                                       permission):
    before = f.fingerprint(owner)
    body = gql(doc, variables(w), token=w.tokens[who])
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "FORBIDDEN", "permission": permission}
    assert permission in body["errors"][0]["message"]
    assert f.fingerprint(owner) == before


def test_a_client_specific_credential_needs_the_permission_on_that_client(w, gql, owner):
    """A compliance officer of client A2 may certify for A2, not for every client."""
    officer = f.user(owner, w.tA, ("compliance_officer", w.A2, None))
    token = f.token(owner, officer)
    before = f.fingerprint(owner)
    body = gql(RECORD, credential(w, employeeId=w.e3, kind="pci_clearance"), token=token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert f.fingerprint(owner) == before
    body = gql(RECORD, credential(w, employeeId=w.e3, kind="cert:laurier", clientId=w.A2), token=token)
    assert body["data"]["recordCredential"]["errors"] == [], body


def test_the_database_refuses_an_assignment_to_a_lob_of_another_client(w, as_runtime, owner):
    """GraphQL takes only lobId and derives the client, but the composite keys refuse the mix anyway."""
    before = f.fingerprint(owner)
    statement = text(
        "INSERT INTO assignment (tenant_id, client_id, lob_id, employee_id, role, valid_during, pay_rate,"
        " pay_currency, weekly_hours_cap)"
        " VALUES (:tA, :client, :lob, :e2, 'agent', '[2025-02-01,2025-03-01)', 20, 'CAD', 40)")
    for client, lob in ((w.A1, w.A2a), (w.A2, w.A1a), (w.B1, w.A1a)):
        with as_runtime.caller(w.admin) as conn, pytest.raises(DBAPIError, match="foreign key|row-level security"):
            conn.execute(statement, {**w.ids, "client": client, "lob": lob})
    with pytest.raises(DBAPIError, match="foreign key"):
        owner.execute(statement, {**w.ids, "client": w.A1, "lob": w.A2a})
    assert f.fingerprint(owner) == before


@pytest.mark.parametrize("statement, code", [
    ("INSERT INTO assignment (tenant_id, client_id, lob_id, employee_id, role, valid_during, pay_rate, pay_currency,"
     " weekly_hours_cap) VALUES (:tA, :A1, :A1a, :e1, 'agent', '[2026-06-01,2026-07-01)', 20, 'CAD', 40)",
     "ASSIGNMENT_OVERLAP"),
    ("INSERT INTO assignment (tenant_id, client_id, lob_id, employee_id, role, valid_during, pay_rate, pay_currency,"
     " weekly_hours_cap) VALUES (:tA, :A2, :A2a, :eUS, 'agent', '[2027-01-01,)', 20, 'CAD', 40)",
     "RESIDENCY_NOT_PERMITTED"),
    ("UPDATE assignment SET pay_rate = -1 WHERE id = :a_e1_L1_EN", "PAY_RATE_OUT_OF_RANGE"),
    ("UPDATE assignment SET weekly_hours_cap = 61 WHERE id = :a_e1_L1_EN", "CAP_OUT_OF_RANGE"),
    ("INSERT INTO credential (tenant_id, employee_id, kind, issued_on) VALUES (:tA, :e1, 'Bad Kind', '2026-01-01')",
     "INVALID_CREDENTIAL_KIND"),
    ("UPDATE credential SET expires_on = issued_on WHERE id = :c_e2_pci", "END_BEFORE_START"),
    ("UPDATE employee SET termination_date = '2020-01-01' WHERE id = :e1", "END_BEFORE_START"),
])
def test_the_database_backs_each_check_with_a_mapped_constraint(w, runtime, as_runtime, statement, code):
    """Bad data that slips past the application still cannot land, and maps to the same code."""
    with as_runtime.caller(w.admin) as conn, pytest.raises(DBAPIError) as caught:
        conn.execute(text(statement), w.ids)
    mapped = runtime.constraint_errors.user_error(caught.value)
    assert mapped is not None and mapped.code == code


def test_nobody_certifies_themselves(w, gql, owner):
    """Even a tenant admin who is also an employee cannot record or revoke their own credentials."""
    me = f.user(owner, w.tA, "tenant_admin", employee_id=w.e2)
    token = f.token(owner, me)
    before = f.fingerprint(owner)
    attempts = ((RECORD, credential(w, employeeId=w.e2)), (REVOKE, {"id": s(w.c_e2_pci), "d": "2027-01-01"}))
    for doc, variables in attempts:
        body = gql(doc, variables, token=token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    assert f.fingerprint(owner) == before


def test_the_database_refuses_a_revocation_before_issue(world, owner):
    """The service refuses it first; the constraint backs it for writes that bypass the service."""
    from sqlalchemy.exc import DBAPIError

    with pytest.raises(DBAPIError, match="credential_revocation"):
        owner.execute(text("UPDATE credential SET revoked_on = issued_on - 1 WHERE employee_id = :e2"), world.ids)
