"""Who sees and writes interval history, forecasts and forecast intervals: through GraphQL
and through raw SQL as the runtime role, for every table the forecasts add."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import graphql_client, owner_connection, seed
from tests.plugins.scheduling.volume_helpers import OVERRIDE, START, create_forecast, history, horizon

TABLES = ("interval_volume", "forecast", "forecast_interval")
LOBS = {"A1a": "L1-EN", "A1b": "L1-FR", "A2a": "CARDS", "B1a": "SUP"}
SEES = {  # the LOB codes each caller's rows belong to
    "admin": {"L1-EN", "L1-FR", "CARDS"},
    "planner": {"L1-EN", "L1-FR"},   # client A1
    "supervisor": {"CARDS"},         # LOB A2a
    "agent": set(),
    "adminB": {"SUP"},
}


@seed
def forecasts_made(runtime, world) -> dict[str, str]:
    """Five weeks of history and one forecast on every LOB of both tenants; forecast id by LOB code."""
    clients = {"A1a": "A1", "A1b": "A1", "A2a": "A2", "B1a": "B1"}
    with owner_connection(runtime) as owner:
        for lob, client in clients.items():
            tenant = world.tB if lob == "B1a" else world.tA
            history(owner, tenant, world.ids[client], world.ids[lob], weeks=5)
    ids = {}
    with graphql_client(runtime) as gql:
        for who, lobs in (("admin", ["A1a", "A1b", "A2a"]), ("adminB", ["B1a"])):
            made_now = create_forecast(gql, world.tokens[who], {"lobIds": [str(world.ids[x]) for x in lobs],
                                                                "method": "SEASONAL_NAIVE", **horizon(5, 1)})
            for lob, made in zip(lobs, made_now["forecasts"], strict=True):
                ids[LOBS[lob]] = made["id"]
    return ids


@pytest.fixture
def forecasts(forecasts_made) -> dict[str, str]:
    """The forecasts' ids by LOB code, in the test's clone of the template they were made in."""
    return forecasts_made.state


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_caller_sees_exactly_their_scope(gql, as_runtime, world, forecasts, who):
    with as_runtime.caller(world.ids[who]) as conn:
        for table in TABLES:
            seen = set(conn.execute(text(f"SELECT DISTINCT l.code FROM {table} t JOIN lob l ON l.id = t.lob_id"))
                       .scalars())
            assert seen == SEES[who], table
            assert conn.execute(text(f"SELECT count(*) FILTER (WHERE lob_id <> ALL(:l)) FROM {table}"),
                                {"l": [world.ids[k] for k, c in LOBS.items() if c in SEES[who]]}).scalar() == 0
    for lob, code in LOBS.items():
        body = gql("""query($l: UUID!, $f: UUID!) { intervalVolumes(lobId: $l, first: 5) { nodes { offered } }
                       forecasts(lobId: $l) { nodes { id: databaseId } }
                       forecast(id: $f) { id intervals(first: 5) { nodes { offered } } } }""",
                   {"l": str(world.ids[lob]), "f": forecasts[code]}, token=world.tokens[who])
        if who == "agent":
            assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
            continue
        data = body["data"]
        visible = code in SEES[who]
        assert bool(data["intervalVolumes"]["nodes"]) == visible
        assert [n["id"] for n in data["forecasts"]["nodes"]] == ([forecasts[code]] if visible else [])
        assert (data["forecast"] is not None) == visible


def test_nobody_writes_outside_their_scope_through_graphql(gql, world, owner, forecasts):
    before = owner.execute(text("SELECT count(*) FROM forecast")).scalar()
    for who, lob in (("planner", "A2a"), ("supervisor", "A2a"), ("adminB", "A1a")):
        made = create_forecast(gql, world.tokens[who], {"lobIds": [str(world.ids[lob])], **horizon(5, 1)})
        codes = ([e["code"] for e in made["errors"]] if "forecasts" in made
                 else [made["errors"][0]["extensions"]["code"]])
        assert codes[0] in ("NOT_FOUND", "FORBIDDEN")
        body = gql(OVERRIDE, {"f": forecasts[LOBS[lob]], "s": horizon(5)["horizonStart"], "o": 1, "r": "x"},
                   token=world.tokens[who])
        payload = body.get("data") and body["data"]["overrideForecastInterval"]
        codes = [e["code"] for e in payload["errors"]] if payload else [body["errors"][0]["extensions"]["code"]]
        assert codes[0] in ("NOT_FOUND", "FORBIDDEN")
    assert owner.execute(text("SELECT count(*) FROM forecast")).scalar() == before
    assert owner.execute(text("SELECT count(*) FROM forecast_interval WHERE override_by IS NOT NULL")).scalar() == 0


def test_raw_sql_writes_outside_scope_are_refused(as_runtime, world, owner, forecasts):
    a2a = {"t": world.tA, "c": world.A2, "l": world.A2a, "s": START, "f": forecasts["CARDS"], "u": world.planner}
    inserts = {
        "interval_volume": "INSERT INTO interval_volume (tenant_id, client_id, lob_id, interval_start,"
                           " interval_minutes, offered, handled, abandoned) VALUES (:t, :c, :l, :s - interval '1 day',"
                           " 30, 1, 1, 0)",
        "forecast": "INSERT INTO forecast (tenant_id, client_id, lob_id, version, method, horizon_start, horizon_end,"
                    " interval_minutes, history_start, history_end, holiday_factor, backtest_weeks, created_by)"
                    " VALUES (:t, :c, :l, 9, 'mstl_ets', :s, :s + interval '1 day', 30, :s - interval '9 weeks',"
                    " :s, 1, 1, :u)",
        "forecast_interval": "INSERT INTO forecast_interval (tenant_id, client_id, lob_id, forecast_id,"
                             " interval_start, offered, aht_seconds) VALUES (:t, :c, :l, :f, :s, 1, 1)",
    }
    for who in ("planner", "agent", "adminB"):
        for table, sql in inserts.items():
            with as_runtime.caller(world.ids[who]) as conn:
                with pytest.raises(Exception) as raised:
                    conn.execute(text(sql), a2a)
                assert "row-level security" in str(raised.value), (who, table)
        with as_runtime.caller(world.ids[who]) as conn:
            changed = conn.execute(text("UPDATE forecast_interval SET override_offered = 1, override_by = :u,"
                                        " override_at = now(), override_reason = 'x' WHERE forecast_id = :f"),
                                   {"u": world.ids[who], "f": forecasts["CARDS"]}).rowcount
            assert changed == 0
    for sql in ("UPDATE interval_volume SET offered = offered + 1", "UPDATE forecast SET version = version + 1",
                "UPDATE forecast_interval SET offered = 0", "DELETE FROM forecast"):
        with as_runtime.caller(world.admin) as conn:  # in scope, yet history and forecasts are never edited
            with pytest.raises(Exception) as raised:
                conn.execute(text(sql))
            assert "permission denied" in str(raised.value)
