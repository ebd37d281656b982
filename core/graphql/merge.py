"""Merge Strawberry types into one, refusing duplicate field names."""

from __future__ import annotations

from strawberry.tools import merge_types
from strawberry.utils.str_converters import to_camel_case

from switchboard.core.errors import ConfigurationError


class CompositionError(ConfigurationError):
    """Two contributions define the same field."""


def merge(name: str, parts: list[tuple[str, type]]) -> type | None:
    """One type named ``name`` with every field of ``parts`` (``(owner, type)`` pairs).

    ``strawberry.tools.merge_types`` only warns on a duplicate; here it is an error
    naming both owners.
    """
    owners: dict[str, str] = {}
    for owner, part in parts:
        for field in part.__strawberry_definition__.fields:
            graphql_name = field.graphql_name or to_camel_case(field.python_name)
            if graphql_name in owners:
                raise CompositionError(
                    f"{name}.{graphql_name} is contributed by both {owners[graphql_name]!r} and {owner!r}"
                )
            owners[graphql_name] = owner
    if not parts:
        return None
    return merge_types(name, tuple(part for _, part in parts))
