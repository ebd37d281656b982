"""Credit notes: a correction after issue is credited, never edited, and never over-credited."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.plugins.billing.helpers import (
    CREDIT,
    INVOICE_TABLES,
    ISSUE,
    credit_note,
    draft,
    drafted,
    entry,
    issued,
    payload,
    terms,
)
from tests.plugins.timekeeping.test_ledger import CLOSE, CORRECT

TORONTO = ZoneInfo("America/Toronto")


def at(day: int, hour: float) -> datetime:
    return datetime(2026, 3, day, tzinfo=TORONTO) + timedelta(hours=hour)


@pytest.fixture
def march(world, owner, gql):
    """A1's March, issued: e1 works 8 h a day on A1a, 2-6 March (40 h at 30.00, 15-minute rounding),
    every entry approved and the month closed. Returns the issued invoice."""
    w = world
    terms(owner, w.tA, w.A1, "30.00", rounding=15)
    w.ids["entries"] = [entry(owner, w.e1, w.A1a, at(day, 9), at(day, 17)) for day in range(2, 7)]
    owner.execute(text("UPDATE time_entry SET state = 'approved', approved_by = :u, approved_at = now()"),
                  {"u": w.admin})
    body = gql(CLOSE, {"c": str(w.A1), "d": "2026-03-31"}, token=w.tokens["admin"])
    assert body["data"]["closePeriod"]["errors"] == []
    invoice = issued(gql, w.tokens["admin"], draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31"))
    assert (invoice["total"], invoice["creditable"]) == ("1200.00", "1200.00")
    return invoice


def correct(gql, world, entry_id, start: datetime, end: datetime) -> dict:
    """Correct a time entry through GraphQL (on a closed day: an adjustment in the next open day)."""
    body = gql(CORRECT, {"id": str(entry_id), "c": {"activity": "HANDLING", "startedAt": start.isoformat(),
                                                    "endedAt": end.isoformat()}}, token=world.tokens["admin"])
    assert body["data"]["correctTimeEntry"]["errors"] == [], body
    return body["data"]["correctTimeEntry"]["entry"]


def test_a_correction_after_issue_is_credited_by_its_difference(march, world, gql):
    w = world
    adjusted = correct(gql, w, w.entries[1], at(3, 9), at(3, 15) + timedelta(minutes=7))  # 6 h 07: 6 h at 15 min
    assert (adjusted["workDate"], adjusted["bookedOn"], adjusted["adjustment"]) == ("2026-03-03", "2026-04-01", True)
    note = credit_note(gql, w.tokens["admin"], march)
    assert (note["kind"], note["status"], note["creditsId"], note["periodFrom"], note["periodTo"]) == (
        "CREDIT_NOTE", "DRAFT", march["id"], "2026-03-01", "2026-03-31")
    [line] = note["lines"]
    assert (line["hoursClass"], line["minutes"], line["hours"], line["rate"], line["amount"]) == (
        "REGULAR", -120, "-2.0000", "30.00", "-60.00")
    assert note["total"] == "-60.00"
    note = issued(gql, w.tokens["admin"], note)
    assert note["number"] == 2  # invoices and credit notes share the tenant's sequence
    invoice = gql("query($id: UUID!) { invoice(id: $id) { creditable { amount }"
                  " creditNotes { number total { amount } } } }",
                  {"id": march["id"]}, token=w.tokens["admin"])["data"]["invoice"]
    assert invoice == {"creditable": {"amount": "1140.00"},
                       "creditNotes": [{"number": 2, "total": {"amount": "-60.00"}}]}
    # the same correction is never credited twice
    refused = payload(gql, w.tokens["admin"], CREDIT, {"id": march["id"], "full": False})
    assert [e["code"] for e in refused["errors"]] == ["NOTHING_TO_CREDIT"]


def test_a_full_credit_note_reverses_what_is_left_and_frees_the_period(march, world, gql):
    w = world
    correct(gql, w, w.entries[0], at(2, 9), at(2, 16))
    issued(gql, w.tokens["admin"], credit_note(gql, w.tokens["admin"], march))  # -30.00
    full = credit_note(gql, w.tokens["admin"], march, full=True)
    [line] = full["lines"]
    assert (line["minutes"], line["amount"], full["total"]) == (-39 * 60, "-1170.00", "-1170.00")
    # while the invoice stands, its period cannot be invoiced again
    again = drafted(gql, w.tokens["admin"], {"client": str(w.A1), "from": "2026-03-01", "to": "2026-03-31"})
    assert [e["code"] for e in again["errors"]] == ["INVOICE_PERIOD_OVERLAP"]
    issued(gql, w.tokens["admin"], full)
    left = gql("query($id: UUID!) { invoice(id: $id) { creditable { amount } } }", {"id": march["id"]},
               token=w.tokens["admin"])["data"]["invoice"]["creditable"]
    assert left == {"amount": "0.00"}
    redone = draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31")
    assert redone["total"] == "1170.00"
    refused = payload(gql, w.tokens["admin"], CREDIT, {"id": march["id"], "full": True})
    assert [e["code"] for e in refused["errors"]] == ["NOTHING_TO_CREDIT"]


def test_amounts_net_to_the_recomputed_line_to_the_cent(world, owner, gql):
    """Rounding never leaves a cent behind: each credit brings the line's net amount to what
    recomputing it gives, so crediting everything leaves exactly nothing."""
    w = world
    terms(owner, w.tA, w.A2, "31.33", rounding=1)
    e = entry(owner, w.e3, w.A2a, at(2, 9), at(2, 9) + timedelta(minutes=3))  # 3 min: 1.5665 -> 1.57
    invoice = issued(gql, w.tokens["admin"], draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31"))
    assert invoice["total"] == "1.57"
    body = gql(CORRECT, {"id": str(e), "c": {"activity": "HANDLING", "startedAt": at(2, 9).isoformat(),
                                             "endedAt": (at(2, 9) + timedelta(minutes=1)).isoformat()}},
               token=w.tokens["admin"])
    assert body["data"]["correctTimeEntry"]["errors"] == []
    note = issued(gql, w.tokens["admin"], credit_note(gql, w.tokens["admin"], invoice))
    assert note["total"] == "-1.05"  # 1 min is 0.52 (0.5222): 1.57 - 0.52
    rest = issued(gql, w.tokens["admin"], credit_note(gql, w.tokens["admin"], invoice, full=True))
    assert rest["total"] == "-0.52"
    assert owner.execute(text("SELECT billing.creditable(tenant_id, id) FROM invoice WHERE id = :i"),
                         {"i": invoice["id"]}).scalar() == Decimal("0.00")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_over_crediting_is_refused_coded_and_localized(march, world, owner, gql, lang):
    w = world
    correct(gql, w, w.entries[0], at(2, 9), at(2, 16))
    note = credit_note(gql, w.tokens["admin"], march)
    # a credit note tampered with to credit 50 h of a 40 h invoice is not issued
    owner.execute(text("UPDATE invoice_line SET minutes = -3000, amount = -1500 WHERE invoice_id = :i"),
                  {"i": note["id"]})
    before = f.fingerprint(owner, INVOICE_TABLES)
    result = payload(gql, w.tokens["admin"], ISSUE, {"id": note["id"]}, lang=lang)
    [error] = result["errors"]
    assert error["code"] == "CREDIT_EXCEEDS_INVOICE"
    assert error["message"] == {
        "en": "A credit note cannot credit more than is left on its invoice.",
        "fr": "Une note de crédit ne peut pas créditer plus que ce qui reste sur sa facture."}[lang]
    assert f.fingerprint(owner, INVOICE_TABLES) == before


def test_the_database_refuses_a_credit_note_over_what_is_left(march, world, owner, as_runtime):
    """Raw SQL as the runtime role: credit notes whose lines would take an invoice below zero."""
    w = world
    line = owner.execute(text("SELECT lob_id, terms_id FROM invoice_line WHERE invoice_id = :i"),
                         {"i": march["id"]}).one()
    insert_note = text(
        "INSERT INTO invoice (tenant_id, client_id, kind, credits, period_from, period_to, currency)"
        " VALUES (:t, :c, 'credit_note', :i, '2026-03-01', '2026-03-31', 'CAD') RETURNING id")
    insert_line = text(
        "INSERT INTO invoice_line (tenant_id, client_id, invoice_id, lob_id, terms_id, class, minutes,"
        " rounding_minutes, rate, multiplier, amount, currency)"
        " VALUES (:t, :c, :n, :lob, :terms, :class, :m, 15, :rate, 1, :amount, 'CAD')")
    cases = [
        ({"class": "regular", "m": -2415, "rate": "30.00", "amount": "-1207.50"}, "credit_note_limit"),
        ({"class": "overtime", "m": -60, "rate": "30.00", "amount": "-30.00"}, "credit_note_limit"),
        ({"class": "regular", "m": -60, "rate": "31.00", "amount": "-31.00"}, "credit_note_limit"),
        ({"class": "regular", "m": -60, "rate": "30.00", "amount": "-31.00"}, "invoice_line_amount"),
    ]
    for values, constraint in cases:
        with as_runtime.caller(w.admin) as conn:
            params = {"t": w.tA, "c": w.A1, "i": march["id"], "lob": line.lob_id, "terms": line.terms_id}
            note = conn.execute(insert_note, params).scalar_one()
            conn.execute(insert_line, {**params, "n": note, **values})
            with pytest.raises(Exception) as raised:
                conn.execute(text("UPDATE invoice SET status = 'issued' WHERE id = :n"), {"n": note})
            assert raised.value.orig.diag.constraint_name == constraint, values
    with as_runtime.caller(w.admin) as conn:  # credit note lines are negative
        params = {"t": w.tA, "c": w.A1, "i": march["id"], "lob": line.lob_id, "terms": line.terms_id}
        note = conn.execute(insert_note, params).scalar_one()
        with pytest.raises(Exception) as raised:
            conn.execute(insert_line, {**params, "n": note, "class": "regular", "m": 60, "rate": "30.00",
                                       "amount": "30.00"})
        assert raised.value.orig.diag.constraint_name == "invoice_line_sign"


@pytest.mark.parametrize(("target", "code"), [
    ("draft", "INVOICE_NOT_ISSUED"), ("note", "NOT_AN_INVOICE"), ("again", "CREDIT_NOTE_DRAFT_EXISTS"),
    ("elsewhere", "NOT_FOUND"),
])
def test_what_cannot_be_credited(march, world, owner, gql, target, code):
    w = world
    correct(gql, w, w.entries[0], at(2, 9), at(2, 16))
    note = credit_note(gql, w.tokens["admin"], march)
    terms(owner, w.tA, w.A2, "30.00")
    entry(owner, w.e3, w.A2a, at(3, 9), at(3, 17))
    ids = {"draft": draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31")["id"], "note": note["id"],
           "again": march["id"], "elsewhere": march["id"]}
    token = w.tokens["adminB" if target == "elsewhere" else "admin"]
    before = f.fingerprint(owner, INVOICE_TABLES)
    result = payload(gql, token, CREDIT, {"id": ids[target], "full": True}, lang="fr")
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, "invoiceId")]
    assert result["errors"][0]["message"] != code
    assert f.fingerprint(owner, INVOICE_TABLES) == before
