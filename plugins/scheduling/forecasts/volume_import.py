"""Bulk import of interval volume history (CSV), validated as timekeeping's imports are.

Format (UTF-8, comma-separated, RFC 4180 quoting), a header naming the columns in any
order, case-insensitive: ``client`` and ``lob`` (codes), ``interval_start`` (ISO 8601
with a UTC offset, a multiple of the interval's length in UTC), ``interval_minutes``
(15 or 30), ``offered``, ``handled``, ``abandoned`` (whole numbers), ``aht_seconds``
(average handle time; may be empty when nothing was handled) and optionally
``service_level`` (achieved, 0..1). Line numbers count records, the header being 1.

The file is streamed into a staging table and checked by one statement
(:mod:`.volume_import_sql`) that reports every bad row with its line and coded
reason; nothing is written unless the whole file is clean (or ``clean_rows_only``).
A LOB's interval is its natural key: importing the same file twice inserts nothing
twice. The insert runs as the runtime role, under row security.
"""

from __future__ import annotations

from typing import IO, Any

from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller
from switchboard.core.imports.header import Columns
from switchboard.core.imports.queued import import_handler, queue_import
from switchboard.core.imports.report import ERROR_CAP, ImportReport
from switchboard.core.imports.scope import importable_lobs
from switchboard.core.imports.staging import Staging, stage_file
from switchboard.plugins.scheduling.forecasts import volume_import_sql
from switchboard.plugins.scheduling.permissions import VOLUME_IMPORT

KIND = "scheduling.volume_import"
FILE_COLUMNS = Columns(("client", "lob", "interval_start", "interval_minutes", "offered", "handled", "abandoned",
                        "aht_seconds"), ("service_level",))
STAGING = Staging.named("scheduling", "volume_import")
MESSAGE_PARAMS = {"INVALID_INTERVAL_LENGTH": {"values": "15, 30"}}
# every code a volume import report can carry, for the catalogs
ROW_CODES = ("REQUIRED", "NOT_FOUND", "INVALID_TIMESTAMP", "TIMEZONE_REQUIRED", "INVALID_INTERVAL_LENGTH",
             "INTERVAL_NOT_ALIGNED", "INVALID_COUNT", "VOLUME_OUTCOMES_EXCEED_OFFERED", "INVALID_NUMBER",
             "INVALID_SERVICE_LEVEL", "IMPORT_DUPLICATE_INTERVAL", "IMPORT_INTERVAL_OVERLAP_IN_FILE", "VOLUME_CONFLICT",
             "VOLUME_OVERLAP")


async def import_volumes(db: DbSession, caller: Caller, data: bytes | IO[bytes], clean_rows_only: bool = False,
                         *, max_bytes: int | None = None) -> ImportReport:
    """Import an interval volume CSV file as ``caller`` (needs ``scheduling.volume.import``
    on each row's LOB); ``data`` is bytes or a binary stream, refused past ``max_bytes``."""
    caller.require_somewhere(VOLUME_IMPORT)
    lobs = [lob for lob, _ in await importable_lobs(db, caller, VOLUME_IMPORT)]
    refused = await stage_file(db, data, FILE_COLUMNS, STAGING, max_bytes)
    if refused is not None:
        return ImportReport.refused(refused)
    row = await db.first(volume_import_sql.STATEMENT, {
        "tenant": caller.tenant_id, "lobs": lobs, "imported_by": caller.user_id,
        "clean_rows_only": clean_rows_only, "cap": ERROR_CAP,
    })
    return ImportReport.of_statement(row, clean_rows_only, MESSAGE_PARAMS)


async def queue_volumes(db: DbSession, caller: Caller, data: bytes | IO[bytes], clean_rows_only: bool = False,
                        *, max_bytes: int | None = None) -> Any:
    """Queue a ``scheduling.volume_import`` job of the file ``data`` (stored with the job) and
    return its row; the job imports it as the caller (:func:`import_volumes`) and its result
    is the report."""
    caller.require_somewhere(VOLUME_IMPORT)
    return await queue_import(db, caller, KIND, {"cleanRowsOnly": clean_rows_only}, data, max_bytes)


async def _import_job_file(db: DbSession, caller: Caller, data: IO[bytes], params: dict[str, Any]) -> ImportReport:
    return await import_volumes(db, caller, data, params["cleanRowsOnly"])


import_job = import_handler(_import_job_file)
