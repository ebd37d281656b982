"""Webhook queries and mutations (tenant admins: ``webhooks.manage``)."""

from __future__ import annotations

from operator import itemgetter
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field
from switchboard.core.graphql.payload import UserErrorType, mutate

from . import service
from .events import declared_types
from .permissions import MANAGE
from .types import WebhookDelivery, WebhookDeliveryState, WebhookEndpoint, WebhookEventType


@strawberry.input(description="A new webhook endpoint.")
class WebhookEndpointInput:
    url: str = strawberry.field(description="http or https; a private or loopback address only where the"
                                            " installation allows it.")
    event_types: list[str] = strawberry.field(description="Names from webhookEventTypes.")
    client_id: UUID | None = strawberry.field(default=None, description="Only this client's events.")
    description: str = ""


@strawberry.type
class CreateWebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(description="The signing secret: shown this once, keep it.")
    errors: list[UserErrorType]


@strawberry.type
class WebhookEndpointPayload:
    endpoint: WebhookEndpoint | None
    errors: list[UserErrorType]


@strawberry.type
class WebhookDeliveryPayload:
    delivery: WebhookDelivery | None
    errors: list[UserErrorType]


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="Every event type an endpoint may subscribe to.",
                      extensions=[requires(MANAGE)])
    def webhook_event_types(self, info: strawberry.Info) -> list[WebhookEventType]:
        types = service.event_types(info.context.me, info.context.runtime.host)
        return [WebhookEventType(name=n, description=d) for n, d in types.items()]

    @connection_field(description="The tenant's webhook endpoints, oldest first.",
                      extensions=[requires(MANAGE)])
    async def webhook_endpoints(self, info: strawberry.Info, window: Window) -> Connection[WebhookEndpoint]:
        ctx = info.context
        rows = await service.endpoints_page(ctx.db, ctx.me, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.created_at, r.id), WebhookEndpoint.from_row)

    @connection_field(description="Webhook deliveries, newest first, optionally of one endpoint or state.",
                      extensions=[requires(MANAGE)])
    async def webhook_deliveries(self, info: strawberry.Info, window: Window, endpoint_id: UUID | None = None,
                                 state: WebhookDeliveryState | None = None) -> Connection[WebhookDelivery]:
        ctx = info.context
        rows = await service.deliveries_page(ctx.db, ctx.me, endpoint_id, state and state.value, window,
                                             ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.newest, r.id), WebhookDelivery.from_row)


@strawberry.type
class WebhookMutation:
    @strawberry.mutation(description="Register a webhook endpoint; the answer holds its signing secret, shown once.",
                         extensions=[requires(MANAGE)])
    async def create_webhook_endpoint(self, info: strawberry.Info,
                                      input: WebhookEndpointInput) -> CreateWebhookEndpointPayload:
        ctx = info.context
        values = service.EndpointValues(input.url, input.event_types, input.client_id, input.description)
        return await mutate(info, CreateWebhookEndpointPayload, lambda: service.create_endpoint(
            ctx.db, ctx.me, ctx.runtime, values, declared_types(ctx.runtime.host)),
            fields={"endpoint": lambda made: WebhookEndpoint.from_row(made[0]), "secret": itemgetter(1)})

    @strawberry.mutation(description="Turn an endpoint on or off; off, it gets no new deliveries and its pending"
                                     " ones fail.", extensions=[requires(MANAGE)])
    async def set_webhook_endpoint_active(self, info: strawberry.Info, id: UUID,
                                          active: bool) -> WebhookEndpointPayload:
        ctx = info.context
        return await mutate(info, WebhookEndpointPayload, lambda: service.set_active(ctx.db, ctx.me, id, active),
                            WebhookEndpoint.from_row)

    @strawberry.mutation(description="Send a delivery's event to its endpoint again, as a new delivery.",
                         extensions=[requires(MANAGE)])
    async def replay_webhook_delivery(self, info: strawberry.Info, id: UUID) -> WebhookDeliveryPayload:
        ctx = info.context
        return await mutate(info, WebhookDeliveryPayload, lambda: service.replay(ctx.db, ctx.me, id),
                            WebhookDelivery.from_row)
