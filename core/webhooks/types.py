"""GraphQL types of webhooks: endpoints, event types, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from switchboard.core.graphql import loaders
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.rows import FromRow

from . import service


@strawberry.type(description="An event type endpoints may subscribe to, declared by core or a module.")
class WebhookEventType:
    name: str = strawberry.field(description="What endpoints list in eventTypes, e.g. billing.invoice.issued.")
    description: str


@strawberry.type(description="A receiver of the tenant's events. Its signing secret is shown once, when it is made.")
class WebhookEndpoint(FromRow, Node):
    id: strawberry.Private[UUID]
    url: str
    description: str
    event_types: list[str]
    client_id: UUID | None = strawberry.field(description="Only this client's events; null: every event of the"
                                                          " tenant, tenant-level ones included.")
    active: bool
    created_by: UUID
    created_at: datetime


@strawberry.enum(description="Where a delivery is: waiting for its next attempt, delivered, or given up.")
class WebhookDeliveryState(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@strawberry.type(description="One try at delivering: when, the receiver's HTTP status (null: no answer) and why it"
                             " failed.")
class WebhookAttempt:
    at: datetime
    status: int | None
    error: str | None
    milliseconds: int

    @classmethod
    def from_json(cls, a: dict[str, Any]) -> WebhookAttempt:
        return cls(at=datetime.fromisoformat(a["at"]), status=a.get("status"), error=a.get("error"),
                   milliseconds=a.get("milliseconds") or 0)


@strawberry.type(description="One event sent (or being sent) to one endpoint, with every attempt.")
class WebhookDelivery(FromRow):
    id: UUID
    endpoint_id: UUID
    event_id: UUID
    event_type: str
    client_id: UUID | None
    payload: JSON = strawberry.field(description="The event's data, as the receiver gets it under data.")
    occurred_at: datetime
    state: WebhookDeliveryState
    attempts: int
    next_attempt_at: datetime | None = strawberry.field(description="When it is tried next (pending only).")
    last_status: int | None
    last_error: str | None
    delivered_at: datetime | None
    replay_of: UUID | None = strawberry.field(description="The delivery this one replays.")
    created_at: datetime
    attempt_log: list[WebhookAttempt] = strawberry.field(description="Every attempt, oldest first.")

    @classmethod
    def from_row(cls, r: Any) -> WebhookDelivery:
        return super().from_row(r, next_attempt_at=r.next_attempt_at if r.state == "pending" else None,
                                attempt_log=[WebhookAttempt.from_json(a) for a in r.attempt_log])


def webhook_endpoint_by_id(ctx: Any):
    """The request's loader of webhook endpoints by id (None when not visible)."""
    return loaders.by_id(ctx, service.endpoints_by_ids, WebhookEndpoint.from_row)
