"""Operator commands that replace key material: the key ring encrypting TOTP secrets,
and the per-tenant keys behind the portal's opaque agent ids."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import text

from ..errors import SwitchboardError
from .keys import KeyRing

ENCRYPTED = "SELECT tenant_id, id, totp_secret_enc FROM app_user WHERE totp_secret_enc IS NOT NULL FOR UPDATE"


def rotate_secret_key(runtime: Any) -> tuple[int, KeyRing]:
    """Encrypt every stored TOTP secret again under the newest key; return how many and
    the ring now in use.

    With a key file, a fresh key goes in front first and the older keys are dropped from
    the file once every secret is re-encrypted. With ``SWITCHBOARD_SECRET_KEYS``, put the
    new key first in the variable before running this; the older ones can then go.
    """
    ring = runtime.keyring.with_new_key() if runtime.keyring.path else runtime.keyring
    with runtime.owner.begin() as conn:
        rows = conn.execute(text(ENCRYPTED)).all()
        try:
            updates = [{"t": r.tenant_id, "id": r.id, "s": ring.reencrypt(r.totp_secret_enc)} for r in rows]
        except InvalidToken as exc:
            raise SwitchboardError("a stored TOTP secret opens with none of the keys; nothing was changed") from exc
        if updates:
            conn.execute(text("UPDATE app_user SET totp_secret_enc = :s WHERE tenant_id = :t AND id = :id"), updates)
    if ring.path:
        ring = ring.newest_only()
    return len(rows), ring


def rotate_portal_ids(runtime: Any, tenant_slug: str | None = None) -> int:
    """Give one tenant (by slug) or every tenant a new portal-id key: every opaque agent id
    its client users see changes, and no old id can be linked to a new one. Returns the
    number of tenants."""
    with runtime.owner.begin() as conn:
        count = conn.execute(text(
            "UPDATE app.tenant_key k SET key = app.random_key(), rotated_at = now() FROM tenant t"
            " WHERE k.tenant_id = t.id AND k.purpose = 'portal_agent'"
            " AND (CAST(:slug AS text) IS NULL OR t.slug = :slug)"
        ), {"slug": tenant_slug}).rowcount
    if tenant_slug is not None and count == 0:
        raise SwitchboardError(f"no tenant with slug {tenant_slug}")
    return count
