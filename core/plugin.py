"""Core's own contributions, registered through the plugin entry point like any module.

Each hook imports what it returns, so loading the plugins (``switchboard --help``) stays cheap.
"""

from __future__ import annotations

from pathlib import Path

from .hookspecs import hookimpl
from .webhooks.service import MANAGE as WEBHOOKS_MANAGE

PERMISSIONS = {
    "scope.read": "Read clients, LOBs and sites in scope",
    "scope.client.manage": "Create and change clients",
    "scope.lob.manage": "Create and change LOBs",
    "scope.site.manage": "Create and change sites",
    "workforce.read": "Read employees, assignments and credentials in scope",
    "workforce.employee.manage": "Hire, change and terminate employees",
    "workforce.assignment.manage": "Assign employees to LOBs, end and move assignments",
    "workforce.credential.manage": "Record and revoke credentials",
    "workforce.eligibility.read": "Ask who is eligible to work a LOB",
    "employee.pii.read": "Read employee contact fields (logged)",
    "identity.user.manage": "Create users and change their grants",
    "identity.token.create": "Create API tokens",
    "audit.read": "Read the audit and PII access logs",
    "portal.read": "Read the client portal",
    WEBHOOKS_MANAGE: "Register webhook endpoints; read and replay their deliveries",
}
GRANTS = {
    "tenant_admin": list(PERMISSIONS),
    "workforce_planner": ["scope.read", "workforce.read", "workforce.assignment.manage",
                          "workforce.eligibility.read", "identity.token.create"],
    "supervisor": ["scope.read", "workforce.read", "workforce.eligibility.read", "employee.pii.read",
                   "workforce.credential.manage"],
    "qa_lead": ["scope.read", "workforce.read"],
    "qa_evaluator": ["scope.read", "workforce.read"],
    "account_manager": ["scope.read", "scope.lob.manage", "workforce.read", "workforce.eligibility.read"],
    "finance": ["scope.read", "workforce.read"],
    "compliance_officer": ["scope.read", "workforce.read", "employee.pii.read", "audit.read",
                           "workforce.credential.manage"],
    "agent": ["scope.read", "workforce.read"],
    "client_viewer": ["portal.read"],
    "client_admin": ["portal.read"],
}
SENSITIVE = ["identity.user.manage", "audit.read", "scope.client.manage"]


@hookimpl
def switchboard_migrations():
    return Path(__file__).resolve().parent / "migrations" / "versions"


@hookimpl
def switchboard_graphql_query():
    from .audit.queries import AuditQuery
    from .graphql.merge import merge
    from .graphql.node import NodeQuery
    from .identity.queries import IdentityQuery
    from .jobs.queries import JobQuery
    from .scope.queries import ScopeQuery
    from .webhooks.graphql import WebhookQuery
    from .workforce.queries import WorkforceQuery

    return merge(
        "CoreQuery",
        [("node", NodeQuery), ("identity", IdentityQuery), ("scope", ScopeQuery), ("audit", AuditQuery),
         ("workforce", WorkforceQuery), ("jobs", JobQuery), ("webhooks", WebhookQuery)],
    )


@hookimpl
def switchboard_graphql_mutation():
    from .graphql.merge import merge
    from .identity.mutations import IdentityMutation, SessionMutation
    from .jobs.mutations import JobMutation
    from .scope.mutations import ScopeMutation
    from .webhooks.graphql import WebhookMutation
    from .workforce.mutations import WorkforceMutation

    return merge(
        "CoreMutation",
        [("session", SessionMutation), ("identity", IdentityMutation), ("scope", ScopeMutation),
         ("workforce", WorkforceMutation), ("jobs", JobMutation), ("webhooks", WebhookMutation)],
    )


@hookimpl
def switchboard_graphql_subscription():
    from .jobs.subscriptions import JobSubscription

    return JobSubscription


@hookimpl
def switchboard_graphql_types():
    from .jobs.results import UntypedJobResult

    return [UntypedJobResult]


@hookimpl
def switchboard_webhook_event_types():
    from .jobs import finished

    return {finished.EVENT: finished.DESCRIPTION}


@hookimpl
def switchboard_node_types():
    from .graphql.node import guarded
    from .identity import users
    from .identity.types import user_by_id
    from .jobs import service as jobs
    from .jobs.types import job_by_id
    from .scope.types import client_by_id, lob_by_id, site_by_id
    from .webhooks import service as webhooks
    from .webhooks.types import webhook_endpoint_by_id
    from .workforce import service as workforce
    from .workforce.types import assignment_by_id, employee_by_id

    return {
        "Client": guarded("scope.read", client_by_id), "Lob": guarded("scope.read", lob_by_id),
        "Site": guarded("scope.read", site_by_id), "Employee": guarded(workforce.READ, employee_by_id),
        "Assignment": guarded(workforce.READ, assignment_by_id),
        "User": guarded(lambda me: me.require(users.MANAGE), user_by_id),
        "Job": guarded(jobs.require_staff, job_by_id),
        "WebhookEndpoint": guarded(lambda me: me.require(webhooks.MANAGE), webhook_endpoint_by_id),
    }


@hookimpl
def switchboard_portal_query():
    from .graphql.merge import merge
    from .graphql.node import NodeQuery
    from .portal import PortalQuery

    return merge("CorePortalQuery", [("node", NodeQuery), ("portal", PortalQuery)])


@hookimpl
def switchboard_portal_node_types():
    from .portal import NODE_TYPES

    return NODE_TYPES


@hookimpl
def switchboard_portal_mutation():
    from .identity.mutations import SessionMutation

    return SessionMutation  # client users log in, out and manage their own factors on the portal


@hookimpl
def switchboard_permissions():
    return PERMISSIONS


@hookimpl
def switchboard_default_grants():
    return GRANTS


@hookimpl
def switchboard_sensitive_permissions():
    return SENSITIVE


@hookimpl
def switchboard_eligibility_rules():
    from .workforce.eligibility import CORE_RULES

    return list(CORE_RULES)
