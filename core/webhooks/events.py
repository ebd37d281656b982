"""Writing webhook events: the outbox row goes in the transaction of the change it reports.

A module calls :func:`emit` where the change happens, as the caller (row security lets
staff write events of the clients they act on; tenant-level events need a tenant-wide
caller); the worker, as the owner, calls :func:`emit_as_owner`. Either way the event
fans out to the endpoints that want it before the transaction commits, so an event is
delivered exactly when its change is committed (and one no endpoint wants is not kept).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, text

from switchboard.core.db.session import DbSession

INSERT = ("INSERT INTO webhook_event (tenant_id, event_type, client_id, payload)"
          " VALUES (:tenant, :type, :client, CAST(:payload AS jsonb))")


def _params(tenant_id: UUID, event_type: str, payload: Mapping[str, Any], client_id: UUID | None) -> dict[str, Any]:
    return {"tenant": tenant_id, "type": event_type, "client": client_id,
            "payload": json.dumps(payload, default=str)}


async def emit(db: DbSession, tenant_id: UUID, event_type: str, payload: Mapping[str, Any],
               client_id: UUID | None = None) -> None:
    """Write an event of ``event_type`` (declared through ``switchboard_webhook_event_types``)
    about ``client_id`` (None: the tenant as a whole) in ``db``'s transaction. ``payload``
    is JSON (ids, dates, amounts): what a receiver needs to look the change up."""
    await db.execute(INSERT, _params(tenant_id, event_type, payload, client_id))


def emit_as_owner(conn: Connection, tenant_id: UUID, event_type: str, payload: Mapping[str, Any],
                  client_id: UUID | None = None) -> None:
    """:func:`emit` on an owner connection (the worker's own bookkeeping)."""
    conn.execute(text(INSERT), _params(tenant_id, event_type, payload, client_id))


def declared_types(host: Any) -> dict[str, str]:
    """Every event type the enabled plugins declare, with its description."""
    types: dict[str, str] = {}
    for declared in host.hook.switchboard_webhook_event_types():
        types.update(declared)
    return dict(sorted(types.items()))
