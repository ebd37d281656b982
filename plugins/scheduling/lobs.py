"""The LOBs a scheduling request names, as the caller sees them: one place for the
checks every forecast, planning and report request makes of its ``lobIds``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller

MAX_LOBS = 50
LOB_COLUMNS = "id, client_id, timezone, sla_target_pct, sla_answer_seconds"


def named_lob_ids(lob_ids: Sequence[UUID]) -> list[UUID]:
    """The distinct LOB ids named, in order: ``REQUIRED`` for none, ``TOO_MANY_LOBS`` over 50."""
    ids = list(dict.fromkeys(lob_ids))
    if not ids:
        raise UserError("REQUIRED", "lobIds")
    if len(ids) > MAX_LOBS:
        raise UserError("TOO_MANY_LOBS", "lobIds", max=MAX_LOBS)
    return ids


async def permitted_lobs(db: DbSession, caller: Caller, lob_ids: Sequence[UUID] | None, permission: str
                         ) -> list[Any]:
    """``(id, client_id)`` of the LOBs among ``lob_ids`` (every one when None) that the caller
    sees and holds ``permission`` on; the others are left out without a word."""
    rows = await db.all("SELECT id, client_id FROM lob WHERE CAST(:l AS uuid[]) IS NULL OR id = ANY(:l)",
                        {"l": None if lob_ids is None else list(lob_ids)})
    return [r for r in rows if caller.can(permission, r.client_id, r.id)]


async def lobs_for(db: DbSession, caller: Caller, lob_ids: Sequence[UUID], permission: str) -> list[Any]:
    """The named LOBs in order, once the caller holds ``permission`` on each.

    ``REQUIRED`` for none, ``TOO_MANY_LOBS`` over 50, ``NOT_FOUND`` (field
    ``lobIds.<index>``) for a LOB that does not exist or that row security hides;
    ``FORBIDDEN`` when the permission is missing on one of them."""
    caller.require_somewhere(permission)
    ids = named_lob_ids(lob_ids)
    rows = {r.id: r for r in await db.all(f"SELECT {LOB_COLUMNS} FROM lob WHERE id = ANY(:ids)", {"ids": ids})}
    missing = [UserError("NOT_FOUND", f"lobIds.{n}") for n, lob_id in enumerate(ids) if lob_id not in rows]
    if missing:
        raise ValidationErrors(missing)
    for row in rows.values():
        caller.require(permission, row.client_id, row.id)
    return [rows[i] for i in ids]


async def lob_for(db: DbSession, caller: Caller, lob_id: UUID, permission: str) -> Any:
    """One LOB (``NOT_FOUND`` on ``lobId`` when hidden), once the caller holds ``permission`` on it."""
    caller.require_somewhere(permission)
    row = await db.first_or_not_found(f"SELECT {LOB_COLUMNS} FROM lob WHERE id = :id", {"id": lob_id}, "lobId")
    caller.require(permission, row.client_id, row.id)
    return row
