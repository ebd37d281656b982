"""GraphQL forms of an import's report, and the uploaded file of an import mutation."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

import strawberry
from strawberry.file_uploads import Upload

from switchboard.core.errors import UserError

from .report import ERROR_CAP, FILE, ImportReport


@strawberry.type(description="A refused row of an imported file, or the file itself (field: file).")
class ImportRowError:
    line: int = strawberry.field(description="The record's line in the file; the header is line 1.")
    code: str = strawberry.field(description="Stable machine-readable code, e.g. TIME_ENTRY_NOT_ASSIGNED.")
    field: str | None = strawberry.field(description="The file's column at fault (or file).")
    message: str = strawberry.field(description="Human-readable message in the caller's language.")


@strawberry.type(description="What an import did.")
class ImportCounts:
    rows_read: int
    inserted: int
    already_imported: int = strawberry.field(description="Rows already stored with the same content,"
                                             " or repeating an earlier row of the file: skipped.")
    rejected: int = strawberry.field(description="Bad rows.")
    error_count: int = strawberry.field(description="Every error found (a row may have several).")
    applied: bool = strawberry.field(description="Whether the clean rows were written: false when any row"
                                     " is bad and cleanRowsOnly was not asked, or when the file is malformed.")
    errors: list[ImportRowError] = strawberry.field(description=f"The first {ERROR_CAP:,} errors, by line.")


def report_fields(report: ImportReport, message: Callable[..., str]) -> dict[str, Any]:
    """The fields of :class:`ImportCounts` (and of types extending it) for ``report``;
    ``message(code, **params)`` localizes."""
    return {
        "rows_read": report.rows_read, "inserted": report.inserted, "already_imported": report.already_imported,
        "rejected": report.rejected, "error_count": report.error_count, "applied": report.applied,
        "errors": [ImportRowError(line=e.line, code=e.code, field=e.field, message=message(e.code, **e.params))
                   for e in report.errors],
    }


def upload_stream(upload: Upload) -> IO[bytes]:
    """The uploaded file's binary stream (``REQUIRED`` when the variable is not a file)."""
    stream = getattr(upload, "file", None)
    if stream is None:
        raise UserError("REQUIRED", FILE)
    return stream
