"""Acting on an employee's own data (availability, time off): who may, for whom.

An employee record is tenant data, not LOB data: staff reach it through the
employee's assignments. A permission counts for an employee when a grant holding
it covers the tenant or a client or LOB of one of the employee's current or future
assignments the caller can see; an agent acts on their own records. The database
backs this with row security (and, for time-off decisions, a trigger).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError
from switchboard.core.identity.caller import Caller


async def visible_employee(db: DbSession, employee_id: UUID, field: str = "employeeId") -> Any:
    """The employee if the caller can see them, else ``NOT_FOUND``."""
    return await db.first_or_not_found("SELECT id FROM employee WHERE id = :id", {"id": employee_id}, field)


async def require_for_employee(db: DbSession, caller: Caller, permission: str, employee_id: UUID,
                               field: str = "employeeId") -> None:
    """``NOT_FOUND`` unless the employee is visible, ``FORBIDDEN`` unless ``permission`` covers them."""
    caller.require_somewhere(permission)
    await visible_employee(db, employee_id, field)
    if employee_id == caller.employee_id or caller.can(permission):
        return
    scopes = await db.all(
        "SELECT DISTINCT client_id, lob_id FROM assignment WHERE employee_id = :e"
        " AND valid_during && daterange(current_date, NULL)", {"e": employee_id})
    if not any(caller.can(permission, s.client_id, s.lob_id) for s in scopes):
        raise AccessError("FORBIDDEN", permission=permission)
