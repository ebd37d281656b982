"""A 50-row connection page: GraphQL requests per second vs a plain Starlette JSON endpoint.

Both run the same SQL through the same engine, authentication and transaction
handling (see benchmarks/server.py); wrk drives each in turn over loopback, round
after round. Usage: ``python -m benchmarks.bench_connection_page [--size mid] [--rounds 3]``.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from benchmarks.harness import live_server, prepared, table
from benchmarks.tokens import admin_token

QUERY = ("{ employees(first: 50) { edges { cursor node { id employeeNumber preferredName hireDate workRegion } }"
         " pageInfo { hasNextPage endCursor } } }")


def post(url: str, body: dict, token: str) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={
        "content-type": "application/json", "authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def wrk(url: str, body: dict, token: str, seconds: int, connections: int) -> float:
    """Requests per second wrk sustains against ``url`` (POST ``body``)."""
    script = Path(tempfile.mkdtemp()) / "post.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
        'wrk.headers["content-type"] = "application/json"\n'
        f'wrk.headers["authorization"] = "Bearer {token}"\n'
    )
    out = subprocess.run(["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"wrk saw errors:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="mid")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    runtime, _ = prepared(args.size)
    token = admin_token(runtime)
    with live_server(args.size) as base:
        graphql = post(f"{base}/graphql", {"query": QUERY}, token)
        plain = post(f"{base}/bench/employees", {}, token)
        assert "errors" not in graphql, graphql
        assert graphql == plain, "the two endpoints must return the same page"
        assert len(plain["data"]["employees"]["edges"]) == 50
        rps = {"GraphQL /graphql": [], "plain Starlette JSON": []}
        for _ in range(args.rounds):
            rps["GraphQL /graphql"].append(
                wrk(f"{base}/graphql", {"query": QUERY}, token, args.seconds, args.connections))
            rps["plain Starlette JSON"].append(
                wrk(f"{base}/bench/employees", {}, token, args.seconds, args.connections))
    best = {name: max(values) for name, values in rps.items()}
    baseline = best["plain Starlette JSON"]
    rows = [[name, f"{best[name]:.0f}", " / ".join(f"{v:.0f}" for v in values), f"{best[name] / baseline:.2f}x"]
            for name, values in rps.items()]
    print(table(f"50-row employees page, {args.size} demo, wrk -c{args.connections}, {args.rounds}×{args.seconds}s",
                ["variant", "req/s (best)", "req/s per round", "ratio to plain"], rows))


if __name__ == "__main__":
    main()
