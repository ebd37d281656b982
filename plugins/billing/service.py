"""Billing services: commercial terms, the tenant's overtime attribution, billable hours.

Billable hours come from the time ledger in one statement: the classification
function splits each visible worked entry into regular, overtime, double-time and
stat-holiday time (overtime over all of the employee's clients together), and the
statement prices it with the terms in force on the entry's work date, as the
runtime role, so RLS bounds every row to the caller's scope. Money is Decimal in
the terms' currency; hours are real elapsed time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from strawberry.utils.str_converters import to_camel_case

from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.core.scope import validation as sv

from .permissions import HOURS_READ, POLICY_MANAGE, TERMS_MANAGE, TERMS_READ
from .rules import holidays_json, rules_json

MAX_DAYS = 366
MAX_ROWS = 5000
HOLIDAY_MARGIN = timedelta(days=10)  # the function reads whole weeks around the range


class Group(Enum):
    CLIENT = "e.client_id"
    LOB = "e.lob_id"
    EMPLOYEE = "e.employee_id"
    DAY = "e.work_date"
    WEEK = "date_trunc('week', e.work_date)::date"


GROUP_ALIASES = {Group.CLIENT: "client_id", Group.LOB: "lob_id", Group.EMPLOYEE: "employee_id",
                 Group.DAY: "day", Group.WEEK: "week"}

# premium multipliers apply only when the client pays the premium
PREMIUM = "CASE WHEN t.premium_payer = 'client' THEN t.{m} ELSE 1 END"
CLASSES = {
    "regular": "1",
    "overtime": PREMIUM.format(m="overtime_multiplier"),
    "double_time": PREMIUM.format(m="double_time_multiplier"),
    "holiday": PREMIUM.format(m="holiday_multiplier"),
}


def billable_hours_sql(groups: list[Group], by_terms: bool = False, limit: int = MAX_ROWS) -> str:
    """The statement behind ``billableHours`` for these groupings (always by currency too).

    ``by_terms`` groups by the terms in force as well (``terms_id``). Besides each
    class's hours and amount, every row carries its unrounded seconds (``<class>_seconds``).
    At most ``limit + 1`` rows, so a caller can tell there were more.
    """
    keys = [f"{g.value} AS {GROUP_ALIASES[g]}" for g in groups]
    grouping = [g.value for g in groups]
    if by_terms:
        keys.append("t.id AS terms_id")
        grouping.append("t.id")
    sums = []
    for name, multiplier in CLASSES.items():
        sums.append(f"sum(e.{name}) AS {name}_seconds")
        sums.append(f"round(sum(e.{name}) / 3600, 4) AS {name}_hours")
        sums.append(f"round(sum(e.{name} * t.bill_rate * {multiplier}) / 3600, 2) AS {name}_amount")
    group_by = ", ".join([*grouping, "t.currency"])
    return (
        f"SELECT {', '.join([*keys, 't.currency', *sums])}"
        " FROM billing.entry_hours(:from, :to, :client, :lob, CAST(:rules AS jsonb), CAST(:holidays AS jsonb)) e"
        # the LOB's own terms win over its client's
        " LEFT JOIN billing_terms lt ON lt.client_id = e.client_id AND lt.lob_id = e.lob_id"
        "  AND lt.valid_during @> e.work_date"
        " LEFT JOIN billing_terms ct ON ct.client_id = e.client_id AND ct.lob_id IS NULL"
        "  AND ct.valid_during @> e.work_date"
        " JOIN billing_terms t ON t.id = coalesce(lt.id, ct.id)"
        " WHERE e.activity = ANY (t.billable_activities)"
        f" GROUP BY {group_by} ORDER BY {group_by} LIMIT {limit + 1}"
    )


def row_keys(groups: list[Group]) -> list[str]:
    """The columns that tell billable-hours rows of these groupings apart: their groups and currency."""
    return [*(GROUP_ALIASES[g] for g in groups), "currency"]


def check_range(first: date, last: date, first_field: str = "from", last_field: str = "to") -> None:
    """``first <= last`` and at most a year (``END_BEFORE_START``, ``WINDOW_TOO_LONG``)."""
    if last < first:
        raise UserError("END_BEFORE_START", last_field)
    if (last - first).days >= MAX_DAYS:
        raise UserError("WINDOW_TOO_LONG", last_field, days=MAX_DAYS)


def classification_params(first: date, last: date, client_id: UUID | None, lob_id: UUID | None) -> dict[str, Any]:
    """The classification function's arguments for a range of work dates."""
    return {"from": first, "to": last, "client": client_id, "lob": lob_id, "rules": rules_json(),
            "holidays": holidays_json(first - HOLIDAY_MARGIN, last + HOLIDAY_MARGIN)}


async def billable_hours(db: DbSession, caller: Caller, first: date, last: date, client_id: UUID | None,
                         lob_id: UUID | None, groups: list[Group], limit: int = MAX_ROWS,
                         too_many: str = "TOO_MANY_ROWS") -> list[Any]:
    """Billable hours and amounts of work dates ``[first, last]`` in the caller's scope, grouped
    (``too_many`` when more than ``limit`` rows)."""
    caller.require_somewhere(HOURS_READ)
    check_range(first, last)
    groups = list(dict.fromkeys(groups))
    rows = await db.all(billable_hours_sql(groups, limit=limit), classification_params(first, last, client_id, lob_id))
    if len(rows) > limit:
        raise UserError(too_many, "groupBy", max=limit)
    return rows


# --- terms -----------------------------------------------------------------------------

TERMS_COLUMNS = "*, lower(valid_during) AS valid_from, upper(valid_during) - 1 AS valid_to"


@dataclass(frozen=True)
class TermsValues:
    client_id: UUID
    valid_from: date
    billable_activities: list[str]
    bill_rate: Decimal
    currency: str
    lob_id: UUID | None = None
    valid_to: date | None = None
    overtime_multiplier: Decimal = Decimal("1.5")
    double_time_multiplier: Decimal = Decimal(2)
    holiday_multiplier: Decimal = Decimal("1.5")
    premium_payer: str = "client"
    rounding_minutes: int = 1


ROUNDINGS = (1, 5, 6, 10, 15, 30, 60)


def validate_terms(v: TermsValues) -> None:
    """Every field's rule at once (the table's checks back each of them)."""
    errors = []
    if v.valid_to is not None and v.valid_to < v.valid_from:
        errors.append(UserError("END_BEFORE_START", "validTo"))
    if not v.billable_activities:
        errors.append(UserError("REQUIRED", "billableActivities"))
    if not (Decimal(0) < v.bill_rate < Decimal(100000)):
        errors.append(UserError("RATE_OUT_OF_RANGE", "billRate"))
    for name in ("overtime_multiplier", "double_time_multiplier", "holiday_multiplier"):
        if not (Decimal(1) <= getattr(v, name) <= Decimal(5)):
            errors.append(UserError("MULTIPLIER_OUT_OF_RANGE", to_camel_case(name)))
    if v.rounding_minutes not in ROUNDINGS:
        errors.append(UserError("ROUNDING_INVALID", "roundingMinutes", allowed=", ".join(map(str, ROUNDINGS))))
    try:
        sv.currency(v.currency, "currency")
    except UserError as exc:
        errors.append(exc)
    if errors:
        raise ValidationErrors(errors)


async def terms(db: DbSession, caller: Caller, client_id: UUID | None) -> list[Any]:
    """Visible terms, by client, LOB and start."""
    caller.require_somewhere(TERMS_READ)
    return await db.all(
        f"SELECT {TERMS_COLUMNS} FROM billing_terms WHERE CAST(:c AS uuid) IS NULL OR client_id = :c"
        " ORDER BY client_id, lob_id NULLS FIRST, lower(valid_during)",
        {"c": client_id},
    )


async def set_terms(db: DbSession, caller: Caller, v: TermsValues) -> Any:
    """Add effective-dated terms for a client (or one of its LOBs)."""
    caller.require_somewhere(TERMS_MANAGE)
    validate_terms(v)
    await db.first_or_not_found("SELECT id FROM client WHERE id = :id", {"id": v.client_id}, "clientId")
    if v.lob_id is not None:
        lob = await db.first_or_not_found("SELECT client_id FROM lob WHERE id = :id", {"id": v.lob_id}, "lobId")
        if lob.client_id != v.client_id:
            raise UserError("LOB_NOT_IN_CLIENT", "lobId")
    caller.require(TERMS_MANAGE, v.client_id, v.lob_id)
    until = None if v.valid_to is None else v.valid_to + timedelta(days=1)
    return await db.first(
        "INSERT INTO billing_terms (tenant_id, client_id, lob_id, valid_during, billable_activities, bill_rate,"
        " currency, overtime_multiplier, double_time_multiplier, holiday_multiplier, premium_payer,"
        " rounding_minutes) VALUES (:t, :c, :l, daterange(:f, :u), :acts, :rate, :cur, :ot, :dt, :hol,"
        f" :payer, :rounding) RETURNING {TERMS_COLUMNS}",
        {"t": caller.tenant_id, "c": v.client_id, "l": v.lob_id, "f": v.valid_from, "u": until,
         "acts": list(v.billable_activities), "rate": v.bill_rate, "cur": v.currency.upper(),
         "ot": v.overtime_multiplier, "dt": v.double_time_multiplier, "hol": v.holiday_multiplier,
         "payer": v.premium_payer, "rounding": v.rounding_minutes},
    )


async def set_attribution(db: DbSession, caller: Caller, mode: str) -> str:
    """Choose how the tenant attributes overtime to clients."""
    caller.require(POLICY_MANAGE)
    await db.execute(
        "INSERT INTO billing_policy (tenant_id, overtime_attribution) VALUES (:t, :m)"
        " ON CONFLICT (tenant_id) DO UPDATE SET overtime_attribution = EXCLUDED.overtime_attribution",
        {"t": caller.tenant_id, "m": mode},
    )
    return mode


async def attribution(db: DbSession, caller: Caller) -> str:
    """The tenant's overtime attribution (chronological unless chosen otherwise)."""
    caller.require_somewhere(HOURS_READ)
    return await db.scalar("SELECT overtime_attribution FROM billing_policy") or "chronological"

