"""Forecasts over GraphQL: versions with backtests, intervals in UTC and local time, audited
overrides, accuracy with the mix error, and coded refusals that write nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.conftest import graphql_client, owner_connection, seed
from tests.jobs import finished, run_queue
from tests.plugins.scheduling.volume_helpers import (
    CREATE,
    INTERVALS,
    OVERRIDE,
    START,
    VOLUME_TABLES,
    create_forecast,
    history,
    horizon,
)

ACCURACY = """query($lobs: [UUID!]!, $from: DateTime!, $to: DateTime!) {
  forecastAccuracy(lobIds: $lobs, from: $from, to: $to) {
    lobs { lobId version intervals forecastVolume actualVolume wape bias } totalWape mixError
  }
}"""


def write_histories(runtime, world) -> None:
    """Six weeks of history on RETAILCO's two LOBs, nine on LAURIER's."""
    with owner_connection(runtime) as owner:
        history(owner, world.tA, world.A1, world.A1a, weeks=6, seed=1)
        history(owner, world.tA, world.A1, world.A1b, weeks=6, level=20, seed=2)
        history(owner, world.tA, world.A2, world.A2a, weeks=9, seed=3)


@seed
def histories(runtime, world):
    """Six weeks of history on RETAILCO's two LOBs, nine on LAURIER's."""
    write_histories(runtime, world)


@seed
def a1a_forecast(runtime, world) -> dict:
    """The histories and the planner's forecast of A1a for the next week (MSTL-ETS): the forecast."""
    write_histories(runtime, world)
    with graphql_client(runtime) as gql:
        return create(gql, world, [world.A1a])["forecasts"][0]


def create(gql, world, lobs, who="planner", method="MSTL_ETS", lang=None, **span):
    return create_forecast(gql, world.tokens[who], {"lobIds": [str(lob) for lob in lobs], "method": method,
                                                    **(span or horizon())}, lang)


def all_intervals(gql, world, forecast_id, who="planner") -> list[dict]:
    """Every interval of a forecast, page by page (100 a page)."""
    nodes, after = [], None
    while True:
        body = gql(INTERVALS, {"id": forecast_id, "first": 100, "after": after}, token=world.tokens[who])
        page = body["data"]["forecast"]["intervals"]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


def test_a_forecast_is_versioned_per_lob_with_its_backtest(gql, world, owner, histories):
    first = create(gql, world, [world.A1a, world.A1b])
    assert first["errors"] == []
    assert [(x["lobId"], x["version"], x["method"], x["intervalMinutes"]) for x in first["forecasts"]] == [
        (str(world.A1a), 1, "MSTL_ETS", 30), (str(world.A1b), 1, "MSTL_ETS", 30)]
    test = first["forecasts"][0]["backtest"]
    assert test["weeks"] == 3 and 0 < test["wape"] < test["baselineWape"]
    again = create(gql, world, [world.A1a], method="SEASONAL_NAIVE")["forecasts"][0]
    assert again["version"] == 2 and again["backtest"]["wape"] == again["backtest"]["baselineWape"]
    nodes = all_intervals(gql, world, first["forecasts"][0]["id"])
    assert len(nodes) == 336
    assert nodes[0]["intervalStart"] == (START + timedelta(weeks=6)).isoformat()
    assert nodes[0]["localIntervalStart"] == "2026-02-15T19:00:00-05:00"
    assert all(n["offered"] >= 0 and n["ahtSeconds"] > 0 and n["override"] is None for n in nodes)
    peak = max(nodes, key=lambda n: n["offered"])
    assert peak["intervalStart"][11:13] in ("15", "16", "17")  # the history peaks at 16:00 UTC
    over = gql(INTERVALS, {"id": first["forecasts"][0]["id"], "first": 10000}, token=world.tokens["planner"])
    assert over["errors"][0]["extensions"]["code"] == "PAGE_SIZE_OVER_CAP"
    stored = owner.execute(text("SELECT forecast_id, count(*) FROM forecast_interval GROUP BY forecast_id")).all()
    assert sorted(n for _, n in stored) == [336, 336, 336]


def test_an_override_changes_the_effective_value_and_is_audited(gql, world, owner, a1a_forecast):
    forecast = a1a_forecast.state
    at = forecast["horizonStart"]
    body = gql(OVERRIDE, {"f": forecast["id"], "s": at, "o": 55.5, "r": "Marketing e-mail goes out"},
               token=world.tokens["planner"])
    interval = body["data"]["overrideForecastInterval"]
    assert interval["errors"] == []
    assert interval["interval"]["effectiveOffered"] == 55.5
    assert interval["interval"]["override"] == {"offered": 55.5, "ahtSeconds": None,
                                                "reason": "Marketing e-mail goes out"}
    audit = owner.execute(text("SELECT actor_user_id, changed FROM audit_event"
                               " WHERE table_name = 'forecast_interval' AND op = 'UPDATE'")).all()
    assert len(audit) == 1 and audit[0].actor_user_id == world.planner
    assert "override_offered" in str(audit[0].changed) and "Marketing" in str(audit[0].changed)
    cleared = gql(OVERRIDE, {"f": forecast["id"], "s": at}, token=world.tokens["planner"])
    node = cleared["data"]["overrideForecastInterval"]["interval"]
    assert node["override"] is None and node["effectiveOffered"] == node["offered"]
    assert owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'forecast_interval'"
                              " AND op = 'UPDATE'")).scalar() == 2


@pytest.mark.parametrize(("variables", "code", "field"), [
    ({"o": 10}, "REQUIRED", "reason"),
    ({"o": -1, "r": "why"}, "INVALID_NUMBER", "offered"),
    ({"a": -5, "r": "why"}, "INVALID_NUMBER", "ahtSeconds"),
    ({"o": 1, "r": "x" * 501}, "TOO_LONG", "reason"),
    ({"o": 1, "r": "why", "s": "2026-02-16T00:15:00Z"}, "NOT_FOUND", "intervalStart"),
])
def test_bad_overrides_are_refused_and_write_nothing(gql, world, owner, a1a_forecast, variables, code, field):
    forecast = a1a_forecast.state
    before = f.fingerprint(owner, VOLUME_TABLES)
    body = gql(OVERRIDE, {"f": forecast["id"], "s": forecast["horizonStart"], **variables},
               token=world.tokens["planner"], lang="fr")
    errors = body["data"]["overrideForecastInterval"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, field)]
    assert errors[0]["message"] != code
    assert f.fingerprint(owner, VOLUME_TABLES) == before


@pytest.mark.parametrize(("lobs", "span", "errors"), [
    (["A1a", "A1b", "A2a"], None, [("NOT_FOUND", "lobIds.2")]),   # LAURIER is outside the planner's scope
    ([], None, [("REQUIRED", "lobIds")]),
    (["A1a"], {"horizonStart": "2026-02-16T00:00:00", "horizonEnd": "2026-02-20T00:00:00Z"},
     [("TIMEZONE_REQUIRED", "horizonStart")]),
    (["A1a"], {"horizonStart": "2026-02-20T00:00:00Z", "horizonEnd": "2026-02-16T00:00:00Z"},
     [("END_BEFORE_START", "horizonEnd")]),
    (["A1a"], {"horizonStart": "2026-02-16T00:10:00Z", "horizonEnd": "2026-02-20T00:00:00Z"},
     [("INTERVAL_NOT_ALIGNED", "horizonStart")]),
    (["A1a"], {"horizonStart": "2026-02-16T00:00:00Z", "horizonEnd": "2026-06-16T00:00:00Z"},
     [("FORECAST_HORIZON_TOO_LONG", "lobIds.0")]),
    (["A1a", "A1b"], {"horizonStart": "2026-01-20T00:00:00Z", "horizonEnd": "2026-01-27T00:00:00Z"},
     [("INSUFFICIENT_HISTORY", "lobIds.0"), ("INSUFFICIENT_HISTORY", "lobIds.1")]),
])
def test_refused_forecasts_write_nothing(gql, world, owner, histories, lobs, span, errors):
    before = f.fingerprint(owner, VOLUME_TABLES)
    payload = create(gql, world, [world.ids[x] for x in lobs], lang="fr", **(span or {}))
    assert [(e["code"], e["field"]) for e in payload["errors"]] == errors and payload["forecasts"] == []
    assert all(e["message"] != e["code"] for e in payload["errors"])
    assert f.fingerprint(owner, VOLUME_TABLES) == before


def test_accuracy_gives_wape_bias_and_the_mix_error(gql, world, owner, histories):
    span = {"horizonStart": (START + timedelta(weeks=5)).isoformat(),
            "horizonEnd": (START + timedelta(weeks=6)).isoformat()}
    forecasts = create(gql, world, [world.A1a, world.A1b], who="admin", method="SEASONAL_NAIVE", **span)["forecasts"]
    # the forecasts saw only the intervals before week 6; the history holds week 6 too: score against it
    owner.execute(text("DELETE FROM interval_volume WHERE interval_start >= :s"), {"s": START + timedelta(weeks=6)})
    body = gql(ACCURACY, {"lobs": [str(world.A1a), str(world.A1b)], "from": span["horizonStart"],
                          "to": span["horizonEnd"]}, token=world.tokens["planner"])
    report = body["data"]["forecastAccuracy"]
    assert [x["lobId"] for x in report["lobs"]] == [str(world.A1a), str(world.A1b)]
    assert all(x["intervals"] == 336 and 0 < x["wape"] < 1 for x in report["lobs"])
    assert 0 < report["mixError"] < report["lobs"][0]["wape"]
    # override one interval: the effective value is what accuracy scores
    nodes = gql(INTERVALS, {"id": forecasts[0]["id"], "first": 1}, token=world.tokens["planner"])
    first = nodes["data"]["forecast"]["intervals"]["nodes"][0]
    gql(OVERRIDE, {"f": forecasts[0]["id"], "s": first["intervalStart"], "o": first["offered"] + 1000,
                   "r": "test"}, token=world.tokens["planner"])
    after = gql(ACCURACY, {"lobs": [str(world.A1a)], "from": span["horizonStart"], "to": span["horizonEnd"]},
                token=world.tokens["planner"])["data"]["forecastAccuracy"]["lobs"][0]
    assert after["forecastVolume"] == pytest.approx(report["lobs"][0]["forecastVolume"] + 1000)
    outside = gql(ACCURACY, {"lobs": [str(world.A1a), str(world.A1b)], "from": span["horizonStart"],
                             "to": span["horizonEnd"]}, token=world.tokens["supervisor"])
    assert outside["data"]["forecastAccuracy"] == {"lobs": [], "totalWape": None, "mixError": None}


def test_a_forecast_is_a_job_that_reports_each_lob_and_refuses_what_changed_since_it_was_queued(gql, world, owner,
                                                                                               histories):
    token = world.tokens["planner"]
    queued = gql(CREATE, {"input": {"lobIds": [str(world.A1a), str(world.A1b)], "method": "SEASONAL_NAIVE",
                                    **horizon()}}, token=token)["data"]["createForecast"]
    assert queued["errors"] == [] and queued["job"]["lobIds"] == [str(world.A1a), str(world.A1b)]
    assert owner.execute(text("SELECT count(*) FROM forecast")).scalar() == 0  # the request only queued it
    run_queue(gql.http.app.state.runtime)
    job = gql("query($id: UUID!) { job(id: $id) { state progress { phase detail } } }", {"id": queued["job"]["id"]},
              token=token)["data"]["job"]
    detail = job["progress"]["detail"]
    assert job["state"] == "SUCCEEDED" and detail["lobsDone"] == detail["lobs"] == 2
    # the history went away between the request and the job: the job fails with the request's refusal
    queued = gql(CREATE, {"input": {"lobIds": [str(world.A1b)], "method": "SEASONAL_NAIVE", **horizon()}},
                 token=token)["data"]["createForecast"]
    owner.execute(text("DELETE FROM interval_volume WHERE lob_id = :l"), {"l": world.A1b})
    failed = finished(gql, token, queued["job"]["id"], "ForecastJobResult", "forecastIds", lang="fr")
    assert failed["state"] == "FAILED" and failed["outcome"] is None
    assert failed["error"]["code"] == "INSUFFICIENT_HISTORY" and failed["error"]["message"] != "INSUFFICIENT_HISTORY"
    assert owner.execute(text("SELECT count(*) FROM forecast WHERE lob_id = :l"), {"l": world.A1b}).scalar() == 1
