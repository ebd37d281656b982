"""Operator views of identity (CLI): users with their roles and scopes.

Keys are camelCase, like the GraphQL API's: one style for machine output.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

USERS = """
SELECT u.email, u.kind, u.display_name AS "displayName", u.active, u.totp_enabled AS "totpEnabled",
       coalesce(json_agg(json_build_object(
           'role', g.role,
           'scope', CASE WHEN g.lob_id IS NOT NULL THEN c.code || '/' || l.code
                         WHEN g.client_id IS NOT NULL THEN c.code ELSE 'tenant' END)
         ORDER BY g.role, c.code, l.code) FILTER (WHERE g.id IS NOT NULL), '[]') AS grants,
       bc.code AS "boundClient"
  FROM app_user u
  LEFT JOIN role_grant g ON g.tenant_id = u.tenant_id AND g.user_id = u.id
  LEFT JOIN client c ON c.tenant_id = g.tenant_id AND c.id = g.client_id
  LEFT JOIN lob l ON l.tenant_id = g.tenant_id AND l.id = g.lob_id
  LEFT JOIN client_binding b ON b.tenant_id = u.tenant_id AND b.user_id = u.id
  LEFT JOIN client bc ON bc.tenant_id = b.tenant_id AND bc.id = b.client_id
 GROUP BY u.tenant_id, u.id, bc.code ORDER BY u.email
"""


def list_users(runtime: Any) -> list[dict[str, Any]]:
    """Every user of every tenant with grants (role and scope code) and client binding."""
    with runtime.owner.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(USERS))]
