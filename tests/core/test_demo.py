"""The demo BPO: the facts the issue promises, determinism, and a database that still
passes every self-check and audit verification after loading."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from switchboard.core.audit.verify import verify
from switchboard.core.demo.builder import (
    SIZES,
    DemoResult,
    build_demo,
    demo_logins,
    is_empty,
)
from switchboard.core.demo.catalog import DEMO_PASSWORD
from switchboard.core.demo.generate import generate, totp_secret
from switchboard.core.demo.model import region_permitted
from switchboard.core.errors import ConfigurationError
from switchboard.core.hookspecs import hookimpl
from switchboard.core.platform import problems
from switchboard.core.runtime import Runtime
from tests.conftest import TEMPLATE, cloned_runtime

SEED = 7
ROLES = ["tenant_admin", "workforce_planner", "qa_lead", "qa_evaluator", "supervisor", "account_manager",
         "finance", "compliance_officer", "agent", "client_viewer", "client_admin"]
DEMO_TABLES = ["tenant", "site", "client", "lob", "employee", "assignment", "credential", "app_user",
               "client_binding", "role_grant"]
# Every column but created_at (and the salted password hash) of every row, in id order.
DIGEST = ("SELECT md5(string_agg((to_jsonb(t) - 'created_at' - 'password_hash' - 'totp_secret_enc')::text, ','"
          " ORDER BY t.id)) FROM {} t")
# Agents: employees with an agent-role assignment. Multi-client: assignments on 2+ clients on the anchor date.
AGENT_CLIENTS = """
SELECT employee_id, count(DISTINCT client_id) FILTER (WHERE valid_during @> CAST(:day AS date)) AS clients
  FROM assignment WHERE role = 'agent' GROUP BY employee_id
"""


@pytest.fixture(scope="module")
def demo_built(template) -> Iterator[tuple[Runtime, DemoResult]]:
    with cloned_runtime(template) as runtime:
        yield runtime, build_demo(runtime, "mid", SEED)


class _Recorder:
    """A plugin that records what ``switchboard_demo_data`` received and saw on ``conn``."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    @hookimpl
    def switchboard_demo_data(self, conn, demo):
        employees = conn.execute(text("SELECT count(*) FROM employee")).scalar_one()
        self.calls.append({"demo": demo, "employees": employees})


@pytest.fixture(scope="module")
def demo_second(template, demo_built) -> Iterator[tuple[Runtime, DemoResult, bool, _Recorder]]:
    """The same seed built into a second database, with a recording plugin."""
    recorder = _Recorder()
    with cloned_runtime(template, TEMPLATE, ("demo-recorder", recorder)) as runtime:
        was_empty = is_empty(runtime)
        yield runtime, build_demo(runtime, "mid", SEED), was_empty, recorder


def _rows(runtime: Runtime, sql: str, **params: Any) -> list[Any]:
    with runtime.owner.connect() as conn:
        return conn.execute(text(sql), params).all()


def _scalar(runtime: Runtime, sql: str, **params: Any) -> Any:
    with runtime.owner.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


# -- sizes and generation (no database) -------------------------------------------------


def test_sizes():
    assert set(SIZES) == {"small", "mid", "large"}
    for name in ("small", "mid"):
        assert (SIZES[name].clients, SIZES[name].lobs, SIZES[name].agents) == (7, 23, 500)
    assert (SIZES["large"].clients, SIZES["large"].lobs, SIZES["large"].agents) == (40, 200, 5000)
    assert SIZES["large"].bulk and not SIZES["mid"].bulk


def test_large_generation_in_memory():
    demo = generate(SIZES["large"], SEED, "hash")
    assert (len(demo.clients), len(demo.lobs), len(demo.sites), len(demo.agent_ids())) == (40, 200, 3, 5000)
    assert len({c.code for c in demo.clients}) == 40
    assert 0.28 <= demo.multi_client_share() <= 0.32
    clients = {c.id: c for c in demo.clients}
    employees = {e.id: e for e in demo.employees}
    assert all(region_permitted(employees[a.employee_id].work_region, clients[a.client_id].residency_regions)
               for a in demo.assignments)


def test_generation_depends_on_the_seed():
    a, b = generate(SIZES["mid"], SEED, "hash"), generate(SIZES["mid"], SEED + 1, "hash")
    assert [e.legal_name for e in a.employees] != [e.legal_name for e in b.employees]
    assert a.tenant_id != b.tenant_id
    assert totp_secret(SEED) != totp_secret(SEED + 1)


# -- the built tenant --------------------------------------------------------------------


def test_scope_graph(demo_built):
    runtime, demo = demo_built
    assert _scalar(runtime, "SELECT count(*) FROM tenant WHERE slug = 'northwind-bpo'") == 1
    assert _scalar(runtime, "SELECT count(*) FROM client") == 7
    assert _scalar(runtime, "SELECT count(*) FROM lob") == 23
    assert _scalar(runtime, "SELECT count(*) FROM site") == 3
    assert (len(demo.clients), len(demo.lobs), len(demo.sites)) == (7, 23, 3)


def test_retailco_has_the_four_lobs(demo_built):
    runtime, _ = demo_built
    lobs = {r.name: r for r in _rows(runtime, "SELECT l.* FROM lob l JOIN client c ON c.id = l.client_id"
                                              " WHERE c.code = 'RETAILCO'")}
    assert set(lobs) == {"L1 retail EN", "L2 escalations EN", "L1 retail FR", "Returns and refunds EN"}
    assert lobs["L1 retail FR"].language == "fr" and "lang_test:fr" in lobs["L1 retail FR"].required_credentials
    assert lobs["Returns and refunds EN"].handles_card_data
    assert "cert:retailco" in lobs["L2 escalations EN"].required_credentials


def test_clients_jurisdictions_regimes_and_residency(demo_built):
    runtime, _ = demo_built
    found = {r.code: (r.jurisdiction, set(r.regimes), list(r.residency_regions), r.currency)
             for r in _rows(runtime, "SELECT * FROM client")}
    assert found == {
        "RETAILCO": ("CA-ON", {"PCI_DSS", "PIPEDA"}, [], "CAD"),
        "BOREALE": ("CA-QC", {"PCI_DSS", "QC_LAW25"}, ["CA"], "CAD"),
        "LONESTAR": ("US-TX", {"HIPAA"}, ["US"], "USD"),
        "AURORA": ("IE", {"GDPR"}, ["EU"], "EUR"),
        "PACCREST": ("US-CA", {"CCPA"}, [], "USD"),
        "MAPLEMOBILE": ("CA-AB", {"PCI_DSS", "PIPEDA"}, [], "CAD"),
        "TIDEWATER": ("CA-NS", {"PIPEDA"}, [], "CAD"),
    }


def test_lob_data_flags_and_requirements(demo_built):
    runtime, _ = demo_built
    lobs = _rows(runtime, "SELECT l.*, c.code AS client_code FROM lob l JOIN client c ON c.id = l.client_id")
    assert {r.client_code for r in lobs if r.handles_health_data} == {"LONESTAR"}
    assert {r.client_code for r in lobs if r.handles_card_data} == {"RETAILCO", "BOREALE", "MAPLEMOBILE"}
    assert all("pci_clearance" in r.required_credentials for r in lobs if r.handles_card_data)
    assert all("hipaa_training" in r.required_credentials for r in lobs if r.handles_health_data)
    assert [r.code for r in lobs if "cert:tier2" in r.required_credentials] == ["TIER2"]
    assert {r.language for r in lobs} == {"en", "fr", "es"}


def test_500_agents_about_30_percent_multi_client(demo_built):
    runtime, demo = demo_built
    per_agent = _rows(runtime, AGENT_CLIENTS, day=demo.anchor)
    assert len(per_agent) == 500
    share = sum(1 for r in per_agent if r.clients >= 2) / len(per_agent)
    assert 0.25 <= share <= 0.35
    assert share == pytest.approx(demo.multi_client_share())
    assert any(r.clients >= 3 for r in per_agent)


def test_history_future_and_terminations(demo_built):
    runtime, demo = demo_built
    ended = _scalar(runtime, "SELECT count(*) FROM assignment WHERE upper(valid_during) <= :day", day=demo.anchor)
    future = _scalar(runtime, "SELECT count(*) FROM assignment WHERE lower(valid_during) > :day", day=demo.anchor)
    terminated = _scalar(runtime, "SELECT count(*) FROM employee WHERE termination_date IS NOT NULL")
    assert ended > 0 and future > 0 and terminated > 0


def test_every_assignment_is_residency_permitted(demo_built):
    runtime, _ = demo_built
    assert _scalar(runtime, """
        SELECT count(*) FROM assignment a
          JOIN employee e ON e.tenant_id = a.tenant_id AND e.id = a.employee_id
          JOIN client c ON c.tenant_id = a.tenant_id AND c.id = a.client_id
         WHERE NOT app.region_permitted(e.work_region, c.residency_regions)""") == 0
    regions = dict(_rows(runtime, """
        SELECT c.code, array_agg(DISTINCT split_part(e.work_region, '-', 1)) FROM assignment a
          JOIN employee e ON e.id = a.employee_id JOIN client c ON c.id = a.client_id GROUP BY c.code"""))
    assert regions["AURORA"] == ["IE"]
    assert regions["BOREALE"] == ["CA"]
    assert regions["LONESTAR"] == ["US"]


def test_supervisors_and_hours_caps(demo_built):
    runtime, demo = demo_built
    assert _scalar(runtime, """
        SELECT count(*) FROM assignment a WHERE a.role = 'agent' AND NOT EXISTS (
            SELECT 1 FROM assignment s WHERE s.lob_id = a.lob_id AND s.employee_id = a.supervisor_id
               AND s.role = 'supervisor')""") == 0
    assert _scalar(runtime, "SELECT count(DISTINCT employee_id) FROM assignment WHERE role = 'supervisor'") >= 23
    most = _scalar(runtime, """
        SELECT max(hours) FROM (SELECT sum(weekly_hours_cap) AS hours FROM assignment
                                 WHERE valid_during @> CAST(:day AS date) GROUP BY employee_id) x""", day=demo.anchor)
    assert most <= 40


def test_credentials_expired_expiring_revoked_and_missing(demo_built):
    runtime, demo = demo_built
    day, soon = demo.anchor, demo.anchor + timedelta(days=30)
    assert _scalar(runtime, "SELECT count(*) FROM credential WHERE expires_on <= :d AND revoked_on IS NULL", d=day) > 0
    assert _scalar(runtime, "SELECT count(*) FROM credential WHERE expires_on > :d AND expires_on <= :s"
                            " AND revoked_on IS NULL", d=day, s=soon) > 0
    assert _scalar(runtime, "SELECT count(*) FROM credential WHERE revoked_on IS NOT NULL") > 0
    assert _scalar(runtime, "SELECT count(*) FROM credential WHERE kind = 'hipaa_training'"
                            " AND expires_on <> issued_on + interval '12 months'") == 0
    assert _scalar(runtime, "SELECT count(*) FROM credential WHERE kind LIKE 'cert:%' AND kind <> 'cert:tier2'"
                            " AND client_id IS NULL") == 0
    without_pci = _scalar(runtime, """
        SELECT count(DISTINCT a.employee_id) FROM assignment a JOIN lob l ON l.id = a.lob_id
         WHERE l.handles_card_data AND a.role = 'agent' AND a.valid_during @> CAST(:d AS date)
           AND NOT EXISTS (SELECT 1 FROM credential c WHERE c.employee_id = a.employee_id
                              AND c.kind = 'pci_clearance' AND c.revoked_on IS NULL
                              AND (c.expires_on IS NULL OR c.expires_on > :d))""", d=day)
    assert without_pci > 0


def test_one_user_per_role(demo_built):
    runtime, demo = demo_built
    grants = _rows(runtime, """
        SELECT g.role, u.email, u.kind, u.totp_enabled, u.totp_secret_enc, u.employee_id, g.lob_id,
               c.code AS client_code, b.client_id AS bound_client, g.client_id
          FROM role_grant g JOIN app_user u ON u.id = g.user_id
          LEFT JOIN client c ON c.id = g.client_id
          LEFT JOIN client_binding b ON b.user_id = u.id""")
    by_role = {r.role: r for r in grants}
    assert sorted(r.role for r in grants) == sorted(ROLES)
    assert _scalar(runtime, "SELECT count(*) FROM app_user") == 11
    admin = by_role["tenant_admin"]
    assert admin.totp_enabled and admin.client_code is None
    assert admin.totp_secret_enc != totp_secret(SEED)
    assert runtime.keyring.decrypt(admin.totp_secret_enc) == totp_secret(SEED)
    assert by_role["workforce_planner"].client_code == "BOREALE" and by_role["workforce_planner"].lob_id is None
    assert by_role["qa_evaluator"].lob_id is not None
    for role in ("client_viewer", "client_admin"):
        assert by_role[role].kind == "client" and by_role[role].bound_client == by_role[role].client_id
        assert by_role[role].client_code == "RETAILCO"
    supervisor = by_role["supervisor"]
    assert _scalar(runtime, "SELECT count(*) FROM assignment WHERE employee_id = :e AND lob_id = :l"
                            " AND role = 'supervisor'", e=supervisor.employee_id, l=supervisor.lob_id) == 1
    agent_clients = _scalar(runtime, "SELECT count(DISTINCT client_id) FROM assignment WHERE employee_id = :e"
                                     " AND role = 'agent' AND valid_during @> CAST(:d AS date)",
                            e=by_role["agent"].employee_id, d=demo.anchor)
    assert agent_clients >= 2


def test_logins_and_summary(demo_built):
    runtime, demo = demo_built
    logins = demo_logins(runtime)
    for user in demo.users:
        assert user.email in logins
    assert DEMO_PASSWORD in logins and totp_secret(SEED) in logins and "tenant_admin@tenant" in logins
    assert "qa_evaluator@RETAILCO/L1-RETAIL-FR" in logins
    assert not is_empty(runtime)
    summary = demo.summary()
    assert "500 agents" in summary and "30.0%" in summary and logins.splitlines()[1] in summary
    assert demo.build_seconds > 0


def test_database_still_passes_checks_and_audit(demo_built):
    runtime, _ = demo_built
    assert problems(runtime) == []
    report = verify(runtime.owner)
    assert report.ok, report.lines()
    assert report.events >= _scalar(runtime, "SELECT count(*) FROM employee")


def test_second_build_is_refused(demo_built):
    runtime, _ = demo_built
    with pytest.raises(ConfigurationError, match="the demo tenant already exists"):
        build_demo(runtime, "mid", SEED)
    assert _scalar(runtime, "SELECT count(*) FROM tenant") == 1


def test_unknown_size_is_refused(demo_built):
    runtime, _ = demo_built
    with pytest.raises(ConfigurationError, match="unknown demo size"):
        build_demo(runtime, "huge", SEED)


# -- determinism and the plugin hook ------------------------------------------------------


def test_same_seed_builds_identical_rows(demo_built, demo_second):
    (first, demo_a), (second, demo_b, was_empty, _) = demo_built, demo_second
    assert was_empty
    for table in DEMO_TABLES:
        assert _scalar(first, DIGEST.format(table)) == _scalar(second, DIGEST.format(table)), table
    assert [e.id for e in demo_a.employees] == [e.id for e in demo_b.employees]


def test_plugins_receive_the_demo_in_the_same_transaction(demo_second):
    _, demo, _, recorder = demo_second
    assert len(recorder.calls) == 1
    call = recorder.calls[0]
    assert call["demo"] is demo
    assert call["employees"] == len(demo.employees)  # the core rows were visible to the hook
    assert (demo.size, demo.seed, len(demo.clients), len(demo.lobs)) == ("mid", SEED, 7, 23)
    assert demo.client("AURORA").residency_regions == ("EU",)
