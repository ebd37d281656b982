"""GraphQL types of background jobs."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from switchboard.core.graphql import loaders
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.rows import FromRow
from switchboard.core.graphql.scalars import Fraction

from . import service
from .results import JobResult, outcome


@strawberry.enum(description="Where a job is in its life.")
class JobState(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.type(description="Why a job failed: a stable code and a message in the reader's language.")
class JobError:
    code: str
    message: str


@strawberry.type(description="A job's latest report. Optimizers report their objective, best bound and gap.")
class JobProgress:
    elapsed_seconds: float | None = strawberry.field(description="Seconds since the job started working.")
    objective: float | None = strawberry.field(description="Value of the best solution found (lower is better).")
    best_bound: float | None = strawberry.field(description="Proven bound: no solution can be better than this.")
    gap: Fraction | None = strawberry.field(description="Relative distance between objective and bound (0.05 = 5%).")
    phase: str | None = strawberry.field(description="What the job is doing now.")
    detail: JSON = strawberry.field(description="Everything the job reported, as it reported it.")

    @classmethod
    def from_json(cls, p: dict[str, Any]) -> JobProgress:
        return cls(elapsed_seconds=p.get("elapsedSeconds"), objective=p.get("objective"),
                   best_bound=p.get("bestBound"), gap=p.get("gap"), phase=p.get("phase"), detail=p)


def job_report(r: Any, message: Any) -> dict[str, Any]:
    """A job row's ``progress`` and ``error`` objects, the error rendered by ``message(code, **params)``."""
    error = r.error_code and JobError(code=r.error_code, message=message(r.error_code, **(r.error_params or {})))
    return {"progress": JobProgress.from_json(r.progress or {}), "error": error}


@strawberry.type(description="A background job (a schedule solve, for one) and how it is going.")
class Job(FromRow, Node):
    id: strawberry.Private[UUID]
    kind: str
    state: JobState
    lob_ids: list[UUID]
    params: JSON
    requested_by: UUID
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    time_limit_seconds: int
    cancel_requested: bool
    progress: JobProgress
    result: JSON | None = strawberry.field(description="What the job produced, as stored (ids of what it wrote);"
                                                     " outcome gives it typed.")
    error: JobError | None

    row_renames = {"requested_at": "created_at"}

    @strawberry.field(description="What the job made, typed by its kind (see JobResult's implementations);"
                                  " null until it succeeds.")
    def outcome(self, info: strawberry.Info) -> JobResult | None:
        if self.state != JobState.SUCCEEDED:
            return None
        return outcome(info.context.runtime.job_result_types, self.id, self.kind, self.result)

    @classmethod
    def from_row(cls, r: Any, message: Any) -> Job:
        """``message(code, **params)`` renders an error in the reader's language."""
        return super().from_row(r, **job_report(r, message))


def job_by_id(ctx: Any):
    """The request's loader of jobs by id (None when the caller may not see it)."""
    return loaders.by_id(ctx, service.jobs_by_ids, lambda r: Job.from_row(r, ctx.message))
