"""Length caps of string arguments and input fields, declared once where they are defined.

Every ``String`` value a request passes is capped: by ``@maxLength`` on its argument
or input field where the domain asks for a tighter cap (``Annotated[str, capped(SEARCH)]``,
``capped_field(NAME)``), else by ``Settings.max_string_length``. The input guard
(:mod:`.input_guard`) enforces both before execution, for literals and variables
alike. A cap is a ceiling on what a request may cost, not the domain's validation:
where a resolver already refuses a length in its payload (``TOO_LONG`` on a note),
the argument keeps the default cap so that refusal still reaches the payload.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLArgument, GraphQLInputField
from strawberry.schema_directive import Location

SEARCH = 100  # a search term
NAME = 200  # a name or title
CODE = 64  # a code, kind, role or table name


@strawberry.schema_directive(
    locations=[Location.ARGUMENT_DEFINITION, Location.INPUT_FIELD_DEFINITION],
    description="The value may have at most `max` characters (otherwise TOO_LONG).",
)
class MaxLength:
    max: int


def capped(limit: int, **options: Any) -> Any:
    """An argument annotation capping its value at ``limit`` characters (other
    ``strawberry.argument`` options in ``options``): ``search: Annotated[str | None, capped(SEARCH)] = None``."""
    return strawberry.argument(directives=[MaxLength(max=limit)], **options)


def capped_field(limit: int, **options: Any) -> Any:
    """An input field capped at ``limit`` characters (other ``strawberry.field`` options in ``options``)."""
    return strawberry.field(directives=[MaxLength(max=limit)], **options)


def declared_cap(definition: GraphQLArgument | GraphQLInputField) -> int | None:
    """The ``@maxLength`` declared on an argument or input field, if any."""
    declared = definition.extensions.get("strawberry-definition")
    for directive in getattr(declared, "directives", None) or ():
        if isinstance(directive, MaxLength):
            return directive.max
    return None
