"""Permission key of the audit trail."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

READ = "audit.read"

PERMISSIONS = [
    Permission(READ, "Read the audit and PII access logs", roles=("tenant_admin", "compliance_officer"),
               sensitive=True),
]
