"""One request's database transaction, as the runtime role, with the caller recorded.

The caller is written with ``set_config('app.user_id', …, true)``: local to the
transaction, so a pooled connection never carries one caller into the next
request. The connection is opened lazily on first use; :meth:`finish` commits or
rolls back everything. Each mutation runs in a savepoint, so a refused mutation
leaves nothing half-written even when others in the same request succeed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from functools import lru_cache
from typing import Any
from uuid import UUID

import psycopg
from sqlalchemy import TextClause, text
from sqlalchemy.engine import Result, Row
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ..errors import NotFound, UserError

SET_CALLER = text("SELECT set_config('app.user_id', :user_id, true)")


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
    """A lazily-begun transaction for one request (or one CLI action) as one caller."""

    def __init__(self, engine: AsyncEngine, user_id: UUID | None) -> None:
        self.engine = engine
        self.user_id = user_id
        self._conn: AsyncConnection | None = None
        self.statements = 0

    @property
    def started(self) -> bool:
        """Whether this transaction has touched the database yet."""
        return self._conn is not None

    async def connection(self, *, stamps_caller: bool = False) -> AsyncConnection:
        """The transaction's connection, opened and stamped with the caller on first use;
        ``stamps_caller``: the first statement records the caller itself, no separate stamp."""
        if self._conn is None:
            conn = await self.engine.connect()
            await conn.begin()
            if not stamps_caller:
                await conn.execute(SET_CALLER, {"user_id": str(self.user_id or "")})
            self._conn = conn
        return self._conn

    async def execute(self, sql: str, params: Mapping[str, Any] | None = None, *,
                      stamps_caller: bool = False) -> Result:
        """Run one statement of this transaction; ``stamps_caller``: see :meth:`connection`."""
        conn = await self.connection(stamps_caller=stamps_caller)
        self.statements += 1
        values = dict(params or {})
        untrusted = next((v for v in values.values() if isinstance(v, Untrusted)), None)
        if untrusted is None:
            return await conn.execute(statement_text(sql), values)
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

    async def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        """The first row of a query, or None."""
        return (await self.execute(sql, params)).first()

    async def found(self, sql: str, params: Mapping[str, Any] | None = None, field: str | None = None) -> Row:
        """The first row of a query, or ``NOT_FOUND`` for ``field``: a row that does not
        exist and one row security hides get the same answer."""
        row = await self.one(sql, params)
        if row is None:
            raise NotFound(field)
        return row

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
