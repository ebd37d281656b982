"""Reading the audit log and the log of reads of employee contact fields."""

from __future__ import annotations

from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller

from .permissions import READ


async def events_page(db: DbSession, caller: Caller, window: PageRequest, cap: int, table: str | None,
                      row_id: UUID | None) -> Fetched:
    """One page of audited changes, newest first, optionally of one table or row."""
    caller.require_somewhere(READ)
    return await filtered_page(db, "SELECT * FROM (SELECT *, -seq AS newest FROM audit_event) e", ["newest"],
                               window, cap, Where().equal("table_name", table, "table").equal("row_id", row_id))


async def pii_reads_page(db: DbSession, caller: Caller, window: PageRequest, cap: int,
                         employee_id: UUID | None) -> Fetched:
    """One page of reads of employee contact fields, newest first, optionally of one employee."""
    caller.require_somewhere(READ)
    return await filtered_page(db, "SELECT * FROM (SELECT *, -id AS newest FROM pii_access) p", ["newest"],
                               window, cap, Where().equal("employee_id", employee_id))
