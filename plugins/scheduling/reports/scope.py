"""Which LOBs a report covers, and the ranges it accepts."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.forecasts.volumes import check_range
from switchboard.plugins.scheduling.lobs import permitted_lobs
from switchboard.plugins.scheduling.permissions import REPORT_READ

MAX_DAYS = 92


async def report_lobs(db: DbSession, caller: Caller, lob_ids: list[UUID] | None) -> list[Any]:
    """``(id, client_id)`` of the LOBs among ``lob_ids`` (all when None) that the caller
    sees and may report on."""
    caller.require_somewhere(REPORT_READ)
    return await permitted_lobs(db, caller, lob_ids, REPORT_READ)


def check_days(start: date, end: date) -> None:
    """``start`` ≤ ``end`` (both included), at most :data:`MAX_DAYS` days."""
    if end < start:
        raise UserError("END_BEFORE_START", "to")
    if (end - start).days + 1 > MAX_DAYS:
        raise UserError("RANGE_TOO_LONG", "to", days=MAX_DAYS)


def check_instants(start: datetime, end: datetime) -> None:
    """Aware instants in order, at most :data:`MAX_DAYS` days apart."""
    check_range(start, end, "from", "to", timedelta(days=MAX_DAYS))
