"""Which LOBs a report covers, and the ranges it accepts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller

from switchboard.plugins.scheduling.forecasts.volumes import check_range
from switchboard.plugins.scheduling.permissions import REPORT_READ

MAX_DAYS = 92


async def report_lobs(db: DbSession, caller: Caller, lob_ids: list[UUID] | None) -> list[UUID]:
    """The LOBs among ``lob_ids`` (all when None) that the caller sees and may report on."""
    caller.require_somewhere(REPORT_READ)
    rows = await db.all("SELECT id, client_id FROM lob WHERE CAST(:l AS uuid[]) IS NULL OR id = ANY(:l)",
                        {"l": None if lob_ids is None else list(lob_ids)})
    return [r.id for r in rows if caller.can(REPORT_READ, r.client_id, r.id)]


def check_days(start: date, end: date) -> None:
    """``start`` ≤ ``end`` (both included), at most :data:`MAX_DAYS` days."""
    if end < start:
        raise UserError("END_BEFORE_START", "to")
    if (end - start).days + 1 > MAX_DAYS:
        raise UserError("RANGE_TOO_LONG", "to", days=MAX_DAYS)


def check_instants(start: datetime, end: datetime) -> None:
    """Aware instants in order, at most :data:`MAX_DAYS` days apart."""
    check_range(start, end, "from", "to")
    if end - start > timedelta(days=MAX_DAYS):
        raise UserError("RANGE_TOO_LONG", "to", days=MAX_DAYS)
