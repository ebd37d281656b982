"""Mutation payloads: the result, or coded errors naming the field, localized."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from sqlalchemy.exc import DBAPIError

from switchboard.core.errors import UserError, ValidationErrors

T = TypeVar("T")


@strawberry.type(name="UserError", description="A refusal the caller can correct.")
class UserErrorType:
    code: str = strawberry.field(description="Stable machine-readable code, e.g. ASSIGNMENT_OVERLAP.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str = strawberry.field(description="Human-readable message in the caller's language.")


async def atomically(info: strawberry.Info, action: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserErrorType]]:
    """Run a mutation's work in a savepoint; a refusal rolls all of it back.

    Returns ``(result, [])`` or ``(None, errors)``. Constraint violations the
    database raises are mapped to the same coded errors as the application's checks.
    """
    ctx = info.context
    try:
        async with ctx.db.savepoint():
            return await action(), []
    except UserError as exc:
        return None, [ctx.user_error(exc)]
    except ValidationErrors as exc:
        return None, [ctx.user_error(e) for e in exc.errors]
    except DBAPIError as exc:
        mapped = ctx.runtime.constraint_errors.user_error(exc)
        if mapped is None:
            raise
        return None, [ctx.user_error(mapped)]


def payload(cls: type[T], field_name: str) -> Callable[[Any, list[UserErrorType]], T]:
    """Build ``cls(<field_name>=result, errors=errors)``."""

    def build(result: Any, errors: list[UserErrorType]) -> T:
        return cls(**{field_name: result, "errors": errors})

    return build
