"""Bulk import of ACD and punch files into the time ledger (format: :mod:`.import_file`).

:func:`import_entries` streams the file's bytes with COPY into a staging table
(created by the owner for this transaction, filled and read as the runtime role),
then runs one statement (:mod:`.import_sql`) that finds every bad row with its line
and coded reason and inserts the clean rows — all of them only when the whole file
is clean, or with ``clean_rows_only`` the clean ones whatever the rest. The insert
runs as the runtime role: row security and the ledger's constraints and triggers
hold as for an entry recorded by hand, and a row the caller may not import into is
reported like an unknown one (``NOT_FOUND``).

A malformed file (no header or a wrong one, a row with the wrong number of columns,
an unterminated quote, bytes that are not UTF-8) is one error naming its line, and
nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import psycopg
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller

from . import import_sql
from .activities import Activity
from .import_file import parse_header
from .service import IMPORT

SOURCES = ("acd", "punch")
CHUNK = 1024 * 1024
MAX_HEADER = 64 * 1024
ERROR_CAP = 1000
WORK_MEM = "256MB"
FILE = "file"
COPY_LINE = re.compile(r"\bline (\d+)")
# fixed parameters of some messages
MESSAGE_PARAMS = {"TIME_ENTRY_TOO_LONG": {"hours": import_sql.HOURS}, "TOO_LONG": {"max": import_sql.MAX_KEY},
                  "INVALID_ACTIVITY": {"values": ", ".join(a.value for a in Activity)}}
# every code an import report can carry, for the catalogs
ROW_CODES = ("REQUIRED", "NOT_FOUND", "INVALID_ACTIVITY", "INVALID_TIMESTAMP", "TIMEZONE_REQUIRED",
             "END_BEFORE_START", "TIME_ENTRY_TOO_LONG", "TOO_LONG", "IMPORT_DUPLICATE_KEY", "IMPORT_KEY_CONFLICT",
             "TIME_ENTRY_NOT_ASSIGNED", "PERIOD_CLOSED", "IMPORT_OVERLAP_IN_FILE", "TIME_ENTRY_OVERLAP")
FILE_CODES = ("IMPORT_EMPTY", "IMPORT_BAD_ENCODING", "IMPORT_UNKNOWN_COLUMN", "IMPORT_DUPLICATE_COLUMN",
              "IMPORT_MISSING_COLUMN", "IMPORT_MALFORMED_ROW")


@dataclass(frozen=True)
class RowError:
    """One refused row of the file (or the file itself): its line, code, column and message parameters."""

    line: int
    code: str
    field: str | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportReport:
    """What an import did: rows read, inserted, already imported (skipped), rejected.

    ``applied`` says whether the clean rows were written (always, unless a row was
    bad and only a clean file was to be applied, or the file was malformed);
    ``errors`` lists the first ``ERROR_CAP`` errors by line, ``error_count`` counts
    them all (a row may have several).
    """

    source: str
    rows_read: int
    inserted: int
    already_imported: int
    rejected: int
    error_count: int
    applied: bool
    errors: list[RowError]


async def import_entries(db: DbSession, caller: Caller, data: bytes | IO[bytes], source: str,
                         clean_rows_only: bool = False, *, max_bytes: int | None = None) -> ImportReport:
    """Import an ACD or punch CSV file (``source``: ``acd`` or ``punch``) as ``caller``.

    ``data`` is the file's bytes or a binary stream, read in chunks (a large file is
    never held in memory whole). A stream longer than ``max_bytes`` is refused
    (``UPLOAD_TOO_LARGE``). Needs ``timekeeping.import``; each row must be in a LOB
    the caller may import into.
    """
    caller.require_somewhere(IMPORT)
    if source not in SOURCES:
        raise UserError("INVALID_SOURCE", "source")
    chunks = _chunks(data, max_bytes)
    head = next(chunks, b"")
    while b"\n" not in head and len(head) < MAX_HEADER:
        more = next(chunks, b"")
        if not more:
            break
        head += more
    if not head.strip():
        return _refused(source, RowError(1, "IMPORT_EMPTY", FILE))
    columns, problem = parse_header(head.split(b"\n", 1)[0])
    if problem is not None:
        params = {"column": problem.column} if problem.column else {}
        return _refused(source, RowError(1, problem.code, FILE, params))
    lobs = await _import_scope(db, caller)
    try:
        async with db.savepoint():
            await db.execute("SELECT timekeeping.import_stage()")
            await _copy(db, columns, head, chunks)
    except psycopg.DataError as exc:
        return _refused(source, _copy_error(exc))
    await db.execute("SELECT timekeeping.import_analyze()")
    await db.execute("SELECT set_config('work_mem', :m, true)", {"m": WORK_MEM})
    row = await db.one(import_sql.STATEMENT, {
        "tenant": caller.tenant_id, "lobs": [lob for lob, _ in lobs], "clients": list({c for _, c in lobs}),
        "source": source, "recorded_by": caller.user_id, "clean_rows_only": clean_rows_only, "cap": ERROR_CAP,
    })
    applied = row.rejected == 0 or clean_rows_only
    # rows another import inserted meanwhile, or that hold a key outside the caller's view
    conflicts = row.clean - row.inserted if applied else 0
    return ImportReport(source=source, rows_read=row.rows_read, inserted=row.inserted,
                        already_imported=row.skipped + conflicts, rejected=row.rejected,
                        error_count=row.error_count, applied=applied, errors=[_row_error(e) for e in row.errors])


def _chunks(data: bytes | IO[bytes], max_bytes: int | None) -> Iterator[bytes]:
    """The file in chunks of at most ``CHUNK`` bytes; ``UPLOAD_TOO_LARGE`` past ``max_bytes``."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data)
        chunks: Iterator[bytes] = (bytes(view[i:i + CHUNK]) for i in range(0, len(view), CHUNK))
    else:
        chunks = iter(lambda: data.read(CHUNK), b"")
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise UserError("UPLOAD_TOO_LARGE", FILE, limit=max_bytes // (1024 * 1024))
        yield chunk


async def _import_scope(db: DbSession, caller: Caller) -> list[tuple[Any, Any]]:
    """``(lob, client)`` of every LOB the caller sees and may import into."""
    rows = await db.all("SELECT id, client_id FROM lob WHERE tenant_id = :t", {"t": caller.tenant_id})
    return [(r.id, r.client_id) for r in rows if caller.can(IMPORT, r.client_id, r.id)]


async def _copy(db: DbSession, columns: list[str], head: bytes, chunks: Iterator[bytes]) -> None:
    """COPY the file (its header line skipped) into the staging table, chunk by chunk."""
    conn = await db.connection()
    raw = (await conn.get_raw_connection()).driver_connection
    statement = (f"COPY pg_temp.timekeeping_import ({', '.join(columns)})"
                 " FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')")
    db.statements += 1
    async with raw.cursor() as cursor, cursor.copy(statement) as copy:
        await copy.write(head)
        for chunk in chunks:
            await copy.write(chunk)


def _copy_error(exc: psycopg.DataError) -> RowError:
    """The file error for what COPY refused, at the line it names."""
    found = COPY_LINE.search(exc.diag.context or "")
    line = int(found.group(1)) if found else 1
    encoding = isinstance(exc, (psycopg.errors.CharacterNotInRepertoire, psycopg.errors.UntranslatableCharacter))
    return RowError(line, "IMPORT_BAD_ENCODING" if encoding else "IMPORT_MALFORMED_ROW", FILE)


def _refused(source: str, error: RowError) -> ImportReport:
    return ImportReport(source=source, rows_read=0, inserted=0, already_imported=0, rejected=0,
                        error_count=1, applied=False, errors=[error])


def _row_error(text_: str) -> RowError:
    """``line:field:CODE[:other line]`` as the statement reports it."""
    line, column, code, *other = text_.split(":")
    params = {"line": int(other[0])} if other else MESSAGE_PARAMS.get(code, {})
    return RowError(int(line), code, column, params)
