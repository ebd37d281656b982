"""Bearer tokens for benchmark callers, issued as the owner (like `switchboard token create`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from switchboard.core.identity.secrets import new_token, token_hash


def token_for(runtime, role: str, client_code: str | None = None) -> str:
    """A fresh token for the first demo user holding ``role`` (optionally on a client)."""
    with runtime.owner.begin() as conn:
        user = conn.execute(text(
            "SELECT g.user_id FROM role_grant g LEFT JOIN client c ON c.tenant_id = g.tenant_id AND c.id = g.client_id"
            " WHERE g.role = :role AND (CAST(:code AS text) IS NULL OR c.code = :code) ORDER BY g.user_id LIMIT 1"),
            {"role": role, "code": client_code}).scalar_one()
        token = new_token()
        conn.execute(text("SELECT app.issue_token(:u, 'api', 'benchmark', :h, :e, true)"),
                     {"u": user, "h": token_hash(token), "e": datetime.now(UTC) + timedelta(hours=6)})
    return token


def admin_token(runtime) -> str:
    """A token of the demo's tenant admin (sees the whole tenant)."""
    return token_for(runtime, "tenant_admin")
