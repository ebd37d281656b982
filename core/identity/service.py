"""Identity services: authenticate a bearer token, revoke tokens.

Logging in is ``core.identity.login``; changing credentials and stepping up,
``core.identity.credentials``; users and grants, ``core.identity.users``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

from switchboard.core.authz.policy import Policy
from switchboard.core.config import Settings
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, NotFound, UserError

from . import secrets
from .caller import Caller, Grant


async def authenticate(db: DbSession, token: str, policy: Policy, settings: Settings) -> Caller:
    """The caller a bearer token stands for, in one round trip that also stamps the
    transaction with that caller (``app.authenticate``).

    Raises ``UNAUTHENTICATED``, ``TOKEN_EXPIRED`` or ``TOKEN_REVOKED``.
    """
    row = await db.open_stamping(
        "SELECT * FROM app.authenticate(:hash)", {"hash": secrets.token_hash(token.strip())}
    )
    if row is None:
        raise AccessError("UNAUTHENTICATED")
    if row.revoked_at is not None:
        raise AccessError("TOKEN_REVOKED")
    if row.expires_at <= datetime.now(UTC):
        raise AccessError("TOKEN_EXPIRED")
    db.user_id = row.user_id
    return Caller(
        user_id=row.user_id,
        tenant_id=row.tenant_id,
        kind=row.user_kind,
        email=row.email,
        display_name=row.display_name,
        locale=row.locale,
        employee_id=row.employee_id,
        token_id=row.token_id,
        token_kind=row.kind,
        mfa_at=row.mfa_at,
        grants=[Grant(role, _uuid(c), _uuid(lob)) for role, c, lob in row.grants],
        bound_client_id=row.bound_client_id,
        policy=policy,
        mfa_window=timedelta(minutes=settings.mfa_window_minutes),
    )


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


async def revoke_token(db: DbSession, caller: Caller, token_id: UUID) -> None:
    """Revoke a token the caller can see (their own; any, for tenant admins). An API or
    operator token may revoke only itself: it never manages its user's other tokens."""
    if caller.token_kind != "session" and token_id != caller.token_id:
        raise UserError("INTERACTIVE_SESSION_REQUIRED", "id")
    row = await db.first(
        "UPDATE auth_token SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL RETURNING id",
        {"id": token_id},
    )
    if row is None:
        raise NotFound("tokenId")
