"""Authentication tickets: what the server may ask the database, and how it proves a
second factor without the database ever handing out a hash or a secret.

Every step is a ``SECURITY DEFINER`` function of ``core_0005`` (see its docstring):
the password's argon2 digest is computed here from the parameters and salt the
database gives, and compared there; a TOTP code is checked here against the secret
decrypted with the installation's key ring, and vouched for with an HMAC the
database verifies. A recovery code is checked by the database itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError

from . import secrets

# Database outcomes that refuse, and the argument they blame.
REFUSALS = {
    "INVALID_CREDENTIALS": "password",
    "LOGIN_THROTTLED": "password",
    "INTERACTIVE_SESSION_REQUIRED": None,
    "TOTP_NOT_ENROLLED": "totpCode",
    "TOTP_INVALID": "totpCode",
    "TOTP_REPLAYED": "totpCode",
    "RECOVERY_CODE_INVALID": "recoveryCode",
    "TICKET_INVALID": None,
    "UNAUTHENTICATED": None,
    "TOTP_MANDATORY": None,
}


@dataclass(frozen=True)
class Factors:
    """What a request offers as proof: a password and, when the user has TOTP, a code
    or a recovery code. ``prefix`` names the argument they came in (``current.``)."""

    password: str | None = None
    totp_code: str | None = None
    recovery_code: str | None = None
    prefix: str = ""

    def refuse(self, outcome: str, **params: Any) -> UserError:
        """The coded refusal for a database outcome, blaming the right argument."""
        field = REFUSALS.get(outcome, None)
        return UserError(outcome, field and self.prefix + field, **params)


@dataclass(frozen=True)
class Ticket:
    """An open ticket: its id, and the encrypted TOTP secret to check a code against
    (None when no second factor is due)."""

    id: UUID
    totp_secret_enc: str | None


async def password_digest(db: DbSession, email: str, password: str, address: str | None, factors: Factors) -> str:
    """The digest ``app.login_password`` compares, after the back-off allows a try."""
    row = await db.first("SELECT * FROM app.login_begin(:e, :a)", {"e": email, "a": address})
    if row.retry_after > 0:
        raise factors.refuse("LOGIN_THROTTLED", seconds=row.retry_after)
    return secrets.password_digest(password, row.params, row.hash_len)


def opened(row: Any, factors: Factors) -> Ticket:
    """The ticket of an ``app.login_password``/``app.caller_ticket`` row, or its refusal."""
    if row.outcome not in ("PASSWORD_OK", "SECOND_FACTOR"):
        raise factors.refuse(row.outcome, seconds=row.retry_after)
    return Ticket(row.ticket, row.totp_secret_enc if row.outcome == "SECOND_FACTOR" else None)


async def give_second_factor(db: DbSession, runtime: Any, ticket: Ticket, factors: Factors,
                             secret_enc: str | None = None) -> None:
    """Satisfy ``ticket``'s second factor with the offered recovery code or TOTP code
    (checked against ``secret_enc``, by default the ticket's own secret). Refusals:
    ``TOTP_REQUIRED``, ``TOTP_INVALID``, ``TOTP_REPLAYED``, ``RECOVERY_CODE_INVALID``;
    every wrong one counts towards back-off."""
    secret_enc = secret_enc or ticket.totp_secret_enc
    if secret_enc is None:
        return
    if not (factors.totp_code or "").strip() and not (factors.recovery_code or "").strip():
        raise UserError("TOTP_REQUIRED", factors.prefix + "totpCode")
    step = proof = None
    recovery = (factors.recovery_code or "").strip() or None
    if recovery is None:
        step = secrets.totp_step(runtime.keyring.decrypt(secret_enc), factors.totp_code)
        proof = None if step is None else secrets.factor_proof(runtime.factor_key, ticket.id, step)
    outcome = await db.scalar("SELECT app.ticket_second_factor(:t, :s, :p, :r)",
                              {"t": ticket.id, "s": step, "p": proof, "r": recovery})
    if outcome != "OK":
        raise factors.refuse(outcome)


async def caller_ticket(db: DbSession, runtime: Any, caller: Any, purpose: str, factors: Factors,
                        address: str | None) -> Ticket:
    """A ticket for the caller's own token with its second factor given: ``step_up``
    (a TOTP or recovery code) or ``credentials`` (an interactive session, the current
    password, and the second factor when the user has one)."""
    digest = None
    if purpose == "credentials":
        digest = await password_digest(db, caller.email, factors.password or "", address, factors)
    row = await db.first("SELECT * FROM app.caller_ticket(:p, :t, :d, :a)",
                       {"p": purpose, "t": caller.token_id, "d": digest, "a": address})
    ticket = opened(row, factors)
    await give_second_factor(db, runtime, ticket, factors)
    return ticket
