"""What a GraphQL document asks for, measured in one linear pass: depth, aliases, cost.

Strawberry's depth and alias rules walk a fragment again at every spread, so a
fragment spread three times by a fragment spread three times … is walked 3ⁿ times:
a 600-byte document kept a core busy for seconds. Here each fragment is measured
once and its measure reused wherever it is spread, so the pass is linear in the
document whatever the document expands to.

The measures, fragments expanded:

* **depth**: the longest chain of fields with a sub-selection (introspection fields
  not counted), as Strawberry's ``QueryDepthLimiter`` counts it;
* **aliases**: aliased fields, as Strawberry's ``MaxAliasesLimiter`` counts them;
* **cost**: every field costs 1 plus the cost of its sub-selection times how many
  objects it returns: a connection field (one with a ``first`` argument) its page
  size (``last`` when given instead), any other list of objects :data:`LIST_FACTOR`. A page size given by a
  variable makes the cost a function of the request's variables, evaluated per
  request (:meth:`Cost.evaluate`); the rest is folded into numbers once.

The pass never fails on an invalid document (unknown fields, types or fragments,
fragment cycles measure as nothing): validation reports those.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    IntValueNode,
    NullValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_composite_type,
    is_list_type,
)
from graphql.type import GraphQLCompositeType, GraphQLField
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef

from .pagination import DEFAULT_PAGE

LIST_FACTOR = 10  # objects assumed in a list that is not a page (a client's LOBs, a type's fields …)
PAGE_ARGUMENT = "first"
BACKWARD_ARGUMENT = "last"  # a connection's page size when paging backward


@dataclass(frozen=True)
class PageVariable:
    """A page size given by variables (``first``, ``last``): the larger of the sizes the
    request's values (else the variables' defaults) and ``literal`` set; 50 when none is."""

    names: tuple[str, ...]
    literal: int | None = None


Multiplier = int | PageVariable


@dataclass(frozen=True, eq=False)
class Cost:
    """``constant + Σ multiplier × cost`` where a multiplier depends on the variables;
    shared between the places a fragment is spread (a DAG, never expanded)."""

    constant: int
    terms: tuple[tuple[Multiplier, Cost | int], ...]

    def evaluate(self, page: Any) -> int:
        """The cost for page sizes ``page(PageVariable) -> int``, each shared part once."""
        memo: dict[int, int] = {}

        def value(cost: Cost | int) -> int:
            if isinstance(cost, int):
                return cost
            known = memo.get(id(cost))
            if known is None:
                known = cost.constant + sum(
                    (factor if isinstance(factor, int) else page(factor)) * value(child)
                    for factor, child in cost.terms)
                memo[id(cost)] = known
            return known

        return value(self)


@dataclass(frozen=True)
class Measure:
    """One selection set's (or definition's) measures, its fragments expanded."""

    depth: int
    aliases: int
    cost: Cost | int


class Shape:
    """The measures of every operation of a document."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, page_cap: int) -> None:
        self.page_cap = page_cap
        self._schema = schema
        self._fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self._measured: dict[str, Measure] = {}
        self._open: set[str] = set()
        self.operations: dict[str | None, tuple[OperationDefinitionNode, Measure]] = {}
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode):
                root = schema.get_root_type(definition.operation)
                name = definition.name.value if definition.name else None
                self.operations[name] = (definition, self._selections(definition.selection_set, root))
        del self._schema, self._fragments, self._measured, self._open  # keep only what requests need

    @property
    def depth(self) -> int:
        """The deepest operation's depth."""
        return max((m.depth for _, m in self.operations.values()), default=0)

    @property
    def aliases(self) -> int:
        """Aliases over every operation, as Strawberry's limiter counts them."""
        return sum(m.aliases for _, m in self.operations.values())

    def cost(self, operation_name: str | None, variables: Mapping[str, Any] | None) -> int:
        """The cost of the operation a request runs (0 when it names none of them)."""
        if operation_name is None and len(self.operations) == 1:
            operation_name = next(iter(self.operations))
        found = self.operations.get(operation_name)
        if found is None:
            return 0
        operation, measure = found
        if isinstance(measure.cost, int):
            return measure.cost
        defaults = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()}
        given = variables or {}

        def page(variable: PageVariable) -> int:
            sizes = [] if variable.literal is None else [variable.literal]
            for name in variable.names:
                if given.get(name) is not None:
                    sizes.append(self._page_size(given[name]))
                elif name not in given and not _null(defaults.get(name)):
                    sizes.append(self._page_node(defaults[name]))
            return max(sizes, default=DEFAULT_PAGE)

        return measure.cost.evaluate(page)

    def _page_size(self, value: Any) -> int:
        """A page size as the resolver will take it: 50 when null, never above the cap
        (the resolver refuses a bigger one with its own code); the cap when not a number."""
        if value is None:
            return DEFAULT_PAGE
        if isinstance(value, bool) or not isinstance(value, int):
            return self.page_cap
        return min(max(value, 1), self.page_cap)

    def _page_node(self, node: Any) -> int:
        if node is None or isinstance(node, NullValueNode):
            return DEFAULT_PAGE
        if isinstance(node, IntValueNode):
            return self._page_size(int(node.value))
        return self.page_cap

    def _multiplier(self, node: FieldNode, definition: GraphQLField | None, parent: Any) -> Multiplier:
        if definition is None:
            return 1
        if PAGE_ARGUMENT in definition.args:
            sizes = [a.value for a in node.arguments or ()
                     if a.name.value in (PAGE_ARGUMENT, BACKWARD_ARGUMENT) and not _null(a.value)]
            variables = tuple(v.name.value for v in sizes if isinstance(v, VariableNode))
            literal = max((self._page_node(v) for v in sizes if not isinstance(v, VariableNode)), default=None)
            if variables:
                return PageVariable(variables, literal)
            return DEFAULT_PAGE if literal is None else literal
        returned = get_nullable_type(definition.type)
        if is_list_type(returned) and is_composite_type(get_named_type(returned)) and not _is_page(parent):
            return LIST_FACTOR
        return 1

    def _selections(self, selection_set: SelectionSetNode | None, parent: Any) -> Measure:
        depth = aliases = constant = 0
        terms: list[tuple[Multiplier, Cost]] = []

        def add(factor: Multiplier, cost: Cost | int) -> None:
            nonlocal constant
            if isinstance(cost, int) and isinstance(factor, int):
                constant += factor * cost
            elif cost != 0:
                terms.append((factor, cost))

        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                definition = _field(parent, selection.name.value)
                inner = self._selections(selection.selection_set, _type_of(definition))
                if selection.selection_set and not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner.depth)
                aliases += inner.aliases + (1 if selection.alias else 0)
                constant += 1
                add(self._multiplier(selection, definition, parent), inner.cost)
                continue
            if isinstance(selection, FragmentSpreadNode):
                inner = self._fragment(selection.name.value)
            else:  # an inline fragment
                condition = selection.type_condition
                scope = self._type(condition.name.value) if condition else parent
                inner = self._selections(selection.selection_set, scope)
            depth = max(depth, inner.depth)
            aliases += inner.aliases
            add(1, inner.cost)
        return Measure(depth, aliases, Cost(constant, tuple(terms)) if terms else constant)

    def _fragment(self, name: str) -> Measure:
        measured = self._measured.get(name)
        if measured is not None:
            return measured
        fragment = self._fragments.get(name)
        if fragment is None or name in self._open:  # unknown, or a cycle: validation refuses it
            return Measure(0, 0, 0)
        self._open.add(name)
        try:
            measured = self._selections(fragment.selection_set, self._type(fragment.type_condition.name.value))
        finally:
            self._open.discard(name)
        self._measured[name] = measured
        return measured

    def _type(self, name: str) -> Any:
        found = self._schema.get_type(name)
        return found if is_composite_type(found) else None


def _null(node: Any) -> bool:
    """Whether a value node is absent or ``null``."""
    return node is None or isinstance(node, NullValueNode)


def _field(parent: GraphQLCompositeType | None, name: str) -> GraphQLField | None:
    if name == "__schema":
        return SchemaMetaFieldDef
    if name == "__type":
        return TypeMetaFieldDef
    fields = getattr(parent, "fields", None)
    return fields.get(name) if fields else None


def _type_of(definition: GraphQLField | None) -> Any:
    return get_named_type(definition.type) if definition is not None else None


def _is_page(parent: Any) -> bool:
    """Whether ``parent`` is a connection type: its lists (``edges``, ``nodes``) are the page
    its field's ``first`` already counted."""
    fields = getattr(parent, "fields", None)
    return bool(fields) and "pageInfo" in fields and "edges" in fields
