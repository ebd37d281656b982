"""Who may call a root field, declared on the field itself.

Every root field of both schemas declares one of three things (a test walks them all):

    @strawberry.field(description="…", extensions=[requires(READ)])   # holds READ on some scope
    @strawberry.field(description="…", extensions=[signed_in()])      # any signed-in caller
    @strawberry.mutation(description="…", extensions=[anyone()])      # no sign-in (logging in)

The declaration is checked before the resolver runs, and appended to the field's
description (``Requires `timekeeping.entry.read`.``), so the schema documents it. It is
the first gate, not the only one: the service still checks the key on the scope it acts
on (a caller holding it on one client does not act on another), and row security
narrows every statement to the caller's scopes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.types.field import StrawberryField

Check = Callable[[strawberry.Info], None]


def _holds(key: str) -> Check:
    def check(info: strawberry.Info) -> None:
        info.context.me.require_somewhere(key)

    return check


def _signed_in(info: strawberry.Info) -> None:
    info.context.me  # noqa: B018 (raises UNAUTHENTICATED without a caller)


class FieldAccess(FieldExtension):
    """A root field's access declaration: its check, run before the resolver, and the
    sentence it adds to the field's description. ``key`` is the permission it requires,
    if any."""

    def __init__(self, check: Check | None, sentence: str, key: str | None = None) -> None:
        self.check = check
        self.sentence = sentence
        self.key = key

    def apply(self, field: StrawberryField) -> None:
        if self.sentence not in (field.description or ""):
            field.description = f"{field.description or ''} {self.sentence}".strip()

    # ``source`` and ``info`` are positional only: a field may take an argument named ``source``.
    def resolve(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, /, **kwargs: Any) -> Any:
        if self.check is not None:
            self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Callable[..., Any], source: Any, info: strawberry.Info, /,
                            **kwargs: Any) -> Any:
        if self.check is not None:
            self.check(info)
        result = next_(source, info, **kwargs)
        return result if inspect.isasyncgen(result) else await result


def requires(key: str) -> FieldExtension:
    """The caller must hold permission ``key`` on some scope (``require_somewhere``:
    FORBIDDEN, or MFA_REQUIRED when the key needs a recent second factor)."""
    return FieldAccess(_holds(key), f"Requires `{key}`.", key)


def signed_in() -> FieldExtension:
    """Any signed-in caller may call the field (what it returns is the caller's own);
    UNAUTHENTICATED otherwise."""
    return FieldAccess(_signed_in, "Open to every signed-in caller.")


def anyone() -> FieldExtension:
    """The field is called before signing in (logging in, redeeming a one-time code)."""
    return FieldAccess(None, "No sign-in needed.")


def access_of(field: StrawberryField) -> FieldAccess | None:
    """The access declaration of a field, or None when it has none."""
    found = [e for e in field.extensions if isinstance(e, FieldAccess)]
    return found[0] if len(found) == 1 else None
