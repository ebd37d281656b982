"""Shared benchmark plumbing: prepared demo databases, a live server, interleaved timing.

This machine is shared and noisy, so every benchmark compares variants measured in
the same run, interleaved round by round, and reports ratios against a baseline.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from switchboard.core.config import Settings
from switchboard.core.db.server import locate
from switchboard.core.platform import migrate_all
from switchboard.core.plugin_host import PluginHost
from switchboard.core.runtime import Runtime

BENCH_DIR = Path(os.environ.get("SWITCHBOARD_BENCH_DIR", "/tmp/switchboard-bench"))


def bench_settings(size: str) -> Settings:
    """Settings for the benchmark database of one demo size (built-in plugins only)."""
    return replace(Settings.from_env(), data_dir=BENCH_DIR, database_name=f"bench_{size}")


def prepared(size: str, seed: int = 7) -> tuple[Runtime, float | None]:
    """A runtime on a migrated database holding the demo of ``size``.

    Built once and kept under ``SWITCHBOARD_BENCH_DIR``; returns the build time in
    seconds when this call built it, else None.
    """
    from switchboard.core.demo.builder import build_demo, is_empty

    settings = bench_settings(size)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    runtime = Runtime.build(settings, host=PluginHost(settings, builtin_only=True), database=locate(settings))
    migrate_all(runtime)
    if not is_empty(runtime):
        return runtime, None
    start = time.perf_counter()
    build_demo(runtime, size=size, seed=seed)
    return runtime, time.perf_counter() - start


def post_graphql(connection: http.client.HTTPConnection, body: str, token: str) -> dict:
    """POST one GraphQL request on a keep-alive connection; its ``data`` (errors fail)."""
    connection.request("POST", "/graphql", body, {"content-type": "application/json",
                                                  "authorization": f"Bearer {token}"})
    answer = json.loads(connection.getresponse().read())
    assert "errors" not in answer, answer
    return answer["data"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def live_server(size: str, app_factory: str = "benchmarks.server:app") -> Iterator[str]:
    """Run the benchmark app under uvicorn in its own process; yield its base URL."""
    port = free_port()
    env = {**os.environ, "SWITCHBOARD_BENCH_SIZE": size, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app_factory, "--port", str(port), "--log-level", "warning",
         "--no-access-log", "--timeout-keep-alive", "3600"], env=env,  # slow variants run between requests
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError("benchmark server exited during start-up") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.send_signal(signal.SIGINT)  # graceful: its exit hooks release the embedded server
        proc.wait(timeout=30)


@dataclass
class Timing:
    """Samples of one variant, in seconds."""

    name: str
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def interleaved(variants: dict[str, Callable[[], object]], rounds: int, warmup: int = 3) -> dict[str, Timing]:
    """Time each variant once per round, in turn, so noise hits them alike."""
    for _ in range(warmup):
        for fn in variants.values():
            fn()
    timings = {name: Timing(name, []) for name in variants}
    for _ in range(rounds):
        for name, fn in variants.items():
            start = time.perf_counter()
            fn()
            timings[name].samples.append(time.perf_counter() - start)
    return timings


def table(title: str, header: list[str], rows: list[list[object]]) -> str:
    """A plain-text table (what the benchmarks print and the README quotes)."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    out = [title, line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"
