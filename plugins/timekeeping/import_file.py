"""The import file: CSV of time entries exported by an ACD (agent states) or a punch clock.

Format (UTF-8, comma-separated, RFC 4180 quoting):

* a header row naming the columns, in any order, case-insensitive:
  ``employee`` (the employee number), ``client`` and ``lob`` (the client's and the
  LOB's codes), ``activity`` (an activity value such as ``handling``, ``break``,
  ``sick``; any case), ``started_at`` and ``ended_at`` (ISO 8601 with a UTC offset,
  e.g. ``2026-11-02T09:00:00-05:00`` or ``2026-11-02T14:00:00Z``; a time without an
  offset is refused), and optionally ``key`` (the source system's record id, at
  most 200 characters);
* one row per entry. Line numbers in reports count records, the header being
  line 1 (a record's physical line unless a quoted field spans lines).

Each row has a natural key, unique per tenant and source in the ledger: ``key`` when
given, otherwise :func:`natural_key` of its content, so importing the same file (or
an overlapping one) twice inserts nothing twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain
from typing import IO

from switchboard.core.exports.csv import CsvFormat, write
from switchboard.core.imports.header import Columns

REQUIRED_COLUMNS = ("employee", "client", "lob", "activity", "started_at", "ended_at")
COLUMNS = (*REQUIRED_COLUMNS, "key")
FILE_COLUMNS = Columns(REQUIRED_COLUMNS, ("key",))
DIGEST_PREFIX = "sha256:"
SEPARATOR = "\x1f"  # the unit separator: never part of a code, a number or a time
MACHINE = CsvFormat(lineterminator="\n")


@dataclass(frozen=True)
class ImportRow:
    """One line of an import file, as its columns' text."""

    employee: str
    client: str
    lob: str
    activity: str
    started_at: str
    ended_at: str
    key: str | None = None


def write_import_csv(rows: Iterable[ImportRow], out: IO[str], *, with_key: bool | None = None) -> int:
    """Write ``rows`` as an import file to the text stream ``out`` (open it with
    ``newline=""``); returns how many rows were written.

    The ``key`` column is written when ``with_key`` is true, or, left None, when the
    first row has a key. Core's safe CSV writer writes the file: every field is quoted,
    and a value that could start a spreadsheet formula (an employee number or a key
    starting with ``=``, ``+``, ``-``, ``@``) gets a single quote in front.
    """
    rows = iter(rows)
    first = next(rows, None)
    if with_key is None:
        with_key = first is not None and first.key is not None
    header = COLUMNS if with_key else REQUIRED_COLUMNS

    def values(row: ImportRow) -> list[str]:
        cells = [row.employee, row.client, row.lob, row.activity, row.started_at, row.ended_at]
        return [*cells, row.key or ""] if with_key else cells

    body = () if first is None else map(values, chain([first], rows))
    return write(out, chain([header], body), MACHINE) - 1


def natural_key(employee: str, client: str, lob: str, activity: str, started_at: datetime,
                ended_at: datetime) -> str:
    """The key of a row without a ``key``: ``sha256:`` and the hex SHA-256 of its
    trimmed employee number, upper-cased client and LOB codes, lower-cased activity,
    and start and end in UTC (``YYYY-MM-DDTHH:MM:SS.ffffffZ``), joined by U+001F.

    The import computes the same digest in SQL; this is its definition (it never
    changes: keys already in the ledger depend on it).
    """
    parts = [employee.strip(), client.strip().upper(), lob.strip().upper(), activity.strip().lower(),
             _utc(started_at), _utc(ended_at)]
    return DIGEST_PREFIX + hashlib.sha256(SEPARATOR.join(parts).encode()).hexdigest()


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
