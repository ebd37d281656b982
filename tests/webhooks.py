"""Webhook test helpers: a real local HTTP receiver, and registering an endpoint over GraphQL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CREATE = """mutation($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) {
  endpoint { id url eventTypes clientId active } secret errors { code field message } } }"""


@dataclass
class Receiver:
    """A local HTTP server that records each POST and answers with the next planned status."""

    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[dict] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(r["body"]) for r in self.received]


@contextmanager
def receiver() -> Iterator[Receiver]:
    found = Receiver("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["content-length"]))
            found.received.append({"path": self.path, "headers": dict(self.headers), "body": body})
            status = found.statuses.pop(0) if found.statuses else 200
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/switchboard?from=test"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


def register(gql, world, url: str, types: tuple[str, ...], client=None, who: str = "admin") -> dict:
    """A new endpoint of ``who``'s tenant for ``types`` (of ``client`` only, when given): endpoint and secret."""
    body = gql(CREATE, {"input": {"url": url, "eventTypes": list(types), "clientId": client and str(client),
                                  "description": "test receiver"}}, token=world.tokens[who])
    assert "errors" not in body, body
    made = body["data"]["createWebhookEndpoint"]
    assert made["errors"] == [], made
    return made
