"""Scope-graph mutations: create and update clients, LOBs and sites."""

from __future__ import annotations

from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.graphql.scalars import Percent

from . import service
from .permissions import CLIENT_MANAGE, LOB_MANAGE, SITE_MANAGE
from .types import Channel, Client, Lob, Regime, Site


@strawberry.input
class ClientInput:
    name: str
    code: str
    jurisdiction: str
    timezone: str
    languages: list[str]
    currency: str
    holiday_region: str
    regimes: list[Regime] = strawberry.field(default_factory=list)
    residency_regions: list[str] = strawberry.field(default_factory=list)


@strawberry.input
class ClientPatch:
    name: str | None = None
    timezone: str | None = None
    languages: list[str] | None = None
    holiday_region: str | None = None
    regimes: list[Regime] | None = None
    residency_regions: list[str] | None = None
    active: bool | None = None


@strawberry.input
class LobInput:
    name: str
    code: str
    language: str
    channel: Channel
    timezone: str
    sla_target_pct: Percent
    sla_answer_seconds: int
    required_credentials: list[str] = strawberry.field(default_factory=list)
    handles_card_data: bool = False
    handles_health_data: bool = False


@strawberry.input
class LobPatch:
    name: str | None = None
    timezone: str | None = None
    sla_target_pct: Percent | None = None
    sla_answer_seconds: int | None = None
    required_credentials: list[str] | None = None
    handles_card_data: bool | None = None
    handles_health_data: bool | None = None
    active: bool | None = None


@strawberry.input
class SiteInput:
    name: str
    country: str
    region: str
    timezone: str


@strawberry.type
class ClientPayload:
    client: Client | None
    errors: list[UserErrorType]


@strawberry.type
class LobPayload:
    lob: Lob | None
    errors: list[UserErrorType]


@strawberry.type
class SitePayload:
    site: Site | None
    errors: list[UserErrorType]


def _data(value: object) -> dict:
    return {k: v for k, v in vars(value).items() if v is not strawberry.UNSET}


@strawberry.type
class ScopeMutation:
    @strawberry.mutation(description="Add a client account of the tenant, with its jurisdiction, languages,"
                         " compliance regimes and currency.", extensions=[requires(CLIENT_MANAGE)])
    async def create_client(self, info: strawberry.Info, input: ClientInput) -> ClientPayload:
        ctx = info.context
        return await mutate(info, ClientPayload, lambda: service.create_client(ctx.db, ctx.me, _data(input)),
                            Client.from_row)

    @strawberry.mutation(description="Change a client account; fields left out keep their value.",
                         extensions=[requires(CLIENT_MANAGE)])
    async def update_client(self, info: strawberry.Info, id: UUID, patch: ClientPatch) -> ClientPayload:
        ctx = info.context
        return await mutate(info, ClientPayload, lambda: service.update_client(ctx.db, ctx.me, id, _data(patch)),
                            Client.from_row)

    @strawberry.mutation(description="Add a line of business to a client, with its timezone, channel and the"
                         " credentials its agents need.", extensions=[requires(LOB_MANAGE)])
    async def create_lob(self, info: strawberry.Info, client_id: UUID, input: LobInput) -> LobPayload:
        ctx = info.context
        return await mutate(info, LobPayload, lambda: service.create_lob(ctx.db, ctx.me, client_id, _data(input)),
                            Lob.from_row)

    @strawberry.mutation(description="Change a line of business; fields left out keep their value.",
                         extensions=[requires(LOB_MANAGE)])
    async def update_lob(self, info: strawberry.Info, id: UUID, patch: LobPatch) -> LobPayload:
        ctx = info.context
        return await mutate(info, LobPayload, lambda: service.update_lob(ctx.db, ctx.me, id, _data(patch)),
                            Lob.from_row)

    @strawberry.mutation(description="Add a delivery site of the tenant.", extensions=[requires(SITE_MANAGE)])
    async def create_site(self, info: strawberry.Info, input: SiteInput) -> SitePayload:
        ctx = info.context
        return await mutate(info, SitePayload, lambda: service.create_site(ctx.db, ctx.me, _data(input)), Site.from_row)
