"""CSV exports of billable hours and invoices: localized headers, numbers and delimiters, or machine format."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from switchboard.plugins.billing.csv_export import HOURS_COLUMNS, INVOICE_COLUMNS
from tests.plugins.billing.helpers import credit_note, draft, entry, issued, terms

TORONTO = ZoneInfo("America/Toronto")
HOURS_CSV = """query($from: Date!, $to: Date!, $by: [BillingGroup!], $localized: Boolean!) {
  billableHoursCsv(from: $from, to: $to, groupBy: $by, localized: $localized) { filename contentType content }
}"""
INVOICE_CSV = """query($id: UUID!, $localized: Boolean!) {
  invoiceCsv(id: $id, localized: $localized) { filename contentType content }
}"""


def at(day: int, hour: float) -> datetime:
    return datetime(2026, 3, day, tzinfo=TORONTO) + timedelta(hours=hour)


@pytest.fixture
def worked(world, owner):
    """A1 at 30.00 and A2 at 40.00: e1 works 46 h 30 on A1a in the week of 2 March (2 h 30 over 44),
    e3 works 7 h 30 on A2a."""
    w = world
    terms(owner, w.tA, w.A1, "30.00")
    terms(owner, w.tA, w.A2, "40.00")
    for day in range(2, 7):
        entry(owner, w.e1, w.A1a, at(day, 8), at(day, 17.3))
    entry(owner, w.e3, w.A2a, at(3, 9), at(3, 16.5))
    return w


def fetch(gql, token, query, variables, lang) -> tuple[dict, list[list[str]], str]:
    body = gql(query, variables, token=token, lang=lang)
    assert "errors" not in body, body
    file = next(iter(body["data"].values()))
    delimiter = ";" if lang == "fr" and variables["localized"] else ","
    # spreadsheet programs need the byte-order mark to read UTF-8; machines do not
    assert file["content"].startswith("\ufeff") == variables["localized"]
    file["content"] = file["content"].removeprefix("\ufeff")
    return file, list(csv.reader(io.StringIO(file["content"]), delimiter=delimiter)), delimiter


HOURS_HEADERS = {
    "en": ["Client", "Line of business", "Currency", "Regular hours", "Overtime hours", "Double-time hours",
           "Holiday hours", "Total hours", "Regular amount", "Overtime amount", "Double-time amount",
           "Holiday amount", "Total amount"],
    "fr": ["Client", "Ligne d'affaires", "Devise", "Heures normales", "Heures supplémentaires",
           "Heures à taux double", "Heures de jour férié", "Total des heures", "Montant normal",
           "Montant des heures supplémentaires", "Montant à taux double", "Montant de jour férié", "Montant total"],
    None: ["client", "lob", "currency", "regular_hours", "overtime_hours", "double_time_hours", "holiday_hours",
           "total_hours", "regular_amount", "overtime_amount", "double_time_amount", "holiday_amount",
           "total_amount"],
}
HOURS_ROWS = {
    "en": [["RetailCo", "L1 retail EN", "CAD", "44.00", "2.50", "0.00", "0.00", "46.50", "1320.00", "112.50",
            "0.00", "0.00", "1432.50"],
           ["Banque Laurier", "Cards", "CAD", "7.50", "0.00", "0.00", "0.00", "7.50", "300.00", "0.00", "0.00",
            "0.00", "300.00"]],
    "fr": [["RetailCo", "L1 retail EN", "CAD", "44,00", "2,50", "0,00", "0,00", "46,50", "1320,00", "112,50",
            "0,00", "0,00", "1432,50"],
           ["Banque Laurier", "Cards", "CAD", "7,50", "0,00", "0,00", "0,00", "7,50", "300,00", "0,00", "0,00",
            "0,00", "300,00"]],
}


@pytest.mark.parametrize(("lang", "localized"), [("en", True), ("fr", True), ("fr", False)])
def test_billable_hours_csv(gql, worked, lang, localized):
    variables = {"from": "2026-03-01", "to": "2026-03-31", "by": ["CLIENT", "LOB"], "localized": localized}
    file, rows, delimiter = fetch(gql, worked.tokens["admin"], HOURS_CSV, variables, lang)
    assert (file["filename"], file["contentType"]) == ("billable-hours-2026-03-01-2026-03-31.csv",
                                                        "text/csv; charset=utf-8")
    assert file["content"].splitlines()[0].count(delimiter) == len(HOURS_HEADERS["en"]) - 1
    assert rows[0] == HOURS_HEADERS[lang if localized else None]
    expected = HOURS_ROWS[lang if localized else "en"]
    assert sorted(rows[1:]) == sorted(expected)


def test_billable_hours_csv_by_employee_and_day(gql, worked):
    _, rows, _ = fetch(gql, worked.tokens["planner"], HOURS_CSV,
                       {"from": "2026-03-01", "to": "2026-03-03", "by": ["EMPLOYEE", "DAY"], "localized": False},
                       "en")
    assert [r[:3] + r[7:8] for r in rows] == [["employee", "day", "currency", "total_hours"],
                                             ["e1", "2026-03-02", "CAD", "9.30"],
                                             ["e1", "2026-03-03", "CAD", "9.30"]]  # the planner sees A1 only


INVOICE_HEADERS = {
    "en": ["Number", "Type", "Status", "Issued on", "Client", "Period from", "Period to", "Line of business",
           "Class", "Hours", "Rate", "Multiplier", "Amount", "Currency"],
    "fr": ["Numéro", "Type", "Statut", "Émise le", "Client", "Début de période", "Fin de période",
           "Ligne d'affaires", "Catégorie", "Heures", "Taux", "Multiplicateur", "Montant", "Devise"],
    None: ["number", "kind", "status", "issued_on", "client", "period_from", "period_to", "lob", "class", "hours",
           "rate", "multiplier", "amount", "currency"],
}


@pytest.mark.parametrize(("lang", "localized"), [("en", True), ("fr", True), ("fr", False)])
def test_invoice_csv(gql, worked, lang, localized):
    w = worked
    invoice = issued(gql, w.tokens["admin"], draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31"))
    today = datetime.now(TORONTO).date().isoformat()
    file, rows, _ = fetch(gql, w.tokens["planner"], INVOICE_CSV, {"id": invoice["id"], "localized": localized}, lang)
    assert file["filename"] == "invoice-1.csv"
    assert rows[0] == INVOICE_HEADERS[lang if localized else None]
    head = ["1", "2026-03-01", "2026-03-31"]
    expected = {
        "en": [["1", "Invoice", "Issued", today, "RetailCo", *head[1:], "L1 retail EN", "Regular", "44.00", "30.00",
                "1.00", "1320.00", "CAD"],
               ["1", "Invoice", "Issued", today, "RetailCo", *head[1:], "L1 retail EN", "Overtime", "2.50", "30.00",
                "1.50", "112.50", "CAD"]],
        "fr": [["1", "Facture", "Émise", today, "RetailCo", *head[1:], "L1 retail EN", "Normales", "44,00",
                "30,00", "1,00", "1320,00", "CAD"],
               ["1", "Facture", "Émise", today, "RetailCo", *head[1:], "L1 retail EN", "Heures supplémentaires",
                "2,50", "30,00", "1,50", "112,50", "CAD"]],
        None: [["1", "invoice", "issued", today, "RetailCo", *head[1:], "L1 retail EN", "regular", "44.00",
                "30.00", "1.00", "1320.00", "CAD"],
               ["1", "invoice", "issued", today, "RetailCo", *head[1:], "L1 retail EN", "overtime", "2.50",
                "30.00", "1.50", "112.50", "CAD"]],
    }
    assert rows[1:] == expected[lang if localized else None]


def test_a_draft_credit_note_csv_has_negative_amounts_and_no_number(gql, worked):
    w = worked
    invoice = issued(gql, w.tokens["admin"], draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31"))
    note = credit_note(gql, w.tokens["admin"], invoice, full=True)
    file, rows, _ = fetch(gql, w.tokens["admin"], INVOICE_CSV, {"id": note["id"], "localized": True}, "fr")
    assert file["filename"] == f"credit-note-draft-{note['id']}.csv"
    assert rows[1][:4] == ["", "Note de crédit", "Brouillon", ""]
    assert rows[1][9:] == ["-7,50", "40,00", "1,00", "-300,00", "CAD"]


def test_every_header_and_label_has_a_message_in_each_language(runtime):
    codes = {f"CSV_{c.key.upper()}" for c in [*HOURS_COLUMNS, *INVOICE_COLUMNS]}
    codes |= {f"CSV_{key.upper()}" for key in ("client", "lob", "employee", "day", "week")}
    codes |= {f"HOURS_CLASS_{c}" for c in ("REGULAR", "OVERTIME", "DOUBLE_TIME", "HOLIDAY")}
    codes |= {"INVOICE_KIND_INVOICE", "INVOICE_KIND_CREDIT_NOTE", "INVOICE_STATUS_DRAFT", "INVOICE_STATUS_ISSUED"}
    for lang in ("en", "fr"):
        assert codes <= runtime.messages.codes(lang), sorted(codes - runtime.messages.codes(lang))
