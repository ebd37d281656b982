"""Billing mutations: commercial terms, the tenant's overtime attribution, invoices and credit notes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.jobs.mutations import JobPayload
from switchboard.core.jobs.types import Job
from switchboard.plugins.timekeeping.activities import Activity

from . import draft_job, invoices, service
from .permissions import INVOICE_ISSUE, INVOICE_MANAGE, POLICY_MANAGE, TERMS_MANAGE
from .types import BillingTerms, Invoice, OvertimeAttribution, PremiumPayer


@strawberry.input
class BillingTermsInput:
    client_id: UUID
    valid_from: date
    billable_activities: list[Activity]
    bill_rate: Decimal
    currency: str
    lob_id: UUID | None = strawberry.field(default=None, description="Only this LOB; null: every LOB of the client.")
    valid_to: date | None = strawberry.field(default=None, description="Last day (inclusive); null: open-ended.")
    overtime_multiplier: Decimal = Decimal("1.5")
    double_time_multiplier: Decimal = Decimal(2)
    holiday_multiplier: Decimal = Decimal("1.5")
    premium_payer: PremiumPayer = PremiumPayer.CLIENT
    rounding_minutes: int = 1


@strawberry.type
class BillingTermsPayload:
    terms: BillingTerms | None
    errors: list[UserErrorType]


@strawberry.type
class OvertimeAttributionPayload:
    attribution: OvertimeAttribution | None
    errors: list[UserErrorType]


@strawberry.type
class InvoicePayload:
    invoice: Invoice | None
    errors: list[UserErrorType]


@strawberry.type
class DiscardDraftPayload:
    discarded_id: UUID | None
    errors: list[UserErrorType]


@strawberry.type
class BillingMutation:
    @strawberry.mutation(description="Add terms for a client or one of its LOBs from a date; periods of one"
                         " client or LOB never overlap.", extensions=[requires(TERMS_MANAGE)])
    async def set_billing_terms(self, info: strawberry.Info, input: BillingTermsInput) -> BillingTermsPayload:
        ctx = info.context
        values = service.TermsValues(
            client_id=input.client_id, lob_id=input.lob_id, valid_from=input.valid_from, valid_to=input.valid_to,
            billable_activities=[a.value for a in input.billable_activities], bill_rate=input.bill_rate,
            currency=input.currency, overtime_multiplier=input.overtime_multiplier,
            double_time_multiplier=input.double_time_multiplier, holiday_multiplier=input.holiday_multiplier,
            premium_payer=input.premium_payer.value, rounding_minutes=input.rounding_minutes,
        )
        return await mutate(info, BillingTermsPayload, lambda: service.set_terms(ctx.db, ctx.me, values),
                            BillingTerms.from_row)

    @strawberry.mutation(description="Choose how overtime is attributed to clients (tenant-wide).",
                         extensions=[requires(POLICY_MANAGE)])
    async def set_overtime_attribution(self, info: strawberry.Info,
                                       attribution: OvertimeAttribution) -> OvertimeAttributionPayload:
        ctx = info.context
        return await mutate(info, OvertimeAttributionPayload,
                            lambda: service.set_attribution(ctx.db, ctx.me, attribution.value), OvertimeAttribution)

    @strawberry.mutation(description="Draft the invoice of a client's ended period (work dates, inclusive) in one"
                         " currency: one line per LOB, terms and class of billable time. Checked now (client,"
                         " permission, dates, currency), then queued as a billing.invoice_draft job, returned at"
                         " once; its outcome (InvoiceDraftResult) holds the draft.",
                         extensions=[requires(INVOICE_MANAGE)])
    async def draft_invoice(
        self,
        info: strawberry.Info,
        client_id: UUID,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        currency: Annotated[str | None, strawberry.argument(
            description="Needed only when the period was billed in several currencies.")] = None,
    ) -> JobPayload:
        ctx = info.context
        return await mutate(info, JobPayload,
                            lambda: draft_job.queue_draft(ctx.db, ctx.me, client_id, from_, to, currency),
                            lambda row: Job.from_row(row, ctx.message))

    @strawberry.mutation(description="Delete a draft invoice or credit note.",
                         extensions=[requires(INVOICE_MANAGE)])
    async def discard_draft(self, info: strawberry.Info, id: UUID) -> DiscardDraftPayload:
        ctx = info.context
        return await mutate(info, DiscardDraftPayload, lambda: invoices.discard_draft(ctx.db, ctx.me, id))

    @strawberry.mutation(description="Issue a draft invoice or credit note: it gets the tenant's next number and"
                         " never changes again. Needs a recent second factor.",
                         extensions=[requires(INVOICE_ISSUE)])
    async def issue_invoice(self, info: strawberry.Info, id: UUID) -> InvoicePayload:
        ctx = info.context
        return await mutate(info, InvoicePayload, lambda: invoices.issue(ctx.db, ctx.me, id), Invoice.from_row)

    @strawberry.mutation(description="Draft a credit note of an issued invoice: per line, what recomputing its"
                         " period now finds lower; with `full`, all that is left of every line.",
                         extensions=[requires(INVOICE_MANAGE)])
    async def draft_credit_note(self, info: strawberry.Info, invoice_id: UUID,
                                full: bool = False) -> InvoicePayload:
        ctx = info.context
        return await mutate(info, InvoicePayload,
                            lambda: invoices.draft_credit_note(ctx.db, ctx.me, invoice_id, full), Invoice.from_row)
