"""A document holding several operations must name the one to run.

GraphQL's ``GetOperation`` raises a request error when a document has more than one
operation and the request names none; Strawberry runs the first instead. This extension
restores the specification's answer, ``OPERATION_RESOLUTION_FAILURE``, before anything
executes (an unknown ``operationName`` is refused the same way by the view).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, OperationDefinitionNode
from strawberry.extensions import SchemaExtension

from switchboard.core.errors import CodedError

CODE = "OPERATION_RESOLUTION_FAILURE"


class OperationChoice(SchemaExtension):
    """Refuse a document of several operations when the request names none (see the module)."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        document = ctx.graphql_document
        named = getattr(ctx.context, "operation_named", True)
        if not named and document is not None and sum(
                isinstance(d, OperationDefinitionNode) for d in document.definitions) > 1:
            ctx.pre_execution_errors = [GraphQLError(CODE, original_error=CodedError(CODE))]
        yield
