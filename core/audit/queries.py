"""Audit queries for compliance staff: the change log and the PII access log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.graphql.access import requires
from switchboard.core.graphql.caps import CODE, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field

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
        ctx.me.require_somewhere(READ)
        rows = await filtered_page(ctx.db, "SELECT * FROM (SELECT *, -seq AS newest FROM audit_event) e",
                                   ["newest"], window, ctx.runtime.settings.page_size_cap,
                                   Where().equal("table_name", table, "table").equal("row_id", row_id))
        return connection(rows, lambda r: (r.newest,), AuditEvent.from_row)

    @connection_field(description="Reads of employee contact fields, newest first, optionally of one employee.",
                      extensions=[requires(READ)])
    async def pii_access_log(self, info: strawberry.Info, window: Window, employee_id: UUID | None = None
                             ) -> Connection[PiiAccess]:
        ctx = info.context
        ctx.me.require_somewhere(READ)
        rows = await filtered_page(ctx.db, "SELECT * FROM (SELECT *, -id AS newest FROM pii_access) p",
                                   ["newest"], window, ctx.runtime.settings.page_size_cap,
                                   Where().equal("employee_id", employee_id))
        return connection(rows, lambda r: (r.newest,), PiiAccess.from_row)
