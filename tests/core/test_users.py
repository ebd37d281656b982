"""User administration and the audit queries, through GraphQL: each refusal coded, nothing written."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests import factories as f

CREATE = """mutation($input: UserInput!) { createUser(input: $input) {
  user { email kind boundClientId grants { role clientId } } errors { code field message } } }"""
GRANT = """mutation($user: UUID!, $role: String!, $client: UUID, $lob: UUID) {
  grantRole(userId: $user, role: $role, clientId: $client, lobId: $lob) {
    grant { role clientId lobId } errors { code field } } }"""


def counts(owner) -> tuple[int, ...]:
    return tuple(owner.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                 for t in ("app_user", "role_grant", "client_binding", "audit_event"))


def staff(**kw):
    return {"email": "new.planner@alpha.example", "kind": "STAFF", "displayName": "New Planner",
            "password": "long enough password", **kw}


def test_admin_creates_a_client_user_who_reaches_only_the_portal(world, gql):
    body = gql(CREATE, {"input": {"email": "ops@retailco.example", "kind": "CLIENT", "displayName": "RetailCo Ops",
                                  "clientId": str(world.A1), "password": "long enough password"}},
               token=world.tokens["admin"])
    created = body["data"]["createUser"]
    assert created["errors"] == [] and created["user"]["boundClientId"] == str(world.A1)
    found = gql("{ users(search: \"retailco\") { nodes { id } } }", token=world.tokens["admin"])
    user_id = found["data"]["users"]["nodes"][0]["id"]
    grant = gql(GRANT, {"user": user_id, "role": "client_viewer", "client": str(world.A1)},
                token=world.tokens["admin"])
    assert grant["data"]["grantRole"]["errors"] == []
    login = gql('mutation { login(email: "ops@retailco.example", password: "long enough password") { token } }',
                portal=True)  # client users log in on the portal
    token = login["data"]["login"]["token"]
    assert gql("{ account { name } }", token=token, portal=True)["data"]["account"] == {"name": "RetailCo"}
    assert gql("{ me { email } }", token=token)["_status"] == 403


@pytest.mark.parametrize("input, code, field", [
    (staff(email="not-an-email"), "INVALID_EMAIL", "email"),
    (staff(password="short"), "PASSWORD_TOO_SHORT", "password"),
    (staff(displayName="   "), "REQUIRED", "displayName"),
    ({"email": "x@alpha.example", "kind": "CLIENT", "displayName": "X"}, "REQUIRED", "clientId"),
])
def test_create_user_refusals(world, gql, owner, input, code, field):
    before = counts(owner)
    body = gql(CREATE, {"input": input}, token=world.tokens["admin"])
    assert body["data"]["createUser"]["errors"][0]["code"] == code
    assert body["data"]["createUser"]["errors"][0]["field"] == field
    assert counts(owner) == before


def test_create_user_with_a_taken_email_is_refused_in_french(world, gql, owner):
    email = owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": world.adminB}).scalar()
    before = counts(owner)
    body = gql(CREATE, {"input": staff(email=email.upper())}, token=world.tokens["admin"], lang="fr")
    assert body["data"]["createUser"]["errors"] == [
        {"code": "EMAIL_TAKEN", "field": "email", "message": "Cette adresse courriel est déjà utilisée."}]
    assert counts(owner) == before


def test_client_user_for_a_client_of_another_tenant_is_not_found(world, gql, owner):
    before = counts(owner)
    body = gql(CREATE, {"input": {"email": "x@other.example", "kind": "CLIENT", "displayName": "X",
                                  "clientId": str(world.B1)}}, token=world.tokens["admin"])
    assert body["data"]["createUser"]["errors"][0]["code"] == "NOT_FOUND"
    assert counts(owner) == before


def test_planner_cannot_create_users(world, gql, owner):
    before = counts(owner)
    body = gql(CREATE, {"input": staff()}, token=world.tokens["planner"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert counts(owner) == before


@pytest.mark.parametrize("who, role, client, lob, code", [
    ("planner", "chief_of_everything", None, None, "UNKNOWN_ROLE"),
    ("planner", "supervisor", "A2", "A1a", "LOB_NOT_IN_CLIENT"),
    ("planner", "client_viewer", "A1", None, "ROLE_KIND_MISMATCH"),
    ("portal", "client_admin", "A2", None, "CLIENT_GRANT_OUTSIDE_BINDING"),
    ("planner", "workforce_planner", "A1", None, "GRANT_EXISTS"),
    ("adminB", "supervisor", None, None, "NOT_FOUND"),
    ("planner", "supervisor", "B1", None, "NOT_FOUND"),
])
def test_grant_refusals(world, gql, owner, who, role, client, lob, code):
    before = counts(owner)
    body = gql(GRANT, {"user": str(world.ids[who]), "role": role, "client": client and str(world.ids[client]),
                       "lob": lob and str(world.ids[lob])}, token=world.tokens["admin"])
    assert body["data"]["grantRole"]["errors"][0]["code"] == code
    assert counts(owner) == before


def test_grant_on_a_lob_fills_in_its_client_and_widens_what_rls_shows(world, gql, as_runtime):
    body = gql(GRANT, {"user": str(world.planner), "role": "supervisor", "lob": str(world.A2a)},
               token=world.tokens["admin"])
    assert body["data"]["grantRole"] == {"grant": {"role": "supervisor", "clientId": str(world.A2),
                                                   "lobId": str(world.A2a)}, "errors": []}
    with as_runtime.caller(world.planner) as conn:
        assert conn.execute(text("SELECT count(*) FROM lob")).scalar() == 3


def test_deactivated_users_lose_their_tokens(world, gql):
    body = gql("mutation($id: UUID!) { deactivateUser(id: $id) { user { active } errors { code } } }",
               {"id": str(world.planner)}, token=world.tokens["admin"])
    assert body["data"]["deactivateUser"] == {"user": {"active": False}, "errors": []}
    me = gql("{ me { email } }", token=world.tokens["planner"])
    assert me["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_admin_cannot_deactivate_themselves(world, gql, owner):
    before = counts(owner)
    body = gql("mutation($id: UUID!) { deactivateUser(id: $id) { errors { code } } }",
               {"id": str(world.admin)}, token=world.tokens["admin"])
    assert body["data"]["deactivateUser"]["errors"] == [{"code": "CANNOT_DEACTIVATE_SELF"}]
    assert counts(owner) == before


def test_change_password(world, gql, owner):
    change = """mutation($c: String!, $n: String!) {
      changePassword(current: {password: $c}, newPassword: $n) { ok errors { code field } } }"""
    session, other = (f.token(owner, world.planner, kind="session") for _ in range(2))
    wrong = gql(change, {"c": "nope nope nope", "n": "a brand new password"}, token=session)
    assert wrong["data"]["changePassword"] == {"ok": False, "errors": [{"code": "INVALID_CREDENTIALS",
                                                                        "field": "current.password"}]}
    short = gql(change, {"c": f.PASSWORD, "n": "short"}, token=session)
    assert short["data"]["changePassword"]["errors"] == [{"code": "PASSWORD_TOO_SHORT", "field": "newPassword"}]
    ok = gql(change, {"c": f.PASSWORD, "n": "a brand new password"}, token=session)
    assert ok["data"]["changePassword"] == {"ok": True, "errors": []}
    email = owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": world.planner}).scalar()
    login = gql("mutation($e: String!) { login(email: $e, password: \"a brand new password\") { errors { code } } }",
                {"e": email})
    assert login["data"]["login"]["errors"] == []
    # the user's other sessions end with the old password; this one and API tokens go on
    assert gql("{ me { email } }", token=other)["errors"][0]["extensions"]["code"] == "TOKEN_REVOKED"
    assert "errors" not in gql("{ me { email } }", token=session)
    assert "errors" not in gql("{ me { email } }", token=world.tokens["planner"])


def test_users_and_tokens_are_visible_to_tenant_admins_only(world, gql):
    users = gql("{ users(first: 50) { nodes { email } } }", token=world.tokens["admin"])["data"]["users"]["nodes"]
    assert len(users) == 5  # tenant A: admin, planner, supervisor, agent, portal — never tenant B's
    refused = gql("{ users { nodes { email } } }", token=world.tokens["planner"])
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    mine = gql("{ tokens { name kind } }", token=world.tokens["planner"])["data"]["tokens"]
    assert mine == [{"name": "test", "kind": "API"}]
    other = gql("query($u: UUID!) { tokens(userId: $u) { name } }", {"u": str(world.admin)},
                token=world.tokens["planner"])
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_roles_list_their_permission_keys(world, gql):
    listed = gql("{ roles { name kind permissions } }", token=world.tokens["planner"])["data"]["roles"]
    roles = {r["name"]: r for r in listed}
    assert len(roles) == 11 and roles["client_viewer"]["kind"] == "CLIENT"
    assert "workforce.assignment.manage" in roles["workforce_planner"]["permissions"]


AUDIT = "query($t: String) { auditEvents(table: $t, first: 5) { nodes { seq table op actorUserId changed } } }"


def test_audit_events_are_readable_by_compliance_within_their_tenant(world, gql, owner):
    compliance = f.user(owner, world.tA, "compliance_officer")
    token = f.token(owner, compliance)
    gql("mutation($id: UUID!) { updateLob(id: $id, patch: {name: \"Renamed\"}) { errors { code } } }",
        {"id": str(world.A1a)}, token=world.tokens["admin"])
    events = gql(AUDIT, {"t": "lob"}, token=token)["data"]["auditEvents"]["nodes"]
    assert events[0]["op"] == "UPDATE" and events[0]["changed"] == {"name": ["L1 retail EN", "Renamed"]}
    assert events[0]["actorUserId"] == str(world.admin)
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(seqs, reverse=True)
    other = gql(AUDIT, {"t": "lob"}, token=world.tokens["adminB"])["data"]["auditEvents"]["nodes"]
    assert all(e["changed"].get("name") != ["L1 retail EN", "Renamed"] for e in other)
    assert gql(AUDIT, {"t": "lob"}, token=world.tokens["planner"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_audit_reads_need_a_recent_second_factor(world, gql, owner):
    owner.execute(text("UPDATE auth_token SET mfa_at = now() - interval '1 day' WHERE user_id = :u"),
                  {"u": world.admin})
    assert gql(AUDIT, token=world.tokens["admin"])["errors"][0]["extensions"]["code"] == "MFA_REQUIRED"
