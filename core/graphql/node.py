"""Relay global object identification: the ``Node`` interface, global ids and ``node``/``nodes``.

A global id is the unpadded base64url of ``"<TypeName>:<key>"`` (the key is the row's
UUID; the portal's types use their own opaque ids). It is opaque to clients: they
refetch an object with ``node(id:)`` and pass it wherever an id is taken, since the
``UUID`` scalar accepts a global id too (:func:`parse_uuid`). A type becomes a node
by subclassing :class:`Node` and keeping its UUID as ``id: strawberry.Private[UUID]``;
a module registers how to load it with the ``switchboard_node_types`` hook (or
``switchboard_portal_node_types``): ``{TypeName: loader}``, where ``async def
loader(info, ids: list[UUID]) -> list[object | None]`` reads as the caller through the
type's own DataLoader and permission check, one statement per call.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any
from uuid import UUID

import strawberry

from switchboard.core.errors import AccessError

from .access import signed_in
from .caps import capped
from .execution import plain

MAX_IDS = 100
Loader = Callable[[strawberry.Info, list[UUID]], Awaitable[list[Any]]]


def to_global_id(type_name: str, key: Any) -> str:
    """The global id of ``type_name``'s object ``key``."""
    return base64.urlsafe_b64encode(f"{type_name}:{key}".encode()).decode().rstrip("=")


def from_global_id(value: str) -> tuple[str, str] | None:
    """``(type name, key)`` of a global id, or None when it is not one (garbled, forged)."""
    try:
        text = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    name, sep, key = text.partition(":")
    return (name, key) if sep and name.isidentifier() and key else None


def database_id(value: str) -> UUID | None:
    """The UUID a global id names, or None."""
    decoded = from_global_id(value)
    if decoded is None:
        return None
    try:
        return UUID(decoded[1])
    except ValueError:
        return None


def parse_uuid(value: Any) -> UUID:
    """The ``UUID`` scalar's input: a UUID, or the global id of an object (its UUID)."""
    try:
        return UUID(str(value))
    except ValueError:
        found = database_id(str(value)) if isinstance(value, str) else None
        if found is None:
            raise
        return found


@strawberry.interface(description="An object with a global id: `node(id:)` fetches it again (Relay's Node).")
class Node:
    @strawberry.field(name="id", description="Opaque global id, unique across types; accepted wherever an id is.")
    @plain
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(self.__strawberry_definition__.name, self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="The object's database id (a UUID).")
    @plain
    def database_id(self) -> UUID:
        return self.id  # type: ignore[attr-defined]


def registry(host: Any, portal: bool) -> dict[str, Loader]:
    """``{TypeName: loader}`` of every enabled plugin, for one schema."""
    found: dict[str, Loader] = {}
    hook = host.hook.switchboard_portal_node_types if portal else host.hook.switchboard_node_types
    for types in hook():
        found.update(types)
    return found


async def resolve(info: strawberry.Info, ids: list[str]) -> list[Any]:
    """The objects of ``ids`` (None for each one not found, not ours, or of no registered
    type), loading each type once for all its ids."""
    ctx = info.context
    loaders: Mapping[str, Loader] = ctx.runtime.node_types[ctx.portal]
    wanted: dict[str, list[UUID]] = defaultdict(list)
    keys: list[tuple[str, UUID] | None] = []
    for value in ids:
        decoded = from_global_id(value)
        key = database_id(value)
        if decoded is None or key is None or decoded[0] not in loaders:
            keys.append(None)
            continue
        keys.append((decoded[0], key))
        wanted[decoded[0]].append(key)
    loaded: dict[tuple[str, UUID], Any] = {}
    for name, uuids in wanted.items():
        try:
            objects = await loaders[name](info, list(dict.fromkeys(uuids)))
        except AccessError:  # the caller may not read this type at all: as if not found
            continue
        loaded.update({(name, u): obj for u, obj in zip(dict.fromkeys(uuids), objects, strict=True)})
    return [None if k is None else loaded.get(k) for k in keys]


@strawberry.type
class NodeQuery:
    @strawberry.field(description="The object of a global id, or null when it does not exist, is outside the"
                      " caller's scope or is not an id of this schema.", extensions=[signed_in()])
    async def node(self, info: strawberry.Info, id: strawberry.ID) -> Node | None:
        return (await resolve(info, [id]))[0]

    @strawberry.field(description=f"The objects of global ids, in order, null where `node` would be (at most"
                      f" {MAX_IDS} ids; each type is read once).", extensions=[signed_in()])
    async def nodes(self, info: strawberry.Info,
                    ids: Annotated[list[strawberry.ID], capped(items=MAX_IDS)]) -> list[Node | None]:
        return await resolve(info, ids)


def guarded(check: str | Callable[[Any], None], dataloader: Callable[[Any], Any]) -> Loader:
    """A node loader reading as a type's own query does: its permission check first (a permission key
    means ``require_somewhere(key)``; a callable is called with the caller and raises ``AccessError``),
    then the type's per-request DataLoader (one statement for all ids, row security applied)."""

    def require(me: Any) -> None:
        if isinstance(check, str):
            me.require_somewhere(check)
        else:
            check(me)

    async def load(info: strawberry.Info, ids: list[UUID]) -> list[Any]:
        require(info.context.me)
        return await dataloader(info.context).load_many(ids)

    return load
