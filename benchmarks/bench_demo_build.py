"""Demo build time, against the same build with the audit triggers switched off.

Each run builds the demo into fresh databases: once as shipped (every row through
the hash-chained audit triggers), once with the audit triggers disabled — the
baseline — so the ratio is what auditing every row costs. ``--core`` builds core's
rows only (no plugin's demo data: the year of time entries is most of a full build).
Usage: ``python -m benchmarks.bench_demo_build [--size large] [--rounds 2] [--core]``.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace

import psycopg
from psycopg import sql
from sqlalchemy import text

from benchmarks.harness import bench_settings, table
from switchboard.core.db.selfcheck import AUDIT_TRIGGERS, SCOPED_TABLES
from switchboard.core.db.server import locate
from switchboard.core.demo.builder import build_demo
from switchboard.core.platform import migrate_all
from switchboard.core.plugin_host import PluginHost
from switchboard.core.runtime import Runtime


def fresh_runtime(size: str, name: str, core_only: bool = False) -> Runtime:
    settings = replace(bench_settings(size), database_name=name)
    db = locate(settings)
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    host = PluginHost(settings, entry_points_enabled=False) if core_only else PluginHost(settings, builtin_only=True)
    runtime = Runtime.build(settings, host=host, database=db)
    migrate_all(runtime)
    return runtime


def build(size: str, audited: bool, core_only: bool) -> tuple[float, int]:
    """Seconds to build the demo, and the audit events written."""
    runtime = fresh_runtime(size, f"bench_build_{'audited' if audited else 'plain'}", core_only)
    if not audited:
        with runtime.owner.begin() as conn:
            for t in conn.execute(text(SCOPED_TABLES)):
                for trigger in AUDIT_TRIGGERS & set(t.triggers):
                    conn.execute(text(f"ALTER TABLE {t.name} DISABLE TRIGGER {trigger}"))
    start = time.perf_counter()
    build_demo(runtime, size=size, seed=7)
    seconds = time.perf_counter() - start
    with runtime.owner.connect() as conn:
        events = conn.execute(text("SELECT count(*) FROM audit_event")).scalar()
    runtime.owner.dispose()
    return seconds, events


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--core", action="store_true", help="core's rows only, no plugin demo data")
    args = parser.parse_args()
    results = {"as shipped (audited)": [], "audit triggers off": []}
    events = 0
    for _ in range(args.rounds):
        seconds, events = build(args.size, audited=True, core_only=args.core)
        results["as shipped (audited)"].append(seconds)
        results["audit triggers off"].append(build(args.size, audited=False, core_only=args.core)[0])
    best = {k: min(v) for k, v in results.items()}
    base = best["audit triggers off"]
    rows = [[k, f"{best[k]:.2f} s", " / ".join(f"{s:.2f}" for s in v), f"{best[k] / base:.2f}x"]
            for k, v in results.items()]
    scope = "core rows only" if args.core else "with the built-in plugins' demo data"
    print(table(f"demo build, size {args.size}, seed 7, {scope} ({events} audit events when audited)",
                ["variant", "best", "per round", "÷ triggers off"], rows))


if __name__ == "__main__":
    main()
