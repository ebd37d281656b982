"""Password hashing (argon2), bearer tokens (stored as SHA-256), TOTP (pyotp), recovery
codes, and the proofs that vouch for a checked TOTP code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from uuid import UUID

import pyotp
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret_raw

TOKEN_PREFIX = "sb_"
_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored_hash`` (an operator's check, such as the demo's
    login table; logging in compares digests in the database, see :func:`password_digest`)."""
    if stored_hash is None:
        return False
    try:
        return _hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    """A fresh bearer token (shown once; only its hash is stored)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_hash(token: str) -> bytes:
    """What the database stores and looks a token up by."""
    return hashlib.sha256(token.encode()).digest()


def new_totp_secret() -> str:
    """A base32 TOTP secret."""
    return pyotp.random_base32()


def totp_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="Switchboard")


def password_digest(password: str, params: str, hash_len: int) -> str:
    """The argon2id digest of ``password`` under ``params`` (an encoded hash without its
    digest: ``$argon2id$v=19$m=…,t=…,p=…$<salt>``), base64 without padding, as the
    database compares it with the stored hash's (``app.login_password``)."""
    settings = extract_parameters(params + "$" + "A" * 43)
    encoded_salt = params.rsplit("$", 1)[1]
    salt = base64.b64decode(encoded_salt + "=" * (-len(encoded_salt) % 4))
    raw = hash_secret_raw(password.encode(), salt, time_cost=settings.time_cost,
                          memory_cost=settings.memory_cost, parallelism=settings.parallelism,
                          hash_len=hash_len, type=Type.ID, version=settings.version)
    return base64.b64encode(raw).decode().rstrip("=")


def totp_step(secret: str | None, code: str | None, at: float | None = None) -> int | None:
    """The time step (30 s) whose code ``code`` is, within one step of now; None when it
    is none of them. The step lets the database refuse a code already used."""
    if not secret or not code:
        return None
    code = code.strip()
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(at if at is not None else time.time())
    for step in (now, now - 1, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def factor_proof(key: bytes, ticket: UUID, step: int) -> str:
    """The server's word that a TOTP code of ``step`` was checked for ``ticket``: hex
    HMAC-SHA-256 under the ``factor_proof`` key, as ``app.ticket_second_factor`` checks it."""
    return hmac.new(key, f"{ticket}:{step}".encode(), hashlib.sha256).hexdigest()


RECOVERY_CODES = 10
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_recovery_codes(count: int = RECOVERY_CODES) -> list[str]:
    """Fresh one-time recovery codes: 16 base32 characters (80 bits) as ``XXXX-XXXX-XXXX-XXXX``."""
    def one() -> str:
        chars = "".join(secrets.choice(_BASE32) for _ in range(16))
        return "-".join(chars[i:i + 4] for i in range(0, 16, 4))

    return [one() for _ in range(count)]
