"""Imports as jobs: the request stores the file with a queued job; the job imports it as the requester.

The mutation returns the job at once (its result, a report, comes when it succeeds), so
a large file never holds a request open: storing a file's parts costs a fraction of
validating and applying it. A module gives :func:`import_handler` its import function
and :func:`queue_import` the uploaded file.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import IO, Any

from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller
from switchboard.core.jobs import service as jobs
from switchboard.core.jobs.files import attach_file, job_file
from switchboard.core.jobs.worker import Handler, JobContext

from .report import ImportReport, report_json

TIME_LIMIT_SECONDS = 3600
Importer = Callable[[DbSession, Caller, IO[bytes], dict[str, Any]], Awaitable[ImportReport]]


async def queue_import(db: DbSession, caller: Caller, kind: str, params: dict[str, Any], data: bytes | IO[bytes],
                       max_bytes: int | None) -> Any:
    """Queue a job of ``kind`` importing ``data`` (stored with it; ``UPLOAD_TOO_LARGE`` past
    ``max_bytes``) and return the job's row."""
    row = await jobs.enqueue(db, caller, kind, params, time_limit_seconds=TIME_LIMIT_SECONDS)
    await attach_file(db, caller.tenant_id, row.id, data, max_bytes)
    return row


def import_handler(run: Importer, keep: tuple[str, ...] = ()) -> Handler:
    """The job handler running ``run(db, caller, file, params)`` as the requester on the job's
    file; the job's result is the report (:func:`.report.report_json`) with the parameters
    named in ``keep``."""

    async def handle(ctx: JobContext) -> dict[str, Any]:
        ctx.progress(force=True, phase="reading")
        async with ctx.acting() as (db, caller):
            with await job_file(db, ctx.id) as data:
                ctx.progress(force=True, phase="importing")
                report = await run(db, caller, data, ctx.params)
        return {**report_json(report), **{name: ctx.params[name] for name in keep}}

    return handle
