"""Changing one's own credentials and stepping up.

A change of password, second factor, recovery codes or API tokens needs, in the same
request, the current password and (when the user has TOTP) a current code or a
recovery code, from a session opened by logging in: API and operator tokens never
change credentials (``INTERACTIVE_SESSION_REQUIRED``). Each change spends one ticket
(``core.identity.tickets``), so a proof serves once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError

from . import secrets
from .caller import Caller
from .permissions import TOKEN_CREATE
from .tickets import Factors, Ticket, caller_ticket, give_second_factor
from .users import check_password

MIN_TTL_DAYS, MAX_TTL_DAYS = 1, 366


async def _credentials(db: DbSession, runtime: Any, caller: Caller, factors: Factors, address: str | None) -> Ticket:
    return await caller_ticket(db, runtime, caller, "credentials", factors, address)


async def step_up(db: DbSession, runtime: Any, caller: Caller, factors: Factors, address: str | None) -> None:
    """Record a fresh second factor on the caller's token (any token kind)."""
    ticket = await caller_ticket(db, runtime, caller, "step_up", factors, address)
    if not await db.scalar("SELECT app.step_up(:t)", {"t": ticket.id}):
        raise factors.refuse("TICKET_INVALID")
    caller.mfa_at = datetime.now(UTC)


async def change_password(db: DbSession, runtime: Any, caller: Caller, factors: Factors, new: str,
                          address: str | None) -> None:
    """Replace the caller's password; their other sessions end."""
    check_password(new, "newPassword")
    ticket = await _credentials(db, runtime, caller, factors, address)
    if not await db.scalar("SELECT app.set_password(:t, :h)", {"t": ticket.id, "h": secrets.hash_password(new)}):
        raise factors.refuse("TICKET_INVALID")


async def begin_totp(db: DbSession, runtime: Any, caller: Caller, factors: Factors,
                     address: str | None) -> tuple[str, str]:
    """Start enrolling a (new) TOTP secret; return ``(secret, otpauth URI)``. The current
    factor, if any, stays until :func:`confirm_totp` proves the new one."""
    ticket = await _credentials(db, runtime, caller, factors, address)
    secret = secrets.new_totp_secret()
    if not await db.scalar("SELECT app.begin_totp(:t, :s)", {"t": ticket.id, "s": runtime.keyring.encrypt(secret)}):
        raise factors.refuse("TICKET_INVALID")
    return secret, secrets.totp_uri(secret, caller.email)


async def confirm_totp(db: DbSession, runtime: Any, caller: Caller, code: str) -> list[str]:
    """Enable the secret this session began enrolling, once ``code`` proves it; the
    session counts as second-factor verified. Returns new recovery codes (shown once)
    when the user had none left, else an empty list."""
    factors = Factors(totp_code=code)
    row = await db.first("SELECT * FROM app.enrol_ticket(:t)", {"t": caller.token_id})
    if row is None:
        raise UserError("TOTP_NOT_STARTED", "code")
    ticket = Ticket(row.ticket, row.secret_enc)
    try:
        await give_second_factor(db, runtime, ticket, factors)
    except UserError as exc:
        raise UserError(exc.code, "code", **exc.params) from exc
    codes = secrets.new_recovery_codes()
    stored = await db.scalar("SELECT app.enable_totp(:t, :c)", {"t": ticket.id, "c": codes})
    if stored is None:
        raise UserError("TOTP_NOT_STARTED", "code")
    caller.mfa_at = datetime.now(UTC)
    return codes if stored else []


async def disable_totp(db: DbSession, runtime: Any, caller: Caller, factors: Factors, address: str | None) -> None:
    """Remove the caller's TOTP factor and recovery codes (never a tenant admin's)."""
    ticket = await _credentials(db, runtime, caller, factors, address)
    outcome = await db.scalar("SELECT app.disable_totp(:t)", {"t": ticket.id})
    if outcome != "OK":
        raise factors.refuse(outcome if outcome == "TOTP_MANDATORY" else "TOTP_NOT_ENROLLED")


async def regenerate_recovery_codes(db: DbSession, runtime: Any, caller: Caller, factors: Factors,
                                    address: str | None) -> list[str]:
    """New recovery codes replacing the old ones (the caller must have TOTP)."""
    ticket = await _credentials(db, runtime, caller, factors, address)
    codes = secrets.new_recovery_codes()
    if not await db.scalar("SELECT app.set_recovery_codes(:t, :c)", {"t": ticket.id, "c": codes}):
        raise factors.refuse("TOTP_NOT_ENROLLED")
    return codes


async def create_api_token(db: DbSession, runtime: Any, caller: Caller, factors: Factors, name: str,
                           ttl_days: int, address: str | None) -> tuple[str, datetime]:
    """A new API token acting as the caller (shown once), valid ``ttl_days``."""
    caller.require_somewhere(TOKEN_CREATE)
    if not MIN_TTL_DAYS <= ttl_days <= MAX_TTL_DAYS:
        raise UserError("TTL_OUT_OF_RANGE", "ttlDays", min=MIN_TTL_DAYS, max=MAX_TTL_DAYS)
    name = name.strip() or "api"
    ticket = await _credentials(db, runtime, caller, factors, address)
    token = secrets.new_token()
    expires = datetime.now(UTC) + timedelta(days=ttl_days)
    made = await db.scalar("SELECT app.issue_api_token(:t, :n, :h, :x)",
                           {"t": ticket.id, "n": name, "h": secrets.token_hash(token), "x": expires})
    if made is None:
        raise factors.refuse("TICKET_INVALID")
    return token, expires
