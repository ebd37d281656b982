"""The ``job.finished`` webhook event: written by the worker with the job's final state.

A job about LOBs of several clients is announced once per client, naming only that
client's LOBs, so a client's endpoint hears of its own part; a job about no LOB is a
tenant-level event (endpoints of the whole tenant only).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, text

from switchboard.core.webhooks.events import emit_as_owner

EVENT = "job.finished"
DESCRIPTION = "A background job ended: succeeded, failed or cancelled (its id, kind, state and error code)."
# what a statement ending jobs returns, for announce()
RETURNING = "RETURNING id, tenant_id, kind, lob_ids, state, error_code, requested_by"
CLIENTS = text("SELECT client_id, array_agg(id ORDER BY id) AS lob_ids FROM lob"
               " WHERE tenant_id = :t AND id = ANY (CAST(:lobs AS uuid[])) GROUP BY client_id ORDER BY client_id")


def announce(conn: Connection, jobs: Iterable[Any]) -> None:
    """Write the event of each job just ended on ``conn`` (owner), rows as :data:`RETURNING` gives them."""
    for job in jobs:
        base = {"jobId": str(job.id), "kind": job.kind, "state": job.state.upper(), "errorCode": job.error_code,
                "requestedBy": str(job.requested_by)}
        groups = conn.execute(CLIENTS, {"t": job.tenant_id, "lobs": [str(x) for x in job.lob_ids]}).all()
        if not groups:
            emit_as_owner(conn, job.tenant_id, EVENT, {**base, "lobIds": []})
        for group in groups:
            emit_as_owner(conn, job.tenant_id, EVENT, {**base, "lobIds": [str(x) for x in group.lob_ids]},
                          group.client_id)
