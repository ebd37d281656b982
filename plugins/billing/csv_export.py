"""CSV files of billable hours and of invoices, in the caller's language or for machines.

One function lays out both exports and core's safe CSV writer
(:mod:`switchboard.core.exports.csv`) writes them, so a name can never start a
spreadsheet formula. Localized: headers from the message catalogs (``CSV_<COLUMN>``),
numbers through Babel in the caller's locale, ``;`` between fields where the locale's
decimal mark is a comma, and a byte-order mark. Machine format: the column keys as
headers, ``.`` decimals, ``,`` between fields. Dates are ISO 8601 either way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import Any

from switchboard.core.exports.csv import CONTENT_TYPE, Cell, CsvFormat
from switchboard.core.exports.csv import render as write_csv
from switchboard.core.i18n import Messages

from .service import CLASSES, GROUP_ALIASES, Group

# Babel patterns: hours and multipliers keep up to four decimals, money two
PATTERNS = {"hours": "0.00##", "multiplier": "0.00##", "money": "0.00"}


@dataclass(frozen=True)
class Column:
    """A column: its ``key`` (machine header, and ``CSV_<KEY>`` in the catalogs), how its
    values are written (``text``, ``date``, or a :data:`PATTERNS` name) and, for coded
    values, the catalog prefix of their labels (``HOURS_CLASS_`` + ``OVERTIME``)."""

    key: str
    kind: str = "text"
    labels: str | None = None


@dataclass(frozen=True)
class CsvContent:
    filename: str
    content_type: str
    content: str


def render(filename: str, columns: list[Column], rows: Iterable[Mapping[str, Any]], messages: Messages,
           lang: str, localized: bool) -> CsvContent:
    """Write ``rows`` (mappings by column key) as a CSV file, localized to ``lang`` or not."""
    fmt = CsvFormat.of(lang, localized)

    def cell(column: Column, value: Any) -> Cell:
        if value is None:
            return None
        if column.kind in PATTERNS:
            return fmt.number(value, PATTERNS[column.kind])
        if isinstance(value, date):
            return value
        if column.labels and localized:
            return messages.render(f"{column.labels}{str(value).upper()}", lang)
        return str(value)

    header = [messages.render(f"CSV_{c.key.upper()}", lang) if localized else c.key for c in columns]
    body = ([cell(c, row.get(c.key)) for c in columns] for row in rows)
    return CsvContent(filename=filename, content_type=CONTENT_TYPE, content=write_csv(chain([header], body), fmt))


# --- the two exports -------------------------------------------------------------------

HOURS_CLASSES = tuple(CLASSES)
HOURS_COLUMNS = [
    Column("currency"),
    *(Column(f"{c}_hours", "hours") for c in HOURS_CLASSES), Column("total_hours", "hours"),
    *(Column(f"{c}_amount", "money") for c in HOURS_CLASSES), Column("total_amount", "money"),
]
INVOICE_COLUMNS = [
    Column("number"), Column("kind", labels="INVOICE_KIND_"), Column("status", labels="INVOICE_STATUS_"),
    Column("issued_on"), Column("client"), Column("period_from"), Column("period_to"), Column("lob"),
    Column("class", labels="HOURS_CLASS_"), Column("hours", "hours"), Column("rate", "money"),
    Column("multiplier", "multiplier"), Column("amount", "money"), Column("currency"),
]


def hours_file(rows: list[Any], groups: list[Group], names: Mapping[Any, str], first: date, last: date,
               messages: Messages, lang: str, localized: bool) -> CsvContent:
    """Billable-hours rows (as ``billableHours`` returns them) grouped by ``groups``; a
    client, LOB or employee column holds its name (``names`` by id)."""
    aliases = [GROUP_ALIASES[g] for g in groups]
    columns = [Column(a.removesuffix("_id")) for a in aliases] + HOURS_COLUMNS

    def values(r: Any) -> dict[str, Any]:
        m = dict(r._mapping)
        for alias in aliases:
            m[alias.removesuffix("_id")] = names.get(m[alias]) if alias.endswith("_id") else m[alias]
        m["total_hours"] = sum(m[f"{c}_hours"] for c in HOURS_CLASSES)
        m["total_amount"] = sum(m[f"{c}_amount"] for c in HOURS_CLASSES)
        return m

    return render(f"billable-hours-{first.isoformat()}-{last.isoformat()}.csv", columns, map(values, rows),
                  messages, lang, localized)


def invoice_file(invoice: Any, lines: list[Any], client_name: str, issued_on: date | None,
                 lob_names: Mapping[Any, str], messages: Messages, lang: str, localized: bool) -> CsvContent:
    """One row per line of an invoice or credit note, the invoice's own fields repeated on each."""
    head = {"number": invoice.number, "kind": invoice.kind, "status": invoice.status, "issued_on": issued_on,
            "client": client_name, "period_from": invoice.period_from, "period_to": invoice.period_to}
    rows = [{**head, "lob": lob_names.get(x.lob_id), "class": x.hours_class, "hours": x.hours, "rate": x.rate,
             "multiplier": x.multiplier, "amount": x.amount, "currency": x.currency} for x in lines]
    kind = invoice.kind.replace("_", "-")
    name = f"{kind}-{invoice.number}.csv" if invoice.number is not None else f"{kind}-draft-{invoice.id}.csv"
    return render(name, INVOICE_COLUMNS, rows, messages, lang, localized)
