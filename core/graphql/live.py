"""Subscriptions over WebSocket: a connection authenticated once, every event read as the subscriber.

``/graphql`` speaks ``graphql-transport-ws``. The ``connection_init`` message carries the
bearer token (``{"authorization": "Bearer …"}``); a missing, malformed, unknown, expired
or revoked token, or one of the wrong endpoint's users, closes the socket with code 4403
and the error's code as the reason (``UNAUTHENTICATED``, ``TOKEN_EXPIRED``, …).

A subscription field follows something with :func:`follow`: each time it may have
changed (a PostgreSQL notification, or every ``subscription_recheck_seconds``) it is
read in a short transaction that authenticates the token again and runs as the runtime
role with the subscriber as caller — the path of a request — so row security decides
every event, and a revoked grant or token shows at the next read. What cannot be read
at the start is a coded GraphQL error; what can no longer be read later ends the stream
(``complete``), without an error and without more events.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, TypeVar

from switchboard.core.db.notifications import Notifications
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, CodedError, UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.identity.service import authenticate

from .context import Context

T = TypeVar("T")
LISTEN_WAIT_SECONDS = 2.0


def bearer_token(header: str) -> str | None:
    """The token of an ``Authorization`` value (None when empty; ``UNAUTHENTICATED`` when not ``Bearer <token>``)."""
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AccessError("UNAUTHENTICATED")
    return token.strip()


@dataclass
class LiveContext(Context):
    """A WebSocket connection's context: the subscriber's token and the application's listener."""

    token: str | None = None
    notifications: Notifications | None = None
    connection_params: dict[str, Any] = field(default_factory=dict)


class LiveError(CodedError):
    """A subscription's refusal, carried as a GraphQL error with a code and a localized message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code)
        self.message = message
        self.extensions = {"code": code}

    def __str__(self) -> str:
        return self.message


def live_error(ctx: Context, error: AccessError | UserError) -> LiveError:
    """``error`` as the subscriber reads it."""
    return LiveError(error.code, ctx.message(error.code, **error.params))


@asynccontextmanager
async def as_subscriber(ctx: LiveContext) -> AsyncIterator[tuple[DbSession, Caller]]:
    """A short transaction as the subscriber (the token authenticated again: ``TOKEN_REVOKED``,
    ``TOKEN_EXPIRED``…), committed when the block ends normally."""
    settings = ctx.runtime.settings
    db = DbSession(ctx.runtime.engine, None, statement_timeout_ms=settings.statement_timeout_ms)
    try:
        caller = await authenticate(db, ctx.token or "", ctx.runtime.policy, settings)
        yield db, caller
        await db.finish(commit=True)
    finally:
        await db.finish(commit=False)


async def follow(ctx: LiveContext, channel: str, key: str, read: Callable[[DbSession, Caller], Awaitable[T | None]],
                 done: Callable[[T], bool]) -> AsyncIterator[T]:
    """What ``read`` answers now, then each time it changes after a notification on ``channel``
    with payload ``key`` (or a recheck), until ``done`` says it is final or it can no longer
    be read. The first read's refusal (None: ``NOT_FOUND``) is raised as a :class:`LiveError`."""
    assert ctx.notifications is not None
    recheck = ctx.runtime.settings.subscription_recheck_seconds
    last: T | None = None
    first = True
    with ctx.notifications.watch(channel, key) as watch:
        await ctx.notifications.ready(LISTEN_WAIT_SECONDS)
        while True:
            watch.clear()
            try:
                async with as_subscriber(ctx) as (db, caller):
                    value = await read(db, caller)
            except (AccessError, UserError) as exc:
                if first:
                    raise live_error(ctx, exc) from exc
                return
            if value is None:
                if first:
                    raise live_error(ctx, UserError("NOT_FOUND", "id"))
                return
            if first or value != last:
                yield value
            if done(value):
                return
            first, last = False, value
            await watch.wait(recheck)

