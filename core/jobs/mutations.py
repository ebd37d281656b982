"""Job mutations: cancel (jobs are started by the mutations of the plugins that run them)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from switchboard.core.graphql.access import signed_in
from switchboard.core.graphql.payload import UserErrorType, mutate

from . import service
from .types import Job


@strawberry.type
class JobPayload:
    job: Job | None
    errors: list[UserErrorType]


@strawberry.type
class JobMutation:
    @strawberry.mutation(description="Cancel a queued or running job you requested (tenant-wide staff: any)."
                         " A running job stops at its next progress report and keeps nothing.",
                         extensions=[signed_in()])
    async def cancel_job(self, info: strawberry.Info, id: UUID) -> JobPayload:
        ctx = info.context
        return await mutate(info, JobPayload, lambda: service.cancel(ctx.db, ctx.me, id),
                            lambda row: Job.from_row(row, ctx.message))
