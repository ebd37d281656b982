"""The staffing parameters reports size requirements with, per LOB.

One place reads them: the service-level target and answer time from the LOB, the
occupancy cap, shrinkage and patience from the LOB's staffing parameters
(``lob_staffing``, with its defaults), as the solve job uses them: Erlang A where the
LOB has a patience, Erlang C elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.plugins.scheduling.planning.parameters import parameters_of


@dataclass(frozen=True)
class StaffingParameters:
    """What :func:`required_agents` needs of a LOB besides volume and handle time."""

    service_level: float
    answer_seconds: int
    occupancy_cap: float
    shrinkage: float
    patience_seconds: float | None = None


async def staffing_parameters(db: DbSession, lob_ids: list[UUID]) -> dict[UUID, StaffingParameters]:
    """The staffing parameters of each LOB the caller can see among ``lob_ids``."""
    rows = await db.all("SELECT id, sla_target_pct, sla_answer_seconds FROM lob WHERE id = ANY(:l)",
                        {"l": list(lob_ids)})
    staffing = await parameters_of(db, [r.id for r in rows])
    return {r.id: StaffingParameters(float(r.sla_target_pct) / 100, r.sla_answer_seconds,
                                     float(staffing[r.id].occupancy_cap), float(staffing[r.id].shrinkage),
                                     None if staffing[r.id].patience_seconds is None
                                     else float(staffing[r.id].patience_seconds))
            for r in rows}
