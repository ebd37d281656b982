"""The staging table of an import, and the file streamed into it with COPY.

The runtime role cannot create temporary tables (a temporary table it created would
shadow a table that a ``SECURITY DEFINER`` helper reads by unqualified name; the
start-up self-check refuses such a role). So the owner creates each import's staging
table: ``<schema>.<name>_stage()`` makes a fresh temporary table ``pg_temp.<name>`` of
text columns in the caller's session, dropped at commit, which the runtime role may
fill with COPY and read, and ``<schema>.<name>_analyze()`` gives it statistics. A
migration creates the two functions with :func:`staging_functions`.

:func:`stage_file` reads the file's header, then streams the bytes in chunks (a large
file is never held in memory whole) with COPY into the staging table. Its ``line``
column numbers the records, the header being line 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import psycopg

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError

from .header import Columns, parse_header
from .report import FILE, RowError

CHUNK = 1024 * 1024
MAX_HEADER = 64 * 1024
WORK_MEM = "256MB"
COPY_LINE = re.compile(r"\bline (\d+)")


@dataclass(frozen=True)
class Staging:
    """An import's staging table (``pg_temp.<table>``) and the owner's functions that
    create it and analyze it."""

    table: str
    stage: str
    analyze: str

    @classmethod
    def named(cls, schema: str, name: str) -> Staging:
        """The staging of :func:`staging_functions` ``(schema, name, …)``."""
        return cls(name, f"{schema}.{name}_stage", f"{schema}.{name}_analyze")


def staging_functions(schema: str, name: str, columns: tuple[str, ...]) -> str:
    """The SQL creating ``<schema>.<name>_stage()`` and ``<schema>.<name>_analyze()`` for
    a staging table of text ``columns`` (``{runtime}`` stands for the runtime role:
    run it with :func:`switchboard.core.db.scoped.execute_for_runtime`)."""
    body = ", ".join(f"{column} text" for column in columns)
    return f"""
CREATE FUNCTION {schema}.{name}_stage() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  DROP TABLE IF EXISTS pg_temp.{name};
  -- line: the record's number in the file, the header being line 1 (COPY keeps the order)
  CREATE TEMPORARY TABLE {name} (line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), {body}) ON COMMIT DROP;
  GRANT SELECT, INSERT ON pg_temp.{name} TO {{runtime}};
END $$;

CREATE FUNCTION {schema}.{name}_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  ANALYZE pg_temp.{name};
END $$;

GRANT EXECUTE ON FUNCTION {schema}.{name}_stage(), {schema}.{name}_analyze() TO {{runtime}};
"""


def chunks(data: bytes | IO[bytes], max_bytes: int | None) -> Iterator[bytes]:
    """The file in chunks of at most ``CHUNK`` bytes; ``UPLOAD_TOO_LARGE`` past ``max_bytes``."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        view = memoryview(data)
        pieces: Iterator[bytes] = (bytes(view[i:i + CHUNK]) for i in range(0, len(view), CHUNK))
    else:
        pieces = iter(lambda: data.read(CHUNK), b"")
    total = 0
    for piece in pieces:
        total += len(piece)
        if max_bytes is not None and total > max_bytes:
            raise UserError("UPLOAD_TOO_LARGE", FILE, limit=max_bytes // (1024 * 1024))
        yield piece


async def stage_file(db: DbSession, data: bytes | IO[bytes], columns: Columns, staging: Staging,
                     max_bytes: int | None = None) -> RowError | None:
    """Stage the CSV file ``data`` (UTF-8, RFC 4180, a header naming ``columns``) into
    ``staging``'s table; None when it is staged, else
    the one error refusing the file (empty, a bad header, a malformed row or bytes that
    are not UTF-8, at the line they occur). Leaves ``work_mem`` raised for the
    validating statement that follows.
    """
    pieces = chunks(data, max_bytes)
    head = next(pieces, b"")
    while b"\n" not in head and len(head) < MAX_HEADER:
        more = next(pieces, b"")
        if not more:
            break
        head += more
    if not head.strip():
        return RowError(1, "IMPORT_EMPTY", FILE)
    names, problem = parse_header(head.split(b"\n", 1)[0], columns)
    if problem is not None:
        return RowError(1, problem.code, FILE, problem.params)
    try:
        async with db.savepoint():
            await db.execute(f"SELECT {staging.stage}()")
            await _copy(db, staging.table, names, head, pieces)
    except psycopg.DataError as exc:
        return _copy_error(exc)
    await db.execute(f"SELECT {staging.analyze}()")
    await db.execute("SELECT set_config('work_mem', :m, true)", {"m": WORK_MEM})
    return None


async def _copy(db: DbSession, name: str, columns: list[str], head: bytes, pieces: Iterator[bytes]) -> None:
    """COPY the file (its header line skipped) into the staging table, chunk by chunk."""
    conn = await db.connection()
    raw = (await conn.get_raw_connection()).driver_connection
    statement = (f"COPY pg_temp.{name} ({', '.join(columns)})"
                 " FROM STDIN (FORMAT csv, HEADER true, ENCODING 'UTF8')")
    db.statements += 1
    async with raw.cursor() as cursor, cursor.copy(statement) as copy:
        await copy.write(head)
        for piece in pieces:
            await copy.write(piece)


def _copy_error(exc: psycopg.DataError) -> RowError:
    """The file error for what COPY refused, at the line it names."""
    found = COPY_LINE.search(exc.diag.context or "")
    line = int(found.group(1)) if found else 1
    encoding = isinstance(exc, (psycopg.errors.CharacterNotInRepertoire, psycopg.errors.UntranslatableCharacter))
    return RowError(line, "IMPORT_BAD_ENCODING" if encoding else "IMPORT_MALFORMED_ROW", FILE)
