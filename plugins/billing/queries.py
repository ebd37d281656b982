"""Billing queries: billable hours and commercial terms."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from . import service
from .types import BillableHoursRow, BillingGroup, BillingTerms, OvertimeAttribution


@strawberry.type
class BillingQuery:
    @strawberry.field(description="Billable hours and amounts of work dates [from, to] (the LOBs' local dates)"
                      " in the caller's scope: regular, overtime, double time and stat-holiday time, priced by"
                      " the terms in force on each work date. Overtime counts all of an employee's clients.")
    async def billable_hours(
        self,
        info: strawberry.Info,
        from_: Annotated[date, strawberry.argument(name="from")],
        to: date,
        client_id: UUID | None = None,
        lob_id: UUID | None = None,
        group_by: list[BillingGroup] | None = None,
    ) -> list[BillableHoursRow]:
        ctx = info.context
        groups = group_by if group_by is not None else [service.Group.CLIENT, service.Group.LOB]
        rows = await service.billable_hours(ctx.db, ctx.me, from_, to, client_id, lob_id, groups)
        return [BillableHoursRow.from_row(r) for r in rows]

    @strawberry.field(description="Commercial terms the caller can see.")
    async def billing_terms(self, info: strawberry.Info, client_id: UUID | None = None) -> list[BillingTerms]:
        ctx = info.context
        return [BillingTerms.from_row(r) for r in await service.terms(ctx.db, ctx.me, client_id)]

    @strawberry.field(description="How this tenant attributes overtime to clients.")
    async def overtime_attribution(self, info: strawberry.Info) -> OvertimeAttribution:
        ctx = info.context
        ctx.me.require_somewhere(service.HOURS_READ)
        return OvertimeAttribution(await service.attribution(ctx.db))
