"""Turn a constraint the database enforced into the coded error the caller sees.

The application validates first; these constraints back it so bad data that slips
past still cannot land. Each plugin declares what its constraint names mean
(``switchboard_constraint_errors``); the runtime builds one map of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from switchboard.core.errors import ConfigurationError, UserError


@dataclass(frozen=True)
class ConstraintError:
    """A database constraint (or a name a trigger raises with ``USING CONSTRAINT``) and the
    user error its violation means: ``code``, and the input ``field`` at fault, if one is."""

    name: str
    code: str
    field: str | None = None


class ConstraintErrors:
    """Every enabled plugin's constraint errors by constraint name (one owner per name)."""

    def __init__(self, owned: Iterable[tuple[str, Sequence[ConstraintError]]]) -> None:
        """``owned``: ``(plugin name, declarations)`` pairs; a name declared twice is a ``ConfigurationError``."""
        self._errors: dict[str, ConstraintError] = {}
        owners: dict[str, str] = {}
        for plugin, errors in owned:
            for error in errors:
                if error.name in owners:
                    raise ConfigurationError(f"constraint {error.name!r} is declared by both"
                                             f" {owners[error.name]!r} and {plugin!r}")
                owners[error.name] = plugin
                self._errors[error.name] = error

    def __contains__(self, name: object) -> bool:
        return name in self._errors

    def declared(self) -> list[ConstraintError]:
        """Every declared constraint error, in declaration order."""
        return list(self._errors.values())

    def user_error(self, exc: BaseException) -> UserError | None:
        """The user error for a constraint violation, or None when it is not one declared."""
        from sqlalchemy.exc import DBAPIError  # not at import: plugins load without SQLAlchemy

        orig = getattr(exc, "orig", None) if isinstance(exc, DBAPIError) else None
        name = getattr(getattr(orig, "diag", None), "constraint_name", None)
        error = self._errors.get(name) if name else None
        return UserError(error.code, error.field) if error else None
