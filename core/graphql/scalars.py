"""The scalars of both schemas, defined once: what each number on the wire means.

* ``Decimal`` — an exact decimal as a JSON string (``"27.50"``): money amounts, rates,
  multipliers and quantities billed exactly (invoice hours), nothing else;
* ``Percent`` — a JSON number from 0 to 100 (``85``): targets stated in percent;
* ``Fraction`` — a JSON number where 1 means 100 % (``0.32``): shares, ratios, levels;
* minute counts are ``Int`` (:func:`whole_minutes` is where a fractional count is rounded);
* durations in hours derived from measurements are ``Float``;
* an amount with its currency is ``Money { amount currency }`` (:mod:`.money`).

The database keeps ``numeric``; Python code keeps :class:`decimal.Decimal` (``Percent``
and ``Fraction`` are ``NewType`` s of it). Conversion happens here, at the GraphQL
boundary: a scalar's parser turns a JSON number into a ``Decimal`` (through its
shortest text, so ``0.3`` is ``Decimal("0.3")``) and its serializer turns a
``Decimal`` into a JSON number. A value outside a scalar's range is refused before
anything executes (:func:`range_errors`, called by the input guard), as a coded,
localized error naming the argument.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, NewType

import strawberry
from graphql import FloatValueNode, IntValueNode, ValueNode
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.types.base_scalars import (
    DateDefinition,
    DateTimeDefinition,
    DecimalDefinition,
    TimeDefinition,
    UUIDDefinition,
    wrap_parser,
)
from strawberry.types.scalar import ScalarDefinition

from switchboard.core.errors import InputError

from .node import parse_uuid

Percent = NewType("Percent", Decimal)
Fraction = NewType("Fraction", Decimal)


@dataclasses.dataclass(frozen=True)
class Bounds:
    """The closed range a numeric scalar's inputs must lie in, and the code refusing others."""

    low: Decimal
    high: Decimal
    code: str


def _number_parser(name: str) -> Callable[[object], Decimal]:
    """A parser taking a JSON number (not a string, not a boolean) to a finite Decimal."""

    def parse(value: object) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise StrawberryInputCoercionError(f"{name} cannot represent {value!r}: expected a JSON number.")
        return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)

    return parse


def _number_literal(name: str) -> Callable[..., Decimal]:
    """A literal parser taking an Int or Float literal of the document to a Decimal."""

    def parse(node: ValueNode, _variables: Any = None) -> Decimal:
        if not isinstance(node, (IntValueNode, FloatValueNode)):
            raise StrawberryInputCoercionError(f"{name} cannot represent a non-numeric literal.")
        try:
            return Decimal(node.value)
        except InvalidOperation:
            raise StrawberryInputCoercionError(f"{name} cannot represent {node.value}.") from None

    return parse


def _json_number(value: Any) -> float:
    """A Decimal (or any real number) as the JSON number it is sent as."""
    return float(value)


def _number_scalar(name: str, description: str) -> ScalarDefinition:
    return strawberry.scalar(name=name, description=description, serialize=_json_number,
                             parse_value=_number_parser(name), parse_literal=_number_literal(name))


PERCENT = _number_scalar(
    "Percent",
    "A percentage as a JSON number from 0 to 100, e.g. 85 for 85 %; inputs outside 0–100 are refused"
    " (PERCENT_OUT_OF_RANGE). Used for targets stated in percent (SLA targets).")

FRACTION = _number_scalar(
    "Fraction",
    "A share or ratio as a JSON number where 1 means 100 %, e.g. 0.32 for 32 %; inputs outside 0–1 are refused"
    " (FRACTION_OUT_OF_RANGE). Used for shrinkage, occupancy, adherence, service level, coverage and solver gaps;"
    " a ratio of two measurements (coverage, conformance) exceeds 1 when the first exceeds the second, as its"
    " field says.")

DECIMAL = dataclasses.replace(
    DecimalDefinition,
    description="An exact decimal number as a JSON string, e.g. \"27.50\" (a JSON number is accepted as input)."
                " Used only where exactness matters: money amounts, pay and bill rates, multipliers and hours billed"
                " exactly (invoices, billable hours). Amounts shown with their currency are Money.")

DATE = dataclasses.replace(DateDefinition, description="A calendar date, e.g. \"2025-03-14\" (ISO 8601).",
                           specified_by_url="https://scalars.graphql.org/andimarek/local-date.html")

DATE_TIME = dataclasses.replace(
    DateTimeDefinition, description="An instant with its UTC offset, e.g. \"2025-03-14T09:30:00+00:00\" (RFC 3339).",
    specified_by_url="https://scalars.graphql.org/andimarek/date-time.html")

TIME = dataclasses.replace(TimeDefinition, description="A time of day, e.g. \"09:30:00\" (ISO 8601).",
                           specified_by_url="https://scalars.graphql.org/andimarek/local-time.html")

UUID_SCALAR = dataclasses.replace(UUIDDefinition, description="An identifier, e.g."
                                  " \"0b3f6d1e-8c1a-4f7e-9a51-2f1d8c6b7e90\" (RFC 9562): an object's"
                                  " `databaseId`; as an argument, an object's global `id` is accepted too.",
                                  specified_by_url="https://www.rfc-editor.org/rfc/rfc9562",
                                  parse_value=wrap_parser(parse_uuid, "UUID"))

BOUNDS = {
    "Percent": Bounds(Decimal(0), Decimal(100), "PERCENT_OUT_OF_RANGE"),
    "Fraction": Bounds(Decimal(0), Decimal(1), "FRACTION_OUT_OF_RANGE"),
}


def scalar_config() -> StrawberryConfig:
    """The Strawberry configuration mapping Python types to these scalars."""
    from datetime import date, datetime, time
    from uuid import UUID

    return StrawberryConfig(scalar_map={Percent: PERCENT, Fraction: FRACTION, Decimal: DECIMAL, date: DATE,
                                        datetime: DATE_TIME, time: TIME, UUID: UUID_SCALAR})


def range_errors(scalar_name: str, value: Any, path: str) -> Iterator[InputError]:
    """The refusal of a parsed value of the scalar ``scalar_name`` outside its bounds, if any."""
    bounds = BOUNDS.get(scalar_name)
    if bounds is not None and isinstance(value, Decimal) and not bounds.low <= value <= bounds.high:
        yield InputError(bounds.code, path, min=_plain(bounds.low), max=_plain(bounds.high))


def whole_minutes(value: Decimal | float | int | None) -> int | None:
    """A count of minutes as the ``Int`` it is shown as, rounded half away from zero: the one place a
    fractional minute count (time entries keep seconds) becomes whole. Ratios are computed
    before rounding, from the exact counts."""
    if value is None:
        return None
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")
