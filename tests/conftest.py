"""Test harness: a real PostgreSQL, real migrations, real HTTP GraphQL requests.

By default one embedded server runs per test process under its temporary directory
(with ``pytest-xdist``, each worker has its own). With ``DATABASE_URL`` set, every
database lives on that server instead, named after the worker, next to the URL's
own database (which the harness only connects to); the URL's login must be able to
create databases and roles (a superuser on a CI server).

Core's migrations are applied once to a template database; each test that writes
gets its own clone (``CREATE DATABASE … TEMPLATE``), so tests never see each other's
rows. A test that uses the two-tenant ``world`` gets a clone of a template in which
the world was built once. Plugins are not auto-loaded from entry points: each
runtime registers core (and whatever a test adds) explicitly, so one test's plugin
never leaks into another.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any, NamedTuple, TypeVar
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

import psycopg
import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from psycopg import sql
from sqlalchemy import Connection, create_engine, text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.db.engines import connect_args, sqlalchemy_url
from switchboard.core.db.server import bootstrap, grant_database, locate
from switchboard.core.platform import migrate_all
from switchboard.core.plugin_host import PluginHost
from switchboard.core.runtime import Runtime
from switchboard.plugins.billing import plugin as billing
from switchboard.plugins.scheduling import plugin as scheduling
from switchboard.plugins.timekeeping import plugin as timekeeping
from tests import factories as f
from tests.world import World, build_world

# Hypothesis profiles (HYPOTHESIS_PROFILE): "fast", the default and what CI runs, runs each
# property's own number of examples (100 where it names none); "thorough" runs ten times as
# many, for a longer hunt on demand. No deadline: the machine may be busy with other work.
FAST_EXAMPLES = 100
hypothesis_settings.register_profile("fast", max_examples=FAST_EXAMPLES, deadline=None)
hypothesis_settings.register_profile("thorough", max_examples=10 * FAST_EXAMPLES, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def examples(fast: int) -> int:
    """``max_examples`` for a property that runs ``fast`` examples under the fast profile,
    scaled with the loaded profile (ten times as many under "thorough")."""
    return max(1, round(fast * hypothesis_settings.default.max_examples / FAST_EXAMPLES))


# The server given by DATABASE_URL is shared by every worker: each names its databases after itself.
EXTERNAL_URL = os.environ.get("DATABASE_URL") or None
PREFIX = f"sb_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_" if EXTERNAL_URL else "sb_"
TEMPLATE = f"{PREFIX}template"
WORLD_TEMPLATE = f"{PREFIX}template_world"
PLUGINS_TEMPLATE = f"{PREFIX}template_plugins"
PLUGINS_WORLD_TEMPLATE = f"{PREFIX}template_plugins_world"
BUILTINS = (("timekeeping", timekeeping), ("billing", billing), ("scheduling", scheduling))
# Advisory lock keys (on the URL's own database): creating the roles every worker shares, and
# the tests that change one of them.
ROLES_LOCK, CLUSTER_LOCK = 0x5B_C0, 0x5B_C1
_counter = itertools.count()
_templates: list[str] = []
_schemas: dict[Hashable, Any] = {}  # composed schemas by :func:`schemas_key`
_WORLD = pytest.StashKey[World]()
T = TypeVar("T")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "cluster_wide: changes server-wide state (a role): with DATABASE_URL, runs while no other "
        "worker's test does")


def url_with_database(url: str, name: str) -> str:
    """``url`` naming database ``name`` instead of its own."""
    parts = urlsplit(url)
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k != "dbname"])
    return urlunsplit(parts._replace(path="/" + quote(name), query=query))


def url_database(url: str) -> str:
    """The database a URL names (libpq's default: the user's name)."""
    parts = urlsplit(url)
    named = dict(parse_qsl(parts.query)).get("dbname") or unquote(parts.path.lstrip("/"))
    return named or unquote(parts.username or "")


def on_database(settings: Settings, name: str) -> Settings:
    """``settings`` naming database ``name`` (with ``DATABASE_URL``, URLs naming it)."""
    if settings.database_url is None:
        return replace(settings, database_name=name)
    runtime_url = settings.runtime_database_url
    return replace(settings, database_name=name, database_url=url_with_database(settings.database_url, name),
                   runtime_database_url=runtime_url and url_with_database(runtime_url, name))


def admin_url(settings: Settings) -> str:
    """The bootstrap login on a database that is never a template nor a test's: the embedded
    server's ``postgres``, or the database ``DATABASE_URL`` names."""
    if settings.database_url is None:
        return locate(settings).admin_url
    return url_with_database(settings.database_url.replace("postgresql+psycopg://", "postgresql://"),
                             url_database(EXTERNAL_URL or settings.database_url))


def create_database(settings: Settings, name: str) -> Settings:
    """Settings for an empty database ``name``, as a deployment provides it: with
    ``DATABASE_URL`` the operator creates it (here the URL's login, dropping one left by an
    interrupted run); the embedded server's is created by ``bootstrap`` itself."""
    if settings.database_url is not None:
        with psycopg.connect(admin_url(settings), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return on_database(settings, name)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings naming the template database: on a session-private embedded server, or on
    the server of ``DATABASE_URL`` (and ``DATABASE_RUNTIME_URL``) if set."""
    base = Settings.from_env({k: v for k, v in os.environ.items() if k in ("DATABASE_URL", "DATABASE_RUNTIME_URL")})
    # The world's tokens are minted once, when its template is built: a second factor given then
    # must still be recent for a test that runs late in a long session (15 minutes in production).
    base = replace(base, data_dir=tmp_path_factory.mktemp("switchboard"), secret_keys=(f.SECRET_KEY,),
                   mfa_window_minutes=60)
    return on_database(base, TEMPLATE)


def make_host(settings: Settings, *extra: tuple[str, Any]) -> PluginHost:
    """A plugin host with core and the given ``(name, plugin)`` pairs, no entry points."""
    return PluginHost(settings, entry_points_enabled=False, extra=extra)


@contextmanager
def advisory_lock(conn: psycopg.Connection | None, key: int, *, shared: bool = False) -> Iterator[None]:
    """A cross-worker advisory lock (shared or exclusive) held on ``conn`` while the block
    runs; nothing without a connection (the embedded server is this worker's alone)."""
    if conn is None:
        yield
        return
    kind = "_shared" if shared else ""
    conn.execute(f"SELECT pg_advisory_lock{kind}(%s)", (key,))
    try:
        yield
    finally:
        conn.execute(f"SELECT pg_advisory_unlock{kind}(%s)", (key,))


@pytest.fixture(scope="session")
def lock_connection(settings: Settings) -> Iterator[psycopg.Connection | None]:
    """With ``DATABASE_URL``, this worker's connection for the cross-worker lock."""
    if settings.database_url is None:
        yield None
        return
    with psycopg.connect(admin_url(settings), autocommit=True) as conn:
        yield conn


def throwaway_durability(url: str) -> None:
    """The session's own embedded server need not survive a crash: no waiting for the disk
    at each commit (the suite commits many small writes). Nothing a test observes changes."""
    with psycopg.connect(url, autocommit=True) as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(sql.SQL("ALTER SYSTEM SET {} = off").format(sql.Identifier(setting)))
        conn.execute("SELECT pg_reload_conf()")


@pytest.fixture(scope="session")
def template(settings: Settings, lock_connection: psycopg.Connection | None) -> Iterator[Settings]:
    """A migrated template database; returns the settings naming it. Every template made
    from it is dropped at the end of the session (with ``DATABASE_URL``)."""
    create_database(settings, TEMPLATE)
    runtime = Runtime.build(settings, host=make_host(settings))
    if settings.database_url is None:
        throwaway_durability(admin_url(settings))
    with advisory_lock(lock_connection, ROLES_LOCK):  # the roles are the server's: one worker creates them
        bootstrap(runtime.database)
    migrate_all(runtime)
    runtime.owner.dispose()
    _templates.append(TEMPLATE)
    yield settings
    if settings.database_url is not None:
        for name in reversed(_templates):
            drop_database(settings, name)


def clone_database(settings: Settings, source: str, name: str) -> None:
    """``CREATE DATABASE name TEMPLATE source`` as the bootstrap role, with the database
    privileges bootstrap grants (a template does not pass them on)."""
    db = locate(settings)
    with psycopg.connect(admin_url(settings), autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(source), sql.Identifier(db.owner_role)
            )
        )
        grant_database(conn, replace(db, name=name))


def drop_database(settings: Settings, name: str) -> None:
    with psycopg.connect(admin_url(settings), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def clone_template(settings: Settings, source: str, name: str) -> Settings:
    """A session template ``name`` cloned from ``source`` (dropped at the end with the rest)."""
    if settings.database_url is not None:
        drop_database(settings, name)  # left by an interrupted run
    clone_database(settings, source, name)
    _templates.append(name)
    return on_database(settings, name)


def schemas_key(settings: Settings, extra: tuple[tuple[str, Any], ...]) -> Hashable | None:
    """What a runtime's composed schemas depend on: its settings but the database, and its
    plugins (the key holds them, so no id is reused); None if a plugin is unhashable."""
    key = (replace(settings, database_name="", database_url=None, runtime_database_url=None), extra)
    try:
        hash(key)
    except TypeError:
        return None
    return key


@contextmanager
def cloned_runtime(settings: Settings, source: str = TEMPLATE, *extra: tuple[str, Any]) -> Iterator[Runtime]:
    """A runtime on a fresh clone of ``source``; the clone is dropped afterwards. Its schemas
    are the ones an earlier runtime of the session composed for the same plugins and settings
    (composing both takes about half a second; a schema holds no state of a database)."""
    name = f"sb_test_{os.getpid()}_{next(_counter)}"
    clone_database(settings, source, name)
    local = on_database(settings, name)
    runtime = Runtime.build(local, host=make_host(local, *extra), database=locate(local))
    key = schemas_key(local, extra)
    if key in _schemas:
        runtime.__dict__["schemas"] = _schemas[key]  # Runtime.schemas is a cached property
    try:
        yield runtime
    finally:
        if key is not None and "schemas" in runtime.__dict__:
            _schemas.setdefault(key, runtime.schemas)
        runtime.owner.dispose()
        drop_database(settings, name)


class Seeded(NamedTuple):
    """A template database, the two-tenant world built in it, and whatever else was built
    there with it (forecast ids, say)."""

    database: str
    world: World
    state: Any = None


def built_template(template: Settings, source: str, name: str, build: Callable[[Runtime], T],
                   *extra: tuple[str, Any]) -> T:
    """A session template ``name`` cloned from ``source`` in which ``build`` ran once, on a
    runtime with core and the ``extra`` plugins; what ``build`` returned. Its connections
    are closed afterwards (a template must be idle to be cloned)."""
    local = clone_template(template, source, name)
    runtime = Runtime.build(local, host=make_host(local, *extra), database=locate(local))
    try:
        return build(runtime)
    finally:
        asyncio.run(runtime.close())


@contextmanager
def owner_connection(runtime: Runtime) -> Iterator[Connection]:
    """An owner connection (bypasses RLS) whose work is committed as it goes."""
    with runtime.owner.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        yield conn


def seeded_template(template: Settings, source: str, name: str, *extra: tuple[str, Any]) -> Seeded:
    """A template cloned from ``source`` with the two-tenant world built in it, and that world
    (its tokens valid for a day, longer than any session)."""
    def build(runtime: Runtime) -> World:
        with owner_connection(runtime) as conn:
            return build_world(conn, token_hours=24)

    return Seeded(name, built_template(template, source, name, build, *extra))


_SEEDS: set[str] = set()


def seed(build: Callable[[Runtime, World], Any]) -> Any:
    """A module fixture built by ``build(runtime, world)`` once, on the built-in plugins' world,
    into a template of its own: each test that uses it (directly or through another fixture)
    gets a fresh clone of that template, and the ``world`` fixture the world ``build`` left
    (it may add ids and tokens). The fixture's value is the :class:`Seeded` template, its
    ``state`` what ``build`` returned."""
    name = build.__name__

    def fixture(request: pytest.FixtureRequest, template: Settings, plugins_world_template: Seeded) -> Seeded:
        world = World(ids=dict(plugins_world_template.world.ids), tokens=dict(plugins_world_template.world.tokens))
        database = f"{PREFIX}seed_{request.module.__name__.rpartition('.')[2]}_{name}"
        state = built_template(template, plugins_world_template.database, database,
                               lambda runtime: build(runtime, world), *BUILTINS)
        return Seeded(database, world, state)

    fixture.__doc__ = build.__doc__
    _SEEDS.add(name)
    return pytest.fixture(scope="module", name=name)(fixture)


@pytest.fixture(scope="session")
def plugins_template(template: Settings) -> str:
    """A clone of core's template with every built-in plugin's branch migrated on top
    (for the plugins' tests and the security tests, which need every built-in module)."""
    local = clone_template(template, TEMPLATE, PLUGINS_TEMPLATE)
    runtime = Runtime.build(local, host=make_host(local, *BUILTINS))
    migrate_all(runtime)
    runtime.owner.dispose()
    return PLUGINS_TEMPLATE


@pytest.fixture(scope="session")
def world_template(template: Settings) -> Seeded:
    """Core's template with the world built in it."""
    return seeded_template(template, TEMPLATE, WORLD_TEMPLATE)


@pytest.fixture(scope="session")
def plugins_world_template(template: Settings, plugins_template: str) -> Seeded:
    """The built-in plugins' template with the world built in it."""
    return seeded_template(template, plugins_template, PLUGINS_WORLD_TEMPLATE, *BUILTINS)


@contextmanager
def fresh_runtime(request: pytest.FixtureRequest, template: Settings, source: str, seeded: str,
                 *extra: tuple[str, Any]) -> Iterator[Runtime]:
    """A runtime on a fresh clone of ``source``; when the test uses a :func:`seed`, of its
    template; else when it uses ``world``, of the template fixture ``seeded`` names (the
    world already in it)."""
    seeds = [name for name in request.fixturenames if name in _SEEDS]
    assert len(seeds) <= 1, f"a test's database comes from one seed, not {seeds}"
    if seeds or "world" in request.fixturenames:
        source, world, _ = request.getfixturevalue(seeds[0] if seeds else seeded)
        request.node.stash[_WORLD] = world
    with cloned_runtime(template, source, *extra) as rt:
        yield rt


@pytest.fixture
def runtime(request: pytest.FixtureRequest, template: Settings) -> Iterator[Runtime]:
    """A runtime on a fresh, migrated database of its own (empty, or holding the world)."""
    with fresh_runtime(request, template, TEMPLATE, "world_template") as rt:
        yield rt


@pytest.fixture
def world(request: pytest.FixtureRequest, owner: Connection) -> World:
    """The two-tenant world of :mod:`tests.world` in the test's database: built with the
    template, or built now when the database came from elsewhere."""
    built = request.node.stash.get(_WORLD, None)
    if built is None:
        return build_world(owner)
    return World(ids=dict(built.ids), tokens=dict(built.tokens))


@pytest.fixture(autouse=True)
def _cluster_wide(request: pytest.FixtureRequest) -> Iterator[None]:
    """With ``DATABASE_URL``: a test marked ``cluster_wide`` runs alone; the others share."""
    if EXTERNAL_URL is None:
        yield
        return
    alone = request.node.get_closest_marker("cluster_wide") is not None
    with advisory_lock(request.getfixturevalue("lock_connection"), CLUSTER_LOCK, shared=not alone):
        yield


@pytest.fixture
def owner(runtime: Runtime) -> Iterator[Connection]:
    """An owner connection (bypasses RLS) whose work is committed as it goes."""
    with owner_connection(runtime) as conn:
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
