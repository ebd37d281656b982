"""Credentials under attack: factor changes from the wrong token or without proof, replayed
codes, recovery codes, what the runtime role can read or mint, back-off that never
tells which accounts exist nor locks their owners out, keys outside the database."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from switchboard.core.identity import secrets
from switchboard.core.identity.keys import KeyRing
from switchboard.core.identity.rotation import rotate_secret_key
from switchboard.core.platform import problems
from tests import factories as f
from tests.conftest import graphql_client

LOGIN = """mutation($e: String!, $p: String!, $c: String, $r: String) {
  login(email: $e, password: $p, totpCode: $c, recoveryCode: $r) { token mfa errors { code field message } } }"""
STEP_UP = "mutation($c: String, $r: String) { stepUp(totpCode: $c, recoveryCode: $r) { ok errors { code } } }"
CREATE_USER = """mutation { createUser(input: {email: "new@example.com", kind: STAFF, displayName: "New"}) {
  user { email } errors { code } } }"""

# Every mutation that changes the caller's credentials, with the variables it needs
# besides ``current`` and what it answers.
CHANGES = {
    "beginTotpEnrolment": ("beginTotpEnrolment(current: $current) { secret errors { code field } }", {}),
    "disableTotp": ("disableTotp(current: $current) { ok errors { code field } }", {}),
    "regenerateRecoveryCodes": ("regenerateRecoveryCodes(current: $current) { recoveryCodes errors { code field } }",
                                {}),
    "changePassword": ("changePassword(current: $current, newPassword: $n) { ok errors { code field } }",
                       {"n": "another long password"}),
    "createApiToken": ('createApiToken(name: "etl", current: $current) { token errors { code field } }', {}),
}


def change(name: str) -> str:
    field, extra = CHANGES[name]
    declared = "".join(f", ${k}: String!" for k in extra)
    return f"mutation($current: CurrentCredentials!{declared}) {{ {field} }}"


def payload(body: dict, name: str) -> dict:
    assert "errors" not in body, body
    return body["data"][name]


def login(gql, email, password=f.PASSWORD, code=None, recovery=None):
    return payload(gql(LOGIN, {"e": email, "p": password, "c": code, "r": recovery}), "login")


def email_of(owner, user_id):
    return owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": user_id}).scalar()


def credentials_state(owner, user_id) -> tuple:
    """Everything a credential change could alter for one user."""
    return owner.execute(text("""
        SELECT u.password_hash, u.totp_secret_enc, u.totp_enabled,
               (SELECT count(*) FROM recovery_code r WHERE r.user_id = u.id AND r.used_at IS NULL),
               (SELECT count(*) FROM auth_token t WHERE t.user_id = u.id AND t.revoked_at IS NULL)
          FROM app_user u WHERE u.id = :u"""), {"u": user_id}).one()


@pytest.fixture
def admin(owner):
    """A tenant admin with TOTP: ``(user id, e-mail, secret)``."""
    tenant = f.tenant(owner)
    secret = pyotp.random_base32()
    user = f.user(owner, tenant, "tenant_admin", totp_secret=secret)
    return user, email_of(owner, user), secret


def fresh_step() -> None:
    """Wait, if need be, until a TOTP time step has at least 10 s left, so that codes a
    step apart stay inside the server's one-step window for the rest of the test."""
    left = 30 - time.time() % 30
    if left < 10:
        time.sleep(left + 0.1)


def step_code(secret: str, offset: int = 0) -> str:
    """The TOTP code ``offset`` steps from now."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(time.time()) + offset)


# --- factor changes ---------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CHANGES))
@pytest.mark.parametrize("kind", ["api", "operator"])
def test_api_and_operator_tokens_never_change_credentials(owner, gql, admin, name, kind):
    user, _, secret = admin
    token = f.token(owner, user, kind=kind)
    before = credentials_state(owner, user)
    current = {"password": f.PASSWORD, "totpCode": step_code(secret)}
    body = payload(gql(change(name), {"current": current, **CHANGES[name][1]}, token=token), name)
    assert body["errors"] == [{"code": "INTERACTIVE_SESSION_REQUIRED", "field": None}]
    assert credentials_state(owner, user) == before


@pytest.mark.parametrize("name", sorted(CHANGES))
@pytest.mark.parametrize("current, code, field", [
    ({"password": "not the password"}, "INVALID_CREDENTIALS", "current.password"),
    ({"password": f.PASSWORD}, "TOTP_REQUIRED", "current.totpCode"),
    ({"password": f.PASSWORD, "totpCode": "000000"}, "TOTP_INVALID", "current.totpCode"),
    ({"password": f.PASSWORD, "recoveryCode": "AAAA-BBBB-CCCC-DDDD"}, "RECOVERY_CODE_INVALID", "current.recoveryCode"),
])
def test_credential_changes_need_the_password_and_the_current_factor(owner, gql, admin, name, current, code, field):
    user, _, _ = admin
    session = f.token(owner, user, kind="session")
    before = credentials_state(owner, user)
    body = payload(gql(change(name), {"current": current, **CHANGES[name][1]}, token=session), name)
    assert body["errors"] == [{"code": code, "field": field}]
    assert credentials_state(owner, user) == before


def test_an_admin_api_token_without_second_factor_cannot_enrol_its_own(owner, gql, admin):
    """The reported chain: an API token that never passed TOTP replaced the secret, confirmed
    its own, and was then treated as second-factor verified."""
    user, _, _ = admin
    token = f.token(owner, user, mfa=False, kind="api")
    before = credentials_state(owner, user)
    began = payload(gql(change("beginTotpEnrolment"), {"current": {"password": f.PASSWORD}}, token=token),
                    "beginTotpEnrolment")
    assert began["errors"][0]["code"] == "INTERACTIVE_SESSION_REQUIRED" and began["secret"] is None
    confirmed = payload(gql('mutation { confirmTotp(code: "123456") { ok errors { code } } }', token=token),
                        "confirmTotp")
    assert confirmed == {"ok": False, "errors": [{"code": "TOTP_NOT_STARTED"}]}
    assert gql(CREATE_USER, token=token)["errors"][0]["extensions"]["code"] == "MFA_REQUIRED"
    assert credentials_state(owner, user) == before


def test_replacing_a_factor_keeps_the_old_one_until_the_new_one_is_proven(owner, runtime, gql, admin):
    user, email, secret = admin
    fresh_step()
    session = login(gql, email, code=step_code(secret))["token"]
    began = payload(gql(change("beginTotpEnrolment"),
                        {"current": {"password": f.PASSWORD, "totpCode": step_code(secret, 1)}}, token=session),
                    "beginTotpEnrolment")
    assert began["errors"] == []
    # not proven yet: the old secret still logs in, the new one does not
    assert login(gql, email, code=pyotp.TOTP(began["secret"]).now())["errors"][0]["code"] == "TOTP_INVALID"
    confirmed = payload(gql("mutation($c: String!) { confirmTotp(code: $c) { ok recoveryCodes errors { code } } }",
                            {"c": pyotp.TOTP(began["secret"]).now()}, token=session), "confirmTotp")
    assert confirmed["ok"] and len(confirmed["recoveryCodes"]) == 10
    with graphql_client(runtime, "198.51.100.1") as elsewhere:
        assert login(elsewhere, email, code=step_code(secret))["errors"][0]["code"] == "TOTP_INVALID"


def test_tenant_admins_cannot_remove_their_second_factor(owner, gql, admin):
    user, email, secret = admin
    session = login(gql, email, code=step_code(secret))["token"]
    body = payload(gql(change("disableTotp"), {"current": {"password": f.PASSWORD, "totpCode": step_code(secret, 1)}},
                       token=session), "disableTotp")
    assert body["errors"] == [{"code": "TOTP_MANDATORY", "field": None}]
    assert credentials_state(owner, user)[2] is True


# --- replay -----------------------------------------------------------------------------

def test_a_totp_code_is_accepted_once(owner, gql, admin):
    user, email, secret = admin
    fresh_step()
    code = step_code(secret)
    assert login(gql, email, code=code)["errors"] == []
    assert login(gql, email, code=code)["errors"][0]["code"] == "TOTP_REPLAYED"
    token = f.token(owner, user, kind="session")
    assert payload(gql(STEP_UP, {"c": code}, token=token), "stepUp")["errors"] == [{"code": "TOTP_REPLAYED"}]
    # nor an older code still inside the clock-skew window
    assert login(gql, email, code=step_code(secret, -1))["errors"][0]["code"] == "TOTP_REPLAYED"
    owner.execute(text("DELETE FROM app.login_backoff"))  # three refusals slowed this address down
    assert payload(gql(STEP_UP, {"c": step_code(secret, 1)}, token=token), "stepUp") == {"ok": True, "errors": []}


# --- recovery codes ---------------------------------------------------------------------

@pytest.fixture
def enrolled(owner, gql) -> tuple[str, str, list[str]]:
    """A tenant admin who enrolled TOTP from a fresh session: ``(e-mail, secret, recovery codes)``."""
    email = email_of(owner, f.user(owner, f.tenant(owner), "tenant_admin"))
    session = login(gql, email)["token"]
    began = payload(gql(change("beginTotpEnrolment"), {"current": {"password": f.PASSWORD}}, token=session),
                    "beginTotpEnrolment")
    done = payload(gql("mutation($c: String!) { confirmTotp(code: $c) { recoveryCodes } }",
                       {"c": pyotp.TOTP(began["secret"]).now()}, token=session), "confirmTotp")
    return email, began["secret"], done["recoveryCodes"]


def test_recovery_codes_log_in_once_each_and_are_stored_hashed(owner, gql, enrolled):
    email, _, codes = enrolled
    dump = owner.execute(text("SELECT string_agg(r::text, '') FROM recovery_code r")).scalar()
    assert not any(c.replace("-", "") in dump or c in dump for c in codes)
    first = login(gql, email, recovery=codes[0].lower().replace("-", " "))
    assert first["errors"] == [] and first["mfa"] is True
    assert login(gql, email, recovery=codes[0])["errors"][0]["code"] == "RECOVERY_CODE_INVALID"
    me = gql("{ me { totpEnabled recoveryCodesLeft } }", token=first["token"])["data"]["me"]
    assert me == {"totpEnabled": True, "recoveryCodesLeft": 9}
    # using one is an audited change; every other code still works
    assert owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'recovery_code'"
                              " AND op = 'UPDATE'")).scalar() == 1
    assert login(gql, email, recovery=codes[1])["errors"] == []


def test_regenerating_recovery_codes_needs_the_second_factor_and_retires_the_old(gql, enrolled):
    email, _, old = enrolled
    session = login(gql, email, recovery=old[0])["token"]
    refused = payload(gql(change("regenerateRecoveryCodes"), {"current": {"password": f.PASSWORD}}, token=session),
                      "regenerateRecoveryCodes")
    assert refused["errors"] == [{"code": "TOTP_REQUIRED", "field": "current.totpCode"}]
    new = payload(gql(change("regenerateRecoveryCodes"),
                      {"current": {"password": f.PASSWORD, "recoveryCode": old[1]}}, token=session),
                  "regenerateRecoveryCodes")
    assert new["errors"] == [] and len(set(new["recoveryCodes"])) == 10 and not set(new["recoveryCodes"]) & set(old)
    assert login(gql, email, recovery=old[2])["errors"][0]["code"] == "RECOVERY_CODE_INVALID"
    assert login(gql, email, recovery=new["recoveryCodes"][0])["errors"] == []


def test_an_admin_who_lost_the_device_replaces_it_with_a_recovery_code(gql, enrolled):
    email, _, codes = enrolled
    session = login(gql, email, recovery=codes[0])["token"]
    began = payload(gql(change("beginTotpEnrolment"), {"current": {"password": f.PASSWORD, "recoveryCode": codes[1]}},
                        token=session), "beginTotpEnrolment")
    assert began["errors"] == []
    done = payload(gql("mutation($c: String!) { confirmTotp(code: $c) { ok recoveryCodes } }",
                       {"c": pyotp.TOTP(began["secret"]).now()}, token=session), "confirmTotp")
    assert done == {"ok": True, "recoveryCodes": []}  # the unused old codes remain
    assert "errors" not in gql(CREATE_USER, token=session)


# --- what the runtime role can read and mint -----------------------------------------------

@pytest.mark.parametrize("statement", [
    "SELECT password_hash FROM app_user",
    "SELECT totp_secret_enc FROM app_user",
    "SELECT token_hash FROM auth_token",
    "SELECT code_hash FROM recovery_code",
    "SELECT secret_enc FROM webhook_endpoint",
    "SELECT * FROM app.server_key",
    "SELECT * FROM app.tenant_key",
    "SELECT * FROM app.login_backoff",
    "SELECT * FROM app.auth_ticket",
    "SELECT app.issue_token(:u, 'session', 'x', '\\x00', now() + interval '1 day', true)",
    "SELECT app.portal_agent_id(:t, :t, :u)",
    "UPDATE app_user SET password_hash = 'x' WHERE id = :u",
    "UPDATE app_user SET totp_enabled = false WHERE id = :u",
    "INSERT INTO auth_token (tenant_id, user_id, kind, name, token_hash, expires_at)"
    " VALUES (:t, :u, 'api', 'x', '\\x01', now())",
])
@pytest.mark.parametrize("as_caller", [False, True])
def test_the_runtime_role_reads_no_credential_and_mints_nothing(owner, as_runtime, admin, statement, as_caller):
    user, _, _ = admin
    tenant = owner.execute(text("SELECT tenant_id FROM app_user WHERE id = :u"), {"u": user}).scalar()
    with as_runtime.caller(user if as_caller else None) as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text(statement), {"u": user, "t": tenant})


def test_the_runtime_role_cannot_forge_a_second_factor(owner, as_runtime, admin):
    """Knowing the password is not enough: a ticket needs a proof only the server's key makes."""
    user, email, secret = admin
    token = f.token(owner, user, kind="session")
    token_id = owner.execute(text("SELECT id FROM auth_token WHERE token_hash = :h"),
                             {"h": secrets.token_hash(token)}).scalar()
    row = owner.execute(text("SELECT * FROM app.login_begin(:e, 'x')"), {"e": email}).one()
    digest = secrets.password_digest(f.PASSWORD, row.params, row.hash_len)
    with as_runtime.caller(None) as conn:
        ticket = conn.execute(text("SELECT * FROM app.login_password(:e, :d, 'x', 'staff')"),
                              {"e": email, "d": digest}).one()
        assert ticket.outcome == "SECOND_FACTOR" and secret not in (ticket.totp_secret_enc or "")
        step = pyotp.TOTP(secret).timecode(time.time())
        forged = secrets.factor_proof(b"\x00" * 32, ticket.ticket, step)
        assert conn.execute(text("SELECT app.ticket_second_factor(:t, :s, :p, NULL)"),
                            {"t": ticket.ticket, "s": step, "p": forged}).scalar() == "TOTP_INVALID"
        assert conn.execute(text("SELECT * FROM app.login_finish(:t, '\\x02', now() + interval '1 hour')"),
                            {"t": ticket.ticket}).first() is None
        # and a caller set to the user gets no credentials ticket without the password
        conn.execute(text("SELECT set_config('app.user_id', :u, true)"), {"u": str(user)})
        asked = conn.execute(text("SELECT * FROM app.caller_ticket('credentials', :t, 'guess', 'x')"),
                             {"t": token_id}).one()
        assert asked.outcome == "INVALID_CREDENTIALS" and asked.ticket is None
    assert owner.execute(text("SELECT count(*) FROM auth_token WHERE user_id = :u AND kind = 'session'"),
                         {"u": user}).scalar() == 1


def test_switchboard_check_finds_a_runtime_role_that_can_read_secrets(runtime, owner):
    assert problems(runtime) == []
    owner.execute(text(f"GRANT SELECT (password_hash) ON app_user TO {runtime.settings.runtime_role}"))
    owner.execute(text(f"GRANT SELECT (secret_enc) ON webhook_endpoint TO {runtime.settings.runtime_role}"))
    owner.execute(text(f"GRANT EXECUTE ON FUNCTION app.issue_token(uuid, text, text, bytea, timestamptz, boolean)"
                       f" TO {runtime.settings.runtime_role}"))
    found = problems(runtime)
    assert any("app_user.password_hash" in p for p in found) and any("app.issue_token" in p for p in found)
    assert any("webhook_endpoint.secret_enc" in p for p in found)


# --- TOTP secrets at rest -------------------------------------------------------------------

def test_totp_secrets_are_encrypted_under_a_key_outside_the_database(runtime, owner, admin, gql):
    user, email, secret = admin
    stored = owner.execute(text("SELECT totp_secret_enc FROM app_user WHERE id = :u"), {"u": user}).scalar()
    assert secret not in stored and runtime.keyring.decrypt(stored) == secret
    everything = owner.execute(text("SELECT string_agg(t::text, '') FROM (SELECT * FROM app_user) t")).scalar()
    assert not any(key in everything for key in runtime.keyring.keys)
    # rotating the key re-encrypts every secret and logins go on
    rotated = KeyRing((f.SECRET_KEY,)).with_new_key()
    runtime.__dict__["keyring"] = rotated
    count, ring = rotate_secret_key(runtime)
    after = owner.execute(text("SELECT totp_secret_enc FROM app_user WHERE id = :u"), {"u": user}).scalar()
    assert count == 1 and after != stored
    assert KeyRing(rotated.keys[:1]).decrypt(after) == secret and f.KEYRING.decrypt(after) is None
    runtime.__dict__["keyring"] = KeyRing(rotated.keys[:1])
    assert login(gql, email, code=step_code(secret))["errors"] == []


# --- back-off -------------------------------------------------------------------------------

def test_known_and_unknown_e_mails_cannot_be_told_apart(owner, runtime, admin):
    _, email, _ = admin
    answers = {}
    for who in (email, "nobody@nowhere.example"):
        with graphql_client(runtime, f"192.0.2.{len(answers) + 1}") as gql:
            answers[who] = [[(e["code"], e["field"], re.sub(r"\d+", "N", e["message"]))
                             for e in login(gql, who, password="wrong password")["errors"]] for _ in range(8)]
    known, unknown = answers.values()
    assert known == unknown
    assert [e[0][0] for e in known] == ["INVALID_CREDENTIALS"] * 3 + ["LOGIN_THROTTLED"] * 5
    begun = [owner.execute(text("SELECT params, hash_len FROM app.login_begin(:e, 'z')"), {"e": e}).one()
             for e in (email, "nobody@nowhere.example")]
    assert [b.params.rsplit("$", 1)[0] for b in begun] == ["$argon2id$v=19$m=65536,t=3,p=4"] * 2
    assert secrets.hash_password("x").startswith(begun[0].params.rsplit("$", 1)[0] + "$")
    assert begun[0].hash_len == begun[1].hash_len == 32


def test_a_stranger_slows_guessing_but_never_locks_the_user_out(owner, runtime, admin):
    user, email, secret = admin
    fresh_step()
    with graphql_client(runtime, "198.51.100.20") as home:
        assert login(home, email, code=step_code(secret))["errors"] == []
        answers = []
        for n in range(15):  # a stranger guessing from many addresses
            with graphql_client(runtime, f"203.0.113.{n}") as stranger:
                answers += [e["code"] for e in login(stranger, email, password=f"guess {n}")["errors"]]
        # past ten failures the e-mail is slowed down, whatever the address
        assert answers[:10] == ["INVALID_CREDENTIALS"] * 10 and "LOGIN_THROTTLED" in answers[10:]
        # a determined stranger: a hundred more failures, recorded as the login path records them
        for n in range(100):
            owner.execute(text("SELECT app.backoff_failed(:e, :a)"), {"e": email, "a": f"192.0.2.{n}"})
        # the user's own address is not held back
        assert login(home, email, code=step_code(secret, 1))["errors"] == []
    # from an address never used, the e-mail's delay applies, capped at 30 s
    wait = owner.execute(text("SELECT app.backoff_wait(:e, '198.51.100.99')"), {"e": email}).scalar()
    assert 0 < wait <= 30


def test_upgrading_encrypts_the_totp_secrets_already_stored(template):
    """A database from before the key ring: its plain secrets come out encrypted, and log in."""
    from alembic import command

    from switchboard.core.db.migrate import alembic_config
    from switchboard.core.db.server import bootstrap, locate
    from switchboard.core.runtime import Runtime
    from tests.conftest import create_database, drop_database, make_host

    settings = create_database(template, f"sb_upgrade_{time.monotonic_ns()}")
    db = locate(settings)
    bootstrap(db)
    runtime = Runtime.build(settings, host=make_host(settings), database=db)
    try:
        command.upgrade(alembic_config(db, runtime.host), "core_0004")
        secret = pyotp.random_base32()
        with runtime.owner.begin() as conn:
            tenant = f.tenant(conn)
            conn.execute(text("INSERT INTO app_user (tenant_id, email, kind, display_name, password_hash, totp_secret,"
                              " totp_enabled) VALUES (:t, 'old@example.com', 'staff', 'Old', :h, :s, true)"),
                         {"t": tenant, "h": f.PASSWORD_HASH, "s": secret})
        command.upgrade(alembic_config(db, runtime.host), "heads")
        with runtime.owner.connect() as conn:
            stored = conn.execute(text("SELECT totp_secret_enc FROM app_user WHERE email = 'old@example.com'")).scalar()
        assert secret not in stored and f.KEYRING.decrypt(stored) == secret
        with graphql_client(runtime) as gql:
            assert login(gql, "old@example.com", code=pyotp.TOTP(secret).now())["errors"] == []
    finally:
        runtime.owner.dispose()
        drop_database(settings, settings.database_name)
