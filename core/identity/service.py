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
    if row.expires_at <= datetime.now(timezone.utc):
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
    # A tenant admin who has not enrolled TOTP yet gets a session that can only enrol it.
    mfa = user.mfa_required and user.totp_enabled
    if mfa and not totp_code:
        raise UserError("TOTP_REQUIRED", "totpCode")
    if mfa and not secrets.verify_totp(user.totp_secret, totp_code):
        await _failed(db, user.user_id, settings)
        raise UserError("TOTP_INVALID", "totpCode")
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
