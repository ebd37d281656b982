"""LOB staffing parameters (set through GraphQL, coded refusals, row security) and the
``staffingRequirement`` query against the staffing model on the same inputs."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import text

from switchboard.plugins.scheduling.staffing.requirement import required_agents
from tests.core.test_workforce import mutation
from tests.plugins.scheduling.schedule_helpers import at, forbidden, ok, refused
from tests.plugins.scheduling.solve_helpers import forecast

SET = mutation("$lob: UUID!, $input: LobStaffingInput!", "setLobStaffing(lobId: $lob, input: $input)",
               "staffing { lobId shrinkage occupancyCap patienceSeconds priority }")
GET = "query($lob: UUID!) { lobStaffing(lobId: $lob) { shrinkage occupancyCap patienceSeconds priority } }"
REQUIREMENT = """query($lob: UUID!, $from: DateTime!, $to: DateTime!) {
  staffingRequirement(lobId: $lob, from: $from, to: $to) { intervalMinutes staffing { shrinkage }
    intervals(first: 100) {
      nodes { startsAt localStartsAt offered ahtSeconds required requiredWhole serviceLevel } } } }"""


def test_parameters_default_then_set_by_a_planner(gql, world):
    body = gql(GET, {"lob": str(world.A1a)}, token=world.tokens["planner"])["data"]["lobStaffing"]
    assert body == {"shrinkage": 0.3, "occupancyCap": 0.85, "patienceSeconds": None, "priority": 1}
    values = {"shrinkage": 0.25, "occupancyCap": 0.9, "patienceSeconds": 60, "priority": 2.5}
    staffing = ok(gql, world, SET, {"lob": str(world.A1a), "input": values}, who="planner")["staffing"]
    assert staffing["lobId"] == str(world.A1a) and staffing["priority"] == 2.5
    body = gql(GET, {"lob": str(world.A1a)}, token=world.tokens["planner"])["data"]["lobStaffing"]
    assert body == values


@pytest.mark.parametrize("field, value, code", [
    ("shrinkage", 1, "SHRINKAGE_OUT_OF_RANGE"),
    ("occupancyCap", 0, "OCCUPANCY_CAP_OUT_OF_RANGE"),
    ("patienceSeconds", -5, "PATIENCE_NOT_POSITIVE"),
    ("priority", 0, "PRIORITY_OUT_OF_RANGE"),
    ("priority", 101, "PRIORITY_OUT_OF_RANGE"),
])
def test_bad_parameters_are_refused_in_both_languages_and_nothing_is_written(gql, world, owner, field, value, code):
    refused(gql, world, owner, SET, {"lob": str(world.A1a), "input": {field: value}}, code, field, who="planner")
    assert owner.execute(text("SELECT count(*) FROM lob_staffing")).scalar_one() == 0


def test_only_planners_in_scope_set_parameters_and_rows_stay_in_scope(gql, world, owner, as_runtime):
    assert forbidden(gql, world, owner, SET, {"lob": str(world.A2a), "input": {}}, who="supervisor") == "FORBIDDEN"
    assert forbidden(gql, world, owner, SET, {"lob": str(world.A2a), "input": {}}, who="planner") == "NOT_FOUND"
    ok(gql, world, SET, {"lob": str(world.A2a), "input": {"priority": 3}})
    for who, sees in (("admin", 1), ("supervisor", 1), ("planner", 0), ("adminB", 0)):
        with as_runtime.caller(world.ids[who]) as conn:
            assert conn.execute(text("SELECT count(*) FROM lob_staffing")).scalar_one() == sees, who
    with as_runtime.caller(world.planner) as conn:
        with pytest.raises(Exception, match="row-level security"):
            conn.execute(text("INSERT INTO lob_staffing (tenant_id, client_id, lob_id, shrinkage, occupancy_cap,"
                              " priority) VALUES (:t, :c, :l, 0, 1, 1)"),
                         {"t": world.tA, "c": world.A2, "l": world.A2a})


def test_the_requirement_is_the_staffing_model_on_the_effective_forecast(gql, world, owner):
    forecast_id = forecast(owner, world, "A1a", "A1", calls=40, aht=300)
    owner.execute(text("UPDATE forecast_interval SET override_offered = 80, override_reason = 'promo',"
                       " override_by = :u, override_at = now() WHERE forecast_id = :f AND interval_start = :s"),
                  {"f": forecast_id, "s": at(1, 10), "u": world.admin})
    ok(gql, world, SET, {"lob": str(world.A1a), "input": {"shrinkage": 0.2, "occupancyCap": 0.9}})
    body = gql(REQUIREMENT, {"lob": str(world.A1a), "from": at(1, 8).isoformat(), "to": at(1, 12).isoformat()},
               token=world.tokens["planner"])["data"]["staffingRequirement"]
    rows = body["intervals"]["nodes"]
    assert body["intervalMinutes"] == 30 and len(rows) == 8
    assert [r["offered"] for r in rows] == [0, 0, 40, 40, 80, 40, 40, 40]
    assert datetime.fromisoformat(rows[4]["localStartsAt"]).utcoffset().total_seconds() == -5 * 3600
    assert datetime.fromisoformat(rows[4]["startsAt"]) == at(1, 10)
    model = required_agents(np.array([0, 0, 40, 40, 80, 40, 40, 40.0]), 300, interval_seconds=1800,
                            service_level=0.8, answer_seconds=20, occupancy_cap=0.9, shrinkage=0.2)
    assert np.allclose([r["required"] for r in rows], model.scheduled)
    assert [r["requiredWhole"] for r in rows] == model.whole_scheduled.tolist()
    assert np.allclose([r["serviceLevel"] for r in rows], model.service_level)
    assert rows[4]["required"] > rows[3]["required"] > 0 == rows[0]["required"]


REASON = """query($lob: UUID!, $from: DateTime!, $to: DateTime!) {
  staffingRequirement(lobId: $lob, from: $from, to: $to) { reason { code message } intervals { totalCount } } }"""


@pytest.mark.parametrize("lang, message", [
    ("en", "This line of business has no forecast yet: create one to see its staffing requirement."),
    ("fr", "Cette ligne d'affaires n'a pas encore de prévision : créez-en une pour voir ses besoins en effectifs."),
])
def test_an_empty_requirement_says_why(gql, world, owner, lang, message):
    """Before any forecast the answer names NO_FORECAST; outside the forecast's intervals
    NO_FORECAST_IN_RANGE; with intervals, no reason."""
    def ask(start, end):
        body = gql(REASON, {"lob": str(world.A1a), "from": start.isoformat(), "to": end.isoformat()},
                   token=world.tokens["planner"], lang=lang)
        assert "errors" not in body, body
        return body["data"]["staffingRequirement"]

    assert ask(at(1, 8), at(1, 12)) == {"reason": {"code": "NO_FORECAST", "message": message},
                                         "intervals": {"totalCount": 0}}
    forecast(owner, world, "A1a", "A1", calls=40, aht=300)
    later = ask(at(1, 8) + timedelta(days=60), at(1, 12) + timedelta(days=60))
    assert later["reason"]["code"] == "NO_FORECAST_IN_RANGE" and later["intervals"]["totalCount"] == 0
    assert ask(at(1, 8), at(1, 12)) == {"reason": None, "intervals": {"totalCount": 8}}
