"""The operations of a composed schema, as documents with one variable per argument,
valid values for every input type, and every place inside an argument a value sits
(what a test puts a bad value at)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_required_argument,
    is_required_input_field,
)

UUID = "7d1b7c9e-2f7a-4a55-9a57-0c1f8d1e0b42"
VALID_SCALARS: dict[str, Any] = {
    "String": "x", "ID": "x", "Int": 1, "Float": 1.0, "Boolean": True, "UUID": UUID, "Date": "2026-03-02",
    "DateTime": "2026-03-02T09:00:00Z", "Time": "09:00:00", "Decimal": "1", "Percent": 50, "Fraction": 0.5,
    "JSON": {}, "Upload": None,
}
Keys = tuple[str | int, ...]


@dataclass(frozen=True)
class Place:
    """Where a value sits inside an operation's variables: ``("input", "languages", 0, "language")``."""

    keys: Keys
    type: GraphQLInputType
    definition: GraphQLArgument | GraphQLInputField

    @property
    def path(self) -> str:
        """As the API names it: ``input.languages[0].language``."""
        return str(self.keys[0]) + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in self.keys[1:])


@dataclass(frozen=True)
class Operation:
    """A root field of a schema, called with a variable for each of its arguments."""

    kind: str  # query or mutation
    name: str
    field: GraphQLField

    def document(self) -> str:
        args = self.field.args
        declared = f"({', '.join(f'${n}: {_declared(a)}' for n, a in args.items())})" if args else ""
        call = f"{self.name}({', '.join(f'{n}: ${n}' for n in args)})" if args else self.name
        returned = get_named_type(self.field.type)
        payload = "errors" in getattr(returned, "fields", {})  # a mutation payload: its coded refusals
        selection = (" { errors { code message } }" if payload
                     else " { __typename }" if is_composite_type(returned) else "")
        return f"{self.kind}{declared} {{ {call}{selection} }}"

    def variables(self) -> dict[str, Any]:
        """Valid values for the required arguments."""
        return {n: valid(a.type) for n, a in self.field.args.items() if is_required_argument(a)}

    def places(self) -> Iterator[Place]:
        """Every place a value sits in this operation's arguments, nested ones included."""
        for name, argument in self.field.args.items():
            yield from _places((name,), argument.type, argument)

    def put(self, place: Place, value: Any) -> dict[str, Any]:
        """Valid variables with ``value`` at ``place`` (the values around it built valid)."""
        out = copy.deepcopy(self.variables())
        container: Any = out
        type_: GraphQLInputType = self.field.args[str(place.keys[0])].type
        for index, key in enumerate(place.keys):
            if index == len(place.keys) - 1:
                container[key] = value
                break
            if isinstance(container, dict) and container.get(key) is None:
                container[key] = valid(type_)
            container = container[key]
            following = place.keys[index + 1]
            nullable = get_nullable_type(type_)
            type_ = (get_nullable_type(nullable).of_type if isinstance(following, int)  # type: ignore[union-attr]
                     else get_named_type(type_).fields[following].type)  # type: ignore[union-attr]
        return out

    @property
    def takes_files(self) -> bool:
        """Whether an argument takes a file (multipart requests only)."""
        return any(get_named_type(a.type).name == "Upload" for a in self.field.args.values())


def operations(schema: GraphQLSchema) -> list[Operation]:
    """Every query and mutation field of ``schema``."""
    found = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        found += [Operation(kind, name, field) for name, field in (root.fields if root else {}).items()]
    return found


def valid(type_: GraphQLInputType) -> Any:
    """A value of ``type_`` that coerces (its required fields only, for an input object)."""
    if isinstance(type_, GraphQLNonNull):
        return valid(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [valid(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        return {n: valid(f.type) for n, f in type_.fields.items() if is_required_input_field(f)}
    return VALID_SCALARS[type_.name]


def _declared(argument: GraphQLArgument) -> GraphQLInputType:
    """The variable type for an argument: nullable when the argument has a default."""
    return argument.type if is_required_argument(argument) else get_nullable_type(argument.type)


def _places(keys: Keys, type_: GraphQLInputType, definition: Any) -> Iterator[Place]:
    yield Place(keys, type_, definition)
    nullable = get_nullable_type(type_)
    if isinstance(nullable, GraphQLList):
        yield from _places((*keys, 0), nullable.of_type, definition)
    elif isinstance(nullable, GraphQLInputObjectType) and len(keys) < 8:
        for name, field in nullable.fields.items():
            yield from _places((*keys, name), field.type, field)
