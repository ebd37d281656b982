"""Test harness: a real embedded PostgreSQL, real migrations, real HTTP GraphQL requests.

One embedded server runs for the session under a temporary data directory. Core's
migrations are applied once to a template database; each test that writes gets
its own clone (``CREATE DATABASE … TEMPLATE``), so tests never see each other's rows.
Plugins are not auto-loaded from entry points: each runtime registers core (and
whatever a test adds) explicitly, so one test's plugin never leaks into another.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import Connection, create_engine, text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.db.engines import connect_args, sqlalchemy_url
from switchboard.core.db.server import grant_database, locate
from switchboard.core.platform import migrate_all
from switchboard.core.plugins import PluginHost
from switchboard.core.runtime import Runtime
from switchboard.plugins.billing import plugin as billing
from switchboard.plugins.scheduling import plugin as scheduling
from switchboard.plugins.timekeeping import plugin as timekeeping
from tests import factories as f

TEMPLATE = "sb_template"
PLUGINS_TEMPLATE = "sb_template_plugins"
BUILTINS = (("timekeeping", timekeeping), ("billing", billing), ("scheduling", scheduling))
_counter = itertools.count()


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings pointing at a session-private embedded server (or ``DATABASE_URL`` if set)."""
    base = Settings.from_env({k: v for k, v in os.environ.items() if k == "DATABASE_URL"})
    return replace(base, data_dir=tmp_path_factory.mktemp("switchboard"), database_name=TEMPLATE,
                   secret_keys=(f.SECRET_KEY,))


def make_host(settings: Settings, *extra: tuple[str, Any]) -> PluginHost:
    """A plugin host with core and the given ``(name, plugin)`` pairs, no entry points."""
    return PluginHost(settings, entry_points_enabled=False, extra=extra)


@pytest.fixture(scope="session")
def template(settings: Settings) -> Settings:
    """A migrated template database; returns the settings naming it."""
    runtime = Runtime.build(settings, host=make_host(settings))
    migrate_all(runtime)
    runtime.owner.dispose()
    return settings


def clone_database(settings: Settings, source: str, name: str) -> None:
    """``CREATE DATABASE name TEMPLATE source`` as the bootstrap role, with the database
    privileges bootstrap grants (a template does not pass them on)."""
    db = locate(settings)
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(source), sql.Identifier(db.owner_role)
            )
        )
        grant_database(conn, replace(db, name=name))


def drop_database(settings: Settings, name: str) -> None:
    db = locate(settings)
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@contextmanager
def cloned_runtime(settings: Settings, source: str = TEMPLATE, *extra: tuple[str, Any]) -> Iterator[Runtime]:
    """A runtime on a fresh clone of ``source``; the clone is dropped afterwards."""
    name = f"sb_test_{os.getpid()}_{next(_counter)}"
    clone_database(settings, source, name)
    local = replace(settings, database_name=name)
    runtime = Runtime.build(local, host=make_host(local, *extra), database=locate(local))
    try:
        yield runtime
    finally:
        runtime.owner.dispose()
        drop_database(settings, name)


@pytest.fixture(scope="session")
def plugins_template(template: Settings) -> str:
    """A clone of core's template with every built-in plugin's branch migrated on top
    (for the plugins' tests and the security tests, which need every built-in module)."""
    clone_database(template, TEMPLATE, PLUGINS_TEMPLATE)
    local = replace(template, database_name=PLUGINS_TEMPLATE)
    runtime = Runtime.build(local, host=make_host(local, *BUILTINS))
    migrate_all(runtime)
    runtime.owner.dispose()
    return PLUGINS_TEMPLATE


@pytest.fixture
def runtime(template: Settings) -> Iterator[Runtime]:
    """A runtime on a fresh, migrated, empty database of its own."""
    with cloned_runtime(template) as rt:
        yield rt


@pytest.fixture
def owner(runtime: Runtime) -> Iterator[Connection]:
    """An owner connection (bypasses RLS) whose work is committed as it goes."""
    with runtime.owner.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


class RuntimeSQL:
    """Raw SQL as the runtime role, exactly as a request runs it, for one caller."""

    def __init__(self, runtime: Runtime) -> None:
        db = runtime.database
        self.engine = create_engine(
            sqlalchemy_url(db.runtime_url), connect_args=connect_args(db.runtime_set_role, "switchboard-test")
        )

    @contextmanager
    def caller(self, user_id: Any) -> Iterator[Connection]:
        """A transaction as the runtime role with ``user_id`` set; rolled back at the end."""
        with self.engine.connect() as conn:
            trans = conn.begin()
            conn.execute(text("SELECT set_config('app.user_id', :u, true)"), {"u": str(user_id or "")})
            try:
                yield conn
            finally:
                if trans.is_active:
                    trans.rollback()


@pytest.fixture
def as_runtime(runtime: Runtime) -> Iterator[RuntimeSQL]:
    sql_ = RuntimeSQL(runtime)
    yield sql_
    sql_.engine.dispose()


class GraphQLClient:
    """Real HTTP requests to the app, as one bearer token or anonymous."""

    def __init__(self, http: TestClient) -> None:
        self.http = http

    def post(self, query: str, variables: dict | None = None, *, token: str | None = None,
             lang: str | None = None, portal: bool = False) -> Any:
        headers = {}
        if token:
            headers["authorization"] = f"Bearer {token}"
        if lang:
            headers["accept-language"] = lang
        path = "/portal/graphql" if portal else "/graphql"
        return self.http.post(path, json={"query": query, "variables": variables or {}}, headers=headers)

    def __call__(self, query: str, variables: dict | None = None, **kw: Any) -> dict:
        response = self.post(query, variables, **kw)
        body = response.json()
        body["_status"] = response.status_code
        return body


@contextmanager
def graphql_client(runtime: Runtime, address: str = "testclient") -> Iterator[GraphQLClient]:
    """A GraphQL client over HTTP against ``runtime``'s app, calling from ``address``."""
    with TestClient(create_app(runtime), client=(address, 50000)) as http:
        yield GraphQLClient(http)


@pytest.fixture
def gql(runtime: Runtime) -> Iterator[GraphQLClient]:
    """A GraphQL client over HTTP against ``runtime``'s app."""
    with graphql_client(runtime) as client:
        yield client
