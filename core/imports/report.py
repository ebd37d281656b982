"""What an import did: counts and line-numbered coded errors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

FILE = "file"
ERROR_CAP = 1000
# the codes of a refused file (a plugin's catalogs need only its row codes)
FILE_CODES = ("IMPORT_EMPTY", "IMPORT_BAD_ENCODING", "IMPORT_UNKNOWN_COLUMN", "IMPORT_DUPLICATE_COLUMN",
              "IMPORT_MISSING_COLUMN", "IMPORT_MALFORMED_ROW")

# The last clause of a validating statement: ``v`` holds each staged row's ``line``,
# ``errors`` (text[] of ``field:CODE[:other line]``) and ``skip`` (already stored, or
# repeating an earlier row); ``inserted`` returns one row per row written; ``:cap``
# bounds the errors listed. Its columns are what :meth:`ImportReport.of_statement` reads.
SUMMARY = """
SELECT count(*) AS rows_read,
       count(*) FILTER (WHERE cardinality(v.errors) = 0 AND NOT v.skip) AS clean,
       count(*) FILTER (WHERE cardinality(v.errors) = 0 AND v.skip) AS skipped,
       count(*) FILTER (WHERE cardinality(v.errors) > 0) AS rejected,
       coalesce(sum(cardinality(v.errors)), 0) AS error_count,
       (SELECT count(*) FROM inserted) AS inserted,
       (SELECT coalesce(array_agg(x.line || ':' || x.error ORDER BY x.line, x.n), '{}')
          FROM (SELECT v.line, e.error, e.n FROM v, unnest(v.errors) WITH ORDINALITY e(error, n)
                 ORDER BY v.line, e.n LIMIT :cap) x) AS errors
  FROM v
"""
# Whether a staged row is written: it is clean and new, and the file is clean or only
# the clean rows were asked for.
APPLY = ("cardinality(v.errors) = 0 AND NOT v.skip"
         " AND (:clean_rows_only OR NOT EXISTS (SELECT 1 FROM v WHERE cardinality(v.errors) > 0))")


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

    rows_read: int
    inserted: int
    already_imported: int
    rejected: int
    error_count: int
    applied: bool
    errors: list[RowError]

    @classmethod
    def refused(cls, error: RowError) -> ImportReport:
        """The report of a file refused as a whole."""
        return cls(rows_read=0, inserted=0, already_imported=0, rejected=0, error_count=1, applied=False,
                   errors=[error])

    @classmethod
    def of_statement(cls, row: Any, clean_rows_only: bool,
                     params: Mapping[str, Mapping[str, Any]] | None = None) -> ImportReport:
        """The report of a validating statement's result row: ``rows_read``, ``clean``,
        ``skipped``, ``rejected``, ``error_count``, ``inserted`` and ``errors``
        (``line:field:CODE[:other line]`` strings); ``params`` gives the fixed message
        parameters of some codes."""
        applied = row.rejected == 0 or clean_rows_only
        # rows another import inserted meanwhile, or that hold a key outside the caller's view
        conflicts = row.clean - row.inserted if applied else 0
        return cls(rows_read=row.rows_read, inserted=row.inserted, already_imported=row.skipped + conflicts,
                   rejected=row.rejected, error_count=row.error_count, applied=applied,
                   errors=[parse_row_error(e, params or {}) for e in row.errors])


def parse_row_error(text_: str, params: Mapping[str, Mapping[str, Any]]) -> RowError:
    """``line:field:CODE[:other line]`` as a validating statement reports it."""
    line, column, code, *other = text_.split(":")
    return RowError(int(line), code, column, {"line": int(other[0])} if other else dict(params.get(code, {})))


def report_lines(report: ImportReport, message: Callable[..., str]) -> list[str]:
    """The report as a command line prints it: counts, then one line per listed error
    (``message(code, **params)`` localizes)."""
    lines = [f"rows read: {report.rows_read}", f"inserted: {report.inserted}",
             f"already imported: {report.already_imported}", f"rejected: {report.rejected}",
             f"applied: {'yes' if report.applied else 'no'}"]
    lines += [f"line {e.line}: {e.field or '-'}: {e.code}: {message(e.code, **e.params)}" for e in report.errors]
    if report.error_count > len(report.errors):
        lines.append(f"… {report.error_count - len(report.errors)} more errors")
    return lines


def report_json(report: ImportReport) -> dict[str, Any]:
    """The report as a job stores it (JSON; messages are rendered when it is read)."""
    return {"rowsRead": report.rows_read, "inserted": report.inserted, "alreadyImported": report.already_imported,
            "rejected": report.rejected, "errorCount": report.error_count, "applied": report.applied,
            "errors": [{"line": e.line, "code": e.code, "field": e.field, "params": e.params} for e in report.errors]}


def report_from_json(data: Mapping[str, Any]) -> ImportReport:
    """The report a job stored with :func:`report_json`."""
    return ImportReport(rows_read=data["rowsRead"], inserted=data["inserted"], already_imported=data["alreadyImported"],
                        rejected=data["rejected"], error_count=data["errorCount"], applied=data["applied"],
                        errors=[RowError(e["line"], e["code"], e["field"], e.get("params") or {})
                                for e in data["errors"]])
