"""Shift templates and weekly availability over HTTP: every rule coded and localized with
nothing written, backed by the database's constraints; availability in eligibleAgents."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.core.test_eligibility import ask
from tests.core.test_workforce import mutation
from tests.plugins.scheduling.schedule_helpers import at, forbidden, ok, refused

TEMPLATE = "id name lengthMinutes earliestStart latestStart startStepMinutes unpaidBreakMinutes weekdays lob { code }"
CREATE = mutation("$lob: UUID!, $input: ShiftTemplateInput!", "createShiftTemplate(lobId: $lob, input: $input)",
                  f"template {{ {TEMPLATE} }}")
UPDATE = mutation("$id: UUID!, $patch: ShiftTemplatePatch!", "updateShiftTemplate(id: $id, patch: $patch)",
                  f"template {{ {TEMPLATE} }}")
DELETE = mutation("$id: UUID!", "deleteShiftTemplate(id: $id)", "deletedId")
SET = mutation("$e: UUID!, $tz: String!, $w: [AvailabilityWindowInput!]!",
               "setAvailability(employeeId: $e, timezone: $tz, windows: $w)", "windows { weekday start end timezone }")
DAY = {"name": "Day", "lengthMinutes": 480, "earliestStart": "07:00:00", "latestStart": "10:00:00",
       "startStepMinutes": 30, "weekdays": [5, 1, 2, 1], "unpaidBreakMinutes": 30}


def template(**kw) -> dict:
    return {**DAY, **kw}


def test_a_planner_keeps_the_templates_of_their_lobs(gql, world, owner):
    made = ok(gql, world, CREATE, {"lob": str(world.A1a), "input": template()}, who="planner")["template"]
    assert (made["weekdays"], made["lob"]["code"], made["latestStart"]) == ([1, 2, 5], "L1-EN", "10:00:00")
    changed = ok(gql, world, UPDATE, {"id": made["id"], "patch": {"name": "Early", "latestStart": "08:30:00"}},
                 who="planner")["template"]
    assert (changed["name"], changed["latestStart"], changed["lengthMinutes"]) == ("Early", "08:30:00", 480)
    listed = ok(gql, world, "{ shiftTemplates { nodes { name } } }", who="planner")["nodes"]
    assert [n["name"] for n in listed] == ["Early"]
    assert ok(gql, world, DELETE, {"id": made["id"]}, who="planner")["deletedId"] == made["id"]
    refused(gql, world, owner, DELETE, {"id": made["id"]}, "NOT_FOUND", "id", who="planner")


@pytest.mark.parametrize(("changes", "code", "field"), [
    ({"name": "  "}, "REQUIRED", "name"),
    ({"lengthMinutes": 490}, "SHIFT_LENGTH_INVALID", "lengthMinutes"),
    ({"lengthMinutes": 1200}, "SHIFT_LENGTH_INVALID", "lengthMinutes"),
    ({"startStepMinutes": 20}, "START_STEP_INVALID", "startStepMinutes"),
    ({"earliestStart": "07:15:00"}, "START_NOT_ON_STEP", "earliestStart"),
    ({"earliestStart": "11:00:00"}, "LATEST_BEFORE_EARLIEST", "latestStart"),
    ({"latestStart": "10:00:00+02:00"}, "LOCAL_TIME_REQUIRED", "latestStart"),
    ({"unpaidBreakMinutes": 150}, "BREAK_OUT_OF_RANGE", "unpaidBreakMinutes"),
    ({"weekdays": []}, "WEEKDAYS_INVALID", "weekdays"),
    ({"weekdays": [0, 3]}, "WEEKDAYS_INVALID", "weekdays"),
])
def test_bad_templates_are_refused(gql, world, owner, changes, code, field):
    refused(gql, world, owner, CREATE, {"lob": str(world.A1a), "input": template(**changes)}, code, field)


def test_template_names_are_unique_per_lob_and_scope_is_enforced(gql, world, owner):
    made = ok(gql, world, CREATE, {"lob": str(world.A1a), "input": template()})["template"]
    refused(gql, world, owner, CREATE, {"lob": str(world.A1a), "input": template()}, "NAME_TAKEN", "name")
    ok(gql, world, CREATE, {"lob": str(world.A1b), "input": template()})  # another LOB may use the name
    refused(gql, world, owner, UPDATE, {"id": made["id"], "patch": {"latestStart": "06:00:00"}},
            "LATEST_BEFORE_EARLIEST", "latestStart")
    refused(gql, world, owner, CREATE, {"lob": str(world.A2a), "input": template()}, "NOT_FOUND", "lobId",
            who="planner")
    assert forbidden(gql, world, owner, CREATE, {"lob": str(world.A2a), "input": template()},
                     who="supervisor") == "FORBIDDEN"
    refused(gql, world, owner, UPDATE, {"id": made["id"], "patch": {"name": "x"}}, "NOT_FOUND", "id",
            who="adminB")


@pytest.mark.parametrize(("column", "value", "constraint"), [
    ("start_step_minutes", 20, "shift_template_step"),
    ("earliest_start", "07:10", "shift_template_start_alignment"),
    ("latest_start", "06:00", "shift_template_start_window"),
    ("unpaid_break_minutes", 500, "shift_template_break"),
    ("length_minutes", 50, "shift_template_length"),
])
def test_the_database_backs_every_template_rule(world, owner, column, value, constraint):
    row = {"tenant_id": world.tA, "client_id": world.A1, "lob_id": world.A1a, "name": "x", "length_minutes": 480,
           "earliest_start": "07:00", "latest_start": "10:00", "start_step_minutes": 30,
           "unpaid_break_minutes": 30, column: value}
    with pytest.raises(DBAPIError) as raised:
        owner.execute(text(f"INSERT INTO shift_template ({', '.join(row)}, weekdays)"
                           f" VALUES ({', '.join(':' + k for k in row)}, '{{1}}')"), row)
    assert raised.value.orig.diag.constraint_name == constraint


WEEKDAYS = [{"weekday": d, "start": "08:00:00", "end": "18:00:00"} for d in range(1, 6)]


def test_an_agent_sets_their_availability_and_eligibility_follows_it(gql, world, owner):
    windows = ok(gql, world, SET, {"e": str(world.e2), "tz": "America/Toronto", "w": WEEKDAYS + [
        {"weekday": 7, "start": "22:00:00", "end": "00:00:00"},              # Sunday night to midnight
        {"weekday": 1, "start": "00:00:00", "end": "06:00:00"}]}, who="agent")["windows"]
    assert len(windows) == 7 and windows[-1] == {"weekday": 7, "start": "22:00:00", "end": "00:00:00",
                                                 "timezone": "America/Toronto"}
    assert ok(gql, world, "query($e: UUID!) { availability(employeeId: $e) { weekday } }", {"e": str(world.e2)},
              who="supervisor") == [{"weekday": w["weekday"]} for w in windows]

    def reasons(day, hour, hours):
        rows = ask(gql, world, world.A2a, start=at(day, hour).isoformat(), end=at(day, hour + hours).isoformat())
        return {name: r for name, _, r in rows}["e2"]

    assert reasons(1, 9, 1) == []
    assert reasons(1, 17, 2) == [("NOT_AVAILABLE", None, None)]            # past 18:00
    assert reasons(6, 9, 1) == [("NOT_AVAILABLE", None, None)]             # Saturday: no window
    assert reasons(7, 23, 2) == []                                         # Sunday 23:00 to Monday 01:00
    # an empty week means available any time again
    assert ok(gql, world, SET, {"e": str(world.e2), "tz": "America/Toronto", "w": []}, who="agent")["windows"] == []
    assert reasons(6, 9, 1) == []


@pytest.mark.parametrize(("tz", "windows", "code", "field"), [
    ("Mars/Olympus", WEEKDAYS, "INVALID_TIMEZONE", "timezone"),
    ("America/Toronto", [{"weekday": 8, "start": "08:00:00", "end": "09:00:00"}], "WEEKDAY_INVALID",
     "windows.0.weekday"),
    ("America/Toronto", [{"weekday": 1, "start": "10:00:00", "end": "09:00:00"}], "END_BEFORE_START",
     "windows.0.end"),
    ("America/Toronto", [{"weekday": 1, "start": "08:00:00", "end": "12:00:00"},
                         {"weekday": 1, "start": "11:00:00", "end": "13:00:00"}], "AVAILABILITY_OVERLAP",
     "windows.1.start"),
])
def test_bad_availability_is_refused(gql, world, owner, tz, windows, code, field):
    refused(gql, world, owner, SET, {"e": str(world.e2), "tz": tz, "w": windows}, code, field, who="agent")


def test_availability_is_set_only_for_employees_in_scope(gql, world, owner):
    for who in ("agent", "supervisor", "adminB"):                            # e1 works only A1a (tenant A)
        refused(gql, world, owner, SET, {"e": str(world.e1), "tz": "America/Toronto", "w": WEEKDAYS},
                "NOT_FOUND", "employeeId", who=who)
    assert forbidden(gql, world, owner, SET, {"e": str(world.e1), "tz": "America/Toronto", "w": WEEKDAYS},
                     who="portal") in ("FORBIDDEN", "WRONG_ENDPOINT")
