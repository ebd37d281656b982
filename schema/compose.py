"""Build the two schemas from plugin contributions.

``/graphql`` gets every ``switchboard_graphql_query`` / ``_mutation`` / ``_subscription``
contribution (and the job result types of ``switchboard_job_results``),
``/portal/graphql`` every ``switchboard_portal_query`` / ``_mutation`` one. A field
name contributed twice is an error (``strawberry.tools.merge_types`` only warns).
The committed snapshots ``internal.graphql`` and ``portal.graphql`` beside this
file are what a test compares the composed schemas against.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any

import strawberry
from strawberry.extensions import MaskErrors, MaxTokensLimiter, ParserCache

from switchboard.core.config import Settings
from switchboard.core.graphql.error_log import LoggedSchema
from switchboard.core.graphql.errors import INTERNAL_ERROR, should_mask
from switchboard.core.graphql.execution import PlannedExecutionContext
from switchboard.core.graphql.input_guard import InputGuard
from switchboard.core.graphql.limits import CheckedDocuments, DocumentLimits, cap_validation_work
from switchboard.core.graphql.merge import CompositionError, merge
from switchboard.core.graphql.operation_choice import OperationChoice
from switchboard.core.graphql.scalars import scalar_config
from switchboard.core.jobs.results import result_types
from switchboard.core.plugin_host import PluginHost

SNAPSHOTS = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Schemas:
    internal: strawberry.Schema
    portal: strawberry.Schema


def extensions(settings: Settings) -> list[Any]:
    """Limits, caches and error masking of one schema.

    Factories, not instances: Strawberry builds fresh extensions per request. The
    parser cache lives at module level; the cache of checked (measured and
    validated) documents belongs to the schema, so a repeated query is neither
    measured nor validated again.
    """
    cap_validation_work()
    return [
        partial(MaxTokensLimiter, max_token_count=settings.max_tokens),
        partial(InputGuard, max_string_length=settings.max_string_length, max_list_items=settings.max_list_items),
        partial(MaskErrors, should_mask_error=should_mask, error_message=INTERNAL_ERROR),
        partial(ParserCache, maxsize=256),
        partial(DocumentLimits, settings=settings, cache=CheckedDocuments(maxsize=256)),
        OperationChoice,
    ]


def checked_documents(schema: strawberry.Schema) -> CheckedDocuments:
    """The cache of checked documents of a composed schema."""
    return next(e.keywords["cache"] for e in schema.extensions if getattr(e, "func", None) is DocumentLimits)


def build(host: PluginHost, settings: Settings, *, portal: bool) -> strawberry.Schema:
    """One schema from the query/mutation contributions of one audience."""
    hook = host.hook
    queries = hook.switchboard_portal_query if portal else hook.switchboard_graphql_query
    mutations = hook.switchboard_portal_mutation if portal else hook.switchboard_graphql_mutation
    query = merge("Query", host.owned(queries))
    if query is None:
        raise CompositionError("no plugin contributes a query field")
    mutation = merge("Mutation", host.owned(mutations))
    subscription = None if portal else merge("Subscription", host.owned(hook.switchboard_graphql_subscription))
    types = [] if portal else [*chain.from_iterable(hook.switchboard_graphql_types()), *result_types(host).values()]
    return LoggedSchema(query=query, mutation=mutation, subscription=subscription, types=types,
                        extensions=extensions(settings), execution_context_class=PlannedExecutionContext,
                        config=scalar_config())


def compose(host: PluginHost, settings: Settings) -> Schemas:
    """Both schemas of the enabled plugins."""
    return Schemas(internal=build(host, settings, portal=False), portal=build(host, settings, portal=True))


def sdl(schema: strawberry.Schema) -> str:
    """The schema's SDL, as committed in the snapshots."""
    return schema.as_str().rstrip() + "\n"


def snapshot_path(portal: bool) -> Path:
    """Where the committed SDL of one endpoint lives."""
    return SNAPSHOTS / ("portal.graphql" if portal else "internal.graphql")
