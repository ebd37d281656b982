"""Where a caller may import: the LOBs they see and hold the import permission on."""

from __future__ import annotations

from typing import Any

from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller


async def importable_lobs(db: DbSession, caller: Caller, permission: str) -> list[tuple[Any, Any]]:
    """``(lob id, client id)`` of every LOB the caller sees and holds ``permission`` on."""
    rows = await db.all("SELECT id, client_id FROM lob WHERE tenant_id = :t", {"t": caller.tenant_id})
    return [(r.id, r.client_id) for r in rows if caller.can(permission, r.client_id, r.id)]
