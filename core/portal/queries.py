"""Core's part of the portal schema: the client account a client user is bound to.

Portal types carry no PII: no names of people, no e-mails, no HR fields.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.errors import AccessError
from switchboard.core.graphql.access import signed_in
from switchboard.core.graphql.node import Node
from switchboard.core.scope.types import Channel

from .permissions import READ


@strawberry.type(name="PortalLob", description="A line of business of the caller's account.")
class PortalLob(Node):
    id: strawberry.Private[UUID]
    name: str
    language: str
    channel: Channel
    timezone: str


@strawberry.type(name="PortalAccount", description="The client account the caller is bound to.")
class PortalAccount(Node):
    id: strawberry.Private[UUID]
    name: str
    timezone: str
    currency: str
    lobs: list[PortalLob]


def bound_client(info: strawberry.Info) -> UUID:
    """The caller's client account, once ``portal.read`` is checked on it."""
    caller = info.context.me
    if caller.bound_client_id is None:
        raise AccessError("FORBIDDEN", permission=READ)
    caller.require(READ, caller.bound_client_id)
    return caller.bound_client_id


def lob_of(r: Any) -> PortalLob:
    return PortalLob(id=r.id, name=r.name, language=r.language, channel=Channel(r.channel), timezone=r.timezone)


async def accounts(info: strawberry.Info, ids: list[UUID]) -> list[PortalAccount | None]:
    """The caller's account among ``ids`` (any other id: None)."""
    client_id, db = bound_client(info), info.context.db
    client = await db.first("SELECT id, name, timezone, currency FROM client WHERE id = :id", {"id": client_id})
    if client is None or client.id not in ids:
        return [None] * len(ids)
    lobs = await db.all(
        "SELECT id, name, language, channel, timezone FROM lob WHERE client_id = :id ORDER BY name, id",
        {"id": client.id},
    )
    account = PortalAccount(id=client.id, name=client.name, timezone=client.timezone, currency=client.currency,
                            lobs=[lob_of(r) for r in lobs])
    return [account if i == client.id else None for i in ids]


async def lobs(info: strawberry.Info, ids: list[UUID]) -> list[PortalLob | None]:
    """The LOBs of ``ids`` that belong to the caller's account (others: None), in one statement."""
    client_id = bound_client(info)
    rows = await info.context.db.all(
        "SELECT id, name, language, channel, timezone FROM lob WHERE client_id = :c AND id = ANY(:ids)",
        {"c": client_id, "ids": ids},
    )
    found = {r.id: lob_of(r) for r in rows}
    return [found.get(i) for i in ids]


NODE_TYPES = {"PortalAccount": accounts, "PortalLob": lobs}


@strawberry.type
class PortalQuery:
    @strawberry.field(description="The caller's own client account and its LOBs.", extensions=[signed_in()])
    async def account(self, info: strawberry.Info) -> PortalAccount:
        found = await accounts(info, [bound_client(info)])
        if found[0] is None:
            raise AccessError("FORBIDDEN", permission=READ)
        return found[0]
