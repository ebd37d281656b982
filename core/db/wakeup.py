"""Sleeping until PostgreSQL says there is work: a LISTEN connection for a worker loop.

A loop that polls the database (the job worker, the webhook dispatcher) waits on a
:class:`Wakeup` between rounds: it returns as soon as a notification arrives on its
channel, or after the timeout. Without a listening connection (the database refused
it) the loop simply polls.
"""

from __future__ import annotations

import logging
import threading

import psycopg

from .engines import connect_args
from .server import Database

log = logging.getLogger("switchboard.db")


class Wakeup:
    """A connection (owner role, autocommit) listening on ``channel``."""

    def __init__(self, database: Database, channel: str, application: str) -> None:
        self.channel = channel
        self.conn: psycopg.Connection | None
        try:
            self.conn = psycopg.connect(database.owner_url, autocommit=True,
                                        **connect_args(database.owner_set_role, application))
            self.conn.execute(f"LISTEN {channel}")
        except psycopg.Error:
            log.exception("cannot LISTEN %s; polling only", channel)
            self.conn = None

    def wait(self, timeout: float, stop: threading.Event) -> None:
        """Return on a notification, after ``timeout`` seconds, or (polling) when ``stop`` is set."""
        if self.conn is None:
            stop.wait(timeout)
            return
        try:
            for _ in self.conn.notifies(timeout=max(timeout, 0.0), stop_after=1):
                pass
        except psycopg.Error:
            stop.wait(timeout)

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
