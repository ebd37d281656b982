"""GraphQL types of the scope graph."""

from __future__ import annotations

from enum import Enum
from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.context import Info
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.rows import FromRow
from switchboard.core.graphql.scalars import Percent

from . import service


@strawberry.enum(description="Compliance regimes a client operates under.")
class Regime(Enum):
    PCI_DSS = "PCI_DSS"
    HIPAA = "HIPAA"
    PIPEDA = "PIPEDA"
    QC_LAW25 = "QC_LAW25"
    CCPA = "CCPA"
    GDPR = "GDPR"


@strawberry.enum(description="How a LOB's contacts reach it.")
class Channel(Enum):
    VOICE = "voice"
    CHAT = "chat"
    EMAIL = "email"
    SOCIAL = "social"
    BACK_OFFICE = "back_office"


@strawberry.type(description="Service-level target: targetPct % of contacts answered within answerSeconds.")
class ServiceLevel:
    target_pct: Percent
    answer_seconds: int


@strawberry.type(description="A client account of the BPO.")
class Client(FromRow, Node):
    id: strawberry.Private[UUID]
    name: str
    code: str
    jurisdiction: str = strawberry.field(description="ISO 3166 code of the client's jurisdiction, e.g. CA-QC.")
    timezone: str
    languages: list[str]
    currency: str
    holiday_region: str
    regimes: list[Regime]
    residency_regions: list[str] = strawberry.field(
        description="Work regions the client permits (country, subdivision or EU); empty: any."
    )
    active: bool

    @strawberry.field(description="The client's lines of business the caller can see.")
    async def lobs(self, info: Info) -> list[Lob]:
        return await lobs_of_client(info.context).load(self.id)


@strawberry.type(description="A line of business: one client program with its own SLA, language and rules.")
class Lob(FromRow, Node):
    id: strawberry.Private[UUID]
    client_id: UUID
    name: str
    code: str
    language: str
    channel: Channel
    timezone: str
    service_level: ServiceLevel
    required_credentials: list[str]
    handles_card_data: bool
    handles_health_data: bool
    active: bool

    @classmethod
    def from_row(cls, r: Any) -> Lob:
        return super().from_row(
            r, service_level=ServiceLevel(target_pct=r.sla_target_pct, answer_seconds=r.sla_answer_seconds))

    @strawberry.field
    async def client(self, info: Info) -> Client | None:
        return await client_by_id(info.context).load(self.client_id)


@strawberry.type(description="A delivery site of the BPO.")
class Site(FromRow, Node):
    id: strawberry.Private[UUID]
    name: str
    country: str
    region: str
    timezone: str


def client_by_id(ctx: Any):
    """The request's loader of clients by id (None when not visible)."""
    return loaders.by_id(ctx, service.clients_by_ids, Client.from_row)


def lob_by_id(ctx: Any):
    """The request's loader of LOBs by id."""
    return loaders.by_id(ctx, service.lobs_by_ids, Lob.from_row)


def lobs_of_client(ctx: Any):
    """The request's loader of each client's LOBs."""
    return loaders.grouped(ctx, service.lobs_of_clients, Lob.from_row, "client_id")


def site_by_id(ctx: Any):
    """The request's loader of sites by id."""
    return loaders.by_id(ctx, service.sites_by_ids, Site.from_row)
