"""Cursor connections with a hard page-size cap, paged by keyset (no OFFSET), both ways.

A connection field is declared with :func:`connection_field`: it takes Relay's four
arguments (``first``/``after`` forward, ``last``/``before`` backward) and its resolver
receives them as one :class:`Window` argument named ``window``. The SQL lives in
:mod:`switchboard.core.db.keyset` (:func:`~switchboard.core.db.keyset.keyset`) and
:mod:`switchboard.core.db.pages` (:func:`~switchboard.core.db.pages.filtered_page`); a
service fetches a page there and :func:`connection` builds the GraphQL page from its rows.

``totalCount``, and the page-info flag that looks past the cursor a page started from
(``hasPreviousPage`` going forward, ``hasNextPage`` going backward), each need one more
statement: it runs only when the request selects the field, once per connection.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.extensions import FieldExtension
from strawberry.types.arguments import StrawberryArgument

from switchboard.core.db.keyset import Fetched

# Moved to switchboard.core.db.keyset (new code imports them from there); re-exported for plugins
# outside this repository that import them from here.
from switchboard.core.db.keyset import Keyset as Keyset
from switchboard.core.db.keyset import keyset as keyset
from switchboard.core.errors import UserError

from .execution import plain

T = TypeVar("T")
V = TypeVar("V")
DEFAULT_PAGE = 50
WINDOW = "window"  # the resolver parameter a connection field's four arguments arrive in


class Lazy(Generic[V]):
    """A value computed the first time it is awaited, then shared (aliases ask once)."""

    def __init__(self, compute: Callable[[], Awaitable[V]]) -> None:
        self._compute = compute
        self._task: asyncio.Future[V] | None = None
        self._value: V | None = None
        self._known = False

    @classmethod
    def known(cls, value: V) -> Lazy[V]:
        """A value already known: awaiting it runs nothing."""
        lazy = cls(lambda: asyncio.sleep(0, value))
        lazy._value, lazy._known = value, True
        return lazy

    async def get(self) -> V:
        value = self.now()
        return value if self._known else await value  # type: ignore[misc]

    def now(self) -> V | Awaitable[V]:
        """The value itself when it is known, else an awaitable of it (computed once)."""
        if self._known:
            return self._value  # type: ignore[return-value]
        if self._task is None:
            self._task = asyncio.ensure_future(self._compute())
        return self._task


@strawberry.type(description="Where a page lies in its list (Relay's PageInfo).")
class PageInfo:
    start_cursor: str | None = strawberry.field(description="The first edge's cursor (null: an empty page).")
    end_cursor: str | None = strawberry.field(description="The last edge's cursor (null: an empty page).")
    next_known: strawberry.Private[Lazy[bool]]
    previous_known: strawberry.Private[Lazy[bool]]

    # plain: a flag the page already knows completes with the page's plan; another is awaited

    @strawberry.field(description="Whether items follow this page (paging backward with `before`: one more"
                      " statement, run only when selected).")
    @plain
    def has_next_page(self) -> bool:
        return self.next_known.now()  # type: ignore[return-value]

    @strawberry.field(description="Whether items precede this page (paging forward with `after`: one more"
                      " statement, run only when selected).")
    @plain
    def has_previous_page(self) -> bool:
        return self.previous_known.now()  # type: ignore[return-value]


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
    counter: strawberry.Private[Lazy[int]]

    @strawberry.field(description="The nodes of this page, without cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items the whole list holds, every page together (cursors ignored);"
                      " counted by one more statement, run only when selected.")
    async def total_count(self) -> int:
        return await self.counter.get()


SEPARATOR = "\x1f"  # ASCII unit separator: never part of a key value we page by


def _check(payload: str) -> str:
    return hashlib.blake2b(payload.encode(), digest_size=6).hexdigest()


def encode_cursor(values: Sequence[Any]) -> str:
    """An opaque cursor for a row's sort key: the key's values and check digits over them.

    The check turns away a cursor edited, cut short or made by hand (``INVALID_CURSOR``)
    rather than reading it as some position in the list. It is not a secret: rows stay
    behind row-level security whatever a cursor says, and its values reach SQL as bound
    parameters of the key's types.
    """
    payload = SEPARATOR.join(map(str, values))
    return base64.urlsafe_b64encode(f"{payload}{SEPARATOR}{_check(payload)}".encode()).decode()


def decode_cursor(cursor: str, width: int, argument: str) -> list[str]:
    """The sort key inside a cursor of ``width`` values (``INVALID_CURSOR`` when it is not one of ours)."""
    try:
        payload, _, check = base64.urlsafe_b64decode(cursor.encode()).decode().rpartition(SEPARATOR)
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError("INVALID_CURSOR", argument) from exc
    values = payload.split(SEPARATOR)
    if check != _check(payload) or len(values) != width:
        raise UserError("INVALID_CURSOR", argument)
    return values


@dataclass(frozen=True)
class Window:
    """A connection field's Relay arguments: ``first`` items after ``after``, or the
    ``last`` items before ``before`` (both cursors may bound either direction)."""

    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @property
    def backward(self) -> bool:
        """Whether the page is the last items of the window (``last`` given)."""
        return self.last is not None

    def size(self, cap: int) -> int:
        """The page size, refused when ``first`` and ``last`` are both given
        (``PAGE_DIRECTION_CONFLICT``), below 1 or above the cap."""
        if self.first is not None and self.last is not None:
            raise UserError("PAGE_DIRECTION_CONFLICT", "last")
        return page_size(self.last if self.backward else self.first, cap, "last" if self.backward else "first")

    def position(self, argument: str, width: int) -> list[str] | None:
        """The key values of the ``after`` or ``before`` cursor (``INVALID_CURSOR``), None without one."""
        cursor = self.after if argument == "after" else self.before
        return decode_cursor(cursor, width, argument) if cursor else None


def page_size(requested: int | None, cap: int, argument: str = "first") -> int:
    """The requested page size, refused (``PAGE_SIZE_OVER_CAP``) above the cap."""
    size = DEFAULT_PAGE if requested is None else requested
    if size < 1:
        raise UserError("PAGE_SIZE_INVALID", argument)
    if size > cap:
        raise UserError("PAGE_SIZE_OVER_CAP", argument, cap=cap)
    return size


def _lazy(fetched: Fetched, sql: str | None) -> Lazy[Any]:
    """One of a fetched page's extra statements, run the first time it is awaited (none: False)."""
    if sql is None:
        return Lazy.known(False)
    return Lazy(lambda: fetched.scalar(sql))


def connection(fetched: Fetched, key: Callable[[Any], Sequence[Any]], node: Callable[[Any], T]) -> Connection[T]:
    """A connection from a fetched page: its edges in the list's order, its page info,
    and its count (run when asked)."""
    ks = fetched.keyset
    page = fetched.rows[:ks.size]
    more = Lazy.known(len(fetched.rows) > ks.size)
    if ks.backward:
        page.reverse()
    edges = [Edge(node=node(r), key=key(r)) for r in page]
    beyond = _lazy(fetched, ks.beyond_sql)
    return Connection(
        edges=edges,
        page_info=PageInfo(
            start_cursor=encode_cursor(edges[0].key) if edges else None,
            end_cursor=encode_cursor(edges[-1].key) if edges else None,
            next_known=beyond if ks.backward else more,
            previous_known=more if ks.backward else beyond,
        ),
        counter=_lazy(fetched, ks.count_sql),
    )


def list_connection(items: Sequence[Any], keys: Sequence[str], node: Callable[[Any], T],
                    window: Window, cap: int) -> Connection[T]:
    """A connection over a list computed whole (a report's rows, bounded by its inputs), paged
    by the same rules as :func:`keyset`: ordered by the items' attributes ``keys`` read as text
    (so a cursor compares as it encodes; together they must be unique), ``totalCount`` the
    list's length."""
    size = window.size(cap)

    def text_key(item: Any) -> tuple[str, ...]:
        return tuple(sortable_text(getattr(item, k)) for k in keys)

    rows = sorted(items, key=text_key)
    ordered = [text_key(r) for r in rows]
    low, high = 0, len(rows)
    after, before = window.position("after", len(keys)), window.position("before", len(keys))
    if after is not None:
        low = bisect_right(ordered, tuple(after))
    if before is not None:
        high = max(low, bisect_left(ordered, tuple(before)))
    start, end = (max(low, high - size), high) if window.backward else (low, min(high, low + size))
    edges = [Edge(node=node(r), key=k) for r, k in zip(rows[start:end], ordered[start:end], strict=True)]
    more_before, more_after = (start > low, high < len(rows)) if window.backward else (low > 0, end < high)
    return Connection(
        edges=edges,
        page_info=PageInfo(
            start_cursor=encode_cursor(edges[0].key) if edges else None,
            end_cursor=encode_cursor(edges[-1].key) if edges else None,
            next_known=Lazy.known(more_after), previous_known=Lazy.known(more_before),
        ),
        counter=Lazy.known(len(rows)),
    )


def sortable_text(value: Any) -> str:
    """A key value as text that sorts as the value does: an instant in UTC at a fixed width,
    a non-negative integer zero-padded, anything else (dates, UUIDs, names) as ``str``."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return f"{value:020d}"
    return str(value)


def page_cap(info: strawberry.Info) -> int:
    """The largest page a request may ask for (``SWITCHBOARD_PAGE_SIZE_CAP``)."""
    return info.context.runtime.settings.page_size_cap


def _argument(name: str, annotation: Any, description: str) -> StrawberryArgument:
    return StrawberryArgument(python_name=name, graphql_name=None, type_annotation=StrawberryAnnotation(annotation),
                              default=None, description=description)


class PageArguments(FieldExtension):
    """Gives a connection field Relay's four arguments and hands them to its resolver as
    one :class:`Window` (the resolver's ``window`` parameter, not itself an argument)."""

    ARGUMENTS = (
        ("first", int | None, "At most this many items from the start of the window (default 50)."),
        ("after", str | None, "Only items after this cursor."),
        ("last", int | None, "At most this many items from the end of the window (not with `first`)."),
        ("before", str | None, "Only items before this cursor."),
    )

    def apply(self, field: Any) -> None:
        own = [a for a in field.arguments if a.python_name != WINDOW]
        field.arguments = own + [_argument(*spec) for spec in self.ARGUMENTS]

    def _window(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        window = Window(**{name: kwargs.pop(name, None) for name, _, _ in self.ARGUMENTS})
        return {**kwargs, WINDOW: window}

    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, **kwargs: Any) -> Any:
        return next_(source, info, **self._window(kwargs))

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: strawberry.Info,
                            **kwargs: Any) -> Any:
        return await next_(source, info, **self._window(kwargs))


def connection_field(description: str, **options: Any) -> Any:
    """A connection field: ``strawberry.field`` whose resolver takes ``window: Window``
    for the Relay arguments ``first``, ``after``, ``last`` and ``before``."""
    return strawberry.field(description=description, extensions=[PageArguments(), *options.pop("extensions", ())],
                            **options)
