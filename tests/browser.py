"""Headless Chromium driven over the Chrome DevTools Protocol, with the network closed.

Debian's ``chromium`` is installed when missing (:func:`chromium_binary`). :class:`Browser`
starts it on a fresh profile and talks CDP over its WebSocket (the ``websockets`` client
uvicorn already brings). Every request a page makes is paused and let through only when it
goes to the allowed origin; any other is failed and recorded in :attr:`Page.blocked`, and
host names other than the loopback address do not resolve at all.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

from websockets.sync.client import connect

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run")
CLOSED_NETWORK = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"


def chromium_binary() -> str | None:
    """Debian's Chromium, installed with apt-get when missing; None when it cannot be installed."""
    found = shutil.which("chromium")
    if found or not shutil.which("apt-get"):
        return found
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "install", "-y", "-q", "chromium"], ["apt-get", "update", "-q"],
                    ["apt-get", "install", "-y", "-q", "chromium"]):  # the package list may be stale the first time
        subprocess.run(command, env=env, capture_output=True, timeout=900)
        found = shutil.which("chromium")
        if found:
            return found
    return None


class Browser:
    """One headless Chromium on a fresh profile, and its CDP connection."""

    def __init__(self, binary: str, profile: Path) -> None:
        self.process = subprocess.Popen([binary, *FLAGS, CLOSED_NETWORK, f"--user-data-dir={profile}",
                                         "--remote-debugging-port=0", "about:blank"],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or len(port_file.read_text().splitlines()) < 2:
            assert self.process.poll() is None and time.monotonic() < deadline, "Chromium did not start"
            time.sleep(0.05)
        port, path = port_file.read_text().splitlines()[:2]
        self._stack = ExitStack()
        self.socket = self._stack.enter_context(connect(f"ws://127.0.0.1:{port}{path}", max_size=None))
        self._ids = itertools.count(1)
        self._send_lock = threading.Lock()
        self._waiting: dict[int, Any] = {}
        self._listeners: list[Callable[[dict], None]] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for raw in self.socket:
            message = json.loads(raw)
            if "id" in message:
                slot = self._waiting.get(message["id"])
                if slot is not None:
                    slot.append(message)
                    slot[0].set()
            else:
                for listener in list(self._listeners):
                    listener(message)

    def send(self, method: str, session: str | None = None, **params: Any) -> None:
        """Send a command without waiting for its answer."""
        self._post(next(self._ids), method, session, params)

    def call(self, method: str, session: str | None = None, timeout: float = 30, **params: Any) -> dict:
        """Send a command and return its result (an error answer raises)."""
        number = next(self._ids)
        slot: list[Any] = [threading.Event()]
        self._waiting[number] = slot
        self._post(number, method, session, params)
        assert slot[0].wait(timeout), f"no answer to {method}"
        answer = self._waiting.pop(number)[1]
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def _post(self, number: int, method: str, session: str | None, params: dict) -> None:
        message = {"id": number, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        with self._send_lock:
            self.socket.send(json.dumps(message))

    @contextmanager
    def page(self, allowed_origin: str) -> Iterator[Page]:
        """A new tab whose requests may reach ``allowed_origin`` only."""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        page = Page(self, session, allowed_origin)
        self._listeners.append(page.on_event)
        try:
            for domain in ("Page.enable", "Runtime.enable", "Log.enable"):
                self.call(domain, session)
            self.call("Fetch.enable", session, patterns=[{"urlPattern": "*"}])
            yield page
        finally:
            self._listeners.remove(page.on_event)
            self.call("Target.closeTarget", targetId=target)

    def close(self) -> None:
        self._stack.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Page:
    """One tab: navigation, JavaScript evaluation, and the requests it made or was refused."""

    def __init__(self, browser: Browser, session: str, allowed_origin: str) -> None:
        self.browser, self.session, self.allowed = browser, session, allowed_origin.rstrip("/") + "/"
        self.requested: list[str] = []
        self.blocked: list[str] = []
        self.errors: list[str] = []

    def on_event(self, message: dict) -> None:
        if message.get("sessionId") != self.session:
            return
        method, params = message["method"], message.get("params", {})
        if method == "Fetch.requestPaused":
            url = params["request"]["url"]
            if url.startswith(self.allowed):
                self.requested.append(url)
                self.browser.send("Fetch.continueRequest", self.session, requestId=params["requestId"])
            else:
                self.blocked.append(url)
                self.browser.send("Fetch.failRequest", self.session, requestId=params["requestId"],
                                  errorReason="BlockedByClient")
        elif method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("exception", {}).get("description", "exception"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":  # CSP violations, failed loads
            self.errors.append(params["entry"]["text"])

    def goto(self, url: str) -> None:
        self.browser.call("Page.navigate", self.session, url=url)

    def type(self, text: str) -> None:
        """Type ``text`` where the focus is, as a keyboard would insert it."""
        self.browser.call("Input.insertText", self.session, text=text)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        result = self.browser.call("Runtime.evaluate", self.session, expression=expression, returnByValue=True,
                                   awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(result["exceptionDetails"].get("exception", {}).get("description", expression))
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60) -> Any:
        """Poll ``expression`` until it is truthy; its value."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            assert time.monotonic() < deadline, f"timed out waiting for {expression} (page errors: {self.errors})"
            time.sleep(0.1)
