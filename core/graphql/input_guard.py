"""Refuse bad argument values before anything executes, as coded errors naming the argument.

Three kinds of bad value reach a schema, and each becomes an :class:`InputError`
(``BAD_USER_INPUT`` or a more specific code) whose ``argument`` says where it is:

* a literal in the document that its type cannot take (``employee(id: "x")``):
  graphql-core's validation refuses it (a scalar's parser, without saying where); the
  literals are checked again here to report each with its path;
* a variable that does not coerce to its declared type (a wrong type, an id, date or
  offset that does not parse, a missing required value): coerced here first, each
  failure reported with the variable's path (``$input.hireDate``);
* a value that parses but breaks a rule every argument keeps (:mod:`.input_checks`:
  length caps, NUL characters, the supported date range).

Each argument of each field is looked at once, fragments included (each fragment once,
however often it is spread), before the first resolver runs: a refused request
executes nothing and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLSchema,
    InlineFragmentNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableDefinitionNode,
    VariableNode,
    get_argument_values,
    get_named_type,
    get_operation_ast,
    get_variable_values,
    is_non_null_type,
    type_from_ast,
    validate_input_literal,
    validate_input_value,
)
from strawberry.extensions import SchemaExtension

from switchboard.core.errors import InputError

from .caps import Caps, caps_of
from .input_checks import value_errors

MAX_ERRORS = 20  # refusals reported for one request


class InputGuard(SchemaExtension):
    """The schema extension refusing bad argument values (see the module's documentation)."""

    def __init__(self, *, max_string_length: int, max_list_items: int) -> None:
        self.defaults = Caps(max_string_length, max_list_items)

    def on_validate(self) -> Iterator[None]:
        yield
        ctx = self.execution_context
        errors = ctx.pre_execution_errors
        if errors and ctx.graphql_document is not None and any(is_literal_error(e) for e in errors):
            refused = literal_refusals(ctx.schema._schema, ctx.graphql_document)
            if refused:  # in place: the validation cache and the pending result share this list
                errors[:] = refused + [e for e in errors if not is_literal_error(e)]

    def on_execute(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None:
            refused = refusals(ctx.schema._schema, ctx.graphql_document, ctx.operation_name, ctx.variables or {},
                               self.defaults)
            if refused:
                ctx.result = ExecutionResult(data=None, errors=refused)
        yield


def refusals(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None,
             raw_variables: dict[str, Any], defaults: Caps) -> list[GraphQLError]:
    """Every refused argument value of the operation, at most ``MAX_ERRORS``."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return []  # graphql-core reports it
    variables = get_variable_values(schema, operation.variable_definitions or (), raw_variables,
                                    max_errors=MAX_ERRORS)
    if isinstance(variables, list):
        return variable_refusals(schema, operation, raw_variables, variables)
    found: list[GraphQLError] = []
    for field_def, node in argument_sites(schema, document, operation):
        try:
            values = get_argument_values(field_def, node, variables)
        except GraphQLError as error:  # a null variable for a non-null argument
            found.append(located(InputError("BAD_USER_INPUT", _argument_at(node, error)), *(error.nodes or [node])))
            continue
        for argument in node.arguments:
            name = argument.name.value
            definition = field_def.args.get(name)
            if definition is None or name not in values:
                continue
            for error in value_errors(values[name], definition.type, name, caps_of(definition, defaults), defaults):
                found.append(located(error, argument))
                if len(found) >= MAX_ERRORS:
                    return found
    return found


def argument_sites(schema: GraphQLSchema, document: DocumentNode,
                   operation: OperationDefinitionNode) -> Iterator[tuple[GraphQLField, FieldNode]]:
    """Each field node of the operation that passes arguments, with its definition;
    every fragment is walked once."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    seen: set[str] = set()
    pending: list[tuple[SelectionSetNode, Any]] = [(operation.selection_set, schema.get_root_type(operation.operation))]
    while pending:
        selection_set, parent = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                field_def = (getattr(parent, "fields", None) or {}).get(selection.name.value)
                if field_def is None:
                    continue  # __typename and introspection
                if selection.arguments:
                    yield field_def, selection
                if selection.selection_set:
                    pending.append((selection.selection_set, get_named_type(field_def.type)))
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = schema.get_type(condition.name.value) if condition else parent
                pending.append((selection.selection_set, inner))
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append((fragment.selection_set, schema.get_type(fragment.type_condition.name.value)))


def variable_refusals(schema: GraphQLSchema, operation: OperationDefinitionNode, raw_variables: dict[str, Any],
                      coercion_errors: list[GraphQLError]) -> list[GraphQLError]:
    """``BAD_USER_INPUT`` for each place a variable failed to coerce, by its path."""
    found: list[GraphQLError] = []
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_ = type_from_ast(schema, definition.type)
        value = raw_variables.get(name, Undefined)
        if type_ is None or (value is Undefined and (definition.default_value or not is_non_null_type(type_))):
            continue

        def report(_error: GraphQLError, path: list[str | int], name: str = name,
                   node: VariableDefinitionNode = definition) -> None:
            found.append(located(InputError("BAD_USER_INPUT", f"${name}{path_text(path)}"), node))

        try:
            validate_input_value(value, type_, report)  # type: ignore[arg-type]
        except RecursionError:
            report(GraphQLError("nested too deeply"), [])
    if found:
        return found[:MAX_ERRORS]
    return [located(InputError("BAD_USER_INPUT", _variable_name(e) or "variables"), *(e.nodes or ()))
            for e in coercion_errors]


def literal_refusals(schema: GraphQLSchema, document: DocumentNode) -> list[GraphQLError]:
    """``BAD_USER_INPUT`` for each literal of the document (an argument's, or a variable's
    default) that its type cannot take, by its path."""
    found: list[GraphQLError] = []

    def check(value: ValueNode, type_: Any, root: str, node: Node) -> None:
        def report(_error: GraphQLError, path: list[str | int]) -> None:
            found.append(located(InputError("BAD_USER_INPUT", f"{root}{path_text(path)}"), node))

        validate_input_literal(value, type_, report)

    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        for definition in operation.variable_definitions or ():
            type_ = type_from_ast(schema, definition.type)
            if definition.default_value is not None and type_ is not None:
                check(definition.default_value, type_, f"${definition.variable.name.value}", definition)
        for field_def, node in argument_sites(schema, document, operation):
            for argument in node.arguments:
                argument_def = field_def.args.get(argument.name.value)
                if argument_def is not None:
                    check(argument.value, argument_def.type, argument.name.value, argument)
    return found[:MAX_ERRORS]


def is_literal_error(error: GraphQLError) -> bool:
    """Whether a validation error refuses a literal value: located at a value (not a
    variable), or, raised by a scalar's parser, located nowhere."""
    if error.original_error is not None:
        return False
    node = error.nodes[0] if error.nodes else None
    return node is None or (isinstance(node, (ValueNode, ObjectFieldNode)) and not isinstance(node, VariableNode))


def located(error: InputError, *nodes: Node) -> GraphQLError:
    """A GraphQL error carrying ``error``, located at ``nodes``."""
    return GraphQLError(f"{error.code}: {error.argument}", list(nodes) or None, original_error=error)


def path_text(path: list[str | int]) -> str:
    """``['languages', 0, 'proficiency']`` → ``.languages[0].proficiency``."""
    return "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in path)


def _argument_at(field: FieldNode, error: GraphQLError) -> str:
    """The name of the argument of ``field`` an error is located at."""
    at = error.nodes or []
    return next((a.name.value for a in field.arguments if a in at or a.value in at), field.name.value)


def _variable_name(error: GraphQLError) -> str | None:
    node = error.nodes[0] if error.nodes else None
    return f"${node.variable.name.value}" if isinstance(node, VariableDefinitionNode) else None
