"""Request, read and cancel jobs as the caller (runtime role, row security applies)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, UserError
from switchboard.core.identity.caller import Caller

STATES = ("queued", "running", "succeeded", "failed", "cancelled")
FINISHED = ("succeeded", "failed", "cancelled")
MAX_TIME_LIMIT = 86_400


def require_staff(caller: Caller) -> None:
    """Jobs are staff business: ``FORBIDDEN`` for client users."""
    if caller.kind != "staff":
        raise AccessError("FORBIDDEN", permission="jobs")


async def enqueue(db: DbSession, caller: Caller, kind: str, params: dict[str, Any], *,
                  lob_ids: Sequence[UUID] = (), time_limit_seconds: int) -> Any:
    """Queue a job of ``kind`` for the caller (who must already be allowed to run it) and return its row.

    ``lob_ids`` are the LOBs the job is about: staff who see all of them see the job.
    ``TIME_LIMIT_INVALID`` unless ``1 ≤ time_limit_seconds ≤ 86,400``.
    """
    if not 1 <= time_limit_seconds <= MAX_TIME_LIMIT:
        raise UserError("TIME_LIMIT_INVALID", "timeLimitSeconds", max=MAX_TIME_LIMIT)
    return await db.first(
        "INSERT INTO job (tenant_id, kind, lob_ids, params, time_limit_seconds)"
        " VALUES (:tenant, :kind, CAST(:lobs AS uuid[]), CAST(:params AS jsonb), :limit) RETURNING *",
        {"tenant": caller.tenant_id, "kind": kind, "lobs": [str(x) for x in lob_ids],
         "params": json.dumps(params), "limit": time_limit_seconds},
    )


async def get(db: DbSession, caller: Caller, job_id: UUID) -> Any:
    """The job, or None when it does not exist or the caller may not see it."""
    require_staff(caller)
    return await db.first("SELECT * FROM job WHERE id = :id", {"id": job_id})


async def jobs_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    """The jobs of ``ids`` the caller may see."""
    return await db.all("SELECT * FROM job WHERE id = ANY(:ids)", {"ids": list(ids)})


async def jobs_page(db: DbSession, caller: Caller, window: PageRequest, cap: int, kind: str | None,
                    state: str | None) -> Fetched:
    """One page of the jobs the caller may see, newest first, optionally of one kind or state."""
    require_staff(caller)
    return await filtered_page(db, "SELECT * FROM (SELECT *, -extract(epoch FROM created_at) AS newest FROM job) j",
                               ["newest", "id"], window, cap, Where().equal("kind", kind or None).equal("state", state))


async def cancel(db: DbSession, caller: Caller, job_id: UUID) -> Any:
    """Ask the worker to stop a queued or running job; a queued one never starts.

    ``NOT_FOUND`` unless the caller requested it or is tenant-wide staff;
    ``JOB_FINISHED`` when it has already ended.
    """
    require_staff(caller)
    row = await db.first_or_not_found(
        "UPDATE job SET cancel_requested = true WHERE id = :id RETURNING *", {"id": job_id}, "id"
    )
    if row.state in FINISHED:
        raise UserError("JOB_FINISHED", "id", state=row.state)
    return row
