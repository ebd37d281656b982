"""Mutation payloads: the result, or coded errors naming the field, localized."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from functools import cache
from typing import Any, TypeVar

import strawberry
from sqlalchemy.exc import DBAPIError
from strawberry.types.base import StrawberryList, StrawberryOptional

from switchboard.core.errors import UserError, ValidationErrors

P = TypeVar("P")
T = TypeVar("T")


@strawberry.type(name="UserError", description="A refusal the caller can correct.")
class UserErrorType:
    code: str = strawberry.field(description="Stable machine-readable code, e.g. ASSIGNMENT_OVERLAP.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str = strawberry.field(description="Human-readable message in the caller's language.")


def _same(result: T) -> T:
    return result


async def mutate(info: strawberry.Info, payload: type[P], action: Callable[[], Awaitable[T]],
                 build: Callable[[T], Any] = _same, *, fields: Mapping[str, Callable[[T], Any]] | None = None,
                 keep_writes: bool = False) -> P:
    """Run a mutation's ``action`` and answer ``payload`` with its result or its coded errors.

    ``action`` runs in a savepoint: a ``UserError``, ``ValidationErrors`` or a violation of a
    constraint declared by ``switchboard_constraint_errors`` rolls all of it back and becomes
    ``errors``; anything else fails the request. On success the payload's result field (its one
    field besides ``errors``) is ``build(result)``; refused, it is empty: null, or ``[]`` / ``false``
    when the field is a non-null list / Boolean. A payload with several result fields takes
    ``fields={"name": build, ...}`` instead, one builder per field. ``keep_writes=True`` runs
    without the savepoint, so a refused ``action`` keeps what it wrote (failed logins count); a
    database error then fails the request.
    """
    empty = _result_fields(payload)
    if fields is None:
        if len(empty) != 1:
            raise TypeError(f"{payload.__name__} has result fields {sorted(empty)}: pass fields=")
        fields = {next(iter(empty)): build}
    elif set(fields) != set(empty):
        raise TypeError(f"{payload.__name__} has result fields {sorted(empty)}, fields= names {sorted(fields)}")
    ctx = info.context
    try:
        if keep_writes:
            result = await action()
        else:
            async with ctx.db.savepoint():
                result = await action()
    except UserError as exc:
        refusals = [exc]
    except ValidationErrors as exc:
        refusals = exc.errors
    except DBAPIError as exc:
        mapped = None if keep_writes else ctx.runtime.constraint_errors.user_error(exc)
        if mapped is None:
            raise
        refusals = [mapped]
    else:
        return payload(**{name: make(result) for name, make in fields.items()}, errors=[])
    return payload(**{name: make() for name, make in empty.items()}, errors=[ctx.user_error(e) for e in refusals])


@cache
def _result_fields(payload: type) -> dict[str, Callable[[], Any]]:
    """The payload's fields besides ``errors``, each with the maker of its refused value."""
    empty: dict[str, Callable[[], Any]] = {}
    for field in payload.__strawberry_definition__.fields:
        if field.python_name == "errors":
            continue
        if isinstance(field.type, StrawberryOptional):
            empty[field.python_name] = lambda: None
        elif isinstance(field.type, StrawberryList):
            empty[field.python_name] = list
        elif field.type is bool:
            empty[field.python_name] = bool
        else:
            raise TypeError(f"{payload.__name__}.{field.python_name} must be nullable, a list or a Boolean")
    return empty
