"""Bring a database to a servable state: roles, migrations, permission mirror, self-checks."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from .db import migrate, selfcheck
from .db.engines import connect_args, sqlalchemy_url
from .db.server import bootstrap
from .errors import ConfigurationError
from .runtime import Runtime


def sync_permissions(runtime: Runtime) -> None:
    """Mirror the plugins' role → permission grants into ``role_permission``."""
    rows = runtime.policy.rows()
    with runtime.owner.begin() as conn:
        conn.execute(text("DELETE FROM role_permission"))
        if rows:
            conn.execute(
                text("INSERT INTO role_permission (role, permission) VALUES (:role, :permission)"),
                [{"role": r, "permission": p} for r, p in rows],
            )


def migrate_all(runtime: Runtime) -> None:
    """Create roles and database if needed, run every branch, refresh the permission mirror."""
    bootstrap(runtime.database)
    migrate.upgrade(runtime.database, runtime.host)
    sync_permissions(runtime)


def problems(runtime: Runtime) -> list[str]:
    """Everything that must stop the server from serving (empty: safe to serve)."""
    db = runtime.database
    probe = create_engine(
        sqlalchemy_url(db.runtime_url), connect_args=connect_args(db.runtime_set_role, "switchboard-check")
    )
    try:
        found = selfcheck.role_problems(runtime.owner, probe, db.owner_role, db.runtime_role)
    finally:
        probe.dispose()
    found += selfcheck.table_problems(runtime.owner)
    found += selfcheck.credential_problems(runtime.owner, db.runtime_role)
    with runtime.owner.connect() as conn:
        applied = tuple(r for (r,) in conn.execute(text("SELECT version_num FROM alembic_version")))
        pending = migrate.pending(db, runtime.host, applied)
        if pending:
            found.append(f"migrations not applied: {', '.join(sorted(pending))} (run: switchboard migrate)")
        for plugin, extra in runtime.host.owned(runtime.host.hook.switchboard_startup_checks, conn=conn):
            found += [f"{plugin}: {p}" for p in extra]
    return found


def ensure_servable(runtime: Runtime) -> None:
    """Raise ``ConfigurationError`` listing every problem, if any (or naming a permission key or
    constraint two plugins declare)."""
    runtime.policy, runtime.constraint_errors  # noqa: B018 (built now: a conflict refuses to serve)
    found = problems(runtime)
    if found:
        raise ConfigurationError("refusing to serve: " + "; ".join(found))
