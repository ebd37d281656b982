"""The job worker: claims queued jobs (``FOR UPDATE SKIP LOCKED``) and runs each as its requester.

Any number of workers may run against one database (``switchboard worker``, or the
thread ``switchboard serve`` starts); a job goes to exactly one. The worker keeps the
job row up to date as the owner role (state, heartbeat, progress, result); the
handler reads and writes the product's tables as the requesting user through
:meth:`JobContext.acting`, so row security and permissions apply to a job exactly
as to the request that asked for it. A job whose worker stops heart-beating is
failed (``WORKER_LOST``) by the next worker that looks.

A handler is ``async def handler(ctx: JobContext) -> dict | None``: it runs CPU-bound
work with ``await asyncio.to_thread(...)`` so the heartbeat keeps beating, reports
with :meth:`JobContext.progress`, honours ``ctx.time_limit_seconds``, and stops with
:class:`JobCancelled` once :meth:`JobContext.cancel_requested` says so. What it
returns is stored as the job's result; a :class:`UserError` it raises fails the job
with that code. A job's end writes a ``job.finished`` webhook event (:mod:`.finished`) in
the same transaction, and every change of its state or progress wakes its subscribers
(a trigger notifies ``switchboard_job_progress``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sqlalchemy import text

from switchboard.core.db.session import DbSession
from switchboard.core.db.wakeup import Wakeup
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.identity.operator import acting_as

from . import finished

log = logging.getLogger("switchboard.jobs")

Handler = Callable[["JobContext"], Awaitable[dict[str, Any] | None]]
CHANNEL = "switchboard_job"
HEARTBEAT_SECONDS = 10.0
STALE_AFTER_SECONDS = 120
PROGRESS_EVERY_SECONDS = 1.0

CLAIM = text("""
UPDATE job SET state = 'running', started_at = now(), heartbeat_at = now(), worker = :worker
 WHERE id = (SELECT id FROM job WHERE state = 'queued' AND NOT cancel_requested
              ORDER BY created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
RETURNING id, tenant_id, kind, params, lob_ids, requested_by, time_limit_seconds""")
SWEEP = [
    text("UPDATE job SET state = 'cancelled', finished_at = now() WHERE state = 'queued' AND cancel_requested"
         f" {finished.RETURNING}"),
    text("UPDATE job SET state = 'failed', finished_at = now(), error_code = 'WORKER_LOST'"
         f" WHERE state = 'running' AND heartbeat_at < now() - make_interval(secs => :stale) {finished.RETURNING}"),
]
FINISH = text(f"""
UPDATE job SET state = :state, finished_at = now(), heartbeat_at = now(), result = CAST(:result AS jsonb),
       error_code = :code, error_params = CAST(:params AS jsonb)
 WHERE id = :id AND state = 'running' {finished.RETURNING}""")
BEAT = text("UPDATE job SET heartbeat_at = now() WHERE id = :id RETURNING cancel_requested")
PROGRESS = text("""
UPDATE job SET progress = progress || CAST(:progress AS jsonb), heartbeat_at = now()
 WHERE id = :id RETURNING cancel_requested""")


class JobCancelled(Exception):
    """Raised by a handler that stopped because its job's cancellation was requested."""


@dataclass
class JobContext:
    """What a handler gets: the job's parameters, its requester, and ways to report."""

    runtime: Any
    id: UUID
    tenant_id: UUID
    kind: str
    params: dict[str, Any]
    lob_ids: list[UUID]
    requested_by: UUID
    time_limit_seconds: int
    _cancel: bool = False
    _last_progress: float = field(default=0.0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @asynccontextmanager
    async def acting(self) -> AsyncIterator[tuple[DbSession, Caller]]:
        """A runtime-role transaction as the requester (committed when the block ends normally)."""
        async with acting_as(self.runtime, user_id=self.requested_by, name=f"job {self.id}") as session:
            yield session

    def progress(self, *, force: bool = False, **values: Any) -> bool:
        """Merge ``values`` (JSON) into the job's progress, at most once a second unless
        ``force``; callable from any thread. Returns whether cancellation was requested."""
        now = time.monotonic()
        with self._lock:
            if not force and now - self._last_progress < PROGRESS_EVERY_SECONDS:
                return self._cancel
            self._last_progress = now
            with self.runtime.owner.begin() as conn:
                flag = conn.execute(PROGRESS, {"id": self.id, "progress": json.dumps(values)}).scalar()
            self._cancel = bool(flag)
            return self._cancel

    def cancel_requested(self) -> bool:
        """Whether someone asked to cancel the job (as of the last heartbeat or progress report)."""
        return self._cancel

    def beat(self) -> None:
        """Record that the job is alive, and learn whether it was cancelled."""
        with self.runtime.owner.begin() as conn:
            self._cancel = bool(conn.execute(BEAT, {"id": self.id}).scalar())


class Worker:
    """Claims and runs jobs of the kinds the enabled plugins handle."""

    def __init__(self, runtime: Any, *, poll_seconds: float = 5.0) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        self.name = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self.handlers: dict[str, Handler] = {}
        for handlers in runtime.host.hook.switchboard_job_handlers():
            self.handlers.update(handlers)

    def sweep(self) -> None:
        """Cancel queued jobs whose cancellation was asked; fail running jobs whose worker died."""
        with self.runtime.owner.begin() as conn:
            for statement in SWEEP:
                finished.announce(conn, conn.execute(statement, {"stale": STALE_AFTER_SECONDS}).all())

    def run_once(self) -> UUID | None:
        """Claim one queued job and run it to its end; its id, or None when the queue was empty."""
        self.sweep()
        with self.runtime.owner.begin() as conn:
            row = conn.execute(CLAIM, {"worker": self.name}).first()
        if row is None:
            return None
        ctx = JobContext(self.runtime, row.id, row.tenant_id, row.kind, row.params, list(row.lob_ids),
                         row.requested_by, row.time_limit_seconds)
        asyncio.run(self._execute(ctx))
        return row.id

    def run(self, stop: threading.Event) -> None:
        """Run jobs until ``stop`` is set, waking on new jobs (LISTEN) or every ``poll_seconds``."""
        wakeup = Wakeup(self.runtime.database, CHANNEL, "switchboard-worker")
        try:
            while not stop.is_set():
                try:
                    while not stop.is_set() and self.run_once() is not None:
                        pass
                except Exception:  # the database went away: wait, then try again
                    log.exception("job worker could not claim a job")
                wakeup.wait(self.poll_seconds, stop)
        finally:
            wakeup.close()

    async def _execute(self, ctx: JobContext) -> None:
        handler = self.handlers.get(ctx.kind)
        heart = asyncio.create_task(self._heartbeat(ctx))
        state, result, code, params = "succeeded", None, None, None
        try:
            if handler is None:
                raise UserError("JOB_KIND_UNKNOWN", kind=ctx.kind)
            result = await handler(ctx)
        except JobCancelled:
            state = "cancelled"
        except UserError as exc:
            state, code, params = "failed", exc.code, exc.params
        except Exception:
            log.exception("job %s (%s) failed", ctx.id, ctx.kind)
            state, code = "failed", "JOB_FAILED"
        finally:
            heart.cancel()
        with self.runtime.owner.begin() as conn:
            ended = conn.execute(FINISH, {"id": ctx.id, "state": state, "code": code,
                                          "result": None if result is None else json.dumps(result, default=str),
                                          "params": None if params is None else json.dumps(params, default=str)})
            finished.announce(conn, ended.all())

    async def _heartbeat(self, ctx: JobContext) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            await asyncio.to_thread(ctx.beat)


def start_worker_thread(runtime: Any) -> tuple[threading.Thread, threading.Event]:
    """Run a :class:`Worker` in a daemon thread, and the webhook dispatcher in another (what
    ``switchboard serve`` does); set the event to stop both."""
    from switchboard.core.webhooks.dispatcher import start_dispatcher_thread

    stop = threading.Event()
    thread = threading.Thread(target=Worker(runtime).run, args=(stop,), name="switchboard-worker", daemon=True)
    thread.start()
    start_dispatcher_thread(runtime, stop)
    return thread, stop
