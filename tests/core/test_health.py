"""Liveness (``/healthz``: the process answers) and readiness (``/readyz``: the database
answers as the runtime role within a short timeout and its migrations are current)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.runtime import Runtime
from tests.conftest import TEMPLATE, cloned_runtime


def probe(runtime: Runtime, path: str) -> tuple[int, dict]:
    with TestClient(create_app(runtime)) as http:
        response = http.get(path)
    return response.status_code, response.json()


def test_a_reachable_migrated_database_is_ready(runtime):
    assert probe(runtime, "/readyz") == (200, {"status": "ready"})
    assert probe(runtime, "/healthz")[0] == 200


@contextmanager
def elsewhere(runtime: Runtime, url: str) -> Iterator[Runtime]:
    """``runtime``'s plugins and settings, its database at ``url`` (both roles)."""
    database = replace(runtime.database, runtime_url=url, owner_url=url)
    settings = replace(runtime.settings, readiness_timeout_seconds=1)
    yield Runtime(settings=settings, host=runtime.host, database=database)


def test_an_unreachable_database_is_not_ready_but_the_process_is_live(runtime):
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with elsewhere(runtime, f"postgresql://nobody@127.0.0.1:{port}/switchboard") as down:  # nothing listens
        assert probe(down, "/readyz") == (503, {"status": "unavailable", "reasons": ["database unreachable"]})
        status, body = probe(down, "/healthz")
        assert status == 200 and body["status"] == "ok"


def test_a_database_that_never_answers_is_not_ready_after_the_timeout(runtime):
    with socket.socket() as silent:  # accepts connections (the kernel does) and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"postgresql://nobody@127.0.0.1:{silent.getsockname()[1]}/switchboard"
        with elsewhere(runtime, url) as hung:
            started = time.monotonic()
            status, body = probe(hung, "/readyz")
            elapsed = time.monotonic() - started
    assert (status, body) == (503, {"status": "unavailable", "reasons": ["database did not answer within 1 s"]})
    assert elapsed < 5


@pytest.fixture
def unmigrated_plugin(template) -> Iterator[Runtime]:
    """Core's migrated database with the sample plugin enabled but its branch not applied."""
    import switchboard_sample.plugin as sample

    with cloned_runtime(template, TEMPLATE, ("sample", sample)) as rt:
        yield rt


def test_a_pending_migration_is_not_ready(unmigrated_plugin):
    assert probe(unmigrated_plugin, "/readyz") == (
        503, {"status": "unavailable", "reasons": ["migrations not applied: sample_0001"]})
