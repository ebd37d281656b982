"""Files a job owns: an upload stored with the job that will read it.

The request that queues an import stores its file in ``job_file`` — in parts of at most
a megabyte, as it streams in, in the same transaction as the job — and returns at once;
the job reads the parts back, as its requester, into a spooled temporary file and works
on that. Only the uploader reads or writes the parts, only for their own queued job;
they are deleted when the job ends.
"""

from __future__ import annotations

import tempfile
from typing import IO
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.imports.staging import chunks

SPOOL_IN_MEMORY = 8 * 1024 * 1024


async def attach_file(db: DbSession, tenant_id: UUID, job_id: UUID, data: bytes | IO[bytes],
                      max_bytes: int | None = None) -> int:
    """Store ``data`` as the queued job's file, part by part; its size in bytes
    (``UPLOAD_TOO_LARGE`` past ``max_bytes``)."""
    size = 0
    for part, piece in enumerate(chunks(data, max_bytes)):
        await db.execute("INSERT INTO job_file (tenant_id, job_id, part, data) VALUES (:t, :j, :p, :d)",
                         {"t": tenant_id, "j": job_id, "p": part, "d": piece})
        size += len(piece)
    return size


async def job_file(db: DbSession, job_id: UUID) -> IO[bytes]:
    """The job's file, read as the requester into a spooled temporary file (at its start);
    close it when done."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    parts = await db.all("SELECT part FROM job_file WHERE job_id = :j ORDER BY part", {"j": job_id})
    for row in parts:
        spool.write(await db.scalar("SELECT data FROM job_file WHERE job_id = :j AND part = :p",
                                    {"j": job_id, "p": row.part}))
    spool.seek(0)
    return spool
