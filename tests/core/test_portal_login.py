"""Client users log in, log out and manage their own factors on ``/portal/graphql`` itself, with
the same resolvers as staff on ``/graphql``; an account of the other endpoint is refused exactly
like a wrong password."""

from __future__ import annotations

import pyotp
import pytest
from sqlalchemy import text

from tests import factories as f
from tests.conftest import graphql_client

LOGIN = """mutation($email: String!, $password: String!, $code: String, $recovery: String) {
  login(email: $email, password: $password, totpCode: $code, recoveryCode: $recovery) {
    token mfa errors { code field message } } }"""
LOGOUT = "mutation { logout { ok errors { code } } }"
ACCOUNT = "{ account { name } }"
ME = "{ me { email } }"


def email_of(owner, user_id):
    return owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": user_id}).scalar()


def login(gql, email, *, portal, password=f.PASSWORD, code=None, recovery=None, lang=None):
    body = gql(LOGIN, {"email": email, "password": password, "code": code, "recovery": recovery},
               portal=portal, lang=lang)
    assert "errors" not in body, body
    return body["data"]["login"]


def sessions(owner, user_id) -> int:
    return owner.execute(text("SELECT count(*) FROM auth_token WHERE user_id = :u AND kind = 'session'"),
                         {"u": user_id}).scalar()


def test_a_client_user_logs_in_and_out_on_the_portal(world, gql, owner):
    session = login(gql, email_of(owner, world.portal), portal=True)
    assert session["errors"] == [] and session["token"]
    token = session["token"]
    assert gql(ACCOUNT, token=token, portal=True)["data"]["account"]["name"] == "RetailCo"
    assert gql(LOGOUT, token=token, portal=True)["data"]["logout"] == {"ok": True, "errors": []}
    after = gql(ACCOUNT, token=token, portal=True)
    assert after["_status"] == 401 and after["errors"][0]["extensions"]["code"] == "TOKEN_REVOKED"


def test_staff_log_out_on_the_internal_endpoint_and_only_that_token_ends(world, gql, owner):
    email = email_of(owner, world.planner)
    first, second = (login(gql, email, portal=False)["token"] for _ in range(2))
    assert gql(LOGOUT, token=first)["data"]["logout"] == {"ok": True, "errors": []}
    assert gql(ME, token=first)["errors"][0]["extensions"]["code"] == "TOKEN_REVOKED"
    assert gql(ME, token=second)["data"]["me"]["email"] == email


def test_logging_out_needs_a_token(gql):
    body = gql(LOGOUT)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_account_of_the_other_endpoint_is_refused_like_a_wrong_password(world, gql, owner, lang):
    staff, client = email_of(owner, world.planner), email_of(owner, world.portal)
    wrong = login(gql, staff, portal=False, password="not the password", lang=lang)
    for email, portal in ((staff, True), (client, False)):
        refused = login(gql, email, portal=portal, lang=lang)
        assert refused == wrong and refused["token"] is None
        assert refused["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert sessions(owner, world.planner) == sessions(owner, world.portal) == 0


def test_a_staff_second_factor_is_not_asked_for_on_the_portal(owner, gql, world):
    """A right password on the wrong endpoint opens no ticket: no TOTP question reveals it."""
    secret = pyotp.random_base32()
    admin = f.user(owner, world.tA, "tenant_admin", totp_secret=secret)
    email = email_of(owner, admin)
    assert login(gql, email, portal=False)["errors"][0]["code"] == "TOTP_REQUIRED"
    portal = login(gql, email, portal=True)
    assert portal["errors"][0]["code"] == "INVALID_CREDENTIALS" and portal["token"] is None
    assert login(gql, email, portal=True, code=pyotp.TOTP(secret).now())["errors"][0]["code"] == "INVALID_CREDENTIALS"


def test_wrong_endpoint_logins_count_towards_back_off(world, runtime, owner):
    email = email_of(owner, world.planner)
    with graphql_client(runtime, "203.0.113.9") as guesser:
        answers = [login(guesser, email, portal=True)["errors"][0]["code"] for _ in range(5)]
    assert answers[:3] == ["INVALID_CREDENTIALS"] * 3 and answers[3] == "LOGIN_THROTTLED"


def test_a_client_user_enrols_totp_steps_up_and_changes_password_on_the_portal(world, gql, owner):
    email = email_of(owner, world.portal)
    token = login(gql, email, portal=True)["token"]
    begun = gql("""mutation($p: String!) { beginTotpEnrolment(current: {password: $p}) {
                     secret errors { code } } }""", {"p": f.PASSWORD}, token=token, portal=True)
    secret = begun["data"]["beginTotpEnrolment"]["secret"]
    confirmed = gql("mutation($c: String!) { confirmTotp(code: $c) { ok recoveryCodes errors { code } } }",
                    {"c": pyotp.TOTP(secret).now()}, token=token, portal=True)["data"]["confirmTotp"]
    assert confirmed["ok"] and len(confirmed["recoveryCodes"]) == 10
    codes = confirmed["recoveryCodes"]

    assert login(gql, email, portal=True)["errors"][0]["code"] == "TOTP_REQUIRED"
    second = login(gql, email, portal=True, recovery=codes[0])
    assert second["errors"] == [] and second["mfa"] is True
    step = gql("mutation($r: String) { stepUp(recoveryCode: $r) { ok errors { code } } }", {"r": codes[1]},
               token=second["token"], portal=True)
    assert step["data"]["stepUp"] == {"ok": True, "errors": []}

    changed = gql("""mutation($p: String!, $r: String, $n: String!) {
                       changePassword(current: {password: $p, recoveryCode: $r}, newPassword: $n) {
                         ok errors { code field } } }""",
                  {"p": f.PASSWORD, "r": codes[2], "n": "a brand new passphrase"}, token=second["token"], portal=True)
    assert changed["data"]["changePassword"] == {"ok": True, "errors": []}
    assert login(gql, email, portal=True, recovery=codes[3])["errors"][0]["code"] == "INVALID_CREDENTIALS"
    assert login(gql, email, portal=True, password="a brand new passphrase", recovery=codes[4])["errors"] == []
    # the session that began enrolment was ended with the old password
    assert gql(ACCOUNT, token=token, portal=True)["errors"][0]["extensions"]["code"] == "TOKEN_REVOKED"


def test_the_portal_offers_no_staff_identity_mutation(world, gql):
    body = gql('mutation { createApiToken(name: "x", current: {password: "x"}) { token } }',
               token=world.tokens["portal"], portal=True)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
