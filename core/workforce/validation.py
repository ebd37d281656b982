"""Checks of workforce inputs that need no database (dates, amounts, kinds, e-mails)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from switchboard.core.errors import UserError
from switchboard.core.scope.validation import between

CREDENTIAL_KIND = re.compile(r"^[a-z][a-z0-9_]*(:[a-z0-9_-]+)?$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
CAP_MIN, CAP_MAX = Decimal(1), Decimal(60)
PAY_MIN, PAY_MAX = Decimal(0), Decimal("99999.99")


def credential_kind(value: str, field: str = "kind") -> str:
    """A credential kind such as ``pci_clearance`` or ``cert:retailco`` (``INVALID_CREDENTIAL_KIND``)."""
    if not CREDENTIAL_KIND.match(value):
        raise UserError("INVALID_CREDENTIAL_KIND", field, value=value)
    return value


def email(value: str, field: str = "email") -> str:
    """An e-mail address (``INVALID_EMAIL``)."""
    value = value.strip()
    if not EMAIL.match(value) or len(value) > 254:
        raise UserError("INVALID_EMAIL", field, value=value)
    return value


def weekly_hours_cap(value: Decimal, field: str = "weeklyHoursCap") -> Decimal:
    """Hours a week, 1 to 60 (``CAP_OUT_OF_RANGE``)."""
    return between(value, CAP_MIN, CAP_MAX, "CAP_OUT_OF_RANGE", field)


def pay_rate(value: Decimal, field: str = "payRate") -> Decimal:
    """A non-negative hourly rate below 100 000 (``PAY_RATE_OUT_OF_RANGE``)."""
    return between(value, PAY_MIN, PAY_MAX, "PAY_RATE_OUT_OF_RANGE", field)


def not_before(end: date | None, start: date, field: str) -> None:
    """``end`` (an inclusive last day, None: open) is on or after ``start`` (``END_BEFORE_START``)."""
    if end is not None and end < start:
        raise UserError("END_BEFORE_START", field)


def after(end: date | None, start: date, field: str) -> None:
    """``end`` (an exclusive bound, None: open) is strictly after ``start`` (``END_BEFORE_START``)."""
    if end is not None and end <= start:
        raise UserError("END_BEFORE_START", field)
