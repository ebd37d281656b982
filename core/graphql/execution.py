"""Completing plain sub-selections by a plan instead of field by field.

graphql-core completes every field of every object through one general path: resolve
info, arguments, awaitable checks, non-null and list wrappers, a chain of calls per
field (about 15 µs a field). Most of a large answer is plain data, though: a page of
edges whose fields are attributes of objects the resolver already built (Strawberry's
"basic" fields, without a resolver of their own). For such a sub-selection this
execution context builds, once per request, a plan — per response key, the field's
resolver and how to complete its value — and completes each object by it.

The plan is a shortcut, never a second set of rules: when a value does not complete
plainly (null for a non-null field, a value its scalar cannot serialize, an
exception, an awaitable, a list that is not a list), the object is completed again
by graphql-core's own path, which raises the usual error at the usual path.
Sub-selections with a resolver field (unless marked :func:`plain`), arguments, abstract
types, ``is_type_of`` checks of our own (Strawberry's check of an interface's
implementation is run by the plan), directives other than ``@skip``/``@include``,
``@defer`` or field middleware are never planned.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from operator import attrgetter
from typing import Any
from uuid import UUID

from graphql import (
    GraphQLField,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
    is_list_type,
    is_non_null_type,
)
from graphql.execution.collect_fields import FieldDetailsList
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

Complete = Callable[[Any], Any]
FILTER_DIRECTIVES = frozenset({"skip", "include"})  # already applied when the fields are collected
PLAIN_SCALARS = frozenset({str, int, float, bool, UUID, date, datetime, Decimal})  # never awaitable or exceptions


class NotPlain(Exception):
    """A value the plan does not complete: graphql-core completes the object instead."""


class PlannedExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context, completing plain sub-selections by a plan."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (type, id of the field group) → (the field group, kept alive; its plan or None)
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, Complete | None]] = {}

    def collect_and_execute_subfields(self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList,
                                      path: Any, result: Any, position_context: Any) -> Any:
        """An object's fields by its plan when it has one, else (or when a value is not
        plain) by graphql-core."""
        fields = self.object_plan(return_type, field_details_list)
        if fields is not None:
            try:
                return fields(result)
            except Exception:  # noqa: BLE001 — graphql-core completes it again and locates the error
                pass
        return super().collect_and_execute_subfields(return_type, field_details_list, path, result,
                                                     position_context)

    def object_plan(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> Complete | None:
        """The function completing ``object_type`` for this field group, or None when the
        sub-selection is not plain; built once per request."""
        key = (object_type, id(field_details_list))
        cached = self._plans.get(key)
        if cached is None:
            cached = (field_details_list, self._build_object_plan(object_type, field_details_list))
            self._plans[key] = cached
        return cached[1]

    def _build_object_plan(self, object_type: GraphQLObjectType, field_details_list: FieldDetailsList
                           ) -> Complete | None:
        if self.middleware_manager is not None and self.middleware_manager.middlewares:
            return None  # an extension wraps every resolver
        grouped, defer_usages, forbidden = self.collect_subfields(object_type, field_details_list)
        if defer_usages or forbidden:
            return None
        entries: list[tuple[str, Complete, Complete]] = []
        for response_key, details in grouped.items():
            name = details[0].node.name.value
            if any(d.name.value not in FILTER_DIRECTIVES for fd in details for d in fd.node.directives or ()):
                return None
            if name == "__typename":
                entries.append((response_key, _constant(object_type.name), _same))
                continue
            field_def = self.schema.get_field(object_type, name)
            if field_def is None or field_def.args or any(fd.node.arguments for fd in details):
                return None
            read = _plain_read(field_def)
            complete = None if read is None else self._completion(field_def.type, details)
            if complete is None:
                return None
            entries.append((response_key, read, complete))

        def fields(source: Any) -> dict[str, Any]:
            return {key: complete(read(source)) for key, read, complete in entries}

        return fields

    def _completion(self, type_: GraphQLOutputType, details: FieldDetailsList) -> Complete | None:
        """How a value of ``type_`` completes plainly, or None when it cannot be planned."""
        is_awaitable = self.is_awaitable
        non_null = is_non_null_type(type_)
        if non_null:
            type_ = type_.of_type  # type: ignore[union-attr]
        if is_list_type(type_):
            item = self._completion(type_.of_type, details)
            if item is None:
                return None

            def list_of(value: Any) -> Any:
                if value is None:
                    if non_null:
                        raise NotPlain
                    return None
                if type(value) is not list and type(value) is not tuple:
                    raise NotPlain
                return [item(v) for v in value]

            return list_of
        if is_leaf_type(type_):
            coerce = type_.coerce_output_value  # type: ignore[union-attr]

            def leaf(value: Any) -> Any:
                if value is None:
                    if non_null:
                        raise NotPlain
                    return None
                if type(value) not in PLAIN_SCALARS and (isinstance(value, Exception) or is_awaitable(value)):
                    raise NotPlain
                coerced = coerce(value)
                if coerced is None or coerced is Undefined:
                    raise NotPlain
                return coerced

            return leaf
        if isinstance(type_, GraphQLObjectType) and (type_.is_type_of is None or _generated_check(type_)):
            fields = self.object_plan(type_, details)
            if fields is None:
                return None
            is_type_of = type_.is_type_of

            def obj(value: Any) -> Any:
                if value is None:
                    if non_null:
                        raise NotPlain
                    return None
                if isinstance(value, Exception) or is_awaitable(value):
                    raise NotPlain
                if is_type_of is not None and not is_type_of(value, None):
                    raise NotPlain
                return fields(value)

            return obj
        return None  # interfaces and unions: graphql-core resolves the runtime type


def _generated_check(object_type: GraphQLObjectType) -> bool:
    """Whether the type's ``is_type_of`` is the one Strawberry generates for an implementation of
    an interface (an ``isinstance`` check that never reads its ``info``), not one of our own."""
    definition = object_type.extensions.get("strawberry-definition")
    return definition is not None and definition.is_type_of is None


def plain(resolver: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Mark a resolver as plain: synchronous, taking only its object, never failing, so the
    plan may call it as it reads an attribute (a computed field such as a Node's ``id``). It
    may return an awaitable when its value is not known yet: graphql-core then completes the
    object."""
    resolver.__plain_resolver__ = True  # type: ignore[attr-defined]
    return resolver


def _plain_read(field_def: GraphQLField) -> Complete | None:
    """How to read a field without a resolver of its own from its parent: Strawberry's
    default resolver (an attribute read, done directly when it is ``getattr``), a resolver
    marked :func:`plain`, or None when the field has another resolver."""
    definition = field_def.extensions.get("strawberry-definition")
    base = getattr(definition, "base_resolver", None)
    if base is not None and getattr(base.wrapped_func, "__plain_resolver__", False):
        return base.wrapped_func
    if not getattr(field_def.resolve, "_is_default", False):
        return None
    if definition is not None and definition.default_resolver is getattr:
        return attrgetter(definition.python_name)
    return field_def.resolve  # called with the parent only: a basic field takes no info


def _constant(value: Any) -> Complete:
    return lambda _source: value


def _same(value: Any) -> Any:
    return value
