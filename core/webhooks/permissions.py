"""Permission key of webhooks."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

MANAGE = "webhooks.manage"

PERMISSIONS = [
    Permission(MANAGE, "Register webhook endpoints; read and replay their deliveries", roles=("tenant_admin",)),
]
