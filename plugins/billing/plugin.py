"""Hook implementations of the billing plugin."""

from __future__ import annotations

from pathlib import Path

from switchboard.core.db.constraints import register_constraints
from switchboard.core.hookspecs import hookimpl

from . import service
from .mutations import BillingMutation
from .queries import BillingQuery

HERE = Path(__file__).resolve().parent
requires = ("timekeeping",)

register_constraints([
    ("billing_terms_overlap", "TERMS_OVERLAP", "validFrom"),
    ("billing_terms_valid_during_check", "END_BEFORE_START", "validTo"),
    ("billing_terms_bill_rate_check", "RATE_OUT_OF_RANGE", "billRate"),
])


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_demo_data(conn, demo):
    from .demo import add_demo_terms

    add_demo_terms(conn, demo)


@hookimpl
def switchboard_graphql_query():
    return BillingQuery


@hookimpl
def switchboard_graphql_mutation():
    return BillingMutation


@hookimpl
def switchboard_permissions():
    return {
        service.HOURS_READ: "Read billable hours and amounts in scope",
        service.TERMS_READ: "Read commercial terms in scope",
        service.TERMS_MANAGE: "Set commercial terms of clients and LOBs",
        service.POLICY_MANAGE: "Choose the tenant's overtime attribution",
    }


@hookimpl
def switchboard_default_grants():
    read = [service.HOURS_READ, service.TERMS_READ]
    return {
        "tenant_admin": [*read, service.TERMS_MANAGE, service.POLICY_MANAGE],
        "finance": [*read, service.TERMS_MANAGE],
        "account_manager": read,
        "workforce_planner": [service.HOURS_READ],
    }


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"
