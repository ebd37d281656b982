"""A request's ASGI receive channel: a body cap while the body streams, then the client's hang-up.

A body that declares its length (``Content-Length``) is refused before any of it is
read (:func:`declared_over`); one that does not (chunked) is counted as it arrives and
refused as soon as it passes the cap, so neither is ever read past it.

Once the body is in, the channel has nothing left to say but ``http.disconnect``:
:meth:`RequestChannel.cancelled_on_disconnect` listens for it while the operation
runs and cancels the operation when the client goes away. Cancelling a task that
waits on psycopg's asynchronous connection sends PostgreSQL a cancel request for the
running statement; SQLAlchemy then discards the connection instead of pooling it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from starlette.requests import ClientDisconnect

Message = dict[str, Any]


class BodyTooLarge(Exception):
    """The body passed the channel's cap."""


def declared_over(headers: Any, limit: int) -> bool:
    """Whether the request declares a body longer than ``limit`` bytes."""
    length = headers.get("content-length", "")
    return length.isdigit() and int(length) > limit


class RequestChannel:
    """An ASGI ``receive`` that raises :class:`BodyTooLarge` once the body passes ``limit`` bytes."""

    def __init__(self, receive: Any, limit: int) -> None:
        self._receive = receive
        self.limit = limit
        self.received = 0
        self.complete = False
        self.disconnected = False

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
            self.complete = not message.get("more_body", False)
        elif message["type"] == "http.disconnect":
            self.disconnected = True
        return message

    @asynccontextmanager
    async def cancelled_on_disconnect(self) -> AsyncIterator[None]:
        """Run the block, cancelled (``ClientDisconnect``) if the client hangs up meanwhile."""
        if not self.complete:  # the body is not in: the channel is not ours to listen to
            yield
            return
        task = asyncio.current_task()
        assert task is not None
        listener = asyncio.ensure_future(self._cancel_on_disconnect(task))
        try:
            yield
        except asyncio.CancelledError:
            if not self.disconnected:
                raise
            task.uncancel()
            raise ClientDisconnect() from None
        finally:
            listener.cancel()

    async def _cancel_on_disconnect(self, task: asyncio.Task[Any]) -> None:
        message = await self()
        if message["type"] == "http.disconnect":
            task.cancel()
