"""What every argument value must satisfy, whatever the field it is passed to.

Checked on the coerced value (graphql-core has already parsed ids, dates and
numbers), through lists and nested input objects:

* text carries no NUL character (PostgreSQL refuses it in ``text``): ``INVALID_CHARACTER``;
* text has at most its cap's characters (:mod:`.caps`): ``TOO_LONG`` with ``max``;
* a list has at most its cap's items (:mod:`.caps`): ``TOO_MANY_IDS`` (a list of ids) or
  ``TOO_MANY_ITEMS`` with ``max``, its items then left unread;
* dates and date-times lie in the supported years, ``MIN_DATE``..``MAX_DATE``, so date
  arithmetic can never overflow (a ``to`` of 9999-12-31 plus a day): ``DATE_OUT_OF_RANGE``;
* decimals are finite and of a sane size (``NaN`` cannot even be compared): ``BAD_USER_INPUT``;
* a ``Percent`` lies in 0–100, a ``Fraction`` in 0–1 (:mod:`.scalars`): ``PERCENT_OUT_OF_RANGE``,
  ``FRACTION_OUT_OF_RANGE`` with ``min`` and ``max``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

from graphql import GraphQLInputType, get_named_type, is_input_object_type, is_list_type, is_non_null_type

from switchboard.core.errors import InputError

from .caps import Caps, caps_of
from .scalars import range_errors

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2200, 12, 31)
MAX_DECIMAL_DIGITS = 34  # significant digits (IEEE 754 decimal128)
MAX_DECIMAL_MAGNITUDE = 15  # at most 10^15 in absolute value


ID_TYPES = frozenset({"ID", "UUID"})


def value_errors(value: Any, type_: GraphQLInputType, path: str, caps: Caps, defaults: Caps) -> Iterator[InputError]:
    """The refusals of one coerced argument value of ``type_``; ``path`` names it, ``caps``
    are those of its argument or input field, ``defaults`` those of a field declaring none."""
    if value is None:
        return
    if is_non_null_type(type_):
        type_ = type_.of_type  # type: ignore[union-attr]
    if is_list_type(type_):
        items = value if isinstance(value, list) else [value]
        if len(items) > caps.items:
            many = "TOO_MANY_IDS" if get_named_type(type_).name in ID_TYPES else "TOO_MANY_ITEMS"
            yield InputError(many, path, max=caps.items)
            return
        for index, item in enumerate(items):
            yield from value_errors(item, type_.of_type, f"{path}[{index}]", caps, defaults)  # type: ignore[union-attr]
    elif is_input_object_type(type_):
        for name, field in type_.fields.items():  # type: ignore[union-attr]
            if name in value:
                yield from value_errors(value[name], field.type, f"{path}.{name}", caps_of(field, defaults), defaults)
    else:
        yield from leaf_errors(value, path, caps.length)
        yield from range_errors(getattr(type_, "name", ""), value, path)


def leaf_errors(value: Any, path: str, cap: int) -> Iterator[InputError]:
    """The refusals of a scalar's value (a JSON scalar's strings included)."""
    if isinstance(value, str):
        if "\x00" in value:
            yield InputError("INVALID_CHARACTER", path)
        elif len(value) > cap:
            yield InputError("TOO_LONG", path, max=cap)
    elif isinstance(value, date):  # date-times too
        if not MIN_DATE.year <= value.year <= MAX_DATE.year:
            yield InputError("DATE_OUT_OF_RANGE", path, min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat())
    elif isinstance(value, Decimal):
        if not value.is_finite() or value.adjusted() >= MAX_DECIMAL_MAGNITUDE \
                or len(value.as_tuple().digits) > MAX_DECIMAL_DIGITS:
            yield InputError("BAD_USER_INPUT", path)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_errors(key, path, cap)
            yield from leaf_errors(item, f"{path}.{key}", cap)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_errors(item, f"{path}[{index}]", cap)
