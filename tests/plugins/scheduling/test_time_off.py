"""Time off over HTTP: agents request their own, supervisors of the employee decide, the
database backs every rule, and approved time off makes the employee ineligible."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests import factories as f
from tests.core.test_eligibility import ask
from tests.core.test_workforce import mutation
from tests.plugins.scheduling.schedule_helpers import at, forbidden, ok, refused

FIELDS = "id status kind startsAt endsAt decidedAt employee { preferredName }"
REQUEST = mutation("$input: TimeOffInput!", "requestTimeOff(input: $input)", f"timeOff {{ {FIELDS} }}")
APPROVE = mutation("$id: UUID!", "approveTimeOff(id: $id)", f"timeOff {{ {FIELDS} }}")
REJECT = mutation("$id: UUID!", "rejectTimeOff(id: $id)", f"timeOff {{ {FIELDS} }}")
CANCEL = mutation("$id: UUID!", "cancelTimeOff(id: $id)", f"timeOff {{ {FIELDS} }}")


def asked(day: int = 3, days: int = 1, **kw) -> dict:
    return {"input": {"startsAt": at(day, 0).isoformat(), "endsAt": at(day + days, 0).isoformat(),
                      "kind": "VACATION", **kw}}


def staff(owner, world, name: str, *grants, employee=None) -> str:
    """Another staff user of tenant A with a token."""
    world.ids[name] = f.user(owner, world.tA, *grants, employee_id=employee)
    world.tokens[name] = f.token(owner, world.ids[name])
    return name


def test_an_agent_requests_and_a_supervisor_of_the_employee_approves(gql, world, owner):
    mine = ok(gql, world, REQUEST, asked(), who="agent")["timeOff"]
    assert (mine["status"], mine["kind"], mine["employee"]["preferredName"]) == ("REQUESTED", "VACATION", "e2")
    assert forbidden(gql, world, owner, APPROVE, {"id": mine["id"]}, who="agent") == "FORBIDDEN"
    assert forbidden(gql, world, owner, APPROVE, {"id": mine["id"]}, who="planner") == "FORBIDDEN"
    reasons = {name: r for name, _, r in ask(gql, world, world.A2a, who="supervisor",
                                             start=at(3, 9).isoformat(), end=at(3, 10).isoformat())}
    assert reasons["e2"] == []                                               # requested is not approved
    approved = ok(gql, world, APPROVE, {"id": mine["id"]}, who="supervisor")["timeOff"]
    assert approved["status"] == "APPROVED" and approved["decidedAt"]
    reasons = {name: r for name, _, r in ask(gql, world, world.A2a, who="supervisor",
                                             start=at(3, 9).isoformat(), end=at(3, 10).isoformat())}
    assert reasons["e2"] == [("TIME_OFF", None, "2027-03-03")]
    decided_by = owner.execute(text("SELECT decided_by FROM time_off WHERE id = :i"), {"i": mine["id"]}).scalar()
    assert decided_by == world.supervisor

    refused(gql, world, owner, REJECT, {"id": mine["id"]}, "TIME_OFF_FINAL", "id", who="supervisor")
    refused(gql, world, owner, CANCEL, {"id": mine["id"]}, "TIME_OFF_ALREADY_APPROVED", "id", who="agent")
    assert ok(gql, world, CANCEL, {"id": mine["id"]}, who="supervisor")["timeOff"]["status"] == "CANCELLED"
    refused(gql, world, owner, CANCEL, {"id": mine["id"]}, "TIME_OFF_FINAL", "id", who="supervisor")


def test_requests_are_checked_before_anything_is_written(gql, world, owner):
    ok(gql, world, REQUEST, asked(day=3, days=2), who="agent")
    refused(gql, world, owner, REQUEST, asked(day=4), "TIME_OFF_OVERLAP", "startsAt", who="agent")
    refused(gql, world, owner, REQUEST, {"input": {**asked()["input"], "endsAt": at(2, 0).isoformat()}},
            "END_BEFORE_START", "endsAt", who="agent")
    refused(gql, world, owner, REQUEST, {"input": {**asked()["input"], "endsAt": "2028-03-05T00:00:00-05:00"}},
            "TIME_OFF_TOO_LONG", "endsAt", who="agent")
    refused(gql, world, owner, REQUEST, {"input": {**asked()["input"], "startsAt": "2027-03-10T00:00:00",
                                                   "endsAt": "2027-03-11T00:00:00"}},
            "TIMEZONE_REQUIRED", "startsAt", who="agent")
    refused(gql, world, owner, REQUEST, asked(employeeId=str(world.e1)), "NOT_FOUND", "employeeId", who="agent")
    refused(gql, world, owner, REQUEST, asked(employeeId=str(world.e1)), "NOT_FOUND", "employeeId",
            who="supervisor")                                               # e1 works only A1a
    refused(gql, world, owner, REQUEST, asked(), "REQUIRED", "employeeId", who="planner")  # no employee of their own


def test_nobody_decides_their_own_time_off_nor_without_the_key(gql, world, owner, as_runtime):
    lead = staff(owner, world, "lead", ("supervisor", world.A2, world.A2a), employee=world.e3)
    own = ok(gql, world, REQUEST, asked(), who=lead)["timeOff"]
    refused(gql, world, owner, APPROVE, {"id": own["id"]}, "TIME_OFF_SELF_DECISION", "id", who=lead)
    manager = staff(owner, world, "manager", ("account_manager", world.A2, None))  # sees e3, holds no approve key
    assert forbidden(gql, world, owner, APPROVE, {"id": own["id"]}, who=manager) == "FORBIDDEN"
    # the database refuses the same decisions made by hand as the runtime role
    for who, constraint in ((lead, "time_off_self_decision"), (manager, "time_off_decider")):
        with as_runtime.caller(world.ids[who]) as conn:
            with pytest.raises(DBAPIError) as raised:
                conn.execute(text("UPDATE time_off SET status = 'approved' WHERE id = :i"), {"i": own["id"]})
            assert raised.value.orig.diag.constraint_name == constraint
    mine = ok(gql, world, REQUEST, asked(day=10), who="agent")["timeOff"]
    with as_runtime.caller(world.agent) as conn:                            # an agent on their own request
        with pytest.raises(DBAPIError):
            conn.execute(text("UPDATE time_off SET status = 'approved' WHERE id = :i"), {"i": mine["id"]})
    assert owner.execute(text("SELECT count(*) FROM time_off WHERE status <> 'requested'")).scalar() == 0
