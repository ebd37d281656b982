"""User administration: users, client users, role grants, passwords, tokens.

Tenant admins manage users (row security lets only tenant-wide grants write the
user, grant and binding tables). Users change their own credentials through
``core.identity.credentials``.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import NotFound, UserError
from switchboard.core.i18n import DEFAULT_LANGUAGE, LANGUAGES
from switchboard.core.scope.permissions import READ as SCOPE_READ

from . import secrets
from .caller import Caller
from .permissions import USER_MANAGE

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

USER_SELECT = """
SELECT u.id, u.email, u.kind, u.display_name, u.locale, u.active, u.totp_enabled, u.employee_id,
       (SELECT b.client_id FROM client_binding b
         WHERE b.tenant_id = u.tenant_id AND b.user_id = u.id) AS bound_client_id,
       coalesce((SELECT json_agg(json_build_object('id', g.id, 'role', g.role, 'client_id', g.client_id,
                                                   'lob_id', g.lob_id) ORDER BY g.role, g.id)
                   FROM role_grant g WHERE g.tenant_id = u.tenant_id AND g.user_id = u.id), '[]') AS grants
  FROM app_user u
"""
TOKEN_SELECT = "SELECT id, user_id, kind, name, created_at, expires_at, revoked_at, last_used_at FROM auth_token"


async def get_user(db: DbSession, user_id: UUID, field: str = "userId") -> Any:
    """A user the caller can see, or ``NOT_FOUND``."""
    return await db.first_or_not_found(USER_SELECT + " WHERE u.id = :id", {"id": user_id}, field)


async def users_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    """The users of ``ids`` the caller can see."""
    return await db.all(USER_SELECT + " WHERE u.id = ANY(:ids)", {"ids": list(ids)})


def check_password(password: str, field: str = "password") -> str:
    """A password long enough to keep (``PASSWORD_TOO_SHORT``)."""
    if len(password) < secrets.MIN_PASSWORD_LENGTH:
        raise UserError("PASSWORD_TOO_SHORT", field, min=secrets.MIN_PASSWORD_LENGTH)
    return password


async def create_user(db: DbSession, caller: Caller, data: dict[str, Any]) -> Any:
    """Create a staff member (optionally linked to an employee) or a client user bound to one client."""
    caller.require(USER_MANAGE)
    email = data["email"].strip()
    if not EMAIL.match(email):
        raise UserError("INVALID_EMAIL", "email")
    kind = data["kind"]
    name = data["display_name"].strip()
    if not name or len(name) > 200:
        raise UserError("REQUIRED" if not name else "TOO_LONG", "displayName", max=200)
    if (data.get("locale") or DEFAULT_LANGUAGE) not in LANGUAGES:
        raise UserError("UNSUPPORTED_LOCALE", "locale")
    client_id, employee_id = data.get("client_id"), data.get("employee_id")
    if kind == "client":
        if client_id is None:
            raise UserError("REQUIRED", "clientId")
        if await db.scalar("SELECT id FROM client WHERE id = :id", {"id": client_id}) is None:
            raise NotFound("clientId")
        if employee_id is not None:
            raise UserError("CLIENT_USER_HAS_NO_EMPLOYEE", "employeeId")
    elif client_id is not None:
        raise UserError("STAFF_USER_HAS_NO_CLIENT", "clientId")
    if (employee_id is not None
            and await db.scalar("SELECT id FROM employee WHERE id = :id", {"id": employee_id}) is None):
        raise NotFound("employeeId")
    password = data.get("password")
    password_hash = secrets.hash_password(check_password(password)) if password else None
    user_id = await db.scalar(
        "INSERT INTO app_user (tenant_id, email, kind, employee_id, display_name, locale, password_hash)"
        " VALUES (:t, :email, :kind, :emp, :name, :locale, :hash) RETURNING id",
        {"t": caller.tenant_id, "email": email, "kind": kind, "emp": employee_id, "name": name,
         "locale": data.get("locale") or "en", "hash": password_hash},
    )
    if kind == "client":
        await db.execute(
            "INSERT INTO client_binding (tenant_id, client_id, user_id) VALUES (:t, :c, :u)",
            {"t": caller.tenant_id, "c": client_id, "u": user_id},
        )
    return await get_user(db, user_id)


async def grant_role(
    db: DbSession, caller: Caller, user_id: UUID, role: str, client_id: UUID | None, lob_id: UUID | None
) -> Any:
    """Give ``role`` on a scope; refusals are coded before the database's triggers would refuse."""
    user = await get_user(db, user_id)
    kind = await db.scalar("SELECT kind FROM role WHERE name = :r", {"r": role})
    if kind is None:
        raise UserError("UNKNOWN_ROLE", "role", role=role)
    if lob_id is not None:
        lob = await db.first_or_not_found("SELECT client_id FROM lob WHERE id = :id", {"id": lob_id}, "lobId")
        if client_id is not None and client_id != lob.client_id:
            raise UserError("LOB_NOT_IN_CLIENT", "lobId")
        client_id = lob.client_id
    elif client_id is not None and await db.scalar("SELECT id FROM client WHERE id = :id", {"id": client_id}) is None:
        raise NotFound("clientId")
    caller.require(USER_MANAGE, client_id, lob_id)
    if kind != user.kind:
        raise UserError("ROLE_KIND_MISMATCH", "role")
    if kind == "client" and (client_id != user.bound_client_id or lob_id is not None):
        raise UserError("CLIENT_GRANT_OUTSIDE_BINDING", "clientId")
    if any(g["role"] == role and _same(g["client_id"], client_id) and _same(g["lob_id"], lob_id) for g in user.grants):
        raise UserError("GRANT_EXISTS", "role")
    return await db.first(
        "INSERT INTO role_grant (tenant_id, user_id, role, client_id, lob_id) VALUES (:t, :u, :r, :c, :l)"
        " RETURNING id, role, client_id, lob_id",
        {"t": caller.tenant_id, "u": user_id, "r": role, "c": client_id, "l": lob_id},
    )


def _same(stored: str | None, value: UUID | None) -> bool:
    return (stored is None and value is None) or (stored is not None and value is not None and UUID(stored) == value)


async def revoke_grant(db: DbSession, caller: Caller, grant_id: UUID) -> None:
    """Remove a grant (``NOT_FOUND`` when the caller cannot see it)."""
    grant = await db.first_or_not_found("SELECT client_id, lob_id FROM role_grant WHERE id = :id",
                                        {"id": grant_id}, "grantId")
    caller.require(USER_MANAGE, grant.client_id, grant.lob_id)
    await db.execute("DELETE FROM role_grant WHERE id = :id", {"id": grant_id})


async def deactivate_user(db: DbSession, caller: Caller, user_id: UUID) -> Any:
    """Deactivate a user and revoke every token of theirs."""
    await get_user(db, user_id)
    caller.require(USER_MANAGE)
    if user_id == caller.user_id:
        raise UserError("CANNOT_DEACTIVATE_SELF", "userId")
    await db.execute("UPDATE app_user SET active = false WHERE id = :id", {"id": user_id})
    await db.execute(
        "UPDATE auth_token SET revoked_at = now() WHERE user_id = :id AND revoked_at IS NULL", {"id": user_id}
    )
    return await get_user(db, user_id)


async def users_page(db: DbSession, caller: Caller, window: PageRequest, cap: int, search: str | None) -> Fetched:
    """One page of the tenant's users by e-mail, optionally matching ``search`` (tenant admins)."""
    caller.require(USER_MANAGE)
    return await filtered_page(db, USER_SELECT, ["u.email", "u.id"], window, cap,
                               Where().search(["u.email", "u.display_name"], search))


async def tokens_of(db: DbSession, caller: Caller, user_id: UUID | None) -> list[Any]:
    """The tokens of ``user_id`` (the caller's own when None; another's needs ``USER_MANAGE``), newest first."""
    target = user_id or caller.user_id
    if target != caller.user_id:
        caller.require(USER_MANAGE)
    return await db.all(TOKEN_SELECT + " WHERE user_id = :u ORDER BY created_at DESC, id", {"u": target})


async def roles(db: DbSession, caller: Caller) -> list[Any]:
    """Every role with its kind and description (callers who may read the scope)."""
    caller.require_somewhere(SCOPE_READ)
    return await db.all("SELECT name, kind, description FROM role ORDER BY name")
