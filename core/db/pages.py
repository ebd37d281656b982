"""One filtered page of a list: conditions from optional filters, then a keyset page.

Every list query of every module has the same shape: a ``SELECT``, optional filters
that each add a condition only when the caller gave them, and a keyset page::

    where = Where().equal("client_id", client_id).equal("status", status).search(
        ["preferred_name", "employee_number"], search)
    return await filtered_page(db, f"SELECT {COLUMNS} FROM employee", ["preferred_name", "id"],
                               window, cap, where)

Parameter names starting with ``_`` are the page's own (:func:`~.keyset.keyset`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .keyset import Fetched, PageRequest, keyset
from .like import ilike_any, ilike_pattern
from .session import DbSession


@dataclass
class Where:
    """A list's ``WHERE`` clause and its parameters, built a filter at a time."""

    conditions: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def sql(self) -> str:
        """The conditions joined by ``AND`` (``true`` without any)."""
        return " AND ".join(self.conditions) or "true"

    def always(self, condition: str, **params: Any) -> Where:
        """Add ``condition``, binding ``params``."""
        self.conditions.append(condition)
        self.params.update(params)
        return self

    def given(self, condition: str, **params: Any) -> Where:
        """Add ``condition`` binding ``params`` when every one of them was given (not None)."""
        if all(value is not None for value in params.values()):
            self.always(condition, **params)
        return self

    def equal(self, column: str, value: Any, name: str | None = None) -> Where:
        """``column = :name`` when ``value`` was given; ``name`` defaults to the column's
        own name (without a table qualifier)."""
        name = name or column.rpartition(".")[2]
        return self.given(f"{column} = :{name}", **{name: value})

    def equal_each(self, values: Mapping[str, Any]) -> Where:
        """:meth:`equal` for each column of ``values``."""
        for column, value in values.items():
            self.equal(column, value)
        return self

    def overlapping(self, span: tuple[str, str], start: Any, end: Any) -> Where:
        """Rows whose ``[span[0], span[1])`` meets ``[start, end)`` (either bound None: open)."""
        return self.given(f"{span[1]} > :span_start", span_start=start).given(f"{span[0]} < :span_end", span_end=end)

    def search(self, columns: Sequence[str], text: str | None, name: str = "pattern") -> Where:
        """Rows where one of ``columns`` contains ``text`` literally, case aside (when ``text``
        is not empty): ``%``, ``_`` and ``\\`` in it are plain characters."""
        if text:
            self.always(ilike_any(columns, name), **{name: ilike_pattern(text)})
        return self


async def filtered_page(db: DbSession, select: str, keys: Sequence[str], window: PageRequest, cap: int,
                        where: Where | None = None) -> Fetched:
    """One page of ``select``'s rows meeting ``where``, ordered by ``keys`` (see :func:`~.keyset.keyset`)."""
    where = where or Where()
    return await keyset(select, keys, window, cap, where.sql).fetch(db, where.params)
