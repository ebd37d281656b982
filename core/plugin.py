"""Core's own contributions, registered through the plugin entry point like any module.

Each hook imports what it returns, so loading the plugins (``switchboard --help``) stays cheap.
"""

from __future__ import annotations

from pathlib import Path

from .db.constraints import ConstraintError
from .db.scope_guard import CONSTRAINT as SCOPE_IMMUTABLE
from .hookspecs import hookimpl

CONSTRAINT_ERRORS = [
    ConstraintError("assignment_no_overlap", "ASSIGNMENT_OVERLAP", "validFrom"),
    ConstraintError("assignment_residency", "RESIDENCY_NOT_PERMITTED", "employeeId"),
    ConstraintError("assignment_not_own_supervisor", "SUPERVISOR_IS_EMPLOYEE", "supervisorId"),
    ConstraintError("assignment_weekly_hours_cap_check", "CAP_OUT_OF_RANGE", "weeklyHoursCap"),
    ConstraintError("assignment_valid_during_check", "END_BEFORE_START", "validTo"),
    ConstraintError("client_tenant_id_code_key", "CODE_TAKEN", "code"),
    ConstraintError("lob_tenant_id_client_id_code_key", "CODE_TAKEN", "code"),
    ConstraintError("employee_tenant_id_employee_number_key", "CODE_TAKEN", "employeeNumber"),
    ConstraintError("app_user_email_idx", "EMAIL_TAKEN", "email"),
    ConstraintError("app_user_locale_check", "UNSUPPORTED_LOCALE", "locale"),
    ConstraintError("role_grant_unique", "GRANT_EXISTS", "role"),
    ConstraintError("role_grant_kind", "ROLE_KIND_MISMATCH", "role"),
    ConstraintError("role_grant_client_binding", "CLIENT_GRANT_OUTSIDE_BINDING", "clientId"),
    ConstraintError("client_binding_one_client", "ALREADY_BOUND", "userId"),
    ConstraintError("credential_dates", "END_BEFORE_START", "expiresOn"),
    ConstraintError("credential_revocation", "END_BEFORE_START", "revokedOn"),
    ConstraintError("assignment_pay_rate_check", "PAY_RATE_OUT_OF_RANGE", "payRate"),
    ConstraintError("credential_kind_check", "INVALID_CREDENTIAL_KIND", "kind"),
    ConstraintError("employee_check", "END_BEFORE_START", "terminationDate"),
    ConstraintError(SCOPE_IMMUTABLE, "SCOPE_IMMUTABLE"),
]


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
    from .identity.permissions import USER_MANAGE
    from .identity.types import user_by_id
    from .jobs import service as jobs
    from .jobs.types import job_by_id
    from .scope.permissions import READ as SCOPE_READ
    from .scope.types import client_by_id, lob_by_id, site_by_id
    from .webhooks.permissions import MANAGE as WEBHOOKS_MANAGE
    from .webhooks.types import webhook_endpoint_by_id
    from .workforce.permissions import READ as WORKFORCE_READ
    from .workforce.types import assignment_by_id, employee_by_id

    return {
        "Client": guarded(SCOPE_READ, client_by_id), "Lob": guarded(SCOPE_READ, lob_by_id),
        "Site": guarded(SCOPE_READ, site_by_id), "Employee": guarded(WORKFORCE_READ, employee_by_id),
        "Assignment": guarded(WORKFORCE_READ, assignment_by_id),
        "User": guarded(lambda me: me.require(USER_MANAGE), user_by_id),
        "Job": guarded(jobs.require_staff, job_by_id),
        "WebhookEndpoint": guarded(lambda me: me.require(WEBHOOKS_MANAGE), webhook_endpoint_by_id),
    }


@hookimpl
def switchboard_portal_query():
    from .graphql.merge import merge
    from .graphql.node import NodeQuery
    from .portal.queries import PortalQuery

    return merge("CorePortalQuery", [("node", NodeQuery), ("portal", PortalQuery)])


@hookimpl
def switchboard_portal_node_types():
    from .portal.queries import NODE_TYPES

    return NODE_TYPES


@hookimpl
def switchboard_portal_mutation():
    from .identity.mutations import SessionMutation

    return SessionMutation  # client users log in, out and manage their own factors on the portal


@hookimpl
def switchboard_permission_declarations():
    from .audit import permissions as audit
    from .identity import permissions as identity
    from .portal import permissions as portal
    from .scope import permissions as scope
    from .webhooks import permissions as webhooks
    from .workforce import permissions as workforce

    return [*scope.PERMISSIONS, *workforce.PERMISSIONS, *identity.PERMISSIONS, *audit.PERMISSIONS,
            *portal.PERMISSIONS, *webhooks.PERMISSIONS]


@hookimpl
def switchboard_constraint_errors():
    return CONSTRAINT_ERRORS


@hookimpl
def switchboard_eligibility_rules():
    from .workforce.eligibility import CORE_RULES

    return list(CORE_RULES)
