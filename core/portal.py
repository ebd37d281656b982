"""Core's part of the portal schema: the client account a client user is bound to.

Portal types carry no PII: no names of people, no e-mails, no HR fields.
"""

from __future__ import annotations

from uuid import UUID

import strawberry

from .errors import AccessError
from .scope.types import Channel


@strawberry.type(name="PortalLob", description="A line of business of the caller's account.")
class PortalLob:
    id: UUID
    name: str
    language: str
    channel: Channel
    timezone: str


@strawberry.type(name="PortalAccount", description="The client account the caller is bound to.")
class PortalAccount:
    id: UUID
    name: str
    timezone: str
    currency: str
    lobs: list[PortalLob]


@strawberry.type
class PortalQuery:
    @strawberry.field(description="The caller's own client account and its LOBs.")
    async def account(self, info: strawberry.Info) -> PortalAccount:
        caller = info.context.me
        if caller.bound_client_id is None:
            raise AccessError("FORBIDDEN", permission="portal.read")
        caller.require("portal.read", caller.bound_client_id)
        db = info.context.db
        client = await db.one("SELECT id, name, timezone, currency FROM client WHERE id = :id",
                              {"id": caller.bound_client_id})
        if client is None:
            raise AccessError("FORBIDDEN", permission="portal.read")
        lobs = await db.all(
            "SELECT id, name, language, channel, timezone FROM lob WHERE client_id = :id ORDER BY name, id",
            {"id": client.id},
        )
        return PortalAccount(
            id=client.id, name=client.name, timezone=client.timezone, currency=client.currency,
            lobs=[PortalLob(id=r.id, name=r.name, language=r.language, channel=Channel(r.channel), timezone=r.timezone)
                  for r in lobs],
        )
