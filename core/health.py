"""Readiness: whether this process should be sent requests now.

Liveness (``/healthz``) only says the process answers. Readiness (``/readyz``) asks the
database, within ``Settings.readiness_timeout_seconds``: the runtime role must get an
answer to ``SELECT 1`` (the pool's connection, as requests get it), and the schema's
migrations must be current (Alembic's heads read as the owner, compared with every
enabled module's branch by :func:`.db.migrate.pending`). The reasons it gives are
short and fixed (no host names or driver messages); the cause is logged.
"""

from __future__ import annotations

import asyncio
import logging

import psycopg
from sqlalchemy import text

from .db import migrate
from .db.engines import connect_args
from .runtime import Runtime

logger = logging.getLogger("switchboard.health")
UNREACHABLE = "database unreachable"


class Readiness:
    """The readiness check of one runtime (remembers the migrations it last found current)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._pending: dict[tuple[str, ...], list[str]] = {}

    async def problems(self) -> list[str]:
        """Why the process is not ready (empty: ready)."""
        timeout = self.runtime.settings.readiness_timeout_seconds
        try:
            async with asyncio.timeout(timeout):
                await self._ping()
                applied = await self._applied_heads()
        except TimeoutError:
            logger.warning("not ready: the database did not answer within %s s", timeout)
            return [f"database did not answer within {timeout} s"]
        except Exception as exc:  # noqa: BLE001 — whatever keeps it from answering
            logger.warning("not ready: %s: %s", type(exc).__name__, (str(exc).splitlines() or [""])[0])
            return [UNREACHABLE]
        try:
            pending = self._pending_for(applied)
        except Exception as exc:  # noqa: BLE001 — a revision this version does not know (a newer schema)
            logger.warning("not ready: migration state %s: %s", applied, exc)
            return [f"migrations not recognised: {', '.join(applied)}"]
        return [f"migrations not applied: {', '.join(pending)}"] if pending else []

    async def _ping(self) -> None:
        async with self.runtime.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def _applied_heads(self) -> tuple[str, ...]:
        db = self.runtime.database
        async with await psycopg.AsyncConnection.connect(
                db.owner_url, autocommit=True, **connect_args(db.owner_set_role, "switchboard-ready")) as conn:
            rows = await (await conn.execute("SELECT version_num FROM alembic_version")).fetchall()
        return tuple(sorted(r[0] for r in rows))

    def _pending_for(self, applied: tuple[str, ...]) -> list[str]:
        if applied not in self._pending:
            self._pending[applied] = migrate.pending(self.runtime.database, self.runtime.host, applied)
        return self._pending[applied]
