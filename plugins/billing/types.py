"""GraphQL types of billing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from switchboard.core.scope.types import Client, Lob, client_by_id, lob_by_id
from switchboard.core.workforce.types import Employee, employee_by_id
from switchboard.plugins.timekeeping.activities import Activity

from . import service

BillingGroup = strawberry.enum(service.Group, name="BillingGroup",
                               description="What billable hours are grouped by (always by currency too).")


@strawberry.enum(description="Who pays the overtime and stat-holiday premium.")
class PremiumPayer(Enum):
    CLIENT = "client"
    BPO = "bpo"


@strawberry.enum(description="How an employee's overtime is attributed to the clients they worked for.")
class OvertimeAttribution(Enum):
    CHRONOLOGICAL = "chronological"
    PROPORTIONAL = "proportional"


@strawberry.type(description="Hours and amounts of one group. Amounts are in `currency`; hours are real"
                 " elapsed time, split into regular, overtime, double time and stat-holiday time.")
class BillableHoursRow:
    client_id: UUID | None
    lob_id: UUID | None
    employee_id: UUID | None
    day: date | None = strawberry.field(description="Work date (the LOB's local date).")
    week: date | None = strawberry.field(description="Monday of the work date's week.")
    currency: str
    regular_hours: Decimal
    overtime_hours: Decimal
    double_time_hours: Decimal
    holiday_hours: Decimal
    regular_amount: Decimal
    overtime_amount: Decimal
    double_time_amount: Decimal
    holiday_amount: Decimal

    @classmethod
    def from_row(cls, r: Any) -> BillableHoursRow:
        m = r._mapping
        return cls(**{name: m.get(name) for name in (
            "client_id", "lob_id", "employee_id", "day", "week", "currency", "regular_hours", "overtime_hours",
            "double_time_hours", "holiday_hours", "regular_amount", "overtime_amount", "double_time_amount",
            "holiday_amount")})

    @strawberry.field
    def total_hours(self) -> Decimal:
        return self.regular_hours + self.overtime_hours + self.double_time_hours + self.holiday_hours

    @strawberry.field
    def total_amount(self) -> Decimal:
        return self.regular_amount + self.overtime_amount + self.double_time_amount + self.holiday_amount

    @strawberry.field
    async def client(self, info: strawberry.Info) -> Client | None:
        return None if self.client_id is None else await client_by_id(info.context).load(self.client_id)

    @strawberry.field
    async def lob(self, info: strawberry.Info) -> Lob | None:
        return None if self.lob_id is None else await lob_by_id(info.context).load(self.lob_id)

    @strawberry.field
    async def employee(self, info: strawberry.Info) -> Employee | None:
        return None if self.employee_id is None else await employee_by_id(info.context).load(self.employee_id)


@strawberry.type(description="Commercial terms of a client, or of one of its LOBs (which win), over a period.")
class BillingTerms:
    id: UUID
    client_id: UUID
    lob_id: UUID | None
    valid_from: date
    valid_to: date | None = strawberry.field(description="Last day (inclusive); null: open-ended.")
    billable_activities: list[Activity]
    bill_rate: Decimal
    currency: str
    overtime_multiplier: Decimal
    double_time_multiplier: Decimal
    holiday_multiplier: Decimal
    premium_payer: PremiumPayer
    rounding_minutes: int = strawberry.field(description="Invoice lines round hours to this increment.")

    @classmethod
    def from_row(cls, r: Any) -> BillingTerms:
        return cls(
            id=r.id, client_id=r.client_id, lob_id=r.lob_id, valid_from=r.valid_from, valid_to=r.valid_to,
            billable_activities=[Activity(a) for a in r.billable_activities], bill_rate=r.bill_rate,
            currency=r.currency, overtime_multiplier=r.overtime_multiplier,
            double_time_multiplier=r.double_time_multiplier, holiday_multiplier=r.holiday_multiplier,
            premium_payer=PremiumPayer(r.premium_payer), rounding_minutes=r.rounding_minutes,
        )
