"""The one CSV writer of the platform: typed cells, formula-safe text, localized or not.

Every CSV file a module writes goes through :func:`write` (or :func:`render`), so no
cell can start a spreadsheet formula (CSV injection, OWASP): a text cell whose first
character is ``=``, ``+``, ``-``, ``@``, tab, carriage return or line feed, or whose first
character after leading whitespace is one of ``=+-@`` (spreadsheets trim or skip such
spaces on import), is written with a single quote in front (:func:`neutralise`); so is
a text that only differs from one of those by leading quotes, so that the quote is
unambiguous and :func:`unneutralise` gives back the exact text. Every cell is also
quoted, so a program splitting on another delimiter than the file's (``;`` for ``,``)
still cannot make a new cell start inside a text.

Cells are typed, never sniffed: ``str`` is text (neutralised when needed);
:class:`Number` (made by :meth:`CsvFormat.number`), ``Decimal`` and ``int`` are numbers
the platform formatted itself and are written as they are (a credit note's ``-12.50``
stays a number); dates and times are ISO 8601; ``None`` is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO

from babel.numbers import format_decimal, get_decimal_symbol

from switchboard.core.i18n import DEFAULT_LANGUAGE

CONTENT_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"
PREFIX = "'"
FORMULA_START = frozenset("=+-@")
CONTROL_START = frozenset("\t\r\n")


def needs_neutralising(value: str) -> bool:
    """Whether ``value``, as a cell, could start a formula (or, past its leading quotes, could)."""
    rest = value.lstrip(PREFIX)
    return rest[:1] in CONTROL_START or rest.lstrip()[:1] in FORMULA_START


def neutralise(value: str) -> str:
    """``value`` as a text cell no spreadsheet evaluates: a single quote in front where needed."""
    return PREFIX + value if needs_neutralising(value) else value


def unneutralise(cell: str) -> str:
    """The text :func:`neutralise` was given, from the cell it made."""
    return cell[1:] if cell[:1] == PREFIX and needs_neutralising(cell[1:]) else cell


@dataclass(frozen=True)
class Number:
    """A number the platform formatted (by :meth:`CsvFormat.number`): written as it is."""

    text: str


Cell = str | Number | Decimal | int | date | datetime | time | None


@dataclass(frozen=True)
class CsvFormat:
    """How a file is written: the Babel ``locale`` of its numbers, the ``delimiter``
    between fields, a byte-order mark in front (``bom``) and the line terminator."""

    locale: str = DEFAULT_LANGUAGE
    delimiter: str = ","
    bom: bool = False
    lineterminator: str = "\r\n"

    @classmethod
    def of(cls, lang: str, localized: bool) -> CsvFormat:
        """For people in ``lang`` (``localized``: ``;`` between fields where the decimal mark
        is a comma, as spreadsheets there expect, and a byte-order mark, without which they
        misread UTF-8 accents), else for machines (``.`` decimals, ``,``, no mark)."""
        if not localized:
            return cls()
        return cls(lang, ";" if get_decimal_symbol(lang) == "," else ",", True)

    def number(self, value: Decimal | int, pattern: str) -> Number:
        """``value`` formatted by the Babel ``pattern`` (``0.00``) in this format's locale."""
        value = Decimal(value)
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value}")
        return Number(format_decimal(value, pattern, locale=self.locale))


def cell_text(value: Cell) -> str:
    """The text written for one typed cell (see the module's docstring)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Number):
        return value.text
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        if not Decimal(value).is_finite():
            raise ValueError(f"not a finite number: {value}")
        return str(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    raise TypeError(f"not a CSV cell: {type(value).__name__}")


def write(out: IO[str], rows: Iterable[Sequence[Cell]], fmt: CsvFormat = CsvFormat()) -> int:
    """Write ``rows`` of typed cells to the text stream ``out`` (open files with
    ``newline=""``), the byte-order mark first when ``fmt`` has one; returns how many
    rows were written."""
    if fmt.bom:
        out.write(BOM)
    writer = csv.writer(out, delimiter=fmt.delimiter, lineterminator=fmt.lineterminator, quoting=csv.QUOTE_ALL)
    count = 0
    for row in rows:
        writer.writerow([cell_text(value) for value in row])
        count += 1
    return count


def render(rows: Iterable[Sequence[Cell]], fmt: CsvFormat = CsvFormat()) -> str:
    """``rows`` written by :func:`write`, as one string."""
    out = io.StringIO()
    write(out, rows, fmt)
    return out.getvalue()
