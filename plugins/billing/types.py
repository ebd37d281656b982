"""GraphQL types of billing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.money import Money
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.rows import FromRow
from switchboard.core.jobs.results import JobResult
from switchboard.core.scope.types import Client, Lob, client_by_id, lob_by_id
from switchboard.core.workforce.types import Employee, employee_by_id
from switchboard.plugins.timekeeping.activities import Activity

from . import invoices, service

CLASSES = ("regular", "overtime", "double_time", "holiday")  # classes of billed time, as column prefixes
BillingGroup = strawberry.enum(service.Group, name="BillingGroup",
                               description="What billable hours are grouped by (always by currency too).")


@strawberry.enum(description="Who pays the overtime and stat-holiday premium.")
class PremiumPayer(Enum):
    CLIENT = "client"
    BPO = "bpo"


@strawberry.enum(description="How an employee's overtime is attributed to the clients they worked for.")
class OvertimeAttribution(Enum):
    CHRONOLOGICAL = "chronological"
    PROPORTIONAL = "proportional"


@strawberry.type(description="Hours and amounts of one group. Amounts are in `currency`; hours are real"
                 " elapsed time, split into regular, overtime, double time and stat-holiday time.")
class BillableHoursRow:
    client_id: UUID | None
    lob_id: UUID | None
    employee_id: UUID | None
    day: date | None = strawberry.field(description="Work date (the LOB's local date).")
    week: date | None = strawberry.field(description="Monday of the work date's week.")
    currency: str
    regular_hours: float
    overtime_hours: float
    double_time_hours: float
    holiday_hours: float
    regular_amount: Money
    overtime_amount: Money
    double_time_amount: Money
    holiday_amount: Money

    @classmethod
    def from_row(cls, r: Any) -> BillableHoursRow:
        m = r._mapping
        return cls(**{name: m.get(name) for name in ("client_id", "lob_id", "employee_id", "day", "week", "currency")},
                   **{f"{c}_hours": m[f"{c}_hours"] for c in CLASSES},
                   **{f"{c}_amount": Money(amount=m[f"{c}_amount"], currency=r.currency) for c in CLASSES})

    @strawberry.field
    def total_hours(self) -> float:
        return round(sum(float(getattr(self, f"{c}_hours")) for c in CLASSES), 4)

    @strawberry.field
    def total_amount(self) -> Money:
        return Money(amount=sum(getattr(self, f"{c}_amount").amount for c in CLASSES), currency=self.currency)

    @strawberry.field
    async def client(self, info: strawberry.Info) -> Client | None:
        return await client_by_id(info.context).load(self.client_id)

    @strawberry.field
    async def lob(self, info: strawberry.Info) -> Lob | None:
        return await lob_by_id(info.context).load(self.lob_id)

    @strawberry.field
    async def employee(self, info: strawberry.Info) -> Employee | None:
        return await employee_by_id(info.context).load(self.employee_id)


@strawberry.type(description="Commercial terms of a client, or of one of its LOBs (which win), over a period.")
class BillingTerms(FromRow):
    id: UUID
    client_id: UUID
    lob_id: UUID | None
    valid_from: date
    valid_to: date | None = strawberry.field(description="Last day (inclusive); null: open-ended.")
    billable_activities: list[Activity]
    bill_rate: Money = strawberry.field(description="Per hour of regular time.")
    currency: str
    overtime_multiplier: Decimal
    double_time_multiplier: Decimal
    holiday_multiplier: Decimal
    premium_payer: PremiumPayer
    rounding_minutes: int = strawberry.field(description="Invoice lines round their time half up to a multiple of"
                                             " this many minutes.")

    @classmethod
    def from_row(cls, r: Any) -> BillingTerms:
        return super().from_row(r, bill_rate=Money(amount=r.bill_rate, currency=r.currency))


@strawberry.enum(description="An invoice bills a period; a credit note corrects an issued invoice.")
class InvoiceKind(Enum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


@strawberry.enum(description="A draft can be discarded; an issued invoice is numbered and never changes.")
class InvoiceStatus(Enum):
    DRAFT = "draft"
    ISSUED = "issued"


@strawberry.enum(description="The class of billed time, each priced with its own multiplier.")
class HoursClass(Enum):
    REGULAR = "regular"
    OVERTIME = "overtime"
    DOUBLE_TIME = "double_time"
    HOLIDAY = "holiday"


@strawberry.type(description="A line of an invoice or credit note: one LOB, terms and class of time. Minutes are"
                 " rounded half up to the terms' increment; amount = minutes × rate × multiplier / 60, half up to"
                 " cents. Credit note lines are negative.")
class InvoiceLine(FromRow):
    id: UUID
    invoice_id: UUID
    lob_id: UUID
    terms_id: UUID
    hours_class: HoursClass
    minutes: int
    hours: Decimal
    rounding_minutes: int = strawberry.field(description="The increment the minutes were rounded to.")
    rate: Money = strawberry.field(description="Per hour, before the multiplier.")
    multiplier: Decimal = strawberry.field(description="1 when the BPO absorbs the premium.")
    amount: Money
    currency: str

    @classmethod
    def from_row(cls, r: Any) -> InvoiceLine:
        return super().from_row(r, rate=Money(amount=r.rate, currency=r.currency),
                                amount=Money(amount=r.amount, currency=r.currency))

    @strawberry.field(description="The amount in the caller's language, with its currency.",
                      deprecation_reason="Use amount { text }: every Money says itself in the caller's language.")
    def amount_text(self, info: strawberry.Info) -> str:
        return self.amount.text(info)

    @strawberry.field
    async def lob(self, info: strawberry.Info) -> Lob | None:
        return await lob_by_id(info.context).load(self.lob_id)


@strawberry.type(description="An invoice or credit note of one client's period, in one currency.")
class Invoice(FromRow, Node):
    id: strawberry.Private[UUID]
    client_id: UUID
    kind: InvoiceKind
    status: InvoiceStatus
    number: int | None = strawberry.field(description="The tenant's sequential number, given when issued.")
    period_from: date = strawberry.field(description="First work date (the LOBs' local dates).")
    period_to: date = strawberry.field(description="Last work date, inclusive.")
    currency: str
    total: Money
    credits_id: UUID | None = strawberry.field(description="The invoice a credit note corrects.")
    creditable: Money | None = strawberry.field(
        description="What is left to credit on an issued invoice (its total net of issued credit notes).")
    issued_at: datetime | None
    issued_by_id: UUID | None
    created_at: datetime

    row_renames = {"credits_id": "credits", "issued_by_id": "issued_by"}

    @classmethod
    def from_row(cls, r: Any) -> Invoice:
        return super().from_row(r, total=Money(amount=r.total, currency=r.currency),
                                creditable=Money.of(r.creditable, r.currency))

    @strawberry.field(description="The total in the caller's language, with its currency.",
                      deprecation_reason="Use total { text }: every Money says itself in the caller's language.")
    def total_text(self, info: strawberry.Info) -> str:
        return self.total.text(info)

    @strawberry.field
    async def client(self, info: strawberry.Info) -> Client | None:
        return await client_by_id(info.context).load(self.client_id)

    @strawberry.field(description="By LOB, terms and class.")
    async def lines(self, info: strawberry.Info) -> list[InvoiceLine]:
        return await lines_by_invoice(info.context).load(self.id)

    @strawberry.field(description="The invoice this credit note corrects.")
    async def credits(self, info: strawberry.Info) -> Invoice | None:
        return await invoice_by_id(info.context).load(self.credits_id)

    @strawberry.field(description="Credit notes of this invoice, drafts included.")
    async def credit_notes(self, info: strawberry.Info) -> list[Invoice]:
        return await credit_notes_by_invoice(info.context).load(self.id)


@strawberry.type(description="A CSV file: headers and numbers in the caller's language unless asked otherwise.")
class CsvFile:
    filename: str
    content_type: str
    content: str


def invoice_by_id(ctx: Any):
    """The request's loader of invoices by id (None when not visible)."""
    return loaders.by_id(ctx, invoices.invoices_by_ids, Invoice.from_row)


def lines_by_invoice(ctx: Any):
    """The request's loader of an invoice's lines."""
    return loaders.grouped(ctx, invoices.lines_of, InvoiceLine.from_row, "invoice_id")


def credit_notes_by_invoice(ctx: Any):
    """The request's loader of an invoice's credit notes."""
    return loaders.grouped(ctx, invoices.credit_notes_of, Invoice.from_row, "credits")


@strawberry.type(description="What a billing.invoice_draft job made: the draft invoice.")
class InvoiceDraftResult(JobResult):
    @strawberry.field
    def invoice_id(self) -> UUID:
        return UUID(self.stored["invoiceId"])

    @strawberry.field(description="The draft (null once discarded or no longer visible).")
    async def invoice(self, info: strawberry.Info) -> Invoice | None:
        return await invoice_by_id(info.context).load(self.invoice_id())
