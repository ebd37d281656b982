"""Job subscriptions: ``jobProgress(id)`` streams a job's state and progress until it ends.

The worker's changes to a job (state, progress, cancellation) notify
``switchboard_job_progress`` with the job's id; each wakes the job's subscribers, who
read it again as themselves (:func:`switchboard.core.graphql.live.follow`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError
from switchboard.core.graphql.access import signed_in
from switchboard.core.graphql.live import follow, live_error
from switchboard.core.graphql.rows import FromRow
from switchboard.core.identity.caller import Caller

from . import service
from .types import JobError, JobProgress, JobState, job_report

CHANNEL = "switchboard_job_progress"
ENDED = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


@strawberry.type(description="A job's state and latest progress, as one event of jobProgress.")
class JobUpdate(FromRow):
    id: UUID
    kind: str
    state: JobState
    cancel_requested: bool
    progress: JobProgress
    error: JobError | None
    started_at: datetime | None
    finished_at: datetime | None

    @classmethod
    def from_row(cls, r: Any, message: Any) -> JobUpdate:
        """``message(code, **params)`` renders an error in the subscriber's language."""
        return super().from_row(r, **job_report(r, message))


@strawberry.type
class JobSubscription:
    @strawberry.subscription(description="A job's state and progress (objective, bound, gap, elapsed seconds) now,"
                             " then at every change, until it ends: the last event carries its final state. Each"
                             " event is read as the subscriber; the stream ends early, without an error, when they"
                             " may no longer see the job (a grant or the token revoked, the token expired)."
                             " NOT_FOUND when the job is not visible to begin with.", extensions=[signed_in()])
    async def job_progress(self, info: strawberry.Info, id: UUID) -> AsyncGenerator[JobUpdate, None]:
        ctx = info.context
        try:
            service.require_staff(ctx.me)
        except AccessError as exc:
            raise live_error(ctx, exc) from exc

        async def read(db: DbSession, caller: Caller) -> JobUpdate | None:
            row = await service.get(db, caller, id)
            return row and JobUpdate.from_row(row, ctx.message)

        async for update in follow(ctx, CHANNEL, str(id), read, lambda u: u.state in ENDED):
            yield update
