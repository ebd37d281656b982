"""Identity services: authenticate a bearer token, log in, TOTP, tokens, users and grants."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from uuid import UUID

from ..authz.policy import Policy
from ..config import Settings
from ..db.session import DbSession
from ..errors import AccessError, NotFound, UserError
from . import secrets
from .caller import Caller, Grant

LOAD_CALLER = """
SELECT u.id, u.tenant_id, u.kind, u.email, u.display_name, u.locale, u.employee_id,
       (SELECT b.client_id FROM client_binding b WHERE b.tenant_id = u.tenant_id AND b.user_id = u.id) AS bound,
       coalesce((SELECT json_agg(json_build_array(g.role, g.client_id, g.lob_id))
                   FROM role_grant g WHERE g.tenant_id = u.tenant_id AND g.user_id = u.id), '[]') AS grants
  FROM app_user u WHERE u.id = :user_id
"""


async def authenticate(db: DbSession, token: str, policy: Policy, settings: Settings) -> Caller:
    """The caller a bearer token stands for; stamps the transaction with that caller.

    Raises ``UNAUTHENTICATED``, ``TOKEN_EXPIRED`` or ``TOKEN_REVOKED``.
    """
    row = await db.one(
        "SELECT * FROM app.authenticate(:hash)", {"hash": secrets.token_hash(token.strip())}
    )
    if row is None:
        raise AccessError("UNAUTHENTICATED")
    if row.revoked_at is not None:
        raise AccessError("TOKEN_REVOKED")
    if row.expires_at <= datetime.now(timezone.utc):
        raise AccessError("TOKEN_EXPIRED")
    await db.execute("SELECT set_config('app.user_id', :u, true)", {"u": str(row.user_id)})
    db.user_id = row.user_id
    return await load_caller(db, row.user_id, row.token_id, row.kind, row.mfa_at, policy, settings)


async def load_caller(
    db: DbSession,
    user_id: UUID,
    token_id: UUID,
    token_kind: str,
    mfa_at: datetime | None,
    policy: Policy,
    settings: Settings,
) -> Caller:
    """Read the user and their grants (as that user: RLS shows them their own rows)."""
    user = await db.one(LOAD_CALLER, {"user_id": user_id})
    if user is None:
        raise AccessError("UNAUTHENTICATED")
    grants = [Grant(role, _uuid(c), _uuid(lob)) for role, c, lob in user.grants]
    return Caller(
        user_id=user.id,
        tenant_id=user.tenant_id,
        kind=user.kind,
        email=user.email,
        display_name=user.display_name,
        locale=user.locale,
        employee_id=user.employee_id,
        token_id=token_id,
        token_kind=token_kind,
        mfa_at=mfa_at,
        grants=grants,
        bound_client_id=user.bound,
        policy=policy,
        mfa_window=timedelta(minutes=settings.mfa_window_minutes),
    )


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


async def login(
    db: DbSession, email: str, password: str, totp_code: str | None, settings: Settings
) -> tuple[str, datetime, bool]:
    """Check a password (and TOTP when required); return ``(token, expires, mfa)``.

    Refusals: ``INVALID_CREDENTIALS`` (unknown e-mail or wrong password, never
    saying which), ``ACCOUNT_LOCKED``, ``TOTP_REQUIRED``, ``TOTP_INVALID``. Every
    wrong password or code counts towards the lock-out.
    """
    user = await db.one("SELECT * FROM app.login_lookup(:email)", {"email": email.strip()})
    if user is not None and user.locked_until and user.locked_until > datetime.now(timezone.utc):
        raise UserError("ACCOUNT_LOCKED", "email", until=user.locked_until.isoformat(timespec="minutes"))
    if not secrets.verify_password(user.password_hash if user else None, password) or user is None:
        if user is not None:
            await _failed(db, user.user_id, settings)
        raise UserError("INVALID_CREDENTIALS", "password")
    mfa = False
    if user.mfa_required:
        if not user.totp_enabled:
            # A tenant admin without TOTP gets a session that can only enrol it.
            pass
        elif not totp_code:
            raise UserError("TOTP_REQUIRED", "totpCode")
        elif not secrets.verify_totp(user.totp_secret, totp_code):
            await _failed(db, user.user_id, settings)
            raise UserError("TOTP_INVALID", "totpCode")
        else:
            mfa = True
    await db.execute("SELECT app.login_succeeded(:u)", {"u": user.user_id})
    token = secrets.new_token()
    expires = datetime.now(timezone.utc) + timedelta(hours=settings.session_ttl_hours)
    await issue(db, user.user_id, "session", "login", token, expires, mfa)
    return token, expires, mfa


async def _failed(db: DbSession, user_id: UUID, settings: Settings) -> None:
    await db.execute(
        "SELECT app.login_failed(:u, :n, :m)",
        {"u": user_id, "n": settings.lockout_threshold, "m": settings.lockout_minutes},
    )


async def issue(
    db: DbSession, user_id: UUID, kind: str, name: str, token: str, expires: datetime, mfa: bool
) -> UUID:
    """Store a token's hash; return the token id."""
    return await db.scalar(
        "SELECT app.issue_token(:u, :k, :n, :h, :e, :m)",
        {"u": user_id, "k": kind, "n": name, "h": secrets.token_hash(token), "e": expires, "m": mfa},
    )


async def begin_totp(db: DbSession, caller: Caller) -> tuple[str, str]:
    """Start TOTP enrolment: a new secret (not yet enabled); return ``(secret, otpauth URI)``."""
    secret = secrets.new_totp_secret()
    await db.execute("SELECT app.set_my_totp(:s, false)", {"s": secret})
    return secret, secrets.totp_uri(secret, caller.email)


async def confirm_totp(db: DbSession, caller: Caller, code: str, settings: Settings) -> None:
    """Enable TOTP once the user proves they hold the secret; the token counts as stepped up."""
    secret = await db.scalar("SELECT app.my_totp_secret()")
    if secret is None:
        raise UserError("TOTP_NOT_STARTED", "code")
    await step_up(db, caller, code, settings, secret=secret)
    await db.execute("SELECT app.set_my_totp(:s, true)", {"s": secret})


async def step_up(
    db: DbSession, caller: Caller, code: str, settings: Settings, *, secret: str | None = None
) -> None:
    """Record a fresh second factor on the caller's token (``TOTP_INVALID`` counts to lock-out)."""
    if secret is None:
        secret = await db.scalar("SELECT app.my_totp_secret()")
    if not secrets.verify_totp(secret, code):
        await _failed(db, caller.user_id, settings)
        raise UserError("TOTP_INVALID", "code")
    await db.execute("SELECT app.step_up(:t)", {"t": caller.token_id})
    caller.mfa_at = datetime.now(timezone.utc)


async def revoke_token(db: DbSession, token_id: UUID) -> None:
    """Revoke a token the caller can see (their own; any, for tenant admins)."""
    row = await db.one(
        "UPDATE auth_token SET revoked_at = now() WHERE id = :id AND revoked_at IS NULL RETURNING id",
        {"id": token_id},
    )
    if row is None:
        raise NotFound("tokenId")
