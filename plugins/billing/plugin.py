"""Hook implementations of the billing plugin (each hook imports what it returns)."""

from __future__ import annotations

from pathlib import Path

from switchboard.core.db.constraints import ConstraintError
from switchboard.core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent
requires = ("timekeeping",)

CONSTRAINT_ERRORS = [
    ConstraintError("billing_terms_overlap", "TERMS_OVERLAP", "validFrom"),
    ConstraintError("billing_terms_valid_during_check", "END_BEFORE_START", "validTo"),
    ConstraintError("billing_terms_bill_rate_check", "RATE_OUT_OF_RANGE", "billRate"),
    ConstraintError("invoice_immutable", "INVOICE_ISSUED", "id"),
    ConstraintError("invoice_period_overlap", "INVOICE_PERIOD_OVERLAP", "id"),
    ConstraintError("invoice_draft_overlap", "INVOICE_DRAFT_EXISTS", "from"),
    ConstraintError("invoice_not_empty", "NOTHING_TO_INVOICE", "id"),
    ConstraintError("credit_note_limit", "CREDIT_EXCEEDS_INVOICE", "id"),
    ConstraintError("invoice_one_draft_credit", "CREDIT_NOTE_DRAFT_EXISTS", "invoiceId"),
    ConstraintError("invoice_credits_issued", "INVOICE_NOT_ISSUED", "invoiceId"),
    ConstraintError("invoice_born_draft", "INVOICE_NOT_DRAFT", "id"),
    ConstraintError("invoice_line_amount", "INVOICE_LINE_AMOUNT", "id"),
    ConstraintError("invoice_line_sign", "INVOICE_LINE_SIGN", "id"),
]


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_constraint_errors():
    return CONSTRAINT_ERRORS


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

    from .permissions import INVOICE_READ
    from .types import invoice_by_id

    return {"Invoice": guarded(INVOICE_READ, invoice_by_id)}


@hookimpl
def switchboard_graphql_mutation():
    from .mutations import BillingMutation

    return BillingMutation


@hookimpl
def switchboard_permission_declarations():
    from .permissions import PERMISSIONS

    return PERMISSIONS


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
