"""Adherence and conformance per agent, LOB, client and day, in one SQL statement.

For each published ``work`` segment (its day is the local date of its start in the
LOB's timezone):

* **scheduled minutes**: the segment's length;
* **adherent minutes**: the minutes of the segment covered by an active productive
  time entry (handling, after-contact work, available) of the same employee *on the
  segment's LOB*. A move between LOBs inside a shift is two segments, each matched
  against entries on its own LOB, so a planned LOB change never counts against
  adherence;
* **worked minutes**: active productive time on the LOB on that work date, whenever
  it happened.

adherence = adherent ÷ scheduled; conformance = worked ÷ scheduled. Rows run as the
runtime role: a caller sees only the segments and entries of LOBs in their scope, so
a multi-client agent's other clients never appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.db.sql_files import sql_text
from switchboard.core.graphql.scalars import whole_minutes
from switchboard.core.identity.caller import Caller
from switchboard.plugins.scheduling.reports.scope import check_days, report_lobs
from switchboard.plugins.timekeeping.activities import CATEGORY, ActivityCategory, sql_list

SQL_PACKAGE = "switchboard.plugins.scheduling"
PRODUCTIVE = sql_list([a.value for a, c in CATEGORY.items() if c is ActivityCategory.PRODUCTIVE])


class Grouping(Enum):
    """A dimension adherence rows are rolled up by."""

    DAY = "day"
    CLIENT = "client_id"
    LOB = "lob_id"
    AGENT = "employee_id"


def cells_sql(lobs: str, start: str, end: str) -> str:
    """The ``WITH … cells`` clause (one row per client, LOB, employee and local day with
    scheduled, adherent and worked minutes) over the LOB ids of the SQL expression
    ``lobs`` and the local dates ``start`` to ``end`` (SQL expressions, both included):
    ``sql/adherence_cells.sql``, which ``scheduling.portal_adherence`` installs too."""
    return sql_text(SQL_PACKAGE, "adherence_cells", lobs=lobs, start=start, end=end, productive=PRODUCTIVE)


CELLS = cells_sql("CAST(:lobs AS uuid[])", ":start", ":end")


# a roll-up cell's place in a report: day, client, LOB and agent (those not grouped by are None)
CELL_KEYS = ("day", "client_id", "lob_id", "employee_id")


@dataclass(frozen=True)
class AdherenceRow:
    """Minutes of one roll-up cell; a dimension not grouped by is None."""

    day: date | None
    client_id: UUID | None
    lob_id: UUID | None
    employee_id: UUID | None
    scheduled_minutes: Decimal
    adherent_minutes: Decimal
    worked_minutes: Decimal

    @property
    def adherence(self) -> Decimal | None:
        """Adherent ÷ scheduled minutes (None when nothing was scheduled)."""
        return ratio(self.adherent_minutes, self.scheduled_minutes)

    @property
    def conformance(self) -> Decimal | None:
        """Worked ÷ scheduled minutes (None when nothing was scheduled)."""
        return ratio(self.worked_minutes, self.scheduled_minutes)

    def whole_minutes(self) -> dict[str, int | None]:
        """The three minute counts as the whole minutes they are shown as, by field name."""
        return {name: whole_minutes(getattr(self, name))
                for name in ("scheduled_minutes", "adherent_minutes", "worked_minutes")}


def ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    """``part / whole`` to four places, None when ``whole`` is zero."""
    return None if not whole else (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"))


def rollup_sql(by: list[Grouping], cells: str = CELLS) -> str:
    """The statement rolling ``cells`` (a ``WITH`` clause defining ``cells``) up by the
    dimensions ``by`` (fixed column names only)."""
    dims = [g for g in Grouping if g in by]
    select = ", ".join(g.value if g in dims else f"NULL AS {g.value}" for g in Grouping)
    group = f" GROUP BY {', '.join(g.value for g in dims)}" if dims else ""
    order = f" ORDER BY {', '.join(g.value for g in dims)}" if dims else ""
    return (f"{cells} SELECT {select}, round(sum(scheduled), 2) AS scheduled_minutes,"
            f" round(sum(adherent), 2) AS adherent_minutes, round(sum(worked), 2) AS worked_minutes"
            f" FROM cells{group}{order}")


async def adherence(db: DbSession, caller: Caller, start: date, end: date, by: list[Grouping],
                    lob_ids: list[UUID] | None = None) -> list[AdherenceRow]:
    """Adherence and conformance from ``start`` to ``end`` (local dates, both included),
    rolled up by ``by`` (none: one total), over the LOBs the caller may report on."""
    check_days(start, end)
    lobs = [r.id for r in await report_lobs(db, caller, lob_ids)]
    rows = await db.all(rollup_sql(by), {"lobs": lobs, "start": start, "end": end})
    return [AdherenceRow(r.day, r.client_id, r.lob_id, r.employee_id, r.scheduled_minutes, r.adherent_minutes,
                         r.worked_minutes) for r in rows if r.scheduled_minutes or r.worked_minutes]
