"""GraphQL type of a ranked candidate for one open shift."""

from __future__ import annotations

from typing import Any

import strawberry

from switchboard.core.graphql.money import Money
from switchboard.core.graphql.scalars import whole_minutes
from switchboard.core.workforce.types import Employee, IneligibilityReason, ineligibility_reasons
from switchboard.plugins.scheduling.planning.week_problem import MAX_CONSECUTIVE_DAYS, MIN_REST_MINUTES


@strawberry.type(description="A candidate for one open shift: whether they fit, every reason not, and the figures"
                             " their rank is made of.")
class OpenShiftCandidate:
    rank: int = strawberry.field(description="1 for the best candidate: fitting first, then fewer reasons, inside"
                                             " recorded availability, fewer published minutes that week, more rest"
                                             " around the shift, lower pay rate, name.")
    employee: Employee
    fits: bool = strawberry.field(description="No reason against taking the shift.")
    reasons: list[IneligibilityReason] = strawberry.field(
        description="eligibleAgents' reasons for the window, then SHIFT_OVERLAP, MIN_REST_NOT_MET and"
                    " MAX_CONSECUTIVE_DAYS_EXCEEDED against published shifts of every client.")
    scheduled_minutes: int = strawberry.field(
        description="Published paid minutes, every client, in the LOB-local week the shift starts in, outside it.")
    cap_headroom_minutes: int | None = strawberry.field(
        description="Minutes left under the assignment's weekly-hours cap once the shift is taken (the tightest"
                    " week it touches); negative: over. Null without an active assignment.")
    legal_headroom_minutes: int = strawberry.field(
        description="Minutes left under the legal weekly maximum, every client, once the shift is taken.")
    rest_before_minutes: int | None = strawberry.field(
        description="From the end of the previous published shift to the start (null: none within two weeks).")
    rest_after_minutes: int | None = strawberry.field(
        description="From the end to the next published shift (null: none within two weeks).")
    consecutive_days: int = strawberry.field(
        description="Days in a row with a shift it would make (LOB-local dates of shift starts).")
    pay_rate: Money | None = strawberry.field(description="Of the assignment to the LOB; null without one.")
    within_availability: bool | None = strawberry.field(
        description="Inside the employee's recorded weekly availability; null when none is recorded.")

    @classmethod
    def from_row(cls, r: Any) -> OpenShiftCandidate:
        reasons = ineligibility_reasons(r.all_reasons, hours=MIN_REST_MINUTES // 60, days=MAX_CONSECUTIVE_DAYS)
        return cls(
            rank=r.rank, employee=Employee.from_row(r), fits=r.fits, reasons=reasons,
            scheduled_minutes=whole_minutes(r.scheduled_minutes),
            cap_headroom_minutes=whole_minutes(r.cap_headroom_minutes),
            legal_headroom_minutes=whole_minutes(r.legal_headroom_minutes),
            rest_before_minutes=whole_minutes(r.rest_before_minutes),
            rest_after_minutes=whole_minutes(r.rest_after_minutes), consecutive_days=r.consecutive_days,
            pay_rate=Money.of(r.pay_rate, r.pay_currency),
            within_availability=r.within_availability,
        )
