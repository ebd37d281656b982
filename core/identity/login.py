"""Logging in: e-mail, password and, when the user has TOTP, a code or a recovery code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from switchboard.core.db.session import DbSession

from . import secrets
from .tickets import Factors, give_second_factor, opened, password_digest


async def login(db: DbSession, runtime: Any, email: str, factors: Factors, address: str | None,
                kind: str) -> tuple[str, datetime, bool]:
    """Open a session for a user of ``kind`` (``staff`` on ``/graphql``, ``client`` on
    ``/portal/graphql``); return ``(token, expires, mfa)``.

    Refusals: ``INVALID_CREDENTIALS`` (unknown e-mail, wrong password or an account of
    the other endpoint, never saying which), ``LOGIN_THROTTLED`` (too many recent failures for this e-mail, address or
    both: try again in ``seconds``), ``TOTP_REQUIRED``, ``TOTP_INVALID``,
    ``TOTP_REPLAYED``, ``RECOVERY_CODE_INVALID``. Every wrong password or factor counts
    towards back-off, for known and unknown e-mails alike.
    """
    email = email.strip()
    digest = await password_digest(db, email, factors.password or "", address, factors)
    row = await db.first("SELECT * FROM app.login_password(:e, :d, :a, :k)",
                       {"e": email, "d": digest, "a": address, "k": kind})
    ticket = opened(row, factors)
    await give_second_factor(db, runtime, ticket, factors)
    token = secrets.new_token()
    expires = datetime.now(UTC) + timedelta(hours=runtime.settings.session_ttl_hours)
    session = await db.first("SELECT * FROM app.login_finish(:t, :h, :x)",
                           {"t": ticket.id, "h": secrets.token_hash(token), "x": expires})
    if session is None:
        raise factors.refuse("TICKET_INVALID")
    return token, expires, session.mfa
