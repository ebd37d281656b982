"""Each LOB's staffing parameters: shrinkage, occupancy cap, Erlang A patience, SLA priority.

A LOB without a row uses :data:`DEFAULT`. Values are checked by the staffing
model's own validation (same codes), backed by the table's check constraints.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.lobs import lob_for
from switchboard.plugins.scheduling.permissions import STAFFING_MANAGE
from switchboard.plugins.scheduling.staffing import requirement

MAX_PRIORITY = 100


@dataclass(frozen=True)
class StaffingParameters:
    """How a LOB is staffed: ``shrinkage`` in [0, 1), ``occupancy_cap`` in (0, 1],
    ``patience_seconds`` (Erlang A; None: Erlang C) and the ``priority`` weight of its
    under-coverage in (0, 100] (1: normal)."""

    shrinkage: Decimal = Decimal("0.30")
    occupancy_cap: Decimal = Decimal("0.85")
    patience_seconds: Decimal | None = None
    priority: Decimal = Decimal("1")


DEFAULT = StaffingParameters()


def validate(p: StaffingParameters) -> None:
    """``SHRINKAGE_OUT_OF_RANGE``, ``OCCUPANCY_CAP_OUT_OF_RANGE``, ``PATIENCE_NOT_POSITIVE`` (as
    the staffing model says them) and ``PRIORITY_OUT_OF_RANGE``."""
    requirement.validate(0, 1, 1, 0.5, 0, p.occupancy_cap, p.shrinkage,
                         None if p.patience_seconds is None else float(p.patience_seconds))
    if not (0 < p.priority <= MAX_PRIORITY) or not math.isfinite(p.priority):
        raise UserError("PRIORITY_OUT_OF_RANGE", "priority", max=MAX_PRIORITY)


def _from_row(row: Any) -> StaffingParameters:
    return StaffingParameters(row.shrinkage, row.occupancy_cap, row.patience_seconds, row.priority)


async def parameters_of(db: DbSession, lob_ids: Sequence[UUID]) -> dict[UUID, StaffingParameters]:
    """The parameters of each visible LOB of ``lob_ids`` (defaults where none were set)."""
    rows = await db.all("SELECT lob_id, shrinkage, occupancy_cap, patience_seconds, priority FROM lob_staffing"
                        " WHERE lob_id = ANY(:ids)", {"ids": list(lob_ids)})
    found = {r.lob_id: _from_row(r) for r in rows}
    return {lob_id: found.get(lob_id, DEFAULT) for lob_id in lob_ids}


async def set_parameters(db: DbSession, caller: Caller, lob_id: UUID, p: StaffingParameters) -> StaffingParameters:
    """Set one LOB's staffing parameters (``scheduling.staffing.manage`` on the LOB)."""
    lob = await lob_for(db, caller, lob_id, STAFFING_MANAGE)
    validate(p)
    row = await db.first(
        "INSERT INTO lob_staffing (tenant_id, client_id, lob_id, shrinkage, occupancy_cap, patience_seconds, priority)"
        " VALUES (:t, :c, :l, :s, :o, :p, :w) ON CONFLICT (tenant_id, lob_id) DO UPDATE SET"
        " shrinkage = EXCLUDED.shrinkage, occupancy_cap = EXCLUDED.occupancy_cap,"
        " patience_seconds = EXCLUDED.patience_seconds, priority = EXCLUDED.priority"
        " RETURNING shrinkage, occupancy_cap, patience_seconds, priority",
        {"t": caller.tenant_id, "c": lob.client_id, "l": lob.id, "s": p.shrinkage, "o": p.occupancy_cap,
         "p": p.patience_seconds, "w": p.priority})
    return _from_row(row)
