"""One webhook POST over http.client, to the address :mod:`.addresses` checked.

The connection goes to the vetted address while the request names the URL's host (and
TLS verifies it), so a name that resolves elsewhere between the check and the connection
cannot redirect the delivery. Redirects are not followed: a 3xx answer is a failure.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from dataclasses import dataclass

from .addresses import SCHEMES, AddressRefused, parse_url, reachable

TIMEOUT_SECONDS = 10.0
MAX_ERROR = 300


@dataclass(frozen=True)
class Outcome:
    """What one attempt got: the HTTP status (None when no answer came), an error line, its duration."""

    status: int | None
    error: str | None
    milliseconds: int

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class _PinnedHTTP(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, allow_private: bool,
         timeout: float = TIMEOUT_SECONDS) -> Outcome:
    """POST ``body`` to ``url``; never raises for a network or HTTP failure (see :class:`Outcome`)."""
    started = time.monotonic()

    def outcome(status: int | None, error: str | None) -> Outcome:
        return Outcome(status, error and error[:MAX_ERROR], round((time.monotonic() - started) * 1000))

    try:
        parts = parse_url(url)
        scheme = parts.scheme.lower()
        port = parts.port or SCHEMES[scheme]
        address = reachable(parts.hostname, port, allow_private)
        kind = _PinnedHTTPS if scheme == "https" else _PinnedHTTP
        conn = kind(parts.hostname, port, address, timeout)
        try:
            target = parts.path or "/"
            conn.request("POST", f"{target}?{parts.query}" if parts.query else target, body=body,
                         headers={**headers, "Content-Length": str(len(body))})
            response = conn.getresponse()
            response.read(64 * 1024)
            status = response.status
        finally:
            conn.close()
    except AddressRefused as exc:
        return outcome(None, str(exc))
    except (OSError, http.client.HTTPException) as exc:
        return outcome(None, f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 (a URL that no longer parses, and the like: recorded, not raised)
        return outcome(None, f"{type(exc).__name__}: {exc}")
    return outcome(status, None if 200 <= status < 300 else f"HTTP {status}")
