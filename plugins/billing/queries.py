"""Billing queries: billable hours, commercial terms, invoices, and their CSV exports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import (
    Connection,
    Window,
    connection,
    connection_field,
    list_connection,
    page_cap,
)
from switchboard.core.scope.types import client_by_id, lob_by_id
from switchboard.core.workforce.types import employee_by_id

from . import csv_export, invoices, service
from .permissions import HOURS_READ, INVOICE_READ, TERMS_READ
from .types import (
    BillableHoursRow,
    BillingGroup,
    BillingTerms,
    CsvFile,
    Invoice,
    InvoiceKind,
    InvoiceStatus,
    OvertimeAttribution,
    invoice_by_id,
)

CSV_MAX_ROWS = 50_000
Localized = Annotated[bool, strawberry.argument(
    description="Headers, labels and numbers in the caller's language (`;` between fields in French);"
                " false: column keys, `.` decimals and `,` between fields.")]


def _groups(group_by: list[service.Group] | None) -> list[service.Group]:
    return group_by if group_by is not None else [service.Group.CLIENT, service.Group.LOB]


def _file(content: csv_export.CsvContent) -> CsvFile:
    return CsvFile(filename=content.filename, content_type=content.content_type, content=content.content)


async def _names(info: strawberry.Info, rows: list[Any]) -> dict[Any, str]:
    """Client, LOB and employee names of billable-hours rows, by id (one query per kind)."""
    ctx = info.context
    names: dict[Any, str] = {}
    for column, loader, attribute in (("client_id", client_by_id, "name"), ("lob_id", lob_by_id, "name"),
                                      ("employee_id", employee_by_id, "preferred_name")):
        ids = list({r._mapping[column] for r in rows if r._mapping.get(column) is not None})
        for found in await loader(ctx).load_many(ids):
            if found is not None:
                names[found.id] = getattr(found, attribute)
    return names


@strawberry.type
class BillingQuery:
    @connection_field(description="Billable hours and amounts of work dates [from, to] (the LOBs' local dates)"
                      " in the caller's scope: regular, overtime, double time and stat-holiday time, priced by"
                      " the terms in force on each work date. Overtime counts all of an employee's clients. Rows"
                      " by their groups (in `groupBy`'s order) and currency.",
                      extensions=[requires(HOURS_READ)])
    async def billable_hours(
        self,
        info: strawberry.Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        window: Window,
        client_id: UUID | None = None,
        lob_id: UUID | None = None,
        group_by: list[BillingGroup] | None = None,
    ) -> Connection[BillableHoursRow]:
        ctx = info.context
        groups = list(dict.fromkeys(_groups(group_by)))
        rows = await service.billable_hours(ctx.db, ctx.me, from_, to, client_id, lob_id, groups)
        return list_connection(rows, service.row_keys(groups), BillableHoursRow.from_row, window, page_cap(info))

    @strawberry.field(description="The rows of `billableHours` as a CSV file, a client, LOB or employee by name.",
                      extensions=[requires(HOURS_READ)])
    async def billable_hours_csv(
        self,
        info: strawberry.Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        client_id: UUID | None = None,
        lob_id: UUID | None = None,
        group_by: list[BillingGroup] | None = None,
        localized: Localized = True,
    ) -> CsvFile:
        ctx = info.context
        groups = list(dict.fromkeys(_groups(group_by)))
        rows = await service.billable_hours(ctx.db, ctx.me, from_, to, client_id, lob_id, groups,
                                            limit=CSV_MAX_ROWS, too_many="CSV_TOO_MANY_ROWS")
        return _file(csv_export.hours_file(rows, groups, await _names(info, rows), from_, to,
                                           ctx.runtime.messages, ctx.lang, localized))

    @connection_field(description="Invoices and credit notes the caller can see, oldest first.",
                      extensions=[requires(INVOICE_READ)])
    async def invoices(
        self,
        info: strawberry.Info,
        window: Window,
        client_id: UUID | None = None,
        status: InvoiceStatus | None = None,
        kind: InvoiceKind | None = None,
    ) -> Connection[Invoice]:
        ctx = info.context
        rows = await invoices.invoices_page(
            ctx.db, ctx.me, client_id, status and status.value, kind and kind.value, window,
            ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.created_at, r.id), Invoice.from_row)

    @strawberry.field(description="One invoice or credit note, or null when it does not exist or is outside the"
                      " caller's scope.", extensions=[requires(INVOICE_READ)])
    async def invoice(self, info: strawberry.Info, id: UUID) -> Invoice | None:
        return await invoice_by_id(info.context).load(id)

    @strawberry.field(description="An invoice or credit note as a CSV file, one row per line; null when it does"
                      " not exist or is outside the caller's scope.", extensions=[requires(INVOICE_READ)])
    async def invoice_csv(self, info: strawberry.Info, id: UUID, localized: Localized = True) -> CsvFile | None:
        ctx = info.context
        found = await invoices.invoice_with_lines(ctx.db, ctx.me, id)
        if found is None:
            return None
        invoice, lines = found
        client = await client_by_id(ctx).load(invoice.client_id)
        lobs = await lob_by_id(ctx).load_many(list({x.lob_id for x in lines}))
        issued_on = invoice.issued_at and invoice.issued_at.astimezone(ZoneInfo(client.timezone)).date()
        return _file(csv_export.invoice_file(
            invoice, lines, client.name, issued_on, {x.id: x.name for x in lobs if x is not None},
            ctx.runtime.messages, ctx.lang, localized))

    @strawberry.field(description="Commercial terms the caller can see.", extensions=[requires(TERMS_READ)])
    async def billing_terms(self, info: strawberry.Info, client_id: UUID | None = None) -> list[BillingTerms]:
        ctx = info.context
        return [BillingTerms.from_row(r) for r in await service.terms(ctx.db, ctx.me, client_id)]

    @strawberry.field(description="How this tenant attributes overtime to clients.",
                      extensions=[requires(HOURS_READ)])
    async def overtime_attribution(self, info: strawberry.Info) -> OvertimeAttribution:
        ctx = info.context
        return OvertimeAttribution(await service.attribution(ctx.db, ctx.me))
