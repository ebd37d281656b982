"""The plugin contract, proven by a partner-style plugin installed through entry points."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
import strawberry
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient
from typer.testing import CliRunner

from switchboard.core import cli
from switchboard.core.app import create_app
from switchboard.core.errors import ConfigurationError
from switchboard.core.graphql.merge import CompositionError
from switchboard.core.hookspecs import hookimpl
from switchboard.core.platform import migrate_all, problems
from switchboard.core.plugin_host import PluginHost
from switchboard.core.runtime import Runtime
from switchboard.schema.compose import compose
from tests.conftest import TEMPLATE, GraphQLClient, cloned_runtime
from tests.world import build_world

NOTES = "{ sampleNotes { body lobId } }"
ADD = """mutation($lob: UUID!, $body: String!) {
  addSampleNote(lobId: $lob, body: $body) { note { body } errors { code field message } } }"""


def entry_point_host(settings, **overrides) -> PluginHost:
    return PluginHost(replace(settings, **overrides))


def test_the_sample_plugin_is_discovered_through_the_entry_point_group(template):
    host = entry_point_host(template)
    info = {i.name: i for i in host.infos}
    assert info["sample"].distribution == "switchboard-sample-plugin" and info["sample"].enabled
    assert info["core"].builtin and not info["sample"].builtin
    assert "sample" in host.names()


def test_configuration_disables_a_plugin(template):
    host = entry_point_host(template, plugins_disabled=("sample",))
    assert "sample" not in host.names()
    assert "sampleNotes" not in compose(host, template).internal.as_str()
    assert "sampleNotes" in compose(entry_point_host(template), template).internal.as_str()


@pytest.fixture
def sample(template):
    """A migrated database with the sample plugin (loaded from its entry point) and the world."""
    import switchboard_sample.plugin as plugin

    with cloned_runtime(template, TEMPLATE, ("sample", plugin)) as runtime:
        migrate_all(runtime)
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
        with TestClient(create_app(runtime)) as http:
            yield SimpleNamespace(runtime=runtime, world=world, gql=GraphQLClient(http))


def test_plugin_table_inherits_forced_rls_policies_and_audit(sample):
    assert problems(sample.runtime) == []
    with sample.runtime.owner.connect() as conn:
        row = conn.execute(text(
            "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE relname = 'sample_note'")).first()
    assert tuple(row) == (True, True)


def test_plugin_mutation_and_query_stay_inside_the_scope(sample):
    w, gql = sample.world, sample.gql
    ok = gql(ADD, {"lob": str(w.A2a), "body": "Cards queue: new script"}, token=w.tokens["supervisor"])
    assert ok["data"]["addSampleNote"] == {"note": {"body": "Cards queue: new script"}, "errors": []}
    # the supervisor of A2a cannot write on a LOB of another client, nor learn it exists
    refused = gql(ADD, {"lob": str(w.A1a), "body": "x"}, token=w.tokens["supervisor"])
    assert refused["data"]["addSampleNote"]["errors"][0]["code"] == "NOT_FOUND"
    other_tenant = gql(ADD, {"lob": str(w.B1a), "body": "x"}, token=w.tokens["admin"])
    assert other_tenant["data"]["addSampleNote"]["errors"][0]["code"] == "NOT_FOUND"
    empty = gql(ADD, {"lob": str(w.A2a), "body": "  "}, token=w.tokens["supervisor"], lang="fr")
    assert empty["data"]["addSampleNote"]["errors"] == [
        {"code": "SAMPLE_NOTE_EMPTY", "field": "body", "message": "Une note doit contenir du texte."}]
    notes = gql(NOTES, token=w.tokens["admin"])["data"]["sampleNotes"]
    assert [n["body"] for n in notes] == ["Cards queue: new script"]
    assert gql(NOTES, token=w.tokens["planner"])["data"]["sampleNotes"] == []  # planner sees client A1 only
    assert gql(NOTES, token=w.tokens["adminB"])["data"]["sampleNotes"] == []  # other tenant: nothing
    assert gql(NOTES, token=w.tokens["agent"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_plugin_table_is_isolated_for_raw_sql_as_the_runtime_role(sample):
    from tests.conftest import RuntimeSQL

    w = sample.world
    with sample.runtime.owner.connect() as conn:
        conn.execute(text("INSERT INTO sample_note (tenant_id, client_id, lob_id, body, author_id)"
                          " VALUES (:tA, :A2, :A2a, 'seeded', :admin)"), w.ids)
        conn.commit()
    sql = RuntimeSQL(sample.runtime)
    try:
        for who, expected in (("admin", 1), ("supervisor", 1), ("planner", 0), ("adminB", 0), (None, 0)):
            with sql.caller(w.ids.get(who)) as conn:
                assert conn.execute(text("SELECT count(*) FROM sample_note")).scalar() == expected, who
        with sql.caller(w.planner) as conn, pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(text("INSERT INTO sample_note (tenant_id, client_id, lob_id, body, author_id)"
                              " VALUES (:tA, :A2, :A2a, 'x', :planner)"), w.ids)
    finally:
        sql.engine.dispose()
    with sample.runtime.owner.connect() as conn:
        audited = conn.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'sample_note'")).scalar()
    assert audited == 1


@strawberry.type
class ReplacementQuery:
    @strawberry.field
    def sample_notes(self) -> list[str]:
        return ["replaced"]


class Replacement:
    """Another module registered under the built-in's name replaces it."""

    @staticmethod
    @hookimpl
    def switchboard_graphql_query():
        return ReplacementQuery


def test_a_plugin_registered_under_an_existing_name_replaces_it(template):
    host = PluginHost(template, extra=[("sample", Replacement)])
    infos = [i for i in host.infos if i.name == "sample"]
    enabled = [i for i in infos if i.enabled]
    assert len(enabled) == 1 and enabled[0].replaces == "sample"
    assert [i.distribution for i in infos if not i.enabled] == ["switchboard-sample-plugin"]
    schema = compose(host, template).internal
    assert "sampleNotes: [String!]!" in schema.as_str() and "addSampleNote" not in schema.as_str()


def test_plugins_list_shows_enabled_disabled_and_replacements(template, monkeypatch):
    monkeypatch.setattr(cli, "get_settings", lambda: replace(template, plugins_disabled=("sample",)))
    result = CliRunner().invoke(cli.app, ["plugins", "list"])
    assert result.exit_code == 0
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert "enabled" in lines["core"] and "disabled" in lines["sample"]


@strawberry.type
class DuplicateQuery:
    @strawberry.field
    def clients(self) -> int:
        return 0


class Duplicate:
    @staticmethod
    @hookimpl
    def switchboard_graphql_query():
        return DuplicateQuery


def test_a_field_contributed_twice_fails_composition(template):
    host = PluginHost(template, entry_points_enabled=False, extra=[("dup", Duplicate)])
    with pytest.raises(CompositionError, match=r"Query\.clients is contributed by both 'core' and 'dup'"):
        compose(host, template)


class NeedsMissing:
    requires = ("billing",)


def test_a_plugin_whose_requirement_is_missing_is_refused(template):
    with pytest.raises(ConfigurationError, match="requires plugin 'billing'"):
        PluginHost(template, entry_points_enabled=False, extra=[("needy", NeedsMissing)])


@strawberry.type
class BrokenQuery:
    @strawberry.field
    def broken(self) -> int:
        raise RuntimeError("secret internals: password=hunter2")


class Broken:
    @staticmethod
    @hookimpl
    def switchboard_graphql_query():
        return BrokenQuery


def test_internal_errors_are_masked_and_localized(template):
    from tests import factories as f

    with cloned_runtime(template, TEMPLATE, ("broken", Broken)) as runtime:
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            tenant = f.tenant(conn)
            token = f.token(conn, f.user(conn, tenant, "agent"))
        with TestClient(create_app(runtime)) as http:
            gql = GraphQLClient(http)
            body = gql("{ broken }", token=token, lang="fr")
    assert body["errors"] == [{"message": "Erreur inattendue.", "locations": [{"line": 1, "column": 3}],
                               "path": ["broken"], "extensions": {"code": "INTERNAL_ERROR"}}]
    assert "hunter2" not in str(body)


def test_runtime_without_plugins_still_composes(template):
    runtime = Runtime.build(template, host=PluginHost(template, entry_points_enabled=False))
    assert "clients" in runtime.schemas.internal.as_str()


@strawberry.type
class BuiltinBillingQuery:
    @strawberry.field
    def invoice_total(self) -> str:
        return "built-in"


@strawberry.type
class AcmeBillingQuery:
    @strawberry.field
    def acme_invoice_total(self) -> str:
        return "acme"


class BuiltinBilling:
    @staticmethod
    @hookimpl
    def switchboard_graphql_query():
        return BuiltinBillingQuery


class AcmeBilling:
    @staticmethod
    @hookimpl
    def switchboard_graphql_query():
        return AcmeBillingQuery


def test_a_partner_distribution_replaces_a_built_in_module(template, monkeypatch):
    """Two entry points named ``billing``: the one outside the switchboard distribution wins."""
    from importlib.metadata import EntryPoint, entry_points

    from switchboard.core import plugin_host

    class Dist:
        def __init__(self, name: str) -> None:
            self.metadata = {"Name": name}
            self.version = "1.0"

    def ep(name: str, value: str, dist: str) -> EntryPoint:
        return EntryPoint(name, value, plugin_host.GROUP)._for(Dist(dist))

    core = [e for e in entry_points(group=plugin_host.GROUP) if e.name == "core"]
    fake = core + [ep("billing", "tests.core.test_plugins:AcmeBilling", "acme-billing"),
                   ep("billing", "tests.core.test_plugins:BuiltinBilling", "switchboard")]
    monkeypatch.setattr(plugin_host, "entry_points", lambda group: fake)
    host = PluginHost(template)
    billing = {(i.distribution, i.enabled, i.replaces) for i in host.infos if i.name == "billing"}
    assert billing == {("acme-billing", True, "billing"), ("switchboard", False, None)}
    assert host.pm.get_plugin("billing") is AcmeBilling
    schema = compose(host, template).internal.as_str()
    assert "acmeInvoiceTotal" in schema and "invoiceTotal:" not in schema
