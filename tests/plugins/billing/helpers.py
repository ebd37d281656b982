"""Shared set-up of the billing tests: terms, entries written by the owner, the queries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import text

from tests import factories as f
from tests.jobs import finished
from tests.pages import every_node

HOURS = """query($from: Date!, $to: Date!, $client: UUID, $lob: UUID, $by: [BillingGroup!], $after: String) {
  billableHours(from: $from, to: $to, clientId: $client, lobId: $lob, groupBy: $by, first: 100, after: $after) {
    nodes { clientId lobId employeeId day week currency regularHours overtimeHours doubleTimeHours holidayHours
            totalHours regularAmount { ...Money } overtimeAmount { ...Money } doubleTimeAmount { ...Money }
            holidayAmount { ...Money } totalAmount { ...Money } }
    pageInfo { hasNextPage endCursor }
  }
}"""
MONEY = "fragment Money on Money { amount currency }"
HOURS += "\n" + MONEY
FIELDS = ("regularHours", "overtimeHours", "doubleTimeHours", "holidayHours")


def terms(conn, tenant: UUID, client: UUID, rate: str = "30.00", lob: UUID | None = None,
          activities: tuple[str, ...] = ("handling", "after_contact_work", "available", "training"),
          currency: str = "CAD", payer: str = "client", start: date = date(2026, 1, 1),
          end: date | None = None, rounding: int = 1) -> UUID:
    """Terms from ``start`` to ``end`` (exclusive; None: open-ended)."""
    return conn.execute(text(
        "INSERT INTO billing_terms (tenant_id, client_id, lob_id, valid_during, billable_activities, bill_rate,"
        " currency, premium_payer, rounding_minutes) VALUES (:t, :c, :l, daterange(:s, :e), :a, :r, :cur, :p,"
        " :rounding) RETURNING id"),
        {"t": tenant, "c": client, "l": lob, "s": start, "e": end, "a": list(activities), "r": Decimal(rate),
         "cur": currency, "p": payer, "rounding": rounding}).scalar_one()


def entry(conn, employee: UUID, lob: UUID, start: datetime, end: datetime, activity: str = "handling") -> UUID:
    """An entry on the employee's assignment to ``lob`` (the owner writes; triggers still check it)."""
    return conn.execute(text(
        "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity, started_at,"
        " ended_at, source, work_date, timezone, booked_on)"
        " SELECT a.tenant_id, a.client_id, a.lob_id, a.employee_id, a.id, :act, :s, :e, 'acd', NULL, NULL, NULL"
        " FROM assignment a WHERE a.employee_id = :emp AND a.lob_id = :lob RETURNING id"),
        {"emp": employee, "lob": lob, "s": start, "e": end, "act": activity}).scalar_one()


def hours(gql, token: str, first: str, last: str, by: list[str] | None = None, **kw: Any) -> list[dict]:
    """Every row of ``billableHours``, page by page (each Money as its amount)."""
    def ask(after: str | None) -> dict:
        body = gql(HOURS, {"from": first, "to": last, "by": by, "after": after, **kw}, token=token)
        assert "errors" not in body, body
        return body["data"]
    return plain_money(every_node(ask, ("billableHours",)))


def split(row: dict) -> tuple[Decimal, ...]:
    return tuple(Decimal(str(row[f])) for f in FIELDS)


def plain_money(value: Any, currency: str | None = None) -> Any:
    """``value`` with each Money replaced by its amount (a Decimal string), once its currency is
    checked to be that of the object holding it (an invoice's, a line's, a row's)."""
    if isinstance(value, list):
        return [plain_money(v, currency) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"amount", "currency"}:
        assert isinstance(value["amount"], str) and (currency is None or value["currency"] == currency), value
        return value["amount"]
    own = value.get("currency", currency)
    return {k: plain_money(v, own) for k, v in value.items()}


INVOICE = ("id: databaseId clientId kind status number periodFrom periodTo currency total { amount currency } totalText"
           " creditable { amount currency } creditsId issuedAt lines { lobId termsId hoursClass minutes hours"
           " roundingMinutes rate { amount currency } multiplier amount { amount currency } currency }")
ERRORS = "errors { code field message }"
DRAFT = ("mutation($client: UUID!, $from: Date!, $to: Date!, $currency: String) {"
         " draftInvoice(clientId: $client, from: $from, to: $to, currency: $currency) {"
         f" job {{ id kind state }} {ERRORS} }} }}")
ISSUE = f"mutation($id: UUID!) {{ issueInvoice(id: $id) {{ invoice {{ {INVOICE} }} {ERRORS} }} }}"
DISCARD = f"mutation($id: UUID!) {{ discardDraft(id: $id) {{ discardedId {ERRORS} }} }}"
CREDIT = ("mutation($id: UUID!, $full: Boolean!) { draftCreditNote(invoiceId: $id, full: $full) {"
          f" invoice {{ {INVOICE} }} {ERRORS} }} }}")
INVOICE_TABLES = ("invoice", "invoice_line", "invoice_counter", "audit_event")
# what a draft refused by its job leaves unchanged (the job and its own bookkeeping aside)
DRAFT_TABLES = ("invoice", "invoice_line", "invoice_counter", f.AUDIT_OUTSIDE_JOBS)


def payload(gql, token: str, query: str, variables: dict, lang: str | None = None) -> dict:
    """The single mutation payload of a request (which must not fail as a whole)."""
    body = gql(query, variables, token=token, lang=lang)
    assert "errors" not in body, body
    return plain_money(next(iter(body["data"].values())))


def drafted(gql, token: str, variables: dict, lang: str | None = None) -> dict:
    """``draftInvoice``, then its job run: ``{"invoice": …, "errors": [...]}``, the errors being the
    request's refusals (with their field) or the job's (field null)."""
    result = payload(gql, token, DRAFT, variables, lang=lang)
    if result["errors"]:
        assert result["job"] is None, result
        return {"invoice": None, "errors": result["errors"]}
    assert result["job"]["kind"] == "billing.invoice_draft", result
    job = finished(gql, token, result["job"]["id"], "InvoiceDraftResult", f"invoice {{ {INVOICE} }}", lang)
    if job["state"] == "FAILED":
        return {"invoice": None, "errors": [{**job["error"], "field": None}]}
    return {"invoice": plain_money(job["outcome"]["invoice"]), "errors": []}


def draft(gql, token: str, client: UUID, first: str, last: str, currency: str | None = None) -> dict:
    """A draft invoice of ``client``'s work dates ``[first, last]``."""
    result = drafted(gql, token, {"client": str(client), "from": first, "to": last, "currency": currency})
    assert result["errors"] == [], result
    return result["invoice"]


def issued(gql, token: str, invoice: dict | str) -> dict:
    """The invoice (or its id) issued."""
    result = payload(gql, token, ISSUE, {"id": invoice if isinstance(invoice, str) else invoice["id"]})
    assert result["errors"] == [], result
    return result["invoice"]


def credit_note(gql, token: str, invoice: dict, full: bool = False) -> dict:
    """A draft credit note of an issued invoice."""
    result = payload(gql, token, CREDIT, {"id": invoice["id"], "full": full})
    assert result["errors"] == [], result
    return result["invoice"]
