"""Coded errors.

``UserError`` is a user-correctable refusal: mutations return it in their payload
with a stable ``code``, the ``field`` at fault and a message localized to the
caller. ``AccessError`` (authentication and permission failures) and ``LimitError``
(a request over a limit) surface as GraphQL errors whose ``extensions.code`` is
stable. Anything else is masked.
"""

from __future__ import annotations

from typing import Any


class SwitchboardError(Exception):
    """Base of every error Switchboard raises on purpose."""


class ConfigurationError(SwitchboardError):
    """The environment cannot run Switchboard (printed as one line by the CLI)."""


class UserError(SwitchboardError):
    """A refusal the caller can correct: bad input, conflict, unknown id."""

    def __init__(self, code: str, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params


class NotFound(UserError):
    """An id that does not exist *or* lies outside the caller's scope (never says which)."""

    def __init__(self, field: str | None = None, **params: Any) -> None:
        super().__init__("NOT_FOUND", field, **params)


class InputError(UserError):
    """An argument value refused before execution (a GraphQL error naming the argument).

    ``argument`` is the value's path as the request wrote it: the argument name and
    the path inside its value (``input.languages[0].proficiency``), or for a variable
    that did not coerce, ``$`` and the variable's path (``$input.hireDate``).
    """

    def __init__(self, code: str, argument: str | None, **params: Any) -> None:
        super().__init__(code, None, **params)
        self.argument = argument


class CodedError(SwitchboardError):
    """An error reported as a GraphQL error whose ``extensions.code`` is stable."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class AccessError(CodedError):
    """Authentication or authorization failure, reported as a GraphQL error with a code."""


class LimitError(CodedError):
    """A request over one of the platform's limits (cost, size, time), reported with a code."""


class ValidationErrors(SwitchboardError):
    """Several user errors found together (a whole form, a whole file)."""

    def __init__(self, errors: list[UserError]) -> None:
        super().__init__(", ".join(e.code for e in errors))
        self.errors = errors
