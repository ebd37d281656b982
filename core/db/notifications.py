"""PostgreSQL notifications for the server's subscriptions: one LISTEN connection per application.

A subscription watches ``(channel, payload)`` — ``switchboard_job_progress`` and a job's
id, say — and sleeps until a notification with that payload arrives (or its own
timeout passes). The listening connection runs as the runtime role and carries no
caller: a notification only says *something* changed; what a subscriber is told is
read afterwards in its own transaction, under row security. When the connection drops,
it is opened again after a pause; meanwhile watchers wake on their timeouts (they poll).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Iterator

import psycopg

from .engines import connect_args
from .server import Database

log = logging.getLogger("switchboard.db")
RETRY_SECONDS = 2.0


class Watch:
    """One watcher's wake-up: set by a matching notification, cleared before each read."""

    def __init__(self) -> None:
        self.event = asyncio.Event()

    def clear(self) -> None:
        """Forget earlier notifications (call before reading, so none arriving during the read is lost)."""
        self.event.clear()

    async def wait(self, timeout: float) -> bool:
        """Whether a notification came within ``timeout`` seconds (or since :meth:`clear`)."""
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Notifications:
    """The application's listener; started by the first watch, stopped by :meth:`close`."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.channels: set[str] = set()
        self.watchers: dict[tuple[str, str], set[Watch]] = defaultdict(set)
        self.task: asyncio.Task | None = None
        self.listening = asyncio.Event()

    @contextlib.contextmanager
    def watch(self, channel: str, key: str) -> Iterator[Watch]:
        """Wake-ups for notifications on ``channel`` whose payload is ``key``, while the block runs."""
        watch = Watch()
        self.watchers[channel, key].add(watch)
        if channel not in self.channels or self.task is None or self.task.done():
            self.channels.add(channel)
            self._restart()
        try:
            yield watch
        finally:
            watchers = self.watchers[channel, key]
            watchers.discard(watch)
            if not watchers:
                del self.watchers[channel, key]

    async def ready(self, timeout: float) -> bool:
        """Wait (at most ``timeout`` seconds) until the connection listens: a change made after
        this returns is never missed."""
        try:
            await asyncio.wait_for(self.listening.wait(), timeout)
        except TimeoutError:
            return False
        return True

    def _restart(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.listening = asyncio.Event()
        self.task = asyncio.get_running_loop().create_task(self._listen(sorted(self.channels), self.listening))

    async def _listen(self, channels: list[str], listening: asyncio.Event) -> None:
        db = self.database
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                        db.runtime_url, autocommit=True,
                        **connect_args(db.runtime_set_role, "switchboard-listen")) as conn:
                    for channel in channels:
                        await conn.execute(f"LISTEN {channel}")
                    listening.set()
                    async for note in conn.notifies():
                        for watch in self.watchers.get((note.channel, note.payload), ()):
                            watch.event.set()
            except asyncio.CancelledError:
                raise
            except Exception:  # the database went away: watchers poll until it is back
                log.exception("notification listener lost its connection")
            listening.clear()
            await asyncio.sleep(RETRY_SECONDS)

    async def close(self) -> None:
        """Stop listening."""
        task, self.task = self.task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
