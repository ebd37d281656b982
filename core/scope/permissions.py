"""Permission keys of the scope graph (clients, LOBs, sites)."""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

READ = "scope.read"
CLIENT_MANAGE = "scope.client.manage"
LOB_MANAGE = "scope.lob.manage"
SITE_MANAGE = "scope.site.manage"

# every staff role sees the clients and LOBs its grants reach
STAFF_ROLES = ("tenant_admin", "workforce_planner", "supervisor", "qa_lead", "qa_evaluator", "account_manager",
               "finance", "compliance_officer", "agent")

PERMISSIONS = [
    Permission(READ, "Read clients, LOBs and sites in scope", roles=STAFF_ROLES),
    Permission(CLIENT_MANAGE, "Create and change clients", roles=("tenant_admin",), sensitive=True),
    Permission(LOB_MANAGE, "Create and change LOBs", roles=("tenant_admin", "account_manager")),
    Permission(SITE_MANAGE, "Create and change sites", roles=("tenant_admin",)),
]
