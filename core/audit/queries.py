"""Audit queries for compliance staff: the change log and the PII access log."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.caps import CODE, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field, keyset

from .permissions import READ
from .types import AuditEvent, PiiAccess


@strawberry.type
class AuditQuery:
    @connection_field(description="Audited changes, newest first, optionally of one table or row.")
    async def audit_events(
        self, info: strawberry.Info, window: Window, table: Annotated[str | None, capped(CODE)] = None,
        row_id: UUID | None = None,
    ) -> Connection[AuditEvent]:
        ctx = info.context
        ctx.me.require_somewhere(READ)
        where = " AND ".join(
            [c for c, v in (("table_name = :table", table), ("row_id = :row_id", row_id)) if v is not None] or ["true"]
        )
        page = keyset("SELECT * FROM (SELECT *, -seq AS newest FROM audit_event) e",
                      ["newest"], window, ctx.runtime.settings.page_size_cap, where)
        rows = await page.fetch(ctx.db, {"table": table, "row_id": row_id})
        return connection(rows, lambda r: (r.newest,), AuditEvent.from_row)

    @connection_field(description="Reads of employee contact fields, newest first, optionally of one employee.")
    async def pii_access_log(self, info: strawberry.Info, window: Window, employee_id: UUID | None = None
                             ) -> Connection[PiiAccess]:
        ctx = info.context
        ctx.me.require_somewhere(READ)
        where = "employee_id = :employee_id" if employee_id else "true"
        page = keyset("SELECT * FROM (SELECT *, -id AS newest FROM pii_access) p",
                      ["newest"], window, ctx.runtime.settings.page_size_cap, where)
        rows = await page.fetch(ctx.db, {"employee_id": employee_id})
        return connection(rows, lambda r: (r.newest,), PiiAccess.from_row)
