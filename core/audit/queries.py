"""Audit queries for compliance staff: the change log and the PII access log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.caps import CODE, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field

from . import service
from .permissions import READ
from .types import AuditEvent, PiiAccess


@strawberry.type
class AuditQuery:
    @connection_field(description="Audited changes, newest first, optionally of one table or row.",
                      extensions=[requires(READ)])
    async def audit_events(
        self, info: strawberry.Info, window: Window, table: Annotated[str | None, capped(CODE)] = None,
        row_id: UUID | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        rows = await service.events_page(ctx.db, ctx.me, window, ctx.runtime.settings.page_size_cap, table, row_id)
        return connection(rows, lambda r: (r.newest,), AuditEvent.from_row)

    @connection_field(description="Reads of employee contact fields, newest first, optionally of one employee.",
                      extensions=[requires(READ)])
    async def pii_access_log(self, info: strawberry.Info, window: Window, employee_id: UUID | None = None
                             ) -> Connection[PiiAccess]:
        ctx = info.context
        rows = await service.pii_reads_page(ctx.db, ctx.me, window, ctx.runtime.settings.page_size_cap, employee_id)
        return connection(rows, lambda r: (r.newest,), PiiAccess.from_row)
