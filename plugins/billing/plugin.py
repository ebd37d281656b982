"""Hook implementations of the billing plugin (each hook imports what it returns)."""

from __future__ import annotations

from pathlib import Path

from switchboard.core.db.constraints import register_constraints
from switchboard.core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent
requires = ("timekeeping",)

register_constraints([
    ("billing_terms_overlap", "TERMS_OVERLAP", "validFrom"),
    ("billing_terms_valid_during_check", "END_BEFORE_START", "validTo"),
    ("billing_terms_bill_rate_check", "RATE_OUT_OF_RANGE", "billRate"),
    ("invoice_immutable", "INVOICE_ISSUED", "id"),
    ("invoice_period_overlap", "INVOICE_PERIOD_OVERLAP", "id"),
    ("invoice_draft_overlap", "INVOICE_DRAFT_EXISTS", "from"),
    ("invoice_not_empty", "NOTHING_TO_INVOICE", "id"),
    ("credit_note_limit", "CREDIT_EXCEEDS_INVOICE", "id"),
    ("invoice_one_draft_credit", "CREDIT_NOTE_DRAFT_EXISTS", "invoiceId"),
    ("invoice_credits_issued", "INVOICE_NOT_ISSUED", "invoiceId"),
    ("invoice_born_draft", "INVOICE_NOT_DRAFT", "id"),
    ("invoice_line_amount", "INVOICE_LINE_AMOUNT", "id"),
    ("invoice_line_sign", "INVOICE_LINE_SIGN", "id"),
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
    from .queries import BillingQuery

    return BillingQuery


@hookimpl
def switchboard_node_types():
    from switchboard.core.graphql.node import guarded

    from . import invoices
    from .types import invoice_by_id

    return {"Invoice": guarded(invoices.READ, invoice_by_id)}


@hookimpl
def switchboard_graphql_mutation():
    from .mutations import BillingMutation

    return BillingMutation


@hookimpl
def switchboard_permissions():
    from . import invoices, service

    return {
        service.HOURS_READ: "Read billable hours and amounts in scope",
        service.TERMS_READ: "Read commercial terms in scope",
        service.TERMS_MANAGE: "Set commercial terms of clients and LOBs",
        service.POLICY_MANAGE: "Choose the tenant's overtime attribution",
        invoices.READ: "Read invoices and credit notes in scope, and export them",
        invoices.MANAGE: "Draft and discard invoices and credit notes",
        invoices.ISSUE: "Issue invoices and credit notes (numbered, then immutable)",
    }


@hookimpl
def switchboard_default_grants():
    from . import invoices, service

    read = [service.HOURS_READ, service.TERMS_READ, invoices.READ]
    invoicing = [invoices.MANAGE, invoices.ISSUE]
    return {
        "tenant_admin": [*read, service.TERMS_MANAGE, service.POLICY_MANAGE, *invoicing],
        "finance": [*read, service.TERMS_MANAGE, *invoicing],
        "account_manager": read,
        # planners already read the billed hours of their clients; invoices are those hours as billed
        "workforce_planner": [service.HOURS_READ, invoices.READ],
    }


@hookimpl
def switchboard_sensitive_permissions():
    from . import invoices

    return [invoices.ISSUE]


@hookimpl
def switchboard_job_handlers():
    from . import draft_job

    return {draft_job.KIND: draft_job.draft}


@hookimpl
def switchboard_job_results():
    from . import draft_job
    from .types import InvoiceDraftResult

    return {draft_job.KIND: InvoiceDraftResult}


@hookimpl
def switchboard_webhook_event_types():
    from . import invoices

    return {invoices.INVOICE_ISSUED: "An invoice or credit note was issued: its id, kind, number, client, period,"
                                     " currency and total."}


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"
