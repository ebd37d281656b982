"""Permission key of the client portal."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

READ = "portal.read"

PERMISSIONS = [
    Permission(READ, "Read the client portal", roles=("tenant_admin", "client_viewer", "client_admin")),
]
