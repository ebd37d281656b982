"""Job queries: one job, or the jobs the caller may see, newest first."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import signed_in
from switchboard.core.graphql.caps import CODE, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field

from . import service
from .types import Job, JobState


@strawberry.type
class JobQuery:
    @strawberry.field(description="A job the caller requested, or may see (tenant-wide staff; staff who see"
                      " every LOB it is about); null otherwise.", extensions=[signed_in()])
    async def job(self, info: strawberry.Info, id: UUID) -> Job | None:
        ctx = info.context
        row = await service.get(ctx.db, ctx.me, id)
        return row and Job.from_row(row, ctx.message)

    @connection_field(description="Jobs the caller may see, newest first, optionally of one kind or state.",
                      extensions=[signed_in()])
    async def jobs(self, info: strawberry.Info, window: Window, kind: Annotated[str | None, capped(CODE)] = None,
                   state: JobState | None = None) -> Connection[Job]:
        ctx = info.context
        rows = await service.jobs_page(ctx.db, ctx.me, window, ctx.runtime.settings.page_size_cap, kind,
                                       state and state.value)
        return connection(rows, lambda r: (r.newest, r.id), lambda r: Job.from_row(r, ctx.message))
