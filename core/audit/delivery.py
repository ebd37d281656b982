"""Commit a transaction and hand its audit events to the audit sinks.

Requests (the GraphQL view) and operator commands that act as a user end their
transaction the same way: when any plugin implements ``switchboard_audit_sink``,
the events the transaction wrote are read just before the commit and delivered
just after it; a failing sink is logged and never undoes the transaction.
"""

from __future__ import annotations

import logging
from typing import Any

from switchboard.core.db.session import DbSession

log = logging.getLogger("switchboard.audit")


async def finish(runtime: Any, db: DbSession, *, commit: bool) -> None:
    """Commit (or roll back) ``db``; after a commit, deliver its audit events to every sink."""
    events = await _events(runtime, db) if commit else []
    await db.finish(commit=commit)
    if events:
        deliver(runtime, events)


async def _events(runtime: Any, db: DbSession) -> list[dict[str, Any]]:
    if not runtime.has_audit_sinks or not db.started:
        return []
    rows = await db.all("SELECT * FROM app.audit_events_of_xact()")
    return [dict(r._mapping) for r in rows]


def deliver(runtime: Any, events: list[dict[str, Any]]) -> None:
    """Hand committed events to every sink; a failing sink never undoes the transaction."""
    for plugin, exc in runtime.host.isolated(runtime.host.hook.switchboard_audit_sink, events=events):
        log.error("audit sink of plugin %r failed: %s", plugin, exc, exc_info=exc)
