"""Start-up self-checks and the live catalog: isolation is verified, not assumed."""

from __future__ import annotations

import re

import psycopg
import pytest
from psycopg import sql
from sqlalchemy import text
from typer.testing import CliRunner

from switchboard.core import cli
from switchboard.core.db.selfcheck import AUDIT_TRIGGERS, LOG_TABLES, SCOPED_TABLES
from switchboard.core.errors import ConfigurationError
from switchboard.core.platform import ensure_servable, problems


def test_every_table_with_tenant_id_is_forced_policed_and_audited(runtime, owner):
    tables = owner.execute(text(SCOPED_TABLES)).all()
    core_tables = {"client", "lob", "employee", "assignment", "credential", "app_user", "role_grant"}
    assert core_tables <= {t.name for t in tables}
    for t in tables:
        assert t.rls and t.forced, t.name
        assert t.policies >= 1, t.name
        assert LOG_TABLES.get(t.name, AUDIT_TRIGGERS) <= set(t.triggers), t.name
    assert problems(runtime) == []


def test_policies_call_helpers_once_per_statement(owner):
    """Every app.* call inside a policy is wrapped as (SELECT app.fn()) — never per row."""
    expressions = owner.execute(text(
        "SELECT tablename, policyname, coalesce(qual, '') || ' ' || coalesce(with_check, '') AS expr"
        " FROM pg_policies WHERE schemaname = 'public'")).all()
    assert expressions
    for table, policy, expr in expressions:
        calls = re.findall(r"(\w*)\s*app\.\w+\(", expr)
        assert calls and all(word == "SELECT" for word in calls), f"{table}.{policy} calls a helper per row: {expr}"


def test_runtime_role_cannot_bypass_row_security(runtime, owner):
    role = owner.execute(text(
        "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = :r"),
        {"r": runtime.database.runtime_role}).first()
    assert tuple(role) == (False, False, False, False)


def test_self_check_refuses_a_scoped_table_without_forced_rls(runtime, owner):
    owner.execute(text("CREATE TABLE rogue (tenant_id uuid NOT NULL, id uuid PRIMARY KEY)"))
    found = problems(runtime)
    assert "table rogue: row-level security is not enabled and forced" in found
    assert "table rogue: has no row policy" in found
    assert any(p.startswith("table rogue: missing triggers") for p in found)
    with pytest.raises(ConfigurationError, match="refusing to serve"):
        ensure_servable(runtime)


@pytest.mark.cluster_wide  # the runtime role is the server's: no other test may run meanwhile
def test_self_check_refuses_a_runtime_role_that_bypasses_rls(runtime):
    db = runtime.database
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("ALTER ROLE {} BYPASSRLS").format(sql.Identifier(db.runtime_role)))
        try:
            found = problems(runtime)
        finally:
            conn.execute(sql.SQL("ALTER ROLE {} NOBYPASSRLS").format(sql.Identifier(db.runtime_role)))
    assert f"runtime role {db.runtime_role} can bypass row-level security" in found
    assert any("bypasses row-level security" in p for p in found)


def test_check_command_prints_one_line_per_problem_and_fails(runtime, owner, monkeypatch):
    monkeypatch.setattr(cli, "load_runtime", lambda: runtime)
    ok = CliRunner().invoke(cli.app, ["check"])
    assert ok.exit_code == 0 and ok.output.startswith("ok:")
    owner.execute(text("CREATE TABLE rogue (tenant_id uuid NOT NULL, id uuid PRIMARY KEY)"))
    bad = CliRunner().invoke(cli.app, ["check"])
    assert bad.exit_code == 1
    assert "FAIL table rogue: row-level security is not enabled and forced" in bad.output
    assert "Traceback" not in bad.output


def test_runtime_executes_only_the_functions_requests_need(runtime, owner):
    rows = owner.execute(text(
        "SELECT p.proname, has_function_privilege(:r, p.oid, 'EXECUTE') AS can"
        " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'app'"),
        {"r": runtime.database.runtime_role}).all()
    allowed = {name for name, can in rows if can}
    for internal in ("audit_rows", "refuse_change", "check_residency", "check_grant",
                     "check_binding"):
        assert internal not in allowed, internal
    assert {"tenant_id", "lob_ids", "employee_contacts", "authenticate"} <= allowed
