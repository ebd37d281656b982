"""The built-in plugins' demo rows: the small demo's four weeks of the ledger and terms,
read back through the database and through billableHours over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.audit.verify import verify
from switchboard.core.demo.builder import build_demo
from switchboard.core.demo.generate import SIZES, generate
from switchboard.plugins.timekeeping.demo import Ledger, Plan
from tests import factories as f
from tests.conftest import GraphQLClient, cloned_runtime
from tests.jobs import outcome
from tests.plugins.billing.helpers import HOURS, plain_money
from tests.plugins.conftest import BUILTINS

SEED = 7


@pytest.fixture(scope="module")
def demo(template, plugins_template) -> Iterator[tuple]:
    with cloned_runtime(template, plugins_template, *BUILTINS) as runtime:
        result = build_demo(runtime, "small", SEED)
        with runtime.owner.begin() as conn:
            users = dict(conn.execute(text("SELECT email, id FROM app_user")).all())
            tokens = {email.split("@")[0]: f.token(conn, users[email]) for email in
                      ("admin@northwind.example", "planner@northwind.example", "agent@northwind.example")}
        yield runtime, result, tokens


def scalar(runtime, sql: str, **params):
    with runtime.owner.connect() as conn:
        return conn.execute(text(sql), params).scalar_one()


def test_the_ledger_generator_is_deterministic_for_a_seed():
    def digest(seed: int) -> int:
        result = generate(SIZES["small"], seed, "hash")
        return hash(tuple(Ledger(result, Plan.of(result)).rows()))

    assert digest(SEED) == digest(SEED)
    assert digest(SEED) != digest(SEED + 1)


def test_entry_ids_are_time_ordered():
    result = generate(SIZES["small"], SEED, "hash")
    rows = list(Ledger(result, Plan.of(result)).rows())
    assert all(r[0].version == 7 and r[0].int >> 80 == int(r[7].timestamp() * 1000) for r in rows)
    weeks = [r[7].isocalendar()[:2] for r in rows if r[12] is None]
    assert weeks == sorted(weeks)  # written week by week: loads append to the indexes


def test_four_weeks_of_entries_with_corrections_a_close_and_adjustments(demo):
    runtime, result, _ = demo
    plan = Plan.of(result)
    assert (plan.first, plan.last, plan.closed_through) == (date(2026, 10, 26), date(2026, 11, 22), date(2026, 10, 31))
    counts = dict(scalar(runtime, """SELECT jsonb_build_object(
        'entries', count(*), 'superseded', count(*) FILTER (WHERE status = 'superseded'),
        'corrections', count(*) FILTER (WHERE supersedes IS NOT NULL),
        'adjustments', count(*) FILTER (WHERE adjustment AND booked_on > :closed AND work_date <= :closed),
        'employees', count(DISTINCT employee_id), 'first', min(work_date), 'last', max(work_date),
        'open_before_close', count(*) FILTER (WHERE work_date <= :closed AND state <> 'approved' AND NOT adjustment),
        'approved_last_week', count(*) FILTER (WHERE work_date > :approved AND state = 'approved'))
        FROM time_entry""", closed=plan.closed_through, approved=plan.approved_through))
    assert 40_000 < counts["entries"] < 70_000
    assert counts["superseded"] == counts["corrections"] > 50
    assert counts["adjustments"] >= 7  # at least one per client, booked after the close
    assert counts["employees"] > 450
    assert (counts["first"], counts["last"]) == ("2026-10-26", "2026-11-21")  # no Sunday shifts
    assert counts["open_before_close"] == 0 and counts["approved_last_week"] == 0
    closes = scalar(runtime, "SELECT array_agg(DISTINCT closed_through) FROM period_close")
    assert closes == [plan.closed_through]
    assert scalar(runtime, "SELECT count(*) FROM period_close") == len(result.clients)
    assert verify(runtime.owner).ok


def test_agents_of_several_clients_cross_overtime_thresholds_across_clients(demo):
    runtime, result, _ = demo
    # weeks in which an agent worked for 2+ clients and more than 40 hours in all
    split_weeks = scalar(runtime, """
        SELECT count(*) FROM (
          SELECT employee_id, date_trunc('week', work_date)
            FROM time_entry WHERE status = 'active' AND activity NOT IN ('sick', 'vacation', 'unpaid')
           GROUP BY 1, 2
          HAVING count(DISTINCT client_id) >= 2 AND sum(extract(epoch FROM ended_at - started_at)) > 40 * 3600) w""")
    assert split_weeks > 20


def test_billable_hours_of_the_demo_over_http(demo):
    runtime, result, tokens = demo
    with TestClient(create_app(runtime)) as http:
        def hours(token: str, by: list[str]) -> list[dict]:
            response = http.post("/graphql", json={"query": HOURS, "variables": {
                "from": "2026-10-26", "to": "2026-11-22", "by": by}}, headers={"Authorization": f"Bearer {token}"})
            body = response.json()
            assert "errors" not in body, body
            assert not body["data"]["billableHours"]["pageInfo"]["hasNextPage"]
            return plain_money(body["data"]["billableHours"]["nodes"])

        per_client = hours(tokens["admin"], ["CLIENT"])
        planner = hours(tokens["planner"], ["CLIENT"])
        agent = http.post("/graphql", json={"query": HOURS, "variables": {"from": "2026-10-26", "to": "2026-11-22"}},
                          headers={"Authorization": f"Bearer {tokens['agent']}"}).json()
    codes = {c.id: c.code for c in result.clients}
    by_code = {codes[uuid.UUID(r["clientId"])]: r for r in per_client}
    assert set(by_code) == set(codes.values())
    assert {r["currency"] for r in per_client} == {"CAD", "USD", "EUR"}
    assert all(r["regularHours"] > 1000 for r in per_client)
    overtime = [code for code, r in by_code.items() if r["overtimeHours"] > 0]
    assert len(overtime) >= 5
    # Veterans Day (US) and the Irish October bank holiday fall in the window
    assert by_code["LONESTAR"]["holidayHours"] > 0 and by_code["AURORA"]["holidayHours"] > 0
    # Maple Mobile leaves the premium to the BPO: its overtime is billed at the plain rate
    maple = by_code["MAPLEMOBILE"]
    if Decimal(str(maple["overtimeHours"])):
        assert Decimal(maple["overtimeAmount"]) == (Decimal(str(maple["overtimeHours"])) * Decimal("32.00")).quantize(
            Decimal("0.01"))
    # the one-client planner gets exactly the admin's figures for their client, and nothing else
    assert planner == [by_code["BOREALE"]]
    assert agent["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # every client's hours add up to its billable worked time in the ledger
    with runtime.owner.connect() as conn:
        worked = dict(conn.execute(text("""
            SELECT e.client_id, sum(extract(epoch FROM e.ended_at - e.started_at)) / 3600
              FROM time_entry e
             WHERE e.status = 'active' AND e.work_date BETWEEN :a AND :b
               AND EXISTS (SELECT FROM billing_terms t WHERE t.client_id = e.client_id AND t.lob_id IS NULL
                              AND t.valid_during @> e.work_date AND e.activity = ANY (t.billable_activities))
             GROUP BY e.client_id"""), {"a": date(2026, 10, 26), "b": date(2026, 11, 22)}).all())
    for row in per_client:
        billed = sum(Decimal(str(row[k])) for k in ("regularHours", "overtimeHours", "doubleTimeHours", "holidayHours"))
        assert abs(billed - worked[uuid.UUID(row["clientId"])]) < Decimal("0.001")


def test_interval_history_for_every_lob_is_deterministic_for_a_seed():
    from switchboard.plugins.scheduling.forecasts.demo import demo_series

    def digest(seed: int) -> int:
        return hash(tuple(s.offered.tobytes() + s.aht.tobytes() for s in demo_series(generate(SIZES["small"], seed,
                                                                                             "hash"))))

    assert digest(SEED) == digest(SEED)
    assert digest(SEED) != digest(SEED + 1)


def test_eight_weeks_of_interval_history_forecast_better_than_seasonal_naive(demo):
    runtime, result, tokens = demo
    counts = dict(scalar(runtime, """SELECT jsonb_build_object('rows', count(*), 'lobs', count(DISTINCT lob_id),
        'first', min(interval_start), 'last', max(interval_start), 'offered', sum(offered),
        'unaligned', count(*) FILTER (WHERE extract(minute FROM interval_start) NOT IN (0, 30)))
        FROM interval_volume"""))
    from switchboard.plugins.scheduling.forecasts.demo import demo_series

    series = demo_series(result)
    assert counts["rows"] == sum(int(s.open.sum()) for s in series) and counts["lobs"] == 23
    assert counts["offered"] == sum(int(s.offered.sum()) for s in series) and counts["unaligned"] == 0
    assert counts["rows"] > 23 * 56 * 48 * 0.6  # closed hours of voice, chat and back office LOBs have none
    assert (counts["first"][:16], counts["last"][:16]) == ("2026-09-28T00:00", "2026-11-22T23:30")
    lobs = [str(lob.id) for lob in result.lobs]
    with TestClient(create_app(runtime)) as http:
        body = http.post("/graphql", json={"query": """mutation($input: ForecastInput!) {
            createForecast(input: $input) { job { id } errors { code } } }""", "variables": {
            "input": {"lobIds": lobs, "horizonStart": "2026-11-23T00:00:00Z",
                      "horizonEnd": "2026-11-30T00:00:00Z"}}},
            headers={"Authorization": f"Bearer {tokens['admin']}"}).json()
        queued = body["data"]["createForecast"]
        assert queued["errors"] == []
        made = outcome(GraphQLClient(http), tokens["admin"], queued["job"]["id"], "ForecastJobResult",
                       "forecasts { lobId version backtest { weeks wape baselineWape } }")
    assert len(made["forecasts"]) == 23
    assert all(f["backtest"]["weeks"] == 4 and f["backtest"]["wape"] < f["backtest"]["baselineWape"]
               for f in made["forecasts"])


def test_a_planner_solves_their_client_week_on_the_demo_out_of_the_box(demo):
    from switchboard.core.jobs.worker import Worker

    runtime, result, tokens = demo
    boreale = next(c.id for c in result.clients if c.code == "BOREALE")
    lobs = [str(lob.id) for lob in result.lobs if lob.client_id == boreale]
    assert scalar(runtime, "SELECT count(*) FROM shift_template") == 2 * 23
    assert scalar(runtime, "SELECT count(*) FROM lob_staffing") == 23

    def post(query: str, variables: dict) -> dict:
        body = http.post("/graphql", json={"query": query, "variables": variables},
                         headers={"Authorization": f"Bearer {tokens['planner']}"}).json()
        assert "errors" not in body, body
        return body["data"]

    with TestClient(create_app(runtime)) as http:
        made = post("""mutation($input: ForecastInput!) { createForecast(input: $input) { job { id: databaseId }
                    errors { code } } }""", {"input": {"lobIds": lobs, "horizonStart": "2026-11-23T00:00:00Z",
                                                      "horizonEnd": "2026-11-30T06:00:00Z",
                                                      "method": "SEASONAL_NAIVE"}})
        assert made["createForecast"]["errors"] == []
        assert Worker(runtime).run_once() == uuid.UUID(made["createForecast"]["job"]["id"])
        job = post("""mutation($lobs: [UUID!]!) { solveSchedule(lobIds: $lobs, weekStart: "2026-11-23",
                      timeLimitSeconds: 30) { job { id: databaseId } errors { code } } }""",
                   {"lobs": lobs})["solveSchedule"]
        assert job["errors"] == []
        assert Worker(runtime).run_once() == uuid.UUID(job["job"]["id"])
        done = post("""query($id: UUID!) { job(id: $id) { state outcome { ... on ScheduleSolveResult {
                    scheduleId status segments schedule { id: databaseId lobIds } } } } }""",
                    {"id": job["job"]["id"]})["job"]
    assert done["state"] == "SUCCEEDED", done
    made = done["outcome"]
    assert made["status"] in ("OPTIMAL", "FEASIBLE") and made["segments"] > 50
    assert made["schedule"]["id"] == made["scheduleId"] and len(made["schedule"]["lobIds"]) == len(lobs)
    assert scalar(runtime, "SELECT count(DISTINCT lob_id) FROM schedule_segment WHERE schedule_id = :s",
                  s=made["scheduleId"]) == len(lobs)
