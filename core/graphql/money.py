"""Money in GraphQL: a Decimal amount with its ISO 4217 currency, never a float."""

from __future__ import annotations

from decimal import Decimal

import strawberry


@strawberry.type(description="An amount of money in one currency.")
class Money:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CAD.")
