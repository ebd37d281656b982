"""One request's database transaction, as the runtime role, with the caller recorded.

The caller is written with ``set_config('app.user_id', …, true)``: local to the
transaction, so a pooled connection never carries one caller into the next
request. A request's transaction also gets a ``statement_timeout``, set the same
way in the same statement (no extra round trip); a statement that runs past it
raises ``STATEMENT_TIMEOUT`` (a :class:`LimitError`), and so does any later one of
the aborted transaction. The connection is opened lazily on first use;
:meth:`finish` commits or rolls back everything. Each mutation runs in a
savepoint, so a refused mutation leaves nothing half-written even when others in
the same request succeed.
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from uuid import UUID

import psycopg
from psycopg.errors import QueryCanceled
from sqlalchemy import TextClause, text
from sqlalchemy.engine import Result, Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from switchboard.core.errors import LimitError, NotFound, UserError

SET_CALLER = text("SELECT set_config('app.user_id', :user_id, true)")
SET_CALLER_AND_TIMEOUT = text("SELECT set_config('app.user_id', :user_id, true),"
                              " set_config('statement_timeout', :_statement_timeout, true)")
TIMED = "SELECT _first.*, set_config('statement_timeout', :_statement_timeout, true) FROM ({}) AS _first"


@lru_cache(maxsize=1024)
def statement_text(sql: str) -> TextClause:
    """``text(sql)``, built once per distinct statement: finding the bind names of a
    long statement (``eligibleAgents``: ~0.4 ms) costs more than running a short one."""
    return text(sql)


class Untrusted(str):
    """Request text a statement hands PostgreSQL to read as its column's type (a cursor's
    key value), which it may refuse. A statement with such a parameter runs in a
    savepoint: a value PostgreSQL cannot read (a data exception) refuses the request
    with ``code`` for ``field`` and leaves the transaction usable."""

    code: str
    field: str

    def __new__(cls, value: str, code: str, field: str) -> Untrusted:
        self = super().__new__(cls, value)
        self.code, self.field = code, field
        return self


class DbSession:
    """A lazily-begun transaction for one request (or one CLI action) as one caller;
    ``statement_timeout_ms`` (0: none) bounds each of its statements."""

    def __init__(self, engine: AsyncEngine, user_id: UUID | None, *, statement_timeout_ms: int = 0) -> None:
        self.engine = engine
        self.user_id = user_id
        self.statement_timeout_ms = statement_timeout_ms
        self._conn: AsyncConnection | None = None
        self._opening = asyncio.Lock()  # resolvers running at once open one connection, not one each
        self._timed_out = False
        self.statements = 0

    @property
    def started(self) -> bool:
        """Whether this transaction has touched the database yet."""
        return self._conn is not None

    async def connection(self, *, stamps_caller: bool = False) -> AsyncConnection:
        """The transaction's connection, opened and stamped with the caller on first use;
        ``stamps_caller``: the first statement records the caller itself, no separate stamp."""
        if self._conn is None:
            async with self._opening:
                if self._conn is None:
                    self._conn = await self._open(stamps_caller)
        return self._conn

    async def _open(self, stamps_caller: bool) -> AsyncConnection:
        conn = await self.engine.connect()
        try:
            await conn.begin()
            if not stamps_caller:
                params = {"user_id": str(self.user_id or ""), **self._timeout()}
                await conn.execute(SET_CALLER_AND_TIMEOUT if self.statement_timeout_ms else SET_CALLER, params)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def execute(self, sql: str, params: Mapping[str, Any] | None = None, *,
                      stamps_caller: bool = False) -> Result:
        """Run one statement of this transaction; ``stamps_caller``: see :meth:`connection`."""
        if self._timed_out:
            raise self._timeout_error()
        opening = stamps_caller and self._conn is None and self.statement_timeout_ms
        conn = await self.connection(stamps_caller=stamps_caller)
        self.statements += 1
        values = dict(params or {})
        if opening:  # the opening statement sets the timeout of those that follow
            sql, values = TIMED.format(sql), {**values, **self._timeout()}
        untrusted = next((v for v in values.values() if isinstance(v, Untrusted)), None)
        try:
            if untrusted is None:
                return await conn.execute(statement_text(sql), values)
            return await self._in_savepoint(conn, sql, values, untrusted)
        except DBAPIError as exc:
            if self.statement_timeout_ms and isinstance(exc.orig, QueryCanceled):
                self._timed_out = True
                raise self._timeout_error() from exc
            raise

    @staticmethod
    async def _in_savepoint(conn: AsyncConnection, sql: str, values: dict[str, Any], untrusted: Untrusted) -> Result:
        """A statement carrying request text, in a savepoint: a value PostgreSQL cannot read
        (a data exception) refuses with the text's code and leaves the transaction usable."""
        nested = await conn.begin_nested()
        try:
            result = await conn.execute(statement_text(sql), values)
        except DBAPIError as exc:
            await nested.rollback()
            if isinstance(exc.orig, psycopg.DataError):
                raise UserError(untrusted.code, untrusted.field) from exc
            raise
        await nested.commit()
        return result

    def _timeout(self) -> dict[str, str]:
        return {"_statement_timeout": str(self.statement_timeout_ms)} if self.statement_timeout_ms else {}

    def _timeout_error(self) -> LimitError:
        return LimitError("STATEMENT_TIMEOUT", seconds=self.statement_timeout_ms / 1000)

    async def open_stamping(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        """The first row of a statement that records the caller itself (``app.authenticate``),
        opening the transaction with it and so saving the separate stamp's round trip.

        When it records no caller, the caller is whoever the connection had — nobody, as
        every stamp is transaction-local — and the request must stop there.
        """
        return (await self.execute(sql, params, stamps_caller=True)).first()

    async def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """Every row of a query."""
        return list((await self.execute(sql, params)).all())

    async def first(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        """The first row of a query, or None."""
        return (await self.execute(sql, params)).first()

    async def first_or_not_found(self, sql: str, params: Mapping[str, Any] | None = None,
                                 field: str | None = None) -> Row:
        """The first row of a query, or ``NOT_FOUND`` for ``field``: a row that does not
        exist and one row security hides get the same answer."""
        row = await self.first(sql, params)
        if row is None:
            raise NotFound(field)
        return row

    async def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        """Deprecated name of :meth:`first` (it never meant "exactly one")."""
        warnings.warn("DbSession.one() is DbSession.first()", DeprecationWarning, stacklevel=2)
        return await self.first(sql, params)

    async def found(self, sql: str, params: Mapping[str, Any] | None = None, field: str | None = None) -> Row:
        """Deprecated name of :meth:`first_or_not_found`."""
        warnings.warn("DbSession.found() is DbSession.first_or_not_found()", DeprecationWarning, stacklevel=2)
        return await self.first_or_not_found(sql, params, field)

    async def scalar(self, sql: str, params: Mapping[str, Any] | None = None) -> Any:
        """The first column of the first row, or None."""
        return (await self.execute(sql, params)).scalar()

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """Run a block atomically: any exception rolls back just that block."""
        conn = await self.connection()
        nested = await conn.begin_nested()
        try:
            yield
        except BaseException:
            if nested.is_active:
                await nested.rollback()
            raise
        else:
            if nested.is_active:
                await nested.commit()

    async def finish(self, commit: bool) -> None:
        """Commit (or roll back) and hand the connection back to the pool."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if commit:
                await conn.commit()
            else:
                await conn.rollback()
        finally:
            await conn.close()
