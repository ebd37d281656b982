"""Identity: passwords, back-off, TOTP enrolment and step-up, token expiry and revocation.

The attacks on credentials (replay, factor changes from the wrong token, what the
runtime role can read or mint) are in ``tests/security/test_credentials.py``.
"""

from __future__ import annotations

import hashlib

import pyotp
import pytest
from sqlalchemy import text

from tests import factories as f
from tests.conftest import graphql_client

LOGIN = """mutation($email: String!, $password: String!, $code: String) {
  login(email: $email, password: $password, totpCode: $code) { token mfa errors { code field message } }
}"""
ME = "{ me { email grants { role } mfaRecent } }"
BEGIN = """mutation($p: String!) {
  beginTotpEnrolment(current: {password: $p}) { secret otpauthUri errors { code } } }"""
CREATE_CLIENT = """mutation { createClient(input: {name: "New", code: "NEW", jurisdiction: "CA-ON",
  timezone: "America/Toronto", languages: ["en"], currency: "CAD", holidayRegion: "CA-ON"}) {
  client { code } errors { code } } }"""


def login(gql, email, password=f.PASSWORD, code=None, lang=None):
    body = gql(LOGIN, {"email": email, "password": password, "code": code}, lang=lang)
    assert "errors" not in body, body
    return body["data"]["login"]


def email_of(owner, user_id):
    return owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": user_id}).scalar()


def test_login_returns_a_working_session_token(world, gql, owner):
    result = login(gql, email_of(owner, world.planner))
    assert result["errors"] == [] and result["token"].startswith("sb_") and result["mfa"] is False
    me = gql(ME, token=result["token"])["data"]["me"]
    assert me["grants"] == [{"role": "workforce_planner"}]


def test_tokens_are_stored_only_as_hashes(world, gql, owner):
    token = login(gql, email_of(owner, world.planner))["token"]
    stored = owner.execute(text("SELECT token_hash FROM auth_token WHERE kind = 'session'")).scalars().all()
    assert hashlib.sha256(token.encode()).digest() in [bytes(s) for s in stored]
    dump = owner.execute(text("SELECT string_agg(t::text, '') FROM auth_token t")).scalar()
    assert token not in dump


@pytest.mark.parametrize("lang, message", [("en", "E-mail or password is incorrect."),
                                           ("fr", "Courriel ou mot de passe incorrect.")])
def test_wrong_password_and_unknown_email_get_the_same_localized_refusal(world, gql, owner, lang, message):
    wrong = login(gql, email_of(owner, world.planner), password="not the password", lang=lang)
    unknown = login(gql, "nobody@nowhere.example", lang=lang)
    assert wrong["errors"] == unknown["errors"] == [{"code": "INVALID_CREDENTIALS", "field": "password",
                                                     "message": message}]
    assert wrong["token"] is None


def test_repeated_failures_slow_the_guesser_down_not_the_user(world, gql, owner, runtime):
    email = email_of(owner, world.planner)
    answers = [login(gql, email, password="wrong password")["errors"][0]["code"] for _ in range(5)]
    assert answers[:3] == ["INVALID_CREDENTIALS"] * 3 and answers[3:] == ["LOGIN_THROTTLED"] * 2
    throttled = login(gql, email, lang="fr")
    assert throttled["token"] is None and throttled["errors"][0]["code"] == "LOGIN_THROTTLED"
    assert "secondes" in throttled["errors"][0]["message"]
    # the same user from another address is not held back
    with graphql_client(runtime, "203.0.113.7") as other:
        assert login(other, email)["errors"] == []
    # back-off is not an audited change of the user
    assert owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'app_user'"
                              " AND op = 'UPDATE'")).scalar() == 0


def test_tenant_admin_login_requires_totp(owner, gql):
    tenant = f.tenant(owner)
    secret = pyotp.random_base32()
    admin = f.user(owner, tenant, "tenant_admin", totp_secret=secret)
    email = email_of(owner, admin)
    assert login(gql, email)["errors"][0]["code"] == "TOTP_REQUIRED"
    assert login(gql, email, code="000000")["errors"][0]["code"] == "TOTP_INVALID"
    ok = login(gql, email, code=pyotp.TOTP(secret).now())
    assert ok["errors"] == [] and ok["mfa"] is True
    assert gql(ME, token=ok["token"])["data"]["me"]["mfaRecent"] is True


def test_bad_totp_codes_count_towards_back_off(owner, gql):
    tenant = f.tenant(owner)
    secret = pyotp.random_base32()
    email = email_of(owner, f.user(owner, tenant, "tenant_admin", totp_secret=secret))
    codes = [login(gql, email, code="123456")["errors"][0]["code"] for _ in range(4)]
    assert codes == ["TOTP_INVALID"] * 3 + ["LOGIN_THROTTLED"]
    assert login(gql, email, code=pyotp.TOTP(secret).now())["errors"][0]["code"] == "LOGIN_THROTTLED"


def test_tenant_admin_without_totp_must_enrol_before_acting(owner, gql):
    tenant = f.tenant(owner)
    email = email_of(owner, f.user(owner, tenant, "tenant_admin"))
    session = login(gql, email)
    assert session["errors"] == [] and session["mfa"] is False
    token = session["token"]
    refused = gql(CREATE_CLIENT, token=token)
    assert refused["errors"][0]["extensions"]["code"] == "MFA_REQUIRED"
    enrol = gql(BEGIN, {"p": f.PASSWORD}, token=token)["data"]["beginTotpEnrolment"]
    assert enrol["errors"] == [] and enrol["otpauthUri"].startswith("otpauth://totp/")
    bad = gql('mutation { confirmTotp(code: "000000") { ok errors { code } } }', token=token)["data"]["confirmTotp"]
    assert bad == {"ok": False, "errors": [{"code": "TOTP_INVALID"}]}
    code = pyotp.TOTP(enrol["secret"]).now()
    good = gql("mutation($c: String!) { confirmTotp(code: $c) { ok recoveryCodes } }", {"c": code}, token=token)
    assert good["data"]["confirmTotp"]["ok"] is True and len(good["data"]["confirmTotp"]["recoveryCodes"]) == 10
    created = gql(CREATE_CLIENT, token=token)
    assert created["data"]["createClient"] == {"client": {"code": "NEW"}, "errors": []}
    assert owner.execute(text("SELECT totp_enabled FROM app_user WHERE email = :e"), {"e": email}).scalar()


def test_sensitive_operation_needs_a_recent_step_up(owner, gql):
    tenant = f.tenant(owner)
    secret = pyotp.random_base32()
    admin = f.user(owner, tenant, "tenant_admin", totp_secret=secret)
    token = f.token(owner, admin)
    owner.execute(text("UPDATE auth_token SET mfa_at = now() - interval '2 hours' WHERE user_id = :u"), {"u": admin})
    assert gql(CREATE_CLIENT, token=token)["errors"][0]["extensions"]["code"] == "MFA_REQUIRED"
    assert owner.execute(text("SELECT count(*) FROM client")).scalar() == 0
    step = gql("mutation($c: String!) { stepUp(totpCode: $c) { ok errors { code } } }",
               {"c": pyotp.TOTP(secret).now()}, token=token)
    assert step["data"]["stepUp"] == {"ok": True, "errors": []}
    assert gql(CREATE_CLIENT, token=token)["data"]["createClient"]["errors"] == []


def test_expired_token_is_refused_with_its_code(world, gql, owner):
    token = f.token(owner, world.planner, hours=-1)
    body = gql(ME, token=token)
    assert body["_status"] == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_EXPIRED"


def token_id(runtime, token):
    """The stored id of a bearer token (looked up by its hash, as the owner)."""
    with runtime.owner.connect() as conn:
        return str(conn.execute(text("SELECT id FROM auth_token WHERE token_hash = :h"),
                                {"h": hashlib.sha256(token.encode()).digest()}).scalar())


REVOKE = "mutation($id: UUID!) { revokeToken(id: $id) { ok errors { code field } } }"


def test_revoked_token_is_refused_with_its_code(world, gql, runtime):
    token = world.tokens["planner"]
    assert "errors" not in gql(ME, token=token)
    revoked = gql(REVOKE, {"id": token_id(runtime, token)}, token=token)
    assert revoked["data"]["revokeToken"] == {"ok": True, "errors": []}
    body = gql(ME, token=token, lang="fr")
    assert body["_status"] == 401 and body["errors"][0]["extensions"]["code"] == "TOKEN_REVOKED"
    assert body["errors"][0]["message"] == "Ce jeton a été révoqué."


def test_malformed_authorization_header_is_unauthenticated(world, gql):
    response = gql.http.post("/graphql", json={"query": ME}, headers={"authorization": "Basic abc"})
    assert response.status_code == 401 and response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_revoking_someone_elses_token_answers_not_found(world, gql, owner, runtime):
    victim = f.token(owner, world.admin)
    body = gql(REVOKE, {"id": token_id(runtime, victim)}, token=f.token(owner, world.planner, kind="session"))
    assert body["data"]["revokeToken"] == {"ok": False, "errors": [{"code": "NOT_FOUND", "field": "tokenId"}]}
    assert "errors" not in gql(ME, token=victim)


CREATE_TOKEN = """mutation($ttl: Int!, $p: String!) {
  createApiToken(name: "etl", ttlDays: $ttl, current: {password: $p}) { token errors { code field } } }"""


def test_api_token_creation_refuses_an_out_of_range_ttl(world, gql, owner):
    session = login(gql, email_of(owner, world.planner))["token"]
    before = owner.execute(text("SELECT count(*) FROM auth_token")).scalar()
    body = gql(CREATE_TOKEN, {"ttl": 999, "p": f.PASSWORD}, token=session)
    assert body["data"]["createApiToken"] == {"token": None,
                                              "errors": [{"code": "TTL_OUT_OF_RANGE", "field": "ttlDays"}]}
    assert owner.execute(text("SELECT count(*) FROM auth_token")).scalar() == before
    made = gql(CREATE_TOKEN, {"ttl": 30, "p": f.PASSWORD}, token=session)["data"]["createApiToken"]
    assert made["errors"] == [] and "errors" not in gql(ME, token=made["token"])


def test_tokens_record_their_last_use(world, gql, owner):
    owner.execute(text("UPDATE auth_token SET last_used_at = NULL"))
    assert gql("{ tokens { lastUsedAt } }", token=world.tokens["planner"])["data"]["tokens"][0]["lastUsedAt"]
    # marked at most once a minute, and never as an audited change of its own
    assert owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'auth_token'"
                              " AND op = 'UPDATE'")).scalar() == 0
