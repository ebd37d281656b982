"""Checks shared by every module's inputs (time zones, region codes, currencies, ranges)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import available_timezones

from babel.numbers import list_currencies

from switchboard.core.errors import UserError

REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{1,31}$")
LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")
_TIMEZONES = frozenset(available_timezones())
_CURRENCIES = frozenset(list_currencies())


def aware(value: datetime, field: str) -> datetime:
    """A moment with its UTC offset (``TIMEZONE_REQUIRED``): a local time is never guessed."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise UserError("TIMEZONE_REQUIRED", field)
    return value


def timezone(value: str, field: str = "timezone") -> str:
    """An IANA time zone name (``INVALID_TIMEZONE``)."""
    if value not in _TIMEZONES:
        raise UserError("INVALID_TIMEZONE", field, value=value)
    return value


def region(value: str, field: str) -> str:
    """An ISO 3166 country or subdivision code such as ``CA`` or ``CA-QC`` (``INVALID_REGION``)."""
    if not REGION.match(value):
        raise UserError("INVALID_REGION", field, value=value)
    return value


def residency(values: list[str], field: str = "residencyRegions") -> list[str]:
    """Permitted data-residency regions: region codes, or ``EU``."""
    return [v if v == "EU" else region(v, field) for v in values]


def currency(value: str, field: str = "currency") -> str:
    """An ISO 4217 currency code (``INVALID_CURRENCY``)."""
    if value not in _CURRENCIES:
        raise UserError("INVALID_CURRENCY", field, value=value)
    return value


def code(value: str, field: str = "code") -> str:
    """A short upper-case code (``INVALID_CODE``)."""
    if not CODE.match(value):
        raise UserError("INVALID_CODE", field, value=value)
    return value


def language(value: str, field: str = "language") -> str:
    """A language tag such as ``fr`` or ``fr-CA`` (``INVALID_LANGUAGE``)."""
    if not LANGUAGE.match(value):
        raise UserError("INVALID_LANGUAGE", field, value=value)
    return value


def text(value: str, field: str, max_length: int = 200) -> str:
    """A non-blank string of at most ``max_length`` characters (``REQUIRED`` / ``TOO_LONG``)."""
    value = value.strip()
    if not value:
        raise UserError("REQUIRED", field)
    if len(value) > max_length:
        raise UserError("TOO_LONG", field, max=max_length)
    return value


def between(value: float, low: float, high: float, code_: str, field: str) -> float:
    """``low <= value <= high`` or ``code_``."""
    if not low <= value <= high:
        raise UserError(code_, field, min=low, max=high)
    return value
