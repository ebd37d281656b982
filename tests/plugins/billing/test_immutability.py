"""An issued invoice never changes: not through GraphQL, not through raw SQL as the
runtime role, not even as the owner of the tables (the trigger holds for everyone)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pyotp
import pytest
from sqlalchemy import text

from tests import factories as f
from tests.plugins.billing.helpers import (
    DISCARD,
    INVOICE_TABLES,
    ISSUE,
    draft,
    entry,
    issued,
    payload,
    terms,
)

TORONTO = ZoneInfo("America/Toronto")


@pytest.fixture
def invoice(world, owner, gql):
    """Client A1's issued March invoice (a day of e1's work) and a March draft of A2."""
    w = world
    terms(owner, w.tA, w.A1, "30.00")
    terms(owner, w.tA, w.A2, "30.00")
    entry(owner, w.e1, w.A1a, datetime(2026, 3, 2, 9, tzinfo=TORONTO), datetime(2026, 3, 2, 17, tzinfo=TORONTO))
    entry(owner, w.e3, w.A2a, datetime(2026, 3, 3, 9, tzinfo=TORONTO), datetime(2026, 3, 3, 17, tzinfo=TORONTO))
    w.ids["draft"] = draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31")["id"]
    return issued(gql, w.tokens["admin"], draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31"))


CHANGES = [
    "UPDATE invoice SET total = 0 WHERE id = :i",
    "UPDATE invoice SET status = 'draft', number = NULL, issued_at = NULL, issued_by = NULL WHERE id = :i",
    "DELETE FROM invoice WHERE id = :i",
    "UPDATE invoice_line SET amount = amount - 1 WHERE invoice_id = :i",
    "UPDATE invoice_line SET invoice_id = :d WHERE invoice_id = :i",
    "DELETE FROM invoice_line WHERE invoice_id = :i",
    ("INSERT INTO invoice_line (tenant_id, client_id, invoice_id, lob_id, terms_id, class, minutes, rounding_minutes,"
     " rate, multiplier, amount, currency) SELECT tenant_id, client_id, invoice_id, lob_id, terms_id, 'overtime',"
     " 60, 1, rate, 1.5, 45, currency FROM invoice_line WHERE invoice_id = :i"),
]


@pytest.mark.parametrize("statement", CHANGES)
def test_an_issued_invoice_refuses_raw_sql_as_the_runtime_role_and_the_owner(invoice, world, owner, as_runtime,
                                                                            statement):
    before = f.fingerprint(owner, INVOICE_TABLES)
    with as_runtime.caller(world.admin) as conn:
        with pytest.raises(Exception) as raised:
            conn.execute(text(statement), {"i": invoice["id"], "d": world.draft})
        assert raised.value.orig.diag.constraint_name == "invoice_immutable"
    with pytest.raises(Exception) as raised:
        owner.execute(text(statement), {"i": invoice["id"], "d": world.draft})
    assert raised.value.orig.diag.constraint_name == "invoice_immutable"
    assert f.fingerprint(owner, INVOICE_TABLES) == before


def test_truncating_issued_invoices_is_refused_even_to_the_owner(invoice, owner):
    for table in ("invoice_line", "invoice CASCADE"):
        with pytest.raises(Exception) as raised:
            owner.execute(text(f"TRUNCATE {table}"))
        assert raised.value.orig.diag.constraint_name == "invoice_immutable"
    assert owner.execute(text("SELECT count(*) FROM invoice_line")).scalar() == 2


def test_drafts_may_change_and_be_deleted(invoice, world, as_runtime):
    with as_runtime.caller(world.admin) as conn:
        changed = conn.execute(text("UPDATE invoice_line SET minutes = 420, amount = 210 WHERE invoice_id = :d"),
                               {"d": world.draft}).rowcount
        conn.execute(text("DELETE FROM invoice_line WHERE invoice_id = :d"), {"d": world.draft})
        deleted = conn.execute(text("DELETE FROM invoice WHERE id = :d"), {"d": world.draft}).rowcount
    assert (changed, deleted) == (1, 1)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_graphql_refuses_to_discard_or_reissue_an_issued_invoice(invoice, world, owner, gql, lang):
    before = f.fingerprint(owner, INVOICE_TABLES)
    for query in (DISCARD, ISSUE):
        result = payload(gql, world.tokens["admin"], query, {"id": invoice["id"]}, lang=lang)
        [error] = result["errors"]
        assert (error["code"], error["field"]) == ("INVOICE_ISSUED", "id")
        assert error["message"] == {
            "en": "This invoice is issued and can no longer change: correct it with a credit note.",
            "fr": "Cette facture est émise et ne peut plus changer : corrigez-la par une note de crédit."}[lang]
    assert f.fingerprint(owner, INVOICE_TABLES) == before


def test_issued_invoices_are_stamped_by_the_database(invoice, world, owner, as_runtime):
    row = owner.execute(text("SELECT number, issued_by, issued_at, total FROM invoice WHERE id = :i"),
                        {"i": invoice["id"]}).one()
    assert (row.number, row.issued_by, str(row.total)) == (1, world.admin, "240.00")
    assert invoice["issuedAt"] is not None and invoice["status"] == "ISSUED"
    # an invoice is born a draft: nobody inserts an issued one or picks its number
    with as_runtime.caller(world.admin) as conn:
        with pytest.raises(Exception) as raised:
            conn.execute(text(
                "INSERT INTO invoice (tenant_id, client_id, period_from, period_to, currency, status, number,"
                " issued_at, issued_by) VALUES (:t, :c, '2026-01-01', '2026-01-31', 'CAD', 'issued', 7, now(), :u)"),
                {"t": world.tA, "c": world.A1, "u": world.admin})
        assert raised.value.orig.diag.constraint_name == "invoice_born_draft"


def test_issuing_needs_a_recent_second_factor(invoice, world, owner, gql):
    secret = pyotp.random_base32()
    finance = f.user(owner, world.tA, ("finance", world.A2, None), totp_secret=secret)
    token = f.token(owner, finance)
    owner.execute(text("UPDATE auth_token SET mfa_at = now() - interval '2 hours' WHERE user_id = :u"), {"u": finance})
    body = gql(ISSUE, {"id": world.draft}, token=token)
    assert body["errors"][0]["extensions"]["code"] == "MFA_REQUIRED"
    assert owner.execute(text("SELECT status FROM invoice WHERE id = :i"), {"i": world.draft}).scalar() == "draft"
    step = gql("mutation($c: String!) { stepUp(totpCode: $c) { ok } }", {"c": pyotp.TOTP(secret).now()}, token=token)
    assert step["data"]["stepUp"]["ok"] is True
    assert issued(gql, token, world.draft)["number"] == 2
