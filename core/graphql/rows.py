"""Database rows to Strawberry objects: each field from the row's column of the same name."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from enum import Enum
from functools import cache
from typing import Any, ClassVar, Self, TypeVar

from strawberry.types.base import StrawberryList, StrawberryOptional
from strawberry.types.enum import StrawberryEnumDefinition

Convert = Callable[[Any], Any]
T = TypeVar("T")


def build(cls: type[T], row: Any, renames: Mapping[str, str] | None = None, **overrides: Any) -> T:
    """``cls`` filled from ``row``: every field not in ``overrides`` takes the row attribute of the same
    name, or of ``renames[field]``; a field typed by an Enum (optional, or a list of them) gets
    ``EnumType(value)``, any other list a list copy. A column the row lacks raises AttributeError
    naming the type, the field and the column."""
    values = dict(overrides)
    for name, convert in _converters(cls):
        if name in values:
            continue
        column = renames.get(name, name) if renames else name
        try:
            value = getattr(row, column)
        except AttributeError:
            raise AttributeError(f"{cls.__name__}.{name}: the row has no column {column!r}") from None
        values[name] = convert(value)
    return cls(**values)


class FromRow:
    """Mixin giving a Strawberry type ``from_row(row, **overrides)`` (see ``build``); a type whose
    fields are named differently from their columns sets ``row_renames`` (field -> column)."""

    row_renames: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def from_row(cls, row: Any, **overrides: Any) -> Self:
        """The object for one row; ``overrides`` give the fields that are computed."""
        return build(cls, row, cls.row_renames, **overrides)


@cache
def _converters(cls: type) -> tuple[tuple[str, Convert], ...]:
    """The constructor's fields of ``cls`` with how each row value is converted."""
    definition = getattr(cls, "__strawberry_definition__", None)
    typed = {f.python_name: f for f in definition.fields} if definition else {}
    return tuple((f.name, _converter(typed[f.name].type) if f.name in typed else _same)
                 for f in dataclasses.fields(cls) if f.init)


def _converter(t: Any) -> Convert:
    if isinstance(t, StrawberryOptional):
        inner = _converter(t.of_type)
        return _same if inner is _same else lambda v: None if v is None else inner(v)
    if isinstance(t, StrawberryList):
        item = _converter(t.of_type)
        return lambda v: None if v is None else [item(x) for x in v]
    if isinstance(t, StrawberryEnumDefinition):
        return t.wrapped_cls
    if isinstance(t, type) and issubclass(t, Enum):
        return t
    return _same


def _same(v: Any) -> Any:
    return v
