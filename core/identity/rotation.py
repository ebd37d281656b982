"""Operator commands that replace key material: the key ring encrypting TOTP secrets,
and the per-tenant keys behind the portal's opaque agent ids."""

from __future__ import annotations

from typing import Any

from cryptography.fernet import InvalidToken
from sqlalchemy import text

from switchboard.core.errors import SwitchboardError

from .keys import KeyRing

# (table, column, what it holds) of every secret encrypted under the key ring
ENCRYPTED = (("app_user", "totp_secret_enc", "TOTP secret"), ("webhook_endpoint", "secret_enc", "webhook secret"))


def rotate_secret_key(runtime: Any) -> tuple[int, KeyRing]:
    """Encrypt every stored secret (TOTP secrets, webhook signing secrets) again under the newest
    key; return how many and the ring now in use.

    With a key file, a fresh key goes in front first and the older keys are dropped from
    the file once every secret is re-encrypted. With ``SWITCHBOARD_SECRET_KEYS``, put the
    new key first in the variable before running this; the older ones can then go.
    """
    ring = runtime.keyring.with_new_key() if runtime.keyring.path else runtime.keyring
    count = 0
    with runtime.owner.begin() as conn:
        for table, column, what in ENCRYPTED:
            rows = conn.execute(text(f"SELECT tenant_id, id, {column} AS secret FROM {table}"
                                     f" WHERE {column} IS NOT NULL FOR UPDATE")).all()
            try:
                updates = [{"t": r.tenant_id, "id": r.id, "s": ring.reencrypt(r.secret)} for r in rows]
            except InvalidToken as exc:
                raise SwitchboardError(f"a stored {what} opens with none of the keys; nothing was changed") from exc
            if updates:
                conn.execute(text(f"UPDATE {table} SET {column} = :s WHERE tenant_id = :t AND id = :id"), updates)
            count += len(rows)
    if ring.path:
        ring = ring.newest_only()
    return count, ring


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
