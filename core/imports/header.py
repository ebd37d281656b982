"""The header row of an import file: which columns it names, or why it is refused."""

from __future__ import annotations

import csv
from dataclasses import dataclass

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class Columns:
    """The columns an import file may name: all of ``required``, any of ``optional``."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def all(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


@dataclass(frozen=True)
class HeaderProblem:
    """Why a header line is refused: ``code`` with ``params`` for its message."""

    code: str
    params: dict[str, str]


def parse_header(line: bytes, columns: Columns) -> tuple[list[str], HeaderProblem | None]:
    """The columns a header line names (in file order, lower-cased), or the problem with it:
    ``IMPORT_BAD_ENCODING``, ``IMPORT_UNKNOWN_COLUMN``, ``IMPORT_DUPLICATE_COLUMN`` or
    ``IMPORT_MISSING_COLUMN``."""
    try:
        text_ = line.removeprefix(BOM).decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return [], HeaderProblem("IMPORT_BAD_ENCODING", {})
    names = [name.strip().lower() for name in next(csv.reader([text_]), [])]
    seen: set[str] = set()
    for name in names:
        if name not in columns.all:
            return [], HeaderProblem("IMPORT_UNKNOWN_COLUMN", {
                "column": name, "required": ", ".join(columns.required), "optional": ", ".join(columns.optional)})
        if name in seen:
            return [], HeaderProblem("IMPORT_DUPLICATE_COLUMN", {"column": name})
        seen.add(name)
    for name in columns.required:
        if name not in seen:
            return [], HeaderProblem("IMPORT_MISSING_COLUMN", {"column": name})
    return names, None
