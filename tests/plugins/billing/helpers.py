"""Shared set-up of the billing tests: terms, entries written by the owner, the query."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import text

HOURS = """query($from: Date!, $to: Date!, $client: UUID, $lob: UUID, $by: [BillingGroup!]) {
  billableHours(from: $from, to: $to, clientId: $client, lobId: $lob, groupBy: $by) {
    clientId lobId employeeId day week currency regularHours overtimeHours doubleTimeHours holidayHours
    totalHours regularAmount overtimeAmount doubleTimeAmount holidayAmount totalAmount
  }
}"""
FIELDS = ("regularHours", "overtimeHours", "doubleTimeHours", "holidayHours")


def terms(conn, tenant: UUID, client: UUID, rate: str = "30.00", lob: UUID | None = None,
          activities: tuple[str, ...] = ("handling", "after_contact_work", "available", "training"),
          currency: str = "CAD", payer: str = "client", start: date = date(2026, 1, 1)) -> UUID:
    return conn.execute(text(
        "INSERT INTO billing_terms (tenant_id, client_id, lob_id, valid_during, billable_activities, bill_rate,"
        " currency, premium_payer) VALUES (:t, :c, :l, daterange(:s, NULL), :a, :r, :cur, :p) RETURNING id"),
        {"t": tenant, "c": client, "l": lob, "s": start, "a": list(activities), "r": Decimal(rate),
         "cur": currency, "p": payer}).scalar_one()


def entry(conn, employee: UUID, lob: UUID, start: datetime, end: datetime, activity: str = "handling") -> UUID:
    """An entry on the employee's assignment to ``lob`` (the owner writes; triggers still check it)."""
    return conn.execute(text(
        "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity, started_at,"
        " ended_at, source, work_date, timezone, booked_on)"
        " SELECT a.tenant_id, a.client_id, a.lob_id, a.employee_id, a.id, :act, :s, :e, 'acd', NULL, NULL, NULL"
        " FROM assignment a WHERE a.employee_id = :emp AND a.lob_id = :lob RETURNING id"),
        {"emp": employee, "lob": lob, "s": start, "e": end, "act": activity}).scalar_one()


def hours(gql, token: str, first: str, last: str, by: list[str] | None = None, **kw: Any) -> list[dict]:
    body = gql(HOURS, {"from": first, "to": last, "by": by, **kw}, token=token)
    assert "errors" not in body, body
    return body["data"]["billableHours"]


def split(row: dict) -> tuple[Decimal, ...]:
    return tuple(Decimal(row[f]) for f in FIELDS)
