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

from typing import Any

import strawberry
from strawberry.extensions.field_extension import FieldExtension
from strawberry.permission import BasePermission, PermissionExtension
from strawberry.types.field import StrawberryField


class Requires(BasePermission):
    """The caller holds ``key`` on some scope (``require_somewhere``: FORBIDDEN, or
    MFA_REQUIRED when the key needs a recent second factor)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        info.context.me.require_somewhere(self.key)
        return True


class SignedIn(BasePermission):
    """Any authenticated caller (UNAUTHENTICATED otherwise)."""

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        info.context.me  # noqa: B018 (raises UNAUTHENTICATED without a caller)
        return True


class FieldAccess(PermissionExtension):
    """A root field's access declaration: its check, and the sentence it adds to the
    field's description."""

    def __init__(self, permission: BasePermission | None, sentence: str) -> None:
        super().__init__(permissions=[permission] if permission else [], use_directives=False)
        self.sentence = sentence

    def apply(self, field: StrawberryField) -> None:
        super().apply(field)
        if self.sentence not in (field.description or ""):
            field.description = f"{field.description or ''} {self.sentence}".strip()


def requires(key: str) -> FieldExtension:
    """The caller must hold permission ``key`` on some scope."""
    return FieldAccess(Requires(key), f"Requires `{key}`.")


def signed_in() -> FieldExtension:
    """Any signed-in caller may call the field (what it returns is the caller's own)."""
    return FieldAccess(SignedIn(), "Open to every signed-in caller.")


def anyone() -> FieldExtension:
    """The field is called before signing in (logging in, redeeming a one-time code)."""
    return FieldAccess(None, "No sign-in needed.")


def access_of(field: StrawberryField) -> FieldAccess | None:
    """The access declaration of a field, or None when it has none."""
    found = [e for e in field.extensions if isinstance(e, FieldAccess)]
    return found[0] if len(found) == 1 else None
