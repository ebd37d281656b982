"""Scope-graph queries."""

from __future__ import annotations

from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field

from . import service
from .permissions import READ
from .types import Client, Lob, Site, client_by_id, lob_by_id


def _cap(info: strawberry.Info) -> int:
    return info.context.runtime.settings.page_size_cap


@strawberry.type
class ScopeQuery:
    @connection_field(description="Clients the caller can see, by name.", extensions=[requires(READ)])
    async def clients(self, info: strawberry.Info, window: Window) -> Connection[Client]:
        rows = await service.clients_page(info.context.db, info.context.me, window, _cap(info))
        return connection(rows, lambda r: (r.name, r.id), Client.from_row)

    @strawberry.field(description="One client, or null when it does not exist or is outside the caller's scope.",
                      extensions=[requires(READ)])
    async def client(self, info: strawberry.Info, id: UUID) -> Client | None:
        return await client_by_id(info.context).load(id)

    @connection_field(description="LOBs the caller can see, optionally of one client, by name.",
                      extensions=[requires(READ)])
    async def lobs(self, info: strawberry.Info, window: Window, client_id: UUID | None = None) -> Connection[Lob]:
        rows = await service.lobs_page(info.context.db, info.context.me, window, _cap(info), client_id)
        return connection(rows, lambda r: (r.name, r.id), Lob.from_row)

    @strawberry.field(description="One LOB, or null.", extensions=[requires(READ)])
    async def lob(self, info: strawberry.Info, id: UUID) -> Lob | None:
        return await lob_by_id(info.context).load(id)

    @connection_field(description="The BPO's delivery sites.", extensions=[requires(READ)])
    async def sites(self, info: strawberry.Info, window: Window) -> Connection[Site]:
        rows = await service.sites_page(info.context.db, info.context.me, window, _cap(info))
        return connection(rows, lambda r: (r.name, r.id), Site.from_row)
