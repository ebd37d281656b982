"""Typed job results: what a finished job made, as a GraphQL type per job kind.

A plugin maps its job kinds to result types (``switchboard_job_results``); each
implements :class:`JobResult` and builds itself from the dict the handler returned.
``Job.outcome`` answers with it once the job succeeded; a kind without a type answers
:class:`UntypedJobResult`, the stored JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON


@strawberry.interface(description="What a succeeded job made; each job kind that declares a result has its own type.")
class JobResult:
    job_id: UUID
    stored: strawberry.Private[dict[str, Any]]  # what the handler returned

    @classmethod
    def of(cls, job_id: UUID, result: dict[str, Any]) -> JobResult:
        """The typed result of the dict a job of this kind stored."""
        return cls(job_id=job_id, stored=result)


@strawberry.type(description="The result of a job kind that declares no type: what it stored, as JSON.")
class UntypedJobResult(JobResult):
    @strawberry.field(description="What the job stored.")
    def data(self) -> JSON:
        return self.stored


def result_types(host: Any) -> dict[str, type]:
    """Every job kind's result type, as the enabled plugins declare them."""
    types: dict[str, type] = {}
    for declared in host.hook.switchboard_job_results():
        types.update(declared)
    return types


def outcome(types: Mapping[str, type], job_id: UUID, kind: str, result: dict[str, Any] | None) -> JobResult | None:
    """The typed result of a succeeded job (None before, or when it made nothing)."""
    if result is None:
        return None
    return types.get(kind, UntypedJobResult).of(job_id, result)
