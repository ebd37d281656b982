"""Validation with limits: depth, aliases and cost refused first, by a linear pass; a cache.

One Strawberry extension replaces Strawberry's depth and alias rules (exponential in
fragment fan-out) and its validation cache:

1. a document seen before is looked up by its text (validation cached: repeated
   queries never validate again);
2. a new one is measured (:mod:`.measure`, linear) and refused above the depth or
   alias limit *before* graphql-core's rules run;
3. the operation's cost, with this request's page sizes, is refused above
   ``Settings.max_query_cost`` (``QUERY_TOO_COSTLY``), still before validation;
4. only then graphql-core validates, in a worker thread so that a request never
   waits for another's validation; its work on overlapping fields and shared
   fragments is capped (:data:`VALIDATION_BUDGET`), a document over it is refused
   as ``QUERY_TOO_COMPLEX``.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import graphql.validation.rules.overlapping_fields_can_be_merged as overlapping
import graphql.validation.validation_context as validation_context
from graphql import GraphQLError
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from switchboard.core.config import Settings
from switchboard.core.errors import LimitError

from .measure import Shape

# graphql-core's own caps on the superlinear part of validation (comparing fields that
# share a response name, fragments shared by operations), in its work units (~1-4 µs
# each here): no query of the tests, benchmarks or GraphiQL spends any; a
# 490-fold repeated field spends 600,000 (1.1 s) under graphql-core's default 500,000.
VALIDATION_BUDGET = 10_000
ABORTED = "Validation aborted."


def limit_error(code: str, **params: Any) -> GraphQLError:
    """A coded GraphQL error refusing a request over a limit."""
    return GraphQLError(code, original_error=LimitError(code, **params))


@dataclass
class Checked:
    """A document's measures and, once validated, its validation errors."""

    shape: Shape | None  # None: too complex to measure
    refusal: list[GraphQLError]
    errors: list[GraphQLError] | None = None


class CheckedDocuments:
    """One schema's checked documents by text, least recently used dropped beyond ``maxsize``."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self.hits = self.misses = 0
        self._entries: OrderedDict[tuple[Any, ...], Checked] = OrderedDict()

    def get(self, key: tuple[Any, ...]) -> Checked | None:
        """The entry for ``key``, counted as a hit or a miss."""
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple[Any, ...], entry: Checked) -> None:
        """Remember ``entry``."""
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)


def measure(schema: Any, document: Any, settings: Settings) -> Checked:
    """A document's measures and its refusal over the depth or alias limit (empty when none)."""
    try:
        shape = Shape(schema, document, settings.page_size_cap)
    except RecursionError:  # fragments nested past the interpreter's stack
        return Checked(shape=None, refusal=[limit_error("QUERY_TOO_COMPLEX")])
    refusal = []
    if shape.depth > settings.max_query_depth:
        refusal.append(limit_error("QUERY_TOO_DEEP", limit=settings.max_query_depth))
    if shape.aliases > settings.max_aliases:
        refusal.append(limit_error("TOO_MANY_ALIASES", limit=settings.max_aliases))
    return Checked(shape=shape, refusal=refusal)


def validate(schema: Any, document: Any, rules: tuple[Any, ...]) -> list[GraphQLError]:
    """graphql-core's validation (and Strawberry's rules), an exhausted budget coded."""
    errors = validate_document(schema, document, rules)
    if any(isinstance(e, ValidationAbortedError) and e.message == ABORTED for e in errors):
        return [limit_error("QUERY_TOO_COMPLEX")]
    return errors


def cap_validation_work() -> None:
    """Lower graphql-core's budgets for superlinear validation work to :data:`VALIDATION_BUDGET`."""
    overlapping.MAX_COMPLEXITY_BUDGET = VALIDATION_BUDGET
    validation_context.MAX_FRAGMENT_WORK = VALIDATION_BUDGET


class DocumentLimits(SchemaExtension):
    """Checks each request's document against the limits, then validates it (cached)."""

    def __init__(self, settings: Settings, cache: CheckedDocuments) -> None:
        super().__init__()
        self.settings = settings
        self.cache = cache

    async def on_validate(self) -> AsyncIterator[None]:
        """Refuse or validate the request's document before execution."""
        context = self.execution_context
        schema = context.schema._schema
        key = (context.query or context.graphql_document, context.validation_rules)
        checked = self.cache.get(key)
        if checked is None:
            checked = measure(schema, context.graphql_document, self.settings)  # linear: a few ms at most
            self.cache.put(key, checked)
        errors = checked.refusal or self._cost_refusal(checked.shape)  # type: ignore[arg-type]
        if not errors:
            if checked.errors is None:
                checked.errors = await asyncio.to_thread(validate, schema, context.graphql_document,
                                                         context.validation_rules)
            errors = checked.errors
        context.pre_execution_errors = errors
        yield

    def _cost_refusal(self, shape: Shape) -> list[GraphQLError]:
        limit = self.settings.max_query_cost
        cost = shape.cost(self.execution_context.operation_name, self.execution_context.variables)
        return [limit_error("QUERY_TOO_COSTLY", cost=shown(cost), limit=limit)] if cost > limit else []


def shown(cost: int) -> int | str:
    """A cost for a message: a fragment fan-out's can have hundreds of digits."""
    return cost if cost < 10**12 else f"10^{cost.bit_length() * 30103 // 100000}"
