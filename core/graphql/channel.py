"""A request's ASGI receive channel, counted: a body is refused past its cap while it streams.

A body that declares its length (``Content-Length``) is refused before any of it is
read (:func:`declared_over`); one that does not (chunked) is counted as it arrives and
refused as soon as it passes the cap, so neither is ever read past it.
"""

from __future__ import annotations

from typing import Any

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

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.limit:
                raise BodyTooLarge(self.limit)
        return message
