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

from typing import IO, Any

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.imports.queued import import_handler, queue_import
from switchboard.core.imports.report import ERROR_CAP, FILE_CODES, ImportReport, RowError
from switchboard.core.imports.scope import importable_lobs
from switchboard.core.imports.staging import Staging, stage_file

from . import import_sql
from .activities import Activity
from .import_file import FILE_COLUMNS
from .permissions import IMPORT

__all__ = ["FILE_CODES", "ROW_CODES", "ImportReport", "RowError", "import_entries", "queue_entries"]

KIND = "timekeeping.import"
SOURCES = ("acd", "punch")
STAGING = Staging("timekeeping_import", "timekeeping.import_stage", "timekeeping.import_analyze")
# fixed parameters of some messages
MESSAGE_PARAMS = {"TIME_ENTRY_TOO_LONG": {"hours": import_sql.HOURS}, "TOO_LONG": {"max": import_sql.MAX_KEY},
                  "INVALID_ACTIVITY": {"values": ", ".join(a.value for a in Activity)}}
# every code an import report can carry, for the catalogs
ROW_CODES = ("REQUIRED", "NOT_FOUND", "INVALID_ACTIVITY", "INVALID_TIMESTAMP", "TIMEZONE_REQUIRED",
             "END_BEFORE_START", "TIME_ENTRY_TOO_LONG", "TOO_LONG", "IMPORT_DUPLICATE_KEY", "IMPORT_KEY_CONFLICT",
             "TIME_ENTRY_NOT_ASSIGNED", "PERIOD_CLOSED", "IMPORT_OVERLAP_IN_FILE", "TIME_ENTRY_OVERLAP")


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
    lobs = await importable_lobs(db, caller, IMPORT)
    refused = await stage_file(db, data, FILE_COLUMNS, STAGING, max_bytes)
    if refused is not None:
        return ImportReport.refused(refused)
    row = await db.first(import_sql.STATEMENT, {
        "tenant": caller.tenant_id, "lobs": [lob for lob, _ in lobs], "clients": list({c for _, c in lobs}),
        "source": source, "recorded_by": caller.user_id, "clean_rows_only": clean_rows_only, "cap": ERROR_CAP,
    })
    return ImportReport.of_statement(row, clean_rows_only, MESSAGE_PARAMS)



async def queue_entries(db: DbSession, caller: Caller, data: bytes | IO[bytes], source: str,
                        clean_rows_only: bool = False, *, max_bytes: int | None = None) -> Any:
    """Queue a ``timekeeping.import`` job of the file ``data`` (stored with the job) and return
    its row; the job imports it as the caller (:func:`import_entries`) and its result is the
    report. Checked now: the permission, the source, the file's size."""
    caller.require_somewhere(IMPORT)
    if source not in SOURCES:
        raise UserError("INVALID_SOURCE", "source")
    return await queue_import(db, caller, KIND, {"source": source, "cleanRowsOnly": clean_rows_only}, data, max_bytes)


async def _import_job_file(db: DbSession, caller: Caller, data: IO[bytes], params: dict[str, Any]) -> ImportReport:
    return await import_entries(db, caller, data, params["source"], params["cleanRowsOnly"])


import_job = import_handler(_import_job_file, keep=("source",))
