"""Scope-graph services: plain functions over the request's transaction.

Every read runs as the runtime role, so RLS bounds it to the caller's scope; the
functions add no scope filter of their own. Writes validate first, then let the
database's constraints back the checks.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller

from . import validation as v
from .permissions import CLIENT_MANAGE, LOB_MANAGE, READ, SITE_MANAGE


async def clients_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all("SELECT * FROM client WHERE id = ANY(:ids)", {"ids": list(ids)})


async def lobs_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all("SELECT * FROM lob WHERE id = ANY(:ids)", {"ids": list(ids)})


async def sites_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    return await db.all("SELECT * FROM site WHERE id = ANY(:ids)", {"ids": list(ids)})


async def lobs_of_clients(db: DbSession, client_ids: list[UUID]) -> list[Any]:
    return await db.all(
        "SELECT * FROM lob WHERE client_id = ANY(:ids) ORDER BY name, id", {"ids": list(client_ids)}
    )


async def get_client(db: DbSession, client_id: UUID, field: str = "clientId") -> Any:
    """A visible client, or ``NOT_FOUND`` (whether it is missing or out of scope)."""
    return await db.first_or_not_found("SELECT * FROM client WHERE id = :id", {"id": client_id}, field)


async def get_lob(db: DbSession, lob_id: UUID, field: str = "lobId") -> Any:
    """A visible LOB, or ``NOT_FOUND``."""
    return await db.first_or_not_found("SELECT * FROM lob WHERE id = :id", {"id": lob_id}, field)


def client_values(data: dict[str, Any]) -> dict[str, Any]:
    """Validated client columns from input (only the keys present)."""
    checks = {
        "name": lambda x: v.text(x, "name"),
        "code": lambda x: v.code(x, "code"),
        "jurisdiction": lambda x: v.region(x, "jurisdiction"),
        "timezone": lambda x: v.timezone(x),
        "languages": lambda x: [v.language(y, "languages") for y in x] or _required("languages"),
        "currency": lambda x: v.currency(x),
        "holiday_region": lambda x: v.region(x, "holidayRegion"),
        "regimes": lambda x: sorted({getattr(y, "value", y) for y in x}),
        "residency_regions": lambda x: v.residency(x),
        "active": bool,
    }
    return {k: checks[k](val) for k, val in data.items() if k in checks and val is not None}


def _required(field: str) -> Any:
    raise UserError("REQUIRED", field)


async def create_client(db: DbSession, caller: Caller, data: dict[str, Any]) -> Any:
    caller.require(CLIENT_MANAGE)
    values = client_values(data)
    cols = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return await db.first(
        f"INSERT INTO client (tenant_id, {cols}) VALUES (:tenant_id, {params}) RETURNING *",
        {**values, "tenant_id": caller.tenant_id},
    )


async def update_client(db: DbSession, caller: Caller, client_id: UUID, data: dict[str, Any]) -> Any:
    await get_client(db, client_id, "id")
    caller.require(CLIENT_MANAGE, client_id)
    values = client_values(data)
    if not values:
        return await get_client(db, client_id, "id")
    return await _update(db, "client", client_id, values)


def lob_values(data: dict[str, Any]) -> dict[str, Any]:
    """Validated LOB columns from input (only the keys present)."""
    checks = {
        "name": lambda x: v.text(x, "name"),
        "code": lambda x: v.code(x, "code"),
        "language": lambda x: v.language(x),
        "channel": lambda x: getattr(x, "value", x),
        "timezone": lambda x: v.timezone(x),
        "sla_target_pct": lambda x: v.between(x, 0.01, 100, "SLA_OUT_OF_RANGE", "slaTargetPct"),
        "sla_answer_seconds": lambda x: v.between(x, 1, 86400, "SLA_OUT_OF_RANGE", "slaAnswerSeconds"),
        "required_credentials": lambda x: sorted(set(x)),
        "handles_card_data": bool,
        "handles_health_data": bool,
        "active": bool,
    }
    return {k: checks[k](val) for k, val in data.items() if k in checks and val is not None}


async def create_lob(db: DbSession, caller: Caller, client_id: UUID, data: dict[str, Any]) -> Any:
    await get_client(db, client_id)
    caller.require(LOB_MANAGE, client_id)
    values = lob_values(data)
    cols = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return await db.first(
        f"INSERT INTO lob (tenant_id, client_id, {cols}) VALUES (:tenant_id, :client_id, {params}) RETURNING *",
        {**values, "tenant_id": caller.tenant_id, "client_id": client_id},
    )


async def update_lob(db: DbSession, caller: Caller, lob_id: UUID, data: dict[str, Any]) -> Any:
    lob = await get_lob(db, lob_id, "id")
    caller.require(LOB_MANAGE, lob.client_id, lob.id)
    values = lob_values(data)
    if not values:
        return lob
    return await _update(db, "lob", lob_id, values)


async def _update(db: DbSession, table: str, row_id: UUID, values: dict[str, Any]) -> Any:
    """Update one row; ``NOT_FOUND`` when row security hides it from this write."""
    sets = ", ".join(f"{k} = :{k}" for k in values)
    return await db.first_or_not_found(f"UPDATE {table} SET {sets} WHERE id = :id RETURNING *",
                                       {**values, "id": row_id}, "id")


async def create_site(db: DbSession, caller: Caller, data: dict[str, Any]) -> Any:
    caller.require(SITE_MANAGE)
    values = {
        "name": v.text(data["name"], "name"),
        "country": v.region(data["country"], "country"),
        "region": v.region(data["region"], "region"),
        "timezone": v.timezone(data["timezone"]),
    }
    if len(values["country"]) != 2 or not values["region"].startswith(values["country"]):
        raise UserError("INVALID_REGION", "region", value=values["region"])
    return await db.first(
        "INSERT INTO site (tenant_id, name, country, region, timezone)"
        " VALUES (:tenant_id, :name, :country, :region, :timezone) RETURNING *",
        {**values, "tenant_id": caller.tenant_id},
    )


async def clients_page(db: DbSession, caller: Caller, window: PageRequest, cap: int) -> Fetched:
    """One page of the clients the caller can see, by name."""
    caller.require_somewhere(READ)
    return await filtered_page(db, "SELECT * FROM client", ["name", "id"], window, cap)


async def lobs_page(db: DbSession, caller: Caller, window: PageRequest, cap: int, client_id: UUID | None) -> Fetched:
    """One page of the LOBs the caller can see, optionally of one client, by name."""
    caller.require_somewhere(READ)
    return await filtered_page(db, "SELECT * FROM lob", ["name", "id"], window, cap,
                               Where().equal("client_id", client_id))


async def sites_page(db: DbSession, caller: Caller, window: PageRequest, cap: int) -> Fetched:
    """One page of the tenant's delivery sites, by name."""
    caller.require_somewhere(READ)
    return await filtered_page(db, "SELECT * FROM site", ["name", "id"], window, cap)
