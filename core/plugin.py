"""Core's own contributions, registered through the plugin entry point like any module."""

from __future__ import annotations

from pathlib import Path

from .graphql.merge import merge
from .hookspecs import hookimpl
from .audit.queries import AuditQuery
from .identity.mutations import IdentityMutation
from .identity.queries import IdentityQuery
from .jobs import finished
from .jobs.mutations import JobMutation
from .jobs.queries import JobQuery
from .jobs.results import UntypedJobResult
from .jobs.subscriptions import JobSubscription
from .scope.mutations import ScopeMutation
from .scope.queries import ScopeQuery
from .portal import PortalQuery
from .workforce.eligibility import CORE_RULES
from .workforce.mutations import WorkforceMutation
from .workforce.queries import WorkforceQuery
from .webhooks.graphql import WebhookMutation, WebhookQuery
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
    return merge(
        "CoreQuery",
        [("identity", IdentityQuery), ("scope", ScopeQuery), ("audit", AuditQuery), ("workforce", WorkforceQuery),
         ("jobs", JobQuery), ("webhooks", WebhookQuery)],
    )


@hookimpl
def switchboard_graphql_mutation():
    return merge(
        "CoreMutation",
        [("identity", IdentityMutation), ("scope", ScopeMutation), ("workforce", WorkforceMutation),
         ("jobs", JobMutation), ("webhooks", WebhookMutation)],
    )


@hookimpl
def switchboard_graphql_subscription():
    return JobSubscription


@hookimpl
def switchboard_graphql_types():
    return [UntypedJobResult]


@hookimpl
def switchboard_webhook_event_types():
    return {finished.EVENT: finished.DESCRIPTION}


@hookimpl
def switchboard_portal_query():
    return PortalQuery


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
    return list(CORE_RULES)
