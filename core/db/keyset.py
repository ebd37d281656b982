"""Keyset pages in SQL: one page of a list ordered by a unique key, no OFFSET, both ways.

:func:`keyset` turns what a page asks for (a :class:`PageRequest`: a connection field's
:class:`~switchboard.core.graphql.pagination.Window`) into the page's statement and the
statements ``totalCount`` and the far page-info flag run; :meth:`Keyset.fetch` runs the
page. :func:`~switchboard.core.db.pages.filtered_page` adds the usual optional filters;
:func:`~switchboard.core.graphql.pagination.connection` turns the rows into a GraphQL page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from .session import DbSession, Untrusted


class PageRequest(Protocol):
    """What a page asks for: its size and direction, and the key values its cursors hold."""

    @property
    def backward(self) -> bool:
        """Whether the page is the last rows of the window (fetched in descending order)."""
        ...

    def size(self, cap: int) -> int:
        """The page size, refused (a ``UserError``) when it cannot be served under ``cap``."""
        ...

    def position(self, argument: str, width: int) -> list[str] | None:
        """The ``width`` key values of the cursor passed as ``argument`` (``after`` or
        ``before``), None without one (``INVALID_CURSOR`` for a cursor that is not one)."""
        ...


def _identity(sql: str) -> str:
    return sql


@dataclass(frozen=True)
class Keyset:
    """One page's SQL, and the statements ``totalCount`` and the far page-info flag run.

    ``frame`` encloses a selection of the list's rows in the statement that answers the
    field (identity: the selection is the statement); ``counted`` is what a count of the
    framed statement counts (``*``, or a column that is null on a frame's filler row).
    """

    page: str  # size + 1 rows, in the page's direction
    unpaged: str  # every row of the list, cursors ignored
    beyond: str | None  # a row past the cursor the page starts from (None: no such cursor)
    params: dict[str, Any]
    size: int
    keys: tuple[str, ...]
    backward: bool
    frame: Callable[[str], str] = _identity
    counted: str = "*"

    @property
    def sql(self) -> str:
        """The statement answering the page."""
        return self.frame(self.page)

    def order(self, qualifier: str = "") -> str:
        """The ``ORDER BY`` list of the page's direction, each key prefixed by ``qualifier``."""
        return ", ".join(f"{qualifier}{k}{' DESC' if self.backward else ''}" for k in self.keys)

    def embed(self, frame: Callable[[str], str], counted: str = "*") -> Keyset:
        """This page inside an enclosing statement: ``frame(selection)`` answers the field
        for a selection of the list's rows (counting ``counted`` of its rows)."""
        return replace(self, frame=frame, counted=counted)

    @property
    def count_sql(self) -> str:
        return f"SELECT count({self.counted}) FROM ({self.frame(self.unpaged)}) AS counted"

    @property
    def beyond_sql(self) -> str | None:
        if self.beyond is None:
            return None
        return f"SELECT count({self.counted}) > 0 FROM ({self.frame(self.beyond)}) AS counted"

    async def fetch(self, db: DbSession, params: Mapping[str, Any] | None = None) -> Fetched:
        """Run the page's statement with ``params`` (the selection's own) added."""
        bound = {**(params or {}), **self.params}
        return Fetched(await db.all(self.sql, bound), self, db, bound)


@dataclass(frozen=True)
class Fetched:
    """The rows a :class:`Keyset` fetched (``size + 1`` at most, in the page's direction),
    with what its lazy statements need."""

    rows: list[Any]
    keyset: Keyset
    db: DbSession = field(repr=False)
    params: dict[str, Any] = field(repr=False)

    def keeping(self, rows: list[Any]) -> Fetched:
        """The same page with only ``rows`` (a frame's filler rows dropped)."""
        return replace(self, rows=rows)

    async def scalar(self, sql: str) -> Any:
        """One of the page's lazy statements (:attr:`Keyset.count_sql`, :attr:`Keyset.beyond_sql`),
        run with the page's parameters."""
        return await self.db.scalar(sql, self.params)


def keyset(
    select: str, keys: Sequence[str], window: PageRequest, cap: int, where: str = "true", prefix: str = "_",
) -> Keyset:
    """The SQL of one page: ``select`` filtered by ``where``, within the window's cursors,
    ordered by ``keys`` (ascending; ``last``: the last rows, fetched descending).

    ``keys`` are column expressions whose last one is unique (usually ``id``). The page
    fetches ``size + 1`` rows to know if more follow. Its parameters' names start with
    ``prefix``: another one lets a paged statement enclose a paged statement.
    """
    size = window.size(cap)
    params: dict[str, Any] = {f"{prefix}limit": size + 1}
    conditions = [f"({where})"]
    bounds: dict[str, str] = {}
    for argument, operator in (("after", ">"), ("before", "<")):
        values = window.position(argument, len(keys))
        if values is None:
            continue
        names = [f"{prefix}{argument}{i}" for i in range(len(keys))]
        params.update(zip(names, (Untrusted(v, "INVALID_CURSOR", argument) for v in values), strict=True))
        # psycopg sends strings untyped, so PostgreSQL reads each as its key's type; one it
        # cannot read (a forged cursor, another list's) is INVALID_CURSOR (see Untrusted).
        bounds[argument] = f"({', '.join(':' + n for n in names)})"
        conditions.append(f"({', '.join(keys)}) {operator} {bounds[argument]}")
    backward = window.backward
    direction = " DESC" if backward else ""
    order = ", ".join(k + direction for k in keys)
    page = f"{select} WHERE {' AND '.join(conditions)} ORDER BY {order} LIMIT :{prefix}limit"
    start = bounds.get("before" if backward else "after")
    beyond = None
    if start is not None:
        beyond = f"{select} WHERE ({where}) AND ({', '.join(keys)}) {'>=' if backward else '<='} {start} LIMIT 1"
    return Keyset(page, f"{select} WHERE {where}", beyond, params, size, tuple(keys), backward)
