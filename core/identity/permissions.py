"""Permission keys of identity (users, their grants, API tokens)."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

USER_MANAGE = "identity.user.manage"
TOKEN_CREATE = "identity.token.create"

PERMISSIONS = [
    Permission(USER_MANAGE, "Create users and change their grants", roles=("tenant_admin",), sensitive=True),
    Permission(TOKEN_CREATE, "Create API tokens", roles=("tenant_admin", "workforce_planner")),
]
