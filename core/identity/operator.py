"""Operator commands that act as a user, exactly as that user's request would.

The command line runs as the operator of the installation, who may act as any
active user (``switchboard token create`` already hands out their tokens). A
command that works *as* a user gets a short-lived operator token for them, counted
as second-factor verified, authenticates with it on the runtime role like a
request (same caller, same grants, same row security), and revokes it when done;
the token's issue and revocation are audited like any other.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import psycopg

from switchboard.core.db.server import Database, connect_args
from switchboard.core.errors import SwitchboardError

from .secrets import new_token, token_hash

if TYPE_CHECKING:  # the request machinery loads only for commands that act as a user
    from switchboard.core.db.session import DbSession

    from .caller import Caller


def issue_operator_token(database: Database, email: str | None = None, *, user_id: UUID | None = None,
                         hours: float, name: str) -> tuple[str, UUID]:
    """A new bearer token for the active user ``email`` (or ``user_id``), second factor
    counted, and its id. One owner connection of psycopg's own: ``switchboard token
    create`` loads no SQLAlchemy."""
    token = new_token()
    expires = datetime.now(UTC) + timedelta(hours=hours)
    with psycopg.connect(database.owner_url, **connect_args(database.owner_set_role, "switchboard-cli")) as conn:
        user = conn.execute("SELECT id FROM app_user WHERE (lower(email) = lower(%s::text) OR id = %s::uuid)"
                            " AND active", (email, user_id)).fetchone()
        if user is None:
            who = f"e-mail {email}" if email else f"id {user_id}"
            raise SwitchboardError(f"no active user with {who}")
        (token_id,) = conn.execute("SELECT app.issue_token(%s, 'operator', %s, %s, %s, true)",
                                   (user[0], name, token_hash(token), expires)).fetchone()
    return token, token_id


@asynccontextmanager
async def acting_as(runtime: Any, email: str | None = None, *, user_id: UUID | None = None,
                    name: str) -> AsyncIterator[tuple[DbSession, Caller]]:
    """A runtime-role transaction as the active user ``email`` (or ``user_id``), and that user's caller.

    The transaction commits when the block ends normally (audit sinks hear of it as
    of a request) and rolls back on an exception; the one-hour token it acted
    through (named ``name``) is revoked either way.
    """
    from sqlalchemy import text

    from switchboard.core.audit.delivery import finish
    from switchboard.core.db.engines import runtime_engine
    from switchboard.core.db.session import DbSession

    from .service import authenticate

    token, token_id = issue_operator_token(runtime.database, email, user_id=user_id, hours=1, name=name)
    engine = runtime_engine(runtime.database, pool_size=1)
    db = DbSession(engine, None)
    try:
        caller = await authenticate(db, token, runtime.policy, runtime.settings)
        yield db, caller
        await finish(runtime, db, commit=True)
    finally:
        await db.finish(commit=False)  # no-op after the commit
        await engine.dispose()
        with runtime.owner.begin() as conn:
            conn.execute(text("UPDATE auth_token SET revoked_at = now() WHERE id = :id"), {"id": token_id})
