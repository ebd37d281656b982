"""Money in GraphQL: a Decimal amount with its ISO 4217 currency, never a float."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from babel.numbers import format_currency


@strawberry.type(description="An amount of money in one currency: amount is a Decimal string, e.g."
                             " {amount: \"27.50\", currency: \"CAD\"}.")
class Money:
    amount: Decimal
    currency: str = strawberry.field(description="ISO 4217 code, e.g. CAD.")

    @strawberry.field(description="The amount in the caller's language with its currency, e.g. \"CA$27.50\" in"
                                  " English, \"27,50 $CA\" in French.")
    def text(self, info: strawberry.Info) -> str:
        return format_currency(self.amount, self.currency, locale=info.context.lang)

    @classmethod
    def of(cls, amount: Decimal | None, currency: str) -> Money | None:
        """``amount`` in ``currency``; None when there is no amount."""
        return None if amount is None else cls(amount=amount, currency=currency)
