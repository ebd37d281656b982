"""Webhook endpoints and deliveries, as the caller (a tenant admin: ``webhooks.manage``).

Everything runs as the runtime role: row security shows endpoints, events and
deliveries to tenant-wide staff of their own tenant only. The endpoint's secret is
generated here, returned once, and stored encrypted under the installation's keys
(the runtime role can write it but never read it back).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller

from .addresses import check_url
from .events import declared_types
from .permissions import MANAGE
from .signing import new_secret

if TYPE_CHECKING:
    from switchboard.core.plugin_host import PluginHost

MAX_DESCRIPTION = 200
STATES = ("pending", "delivered", "failed")
ENDPOINT_COLUMNS = "id, url, description, event_types, client_id, active, created_by, created_at"
DELIVERIES = """
SELECT * FROM (
    SELECT d.id, d.endpoint_id, d.event_id, d.replay_of, d.state, d.attempts, d.next_attempt_at, d.last_attempt_at,
           d.last_status, d.last_error, d.delivered_at, d.attempt_log, d.created_at, e.event_type, e.client_id,
           e.payload, e.created_at AS occurred_at, -extract(epoch FROM d.created_at) AS newest
      FROM webhook_delivery d JOIN webhook_event e ON e.tenant_id = d.tenant_id AND e.id = d.event_id) x"""


@dataclass(frozen=True)
class EndpointValues:
    """A new endpoint: where, which event types, optionally only one client's events."""

    url: str
    event_types: list[str]
    client_id: UUID | None = None
    description: str = ""


def _check(values: EndpointValues, declared: dict[str, str], allow_private: bool) -> EndpointValues:
    errors, url = [], values.url
    try:
        url = check_url(values.url, allow_private)
    except UserError as exc:
        errors.append(exc)
    types = list(dict.fromkeys(t.strip() for t in values.event_types))
    if not types:
        errors.append(UserError("WEBHOOK_EVENT_TYPES_REQUIRED", "eventTypes"))
    errors += [UserError("WEBHOOK_EVENT_TYPE_UNKNOWN", f"eventTypes.{n}", type=t)
               for n, t in enumerate(types) if t not in declared]
    description = values.description.strip()
    if len(description) > MAX_DESCRIPTION:
        errors.append(UserError("TOO_LONG", "description", max=MAX_DESCRIPTION))
    if errors:
        raise ValidationErrors(errors)
    return EndpointValues(url, types, values.client_id, description)


async def create_endpoint(db: DbSession, caller: Caller, runtime: Any, values: EndpointValues,
                          declared: dict[str, str]) -> tuple[Any, str]:
    """Register an endpoint; its row and its secret (shown this once)."""
    caller.require(MANAGE)
    values = await asyncio.to_thread(_check, values, declared, runtime.settings.webhook_allow_private)  # may resolve
    if values.client_id is not None:
        await db.first_or_not_found("SELECT id FROM client WHERE id = :id", {"id": values.client_id}, "clientId")
    secret = new_secret()
    row = await db.first(
        "INSERT INTO webhook_endpoint (tenant_id, url, description, event_types, client_id, secret_enc)"
        f" VALUES (:t, :url, :description, CAST(:types AS text[]), :client, :secret) RETURNING {ENDPOINT_COLUMNS}",
        {"t": caller.tenant_id, "url": values.url, "description": values.description, "types": values.event_types,
         "client": values.client_id, "secret": runtime.keyring.encrypt(secret)})
    return row, secret


async def set_active(db: DbSession, caller: Caller, endpoint_id: UUID, active: bool) -> Any:
    """Turn an endpoint on or off (off: it gets no new deliveries, pending ones fail)."""
    caller.require(MANAGE)
    return await db.first_or_not_found(
        f"UPDATE webhook_endpoint SET active = :a WHERE id = :id RETURNING {ENDPOINT_COLUMNS}",
        {"a": active, "id": endpoint_id}, "id")


async def replay(db: DbSession, caller: Caller, delivery_id: UUID) -> Any:
    """Send a delivery's event to its endpoint again, as a new delivery (``WEBHOOK_ENDPOINT_INACTIVE``)."""
    caller.require(MANAGE)
    old = await db.first_or_not_found("SELECT d.tenant_id, d.endpoint_id, d.event_id, p.active FROM webhook_delivery d"
                         " JOIN webhook_endpoint p ON p.tenant_id = d.tenant_id AND p.id = d.endpoint_id"
                         " WHERE d.id = :id", {"id": delivery_id}, "id")
    if not old.active:
        raise UserError("WEBHOOK_ENDPOINT_INACTIVE", "id")
    new_id = await db.scalar("INSERT INTO webhook_delivery (tenant_id, endpoint_id, event_id, replay_of)"
                             " VALUES (:t, :endpoint, :event, :old) RETURNING id",
                             {"t": old.tenant_id, "endpoint": old.endpoint_id, "event": old.event_id,
                              "old": delivery_id})
    return await db.first(f"{DELIVERIES} WHERE id = :id", {"id": new_id})


async def endpoints_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    """The endpoints of ``ids`` the caller can see."""
    return await db.all(f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE id = ANY(:ids)", {"ids": list(ids)})


async def endpoints_page(db: DbSession, caller: Caller, window: PageRequest, cap: int) -> Fetched:
    """One page of the tenant's endpoints, oldest first."""
    caller.require(MANAGE)
    return await filtered_page(db, f"SELECT {ENDPOINT_COLUMNS} FROM webhook_endpoint", ["created_at", "id"], window,
                               cap)


async def deliveries_page(db: DbSession, caller: Caller, endpoint_id: UUID | None, state: str | None,
                          window: PageRequest, cap: int) -> Fetched:
    """One page of deliveries, newest first, optionally of one endpoint or state."""
    caller.require(MANAGE)
    return await filtered_page(db, DELIVERIES, ["newest", "id"], window, cap,
                               Where().equal("endpoint_id", endpoint_id, "endpoint").equal("state", state))


def event_types(caller: Caller, host: PluginHost) -> dict[str, str]:
    """Every event type an endpoint may subscribe to, by name (callers who manage webhooks)."""
    caller.require(MANAGE)
    return declared_types(host)
