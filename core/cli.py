"""The ``switchboard`` command line.

Every command prints one clear line on failure (no traceback) and exits non-zero.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Callable
from functools import wraps
from typing import Any

import typer

from .config import get_settings
from .errors import SwitchboardError

app = typer.Typer(help="Switchboard: headless workforce platform for multi-client BPOs.", no_args_is_help=True)
token_app = typer.Typer(help="Bearer tokens.", no_args_is_help=True)
users_app = typer.Typer(help="Users.", no_args_is_help=True)
plugins_app = typer.Typer(help="Plugins.", no_args_is_help=True)
schema_app = typer.Typer(help="GraphQL schemas.", no_args_is_help=True)
audit_app = typer.Typer(help="Audit log.", no_args_is_help=True)
secrets_app = typer.Typer(help="Key material: TOTP encryption keys, portal agent-id keys.", no_args_is_help=True)
for sub, name in ((token_app, "token"), (users_app, "users"), (plugins_app, "plugins"),
                  (schema_app, "schema"), (audit_app, "audit"), (secrets_app, "secrets")):
    app.add_typer(sub, name=name)


def fail(message: str) -> None:
    """Print one error line and exit 1."""
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def one_line_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Turn expected failures (and database errors) into one line on stderr."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SwitchboardError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(str(exc))
        except Exception as exc:
            if not _database_error(exc):
                raise
            fail(str(getattr(exc, "orig", None) or exc).strip().splitlines()[0])

    return wrapper


def _database_error(exc: Exception) -> bool:
    """Whether ``exc`` came from the database (psycopg or SQLAlchemy), without importing
    either: a command that never loaded SQLAlchemy cannot have raised one of its errors."""
    return any(isinstance(exc, getattr(sys.modules.get(module), name, ()))
               for module, name in (("psycopg", "Error"), ("sqlalchemy.exc", "SQLAlchemyError")))


def load_runtime():
    """The runtime every command acts on (plugin commands too)."""
    from .runtime import Runtime

    return Runtime.build(get_settings())


def load_database():
    """The database alone (started if embedded), for commands that need no runtime."""
    from .db.server import locate

    return locate(get_settings())


@app.command()
@one_line_errors
def migrate() -> None:
    """Create roles and database if needed and apply every module's migrations."""
    from .platform import migrate_all

    runtime = load_runtime()
    migrate_all(runtime)
    typer.echo(f"migrated: {', '.join(runtime.host.names())}")


@app.command()
@one_line_errors
def check() -> None:
    """Self-checks: the runtime role cannot bypass RLS nor read credentials; every scoped table is
    forced, policed, audited."""
    from .platform import problems

    found = problems(load_runtime())
    for problem in found:
        typer.echo(f"FAIL {problem}")
    if found:
        raise typer.Exit(1)
    typer.echo("ok: runtime role cannot bypass row security, read credentials or mint verified tokens;"
               " every scoped table is forced, policed and audited")


@app.command()
@one_line_errors
def demo(
    size: str = typer.Option("small", help="small | mid | large"),
    seed: int = typer.Option(7, help="Random seed (the same seed builds the same BPO)."),
) -> None:
    """Build the demo BPO (deterministic for a seed) and print its logins."""
    from .demo.builder import SIZES, build_demo
    from .platform import migrate_all

    if size not in SIZES:
        fail(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    runtime = load_runtime()
    migrate_all(runtime)
    result = build_demo(runtime, size=size, seed=seed)
    typer.echo(result.summary())


@app.command()
@one_line_errors
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    demo: bool = typer.Option(False, "--demo", help="Migrate and load the demo BPO first if the database is empty."),
    worker: bool = typer.Option(True, "--worker/--no-worker",
                                help="Also run background jobs and deliver webhooks in this process."),
) -> None:
    """Serve /graphql and /portal/graphql with uvicorn (refuses to start if a self-check fails),
    and run background jobs in a thread unless --no-worker."""
    import uvicorn

    from .app import create_app
    from .platform import ensure_servable, migrate_all

    runtime = load_runtime()
    if demo:
        from .demo.builder import build_demo, demo_logins, is_empty

        migrate_all(runtime)
        if is_empty(runtime):
            typer.echo("loading the demo BPO (small)…")
            build_demo(runtime, size="small", seed=7)
        logins = demo_logins(runtime)
    else:
        logins = None
    ensure_servable(runtime)
    typer.echo(f"GraphiQL: http://{host}:{port}/graphql   portal: http://{host}:{port}/portal/graphql")
    if logins:
        typer.echo(logins)
    # uvicorn re-raises SIGTERM after its graceful shutdown, under the handler it found:
    # exiting normally there lets atexit stop the embedded PostgreSQL.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if worker:
        from .jobs.worker import start_worker_thread

        start_worker_thread(runtime)
    uvicorn.run(create_app(runtime), host=host, port=port, log_level="info")


@app.command("worker")
@one_line_errors
def worker_command(
    once: bool = typer.Option(False, "--once", help="Run the queued jobs and the due webhook deliveries, then exit."),
) -> None:
    """Run background jobs (schedule solves and the like) and deliver webhooks until stopped; any number may run."""
    import threading

    from .jobs.worker import Worker
    from .platform import ensure_servable
    from .webhooks.dispatcher import Dispatcher, start_dispatcher_thread

    runtime = load_runtime()
    ensure_servable(runtime)
    runner = Worker(runtime)
    if once:
        while runner.run_once() is not None:
            pass
        while Dispatcher(runtime).run_once():
            pass
        return
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    start_dispatcher_thread(runtime, stop)
    typer.echo(f"worker {runner.name}: job kinds {', '.join(sorted(runner.handlers)) or 'none'}")
    try:
        runner.run(stop)
    except KeyboardInterrupt:
        stop.set()


@token_app.command("create")
@one_line_errors
def token_create(
    email: str,
    ttl: int = typer.Option(24, help="Hours until the token expires."),
    name: str = typer.Option("cli", help="A name to recognise the token by."),
) -> None:
    """Print a new bearer token for EMAIL (an operator action: it counts as second-factor verified)."""
    from .identity.operator import issue_operator_token

    if not 1 <= ttl <= 24 * 366:
        fail("--ttl must be between 1 and 8784 hours")
    token, _ = issue_operator_token(load_database(), email, hours=ttl, name=name)
    typer.echo(token)


@users_app.command("list")
@one_line_errors
def users_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Every user: e-mail, kind, roles and their scopes."""
    from .identity.admin import list_users

    users = list_users(load_runtime())
    if as_json:
        typer.echo(json.dumps(users, indent=2, default=str))
        return
    for u in users:
        scopes = ", ".join(f"{g['role']}@{g['scope']}" for g in u["grants"]) or "-"
        typer.echo(f"{u['email']:<40} {u['kind']:<7} {scopes}")


@plugins_app.command("list")
@one_line_errors
def plugins_list() -> None:
    """Installed plugins, whether each is enabled, and what replaces what."""
    from .plugin_host import PluginHost

    host = PluginHost(get_settings())
    for info in host.infos:
        state = "enabled " if info.enabled else "disabled"
        note = f" (replaces the built-in {info.replaces})" if info.replaces and info.enabled else ""
        typer.echo(f"{info.name:<16} {state} {info.module:<40} {info.distribution} {info.version}{note}")


@schema_app.command("export")
@one_line_errors
def schema_export(
    portal: bool = typer.Option(False, "--portal", help="The portal schema instead."),
    write: bool = typer.Option(False, "--write", help="Rewrite the committed snapshot (built-in plugins only)."),
) -> None:
    """Print the composed schema's SDL (or refresh the committed snapshot)."""
    from switchboard.schema.compose import compose, sdl, snapshot_path

    from .plugin_host import PluginHost

    settings = get_settings()
    schemas = compose(PluginHost(settings, builtin_only=write), settings)
    text_ = sdl(schemas.portal if portal else schemas.internal)
    if write:
        snapshot_path(portal).write_text(text_)
        typer.echo(f"wrote {snapshot_path(portal)}")
    else:
        sys.stdout.write(text_)


@audit_app.command("verify")
@one_line_errors
def audit_verify() -> None:
    """Recompute every tenant's hash chain; report edited, removed or reordered events."""
    from .audit.verify import verify

    report = verify(load_runtime().owner)
    for line in report.lines():
        typer.echo(line)
    if not report.ok:
        raise typer.Exit(1)


@secrets_app.command("rotate-key")
@one_line_errors
def secrets_rotate_key() -> None:
    """Re-encrypt every TOTP and webhook signing secret under a new key (key file) or the first of
    SWITCHBOARD_SECRET_KEYS."""
    from .identity.rotation import rotate_secret_key

    count, ring = rotate_secret_key(load_runtime())
    where = f"key file {ring.path}" if ring.path else "the first key of SWITCHBOARD_SECRET_KEYS"
    typer.echo(f"re-encrypted {count} secret(s) (TOTP, webhook signing) under {where}")
    if ring.path is None and len(ring.keys) > 1:
        typer.echo("the older keys of SWITCHBOARD_SECRET_KEYS are no longer needed")


@secrets_app.command("rotate-portal-ids")
@one_line_errors
def secrets_rotate_portal_ids(tenant: str = typer.Option(None, help="Only this tenant (its slug).")) -> None:
    """New portal agent-id keys: every opaque agent id client users see changes, unlinkably."""
    from .identity.rotation import rotate_portal_ids

    count = rotate_portal_ids(load_runtime(), tenant)
    typer.echo(f"new portal agent-id key for {count} tenant(s)")


def main() -> None:
    """Console-script entry point: core's commands plus the enabled plugins' ones."""
    from .plugin_host import PluginHost

    try:
        PluginHost(get_settings()).hook.switchboard_cli(app=app)
    except SwitchboardError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(1)
    app()


if __name__ == "__main__":
    main()
