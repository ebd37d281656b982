"""Caps of string and list arguments and input fields, declared once where they are defined.

Every ``String`` value a request passes is capped: by ``@maxLength`` on its argument
or input field where the domain asks for a tighter cap (``Annotated[str, capped(SEARCH)]``,
``capped_field(NAME)``), else by ``Settings.max_string_length``. Every list is capped the
same way: by ``@maxItems`` (``capped(items=500)``), else by ``Settings.max_list_items``;
a list of ids over its cap is ``TOO_MANY_IDS``, any other list ``TOO_MANY_ITEMS``. The input guard
(:mod:`.input_guard`) enforces both before execution, for literals and variables
alike. A cap is a ceiling on what a request may cost, not the domain's validation:
where a resolver already refuses a length in its payload (``TOO_LONG`` on a note),
the argument keeps the default cap so that refusal still reaches the payload.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import GraphQLArgument, GraphQLInputField
from strawberry.schema_directive import Location

SEARCH = 100  # a search term
NAME = 200  # a name or title
CODE = 64  # a code, kind, role or table name
BATCH = 500  # ids one call acts on or reads together (a team's week of entries)


@strawberry.schema_directive(
    locations=[Location.ARGUMENT_DEFINITION, Location.INPUT_FIELD_DEFINITION],
    description="The value may have at most `max` characters (otherwise TOO_LONG).",
)
class MaxLength:
    max: int


@strawberry.schema_directive(
    locations=[Location.ARGUMENT_DEFINITION, Location.INPUT_FIELD_DEFINITION],
    description="The list may have at most `max` items (otherwise TOO_MANY_IDS for ids, TOO_MANY_ITEMS).",
)
class MaxItems:
    max: int


@dataclass(frozen=True)
class Caps:
    """The caps of one argument or input field: characters of each string, items of each list."""

    length: int
    items: int


def _directives(limit: int | None, items: int | None) -> list[Any]:
    return [*([MaxLength(max=limit)] if limit else []), *([MaxItems(max=items)] if items else [])]


def capped(limit: int | None = None, *, items: int | None = None, **options: Any) -> Any:
    """An argument annotation capping its strings at ``limit`` characters and its lists at
    ``items`` (other ``strawberry.argument`` options in ``options``):
    ``search: Annotated[str | None, capped(SEARCH)] = None``, ``ids: Annotated[list[UUID], capped(items=500)]``."""
    return strawberry.argument(directives=_directives(limit, items), **options)


def capped_field(limit: int | None = None, *, items: int | None = None, **options: Any) -> Any:
    """An input field capped at ``limit`` characters and ``items`` list items (other
    ``strawberry.field`` options in ``options``)."""
    return strawberry.field(directives=_directives(limit, items), **options)


def _declared(definition: GraphQLArgument | GraphQLInputField, kind: type) -> int | None:
    declared = definition.extensions.get("strawberry-definition")
    for directive in getattr(declared, "directives", None) or ():
        if isinstance(directive, kind):
            return directive.max
    return None


def declared_cap(definition: GraphQLArgument | GraphQLInputField) -> int | None:
    """The ``@maxLength`` declared on an argument or input field, if any."""
    return _declared(definition, MaxLength)


def declared_items(definition: GraphQLArgument | GraphQLInputField) -> int | None:
    """The ``@maxItems`` declared on an argument or input field, if any."""
    return _declared(definition, MaxItems)


def caps_of(definition: GraphQLArgument | GraphQLInputField, defaults: Caps) -> Caps:
    """The caps of an argument or input field: what it declares, else ``defaults``."""
    return Caps(declared_cap(definition) or defaults.length, declared_items(definition) or defaults.items)
