"""DATABASE_URL: the same code on any PostgreSQL, the login switching to each role with SET ROLE."""

from __future__ import annotations

from dataclasses import replace

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.db.server import locate
from switchboard.core.platform import migrate_all, problems
from switchboard.core.runtime import Runtime
from tests.conftest import PREFIX, GraphQLClient, create_database, drop_database, make_host, url_with_database
from tests.world import build_world


@pytest.fixture
def url_runtime(template):
    """``DATABASE_URL`` naming a database the superuser created and owns: the embedded server's
    superuser over its socket, or the login of the suite's own ``DATABASE_URL``."""
    name = f"{PREFIX}url_mode"
    if template.database_url is None:
        embedded = locate(template)
        with psycopg.connect(embedded.admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))  # owned by the superuser
        settings = replace(template, database_url=url_with_database(embedded.admin_url, name))
    else:
        settings = create_database(template, name)
    runtime = Runtime.build(settings, host=make_host(settings))
    try:
        yield runtime
    finally:
        runtime.owner.dispose()
        drop_database(template, name)


def test_database_url_mode_migrates_checks_and_isolates(url_runtime):
    db = url_runtime.database
    assert not db.embedded and db.owner_set_role == "switchboard_owner" and db.runtime_set_role == "switchboard_app"
    migrate_all(url_runtime)
    assert problems(url_runtime) == []
    with url_runtime.owner.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        owners = set(conn.execute(text(
            "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = 'public' AND c.relkind = 'r'")).scalars())
        world = build_world(conn)
    assert owners == {"switchboard_owner"}
    with TestClient(create_app(url_runtime)) as http:
        gql = GraphQLClient(http)
        planner = gql("{ clients { edges { node { name } } } }", token=world.tokens["planner"])
        other = gql("{ clients { edges { node { name } } } }", token=world.tokens["adminB"])
    assert [e["node"]["name"] for e in planner["data"]["clients"]["edges"]] == ["RetailCo"]
    assert [e["node"]["name"] for e in other["data"]["clients"]["edges"]] == ["Other BPO client"]
