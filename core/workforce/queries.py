"""Workforce queries: employees, and who is eligible to work a LOB."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.caps import SEARCH, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field

from . import eligibility, service
from .permissions import ELIGIBILITY_READ, READ
from .types import EligibleAgent, Employee, employee_by_id


@strawberry.type
class WorkforceQuery:
    @connection_field(description="Employees the caller can see, by preferred name.",
                      extensions=[requires(READ)])
    async def employees(
        self,
        info: strawberry.Info,
        window: Window,
        client_id: UUID | None = None,
        lob_id: UUID | None = None,
        search: Annotated[
            str | None, capped(SEARCH, description="Case-insensitive part of the preferred name or number.")
        ] = None,
    ) -> Connection[Employee]:
        ctx = info.context
        cap = ctx.runtime.settings.page_size_cap
        rows = await service.employees_page(ctx.db, ctx.me, window, cap, client_id, lob_id, search)
        return connection(rows, lambda r: (r.preferred_name, r.id), Employee.from_row)

    @strawberry.field(description="One employee, or null when it does not exist or is outside the caller's scope.",
                      extensions=[requires(READ)])
    async def employee(self, info: strawberry.Info, id: UUID) -> Employee | None:
        return await employee_by_id(info.context).load(id)

    @connection_field(
        description="Employees the caller can see who are employed during [start, end), with whether they may"
        " work the LOB then and every reason they may not; eligible first, then by name. One SQL statement.",
        extensions=[requires(ELIGIBILITY_READ)],
    )
    async def eligible_agents(
        self,
        info: strawberry.Info,
        lob_id: UUID,
        start: datetime,
        end: datetime,
        window: Window,
    ) -> Connection[EligibleAgent]:
        ctx = info.context
        rows = await eligibility.eligible_agents(
            ctx.db, ctx.me, ctx.runtime.eligibility_rules, lob_id, start, end, window,
            ctx.runtime.settings.page_size_cap,
        )
        return connection(rows, eligibility.sort_key, EligibleAgent.from_row)
