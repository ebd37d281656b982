"""Cursor connections with a hard page-size cap, paged by keyset (no OFFSET)."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import strawberry

from ..db.session import Untrusted
from ..errors import UserError

T = TypeVar("T")
DEFAULT_PAGE = 50


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


def edge_cursor(root: Any) -> str:
    """An edge's cursor, encoded only when asked for."""
    return encode_cursor(root.key)


@strawberry.type
class Edge(Generic[T]):
    cursor: str = strawberry.field(resolver=edge_cursor)
    node: T
    key: strawberry.Private[Sequence[Any]]


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


SEPARATOR = "\x1f"  # ASCII unit separator: never part of a key value we page by


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key."""
    return base64.urlsafe_b64encode(SEPARATOR.join(map(str, values)).encode()).decode()


def decode_cursor(cursor: str, width: int) -> list[str]:
    """The sort key inside a cursor (``INVALID_CURSOR`` when it is not one of ours)."""
    try:
        values = base64.urlsafe_b64decode(cursor.encode()).decode().split(SEPARATOR)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError("INVALID_CURSOR", "after") from exc
    if len(values) != width:
        raise UserError("INVALID_CURSOR", "after")
    return values


def page_size(first: int | None, cap: int) -> int:
    """The requested page size, refused (``PAGE_SIZE_OVER_CAP``) above the cap."""
    size = DEFAULT_PAGE if first is None else first
    if size < 1:
        raise UserError("PAGE_SIZE_INVALID", "first")
    if size > cap:
        raise UserError("PAGE_SIZE_OVER_CAP", "first", cap=cap)
    return size


def keyset(
    select: str, keys: Sequence[str], first: int | None, after: str | None, cap: int, where: str = "true",
    prefix: str = "_",
) -> tuple[str, dict[str, Any], int]:
    """SQL for one page: ``select`` filtered by ``where``, after the cursor, ordered by ``keys``.

    ``keys`` are column expressions whose last one is unique (usually ``id``).
    Returns ``(sql, params, size)``; fetch ``size + 1`` rows to know if more follow.
    Its parameters' names start with ``prefix``: another one lets a paged statement
    enclose a paged statement.
    """
    size = page_size(first, cap)
    params: dict[str, Any] = {f"{prefix}limit": size + 1}
    conditions = [f"({where})"]
    if after:
        values = decode_cursor(after, len(keys))
        names = [f"{prefix}after{i}" for i in range(len(keys))]
        params.update(zip(names, (Untrusted(v, "INVALID_CURSOR", "after") for v in values), strict=True))
        # psycopg sends strings untyped, so PostgreSQL reads each as its key's type; one it
        # cannot read (a forged cursor, another list's) is INVALID_CURSOR (see Untrusted).
        conditions.append(f"({', '.join(keys)}) > ({', '.join(':' + n for n in names)})")
    sql = f"{select} WHERE {' AND '.join(conditions)} ORDER BY {', '.join(keys)} LIMIT :{prefix}limit"
    return sql, params, size


def connection(rows: list[Any], size: int, key: Callable[[Any], Sequence[Any]],
               node: Callable[[Any], T]) -> Connection[T]:
    """A connection from ``size + 1`` fetched rows."""
    page = rows[:size]
    edges = [Edge(node=node(r), key=key(r)) for r in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > size, end_cursor=encode_cursor(edges[-1].key) if edges else None),
    )
