"""Logging GraphQL errors: one line for a client's error, a traceback for a real fault.

Strawberry logs every error with the traceback of its cause, so a typo in a client's
variable looks like a crash. A client error (one Switchboard raised on purpose, or a
document that does not parse or validate) is logged at INFO as one line with its
code, where it happened and the argument at fault; an error that would be masked as
``INTERNAL_ERROR`` is a fault and keeps its traceback at ERROR.
"""

from __future__ import annotations

import logging
from typing import Any

import strawberry
from graphql import GraphQLError, GraphQLSyntaxError

from switchboard.core.errors import AccessError, InputError, SwitchboardError, UserError

logger = logging.getLogger("switchboard.graphql")


def client_line(error: GraphQLError) -> str | None:
    """The one log line of a client's error, or None when ``error`` is a fault."""
    original = error.original_error
    where = ".".join(map(str, error.path)) if error.path else "-"
    if isinstance(original, InputError):
        return f"{original.code} at {where} argument={original.argument}"
    if isinstance(original, (AccessError, UserError)):
        field = f" field={original.field}" if isinstance(original, UserError) and original.field else ""
        return f"{original.code} at {where}{field}"
    if isinstance(original, SwitchboardError):
        return f"{type(original).__name__} at {where}"
    if original is None:
        code = "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else "GRAPHQL_VALIDATION_FAILED"
        return f"{code} at {where}: {error.message}"
    return None


class LoggedSchema(strawberry.Schema):
    """A Strawberry schema whose errors are logged as :mod:`this module <.error_log>` says."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        for error in errors:
            line = client_line(error)
            if line is None:
                logger.error("fault at %s: %s", ".".join(map(str, error.path or ())) or "-", error.message,
                             exc_info=error.original_error)
            else:
                logger.info("client error %s", line)
