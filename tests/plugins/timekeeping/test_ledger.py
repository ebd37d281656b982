"""The time ledger over HTTP: recording, corrections, approval, period closes.

Every refusal comes back coded and localized, with nothing written (the owner's
fingerprint of the ledger and the audit log is unchanged).
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.core.test_workforce import mutation

ENTRY = ("id activity category startedAt endedAt localStartedAt timezone workDate bookedOn hours source state"
         " status adjustment supersedesId employee { preferredName } lob { code }")
RECORD = mutation("$input: TimeEntryInput!", "recordTimeEntry(input: $input)", f"entry {{ {ENTRY} }}")
CORRECT = mutation("$id: UUID!, $c: TimeEntryCorrection!", "correctTimeEntry(id: $id, correction: $c)",
                   f"entry {{ {ENTRY} supersedes {{ id status }} }}")
VOID = mutation("$id: UUID!", "voidTimeEntry(id: $id)", "entry { id status }")
APPROVE = mutation("$ids: [UUID!]!", "approveTimeEntries(ids: $ids)", "entries { id state }")
CLOSE = mutation("$c: UUID!, $d: Date!", "closePeriod(clientId: $c, through: $d)", "close { closedThrough }")
LEDGER = ("time_entry", "period_close", "audit_event")


def entry(employee, lob, start="2026-03-02T09:00:00-05:00", end="2026-03-02T17:00:00-05:00",
          activity="HANDLING", **kw):
    return {"employeeId": str(employee), "lobId": str(lob), "activity": activity,
            "startedAt": start, "endedAt": end, **kw}


def record(gql, world, who="admin", **kw):
    body = gql(RECORD, {"input": entry(**kw)}, token=world.tokens[who])
    assert "errors" not in body, body
    return body["data"]["recordTimeEntry"]


def recorded(gql, world, **kw) -> dict:
    payload = record(gql, world, **kw)
    assert payload["errors"] == [], payload
    return payload["entry"]


def refused(gql, world, query, variables, code, field, who="admin", lang="fr", owner=None):
    before = f.fingerprint(owner, LEDGER) if owner is not None else None
    body = gql(query, variables, token=world.tokens[who], lang=lang)
    assert "errors" not in body, body
    payload = next(iter(body["data"].values()))
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [(code, field)], payload
    assert payload["errors"][0]["message"] and payload["errors"][0]["message"] != code
    if owner is not None:
        assert f.fingerprint(owner, LEDGER) == before
    return payload["errors"][0]["message"]


def test_an_entry_keeps_its_lob_time_zone_and_real_elapsed_hours(gql, world):
    # Montréal LOB; the night DST ended (2026-11-01): 22:00 EDT to 06:00 EST is 9 real hours
    e = recorded(gql, world, employee=world.e3, lob=world.A2a,
                 start="2026-10-31T22:00:00-04:00", end="2026-11-01T06:00:00-05:00")
    assert e["timezone"] == "America/Montreal"
    assert e["workDate"] == "2026-10-31" and e["bookedOn"] == "2026-10-31"
    assert e["hours"] == 9
    assert e["startedAt"] == "2026-11-01T02:00:00+00:00"
    assert e["localStartedAt"] == "2026-10-31T22:00:00-04:00"
    assert (e["category"], e["source"], e["state"], e["status"]) == ("PRODUCTIVE", "MANUAL", "RECORDED", "ACTIVE")
    assert e["employee"]["preferredName"] == "e3" and e["lob"]["code"] == "CARDS"


def test_the_work_date_is_the_lob_s_local_date(gql, world, owner):
    # 02:00 UTC on 3 March is still 2 March in Vancouver, already 3 March in Toronto
    west = f.lob(owner, world.tA, world.A1, timezone="America/Vancouver", code="WEST")
    f.assignment(owner, world.tA, world.A1, west, world.e1)
    vancouver = recorded(gql, world, employee=world.e1, lob=west,
                         start="2026-03-03T02:00:00Z", end="2026-03-03T04:00:00Z")
    toronto = recorded(gql, world, employee=world.e1, lob=world.A1a,
                       start="2026-03-03T04:00:00Z", end="2026-03-03T06:00:00Z")
    assert vancouver["workDate"] == "2026-03-02" and toronto["workDate"] == "2026-03-02"
    assert vancouver["localStartedAt"] == "2026-03-02T18:00:00-08:00"


@pytest.mark.parametrize(("start", "end", "activity", "code", "field"), [
    ("2026-03-02T17:00:00-05:00", "2026-03-02T09:00:00-05:00", "HANDLING", "END_BEFORE_START", "endedAt"),
    ("2026-03-02T06:00:00-05:00", "2026-03-02T22:00:01-05:00", "HANDLING", "TIME_ENTRY_TOO_LONG", "endedAt"),
    ("2026-03-02T09:00:00", "2026-03-02T17:00:00-05:00", "HANDLING", "TIMEZONE_REQUIRED", "startedAt"),
    ("2025-12-31T09:00:00-05:00", "2025-12-31T17:00:00-05:00", "HANDLING", "TIME_ENTRY_NOT_ASSIGNED", "lobId"),
])
def test_bad_entries_are_refused(gql, world, owner, start, end, activity, code, field):
    variables = {"input": entry(world.e1, world.A1a, start, end, activity)}
    refused(gql, world, RECORD, variables, code, field, owner=owner)


def test_an_entry_on_a_lob_the_employee_does_not_work_is_refused(gql, world, owner):
    refused(gql, world, RECORD, {"input": entry(world.e1, world.A2a)}, "TIME_ENTRY_NOT_ASSIGNED", "lobId", owner=owner)


def test_overlapping_working_time_is_refused_across_clients(gql, world, owner):
    recorded(gql, world, employee=world.e2, lob=world.A1b)  # 09:00-17:00 for client A1
    message = refused(gql, world, RECORD, {"input": entry(world.e2, world.A2a, "2026-03-02T16:00:00-05:00",
                                                          "2026-03-02T18:00:00-05:00")},
                      "TIME_ENTRY_OVERLAP", "startedAt", owner=owner)
    assert message == "L'employé a déjà du temps de travail saisi sur cette plage."
    # back to back is fine, and an absence may overlap
    recorded(gql, world, employee=world.e2, lob=world.A2a, start="2026-03-02T17:00:00-05:00",
             end="2026-03-02T19:00:00-05:00")
    recorded(gql, world, employee=world.e2, lob=world.A2a, activity="SICK")


def test_a_correction_supersedes_and_keeps_the_original(gql, world, owner):
    original = recorded(gql, world, employee=world.e1, lob=world.A1a)
    body = gql(CORRECT, {"id": original["id"], "c": {"activity": "TRAINING", "startedAt": "2026-03-02T09:00:00-05:00",
                                                    "endedAt": "2026-03-02T16:00:00-05:00"}},
               token=world.tokens["admin"])
    corrected = body["data"]["correctTimeEntry"]["entry"]
    assert corrected["supersedes"] == {"id": original["id"], "status": "SUPERSEDED"}
    assert (corrected["activity"], corrected["hours"], corrected["adjustment"]) == ("TRAINING", 7, False)
    rows = owner.execute(text("SELECT status FROM time_entry WHERE employee_id = :e ORDER BY created_at"),
                         {"e": world.e1}).scalars().all()
    assert rows == ["superseded", "active"]
    kinds = owner.execute(text("SELECT op FROM audit_event WHERE table_name = 'time_entry' ORDER BY seq")
                          ).scalars().all()
    assert kinds == ["INSERT", "UPDATE", "INSERT"]
    # the superseded original cannot be corrected again, nor voided
    refused(gql, world, CORRECT, {"id": original["id"], "c": {"activity": "HANDLING",
            "startedAt": "2026-03-02T10:00:00-05:00", "endedAt": "2026-03-02T11:00:00-05:00"}},
            "TIME_ENTRY_FINAL", "id", owner=owner)
    refused(gql, world, VOID, {"id": original["id"]}, "TIME_ENTRY_FINAL", "id", owner=owner)


def test_approval_by_a_supervisor_of_the_lob_only(gql, world, owner):
    mine = recorded(gql, world, employee=world.e2, lob=world.A2a)
    other = recorded(gql, world, employee=world.e1, lob=world.A1a)
    # the A2a supervisor cannot approve an A1 entry (out of scope: not found)
    refused(gql, world, APPROVE, {"ids": [other["id"]]}, "NOT_FOUND", "ids.0", who="supervisor", owner=owner)
    # the agent e2 cannot approve anything, let alone their own time
    body = gql(APPROVE, {"ids": [mine["id"]]}, token=world.tokens["agent"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    approved = gql(APPROVE, {"ids": [mine["id"]]}, token=world.tokens["supervisor"])["data"]["approveTimeEntries"]
    assert approved == {"entries": [{"id": mine["id"], "state": "APPROVED"}], "errors": []}
    refused(gql, world, APPROVE, {"ids": [mine["id"]]}, "TIME_ENTRY_FINAL", "ids.0", who="supervisor", owner=owner)


def test_nobody_approves_their_own_time(gql, world, owner):
    boss = f.employee(owner, world.tA, preferred_name="boss")
    f.assignment(owner, world.tA, world.A2, world.A2a, boss, role="supervisor")
    user = f.user(owner, world.tA, ("supervisor", world.A2, world.A2a), employee_id=boss)
    world.tokens["boss"] = f.token(owner, user)
    own = recorded(gql, world, employee=boss, lob=world.A2a)
    refused(gql, world, APPROVE, {"ids": [own["id"]]}, "SELF_APPROVAL", "ids.0", who="boss", owner=owner)


def close(gql, world, client, through, who="admin"):
    return gql(CLOSE, {"c": str(client), "d": through}, token=world.tokens[who])["data"]["closePeriod"]


def test_closing_needs_every_entry_approved_and_only_moves_forward(gql, world, owner):
    e = recorded(gql, world, employee=world.e3, lob=world.A2a)
    refused(gql, world, CLOSE, {"c": str(world.A2), "d": "2026-03-31"}, "PERIOD_HAS_UNAPPROVED", "through",
            owner=owner)
    gql(APPROVE, {"ids": [e["id"]]}, token=world.tokens["supervisor"])
    assert close(gql, world, world.A2, "2026-03-31") == {"close": {"closedThrough": "2026-03-31"}, "errors": []}
    refused(gql, world, CLOSE, {"c": str(world.A2), "d": "2026-03-15"}, "PERIOD_ALREADY_CLOSED", "through",
            owner=owner)
    # closing is per client: client A1 stays open
    recorded(gql, world, employee=world.e1, lob=world.A1a)


def test_after_close_changes_land_as_adjustments_in_the_next_open_day(gql, world, owner):
    e = recorded(gql, world, employee=world.e3, lob=world.A2a)
    gql(APPROVE, {"ids": [e["id"]]}, token=world.tokens["supervisor"])
    close(gql, world, world.A2, "2026-03-31")
    refused(gql, world, RECORD, {"input": entry(world.e3, world.A2a, "2026-03-03T09:00:00-05:00",
                                                "2026-03-03T10:00:00-05:00")}, "PERIOD_CLOSED", "startedAt",
            owner=owner)
    refused(gql, world, VOID, {"id": e["id"]}, "PERIOD_CLOSED", "id", owner=owner)
    body = gql(CORRECT, {"id": e["id"], "c": {"activity": "HANDLING", "startedAt": "2026-03-02T09:00:00-05:00",
                                              "endedAt": "2026-03-02T18:00:00-05:00"}},
               token=world.tokens["admin"])["data"]["correctTimeEntry"]
    assert body["errors"] == []
    adj = body["entry"]
    assert (adj["workDate"], adj["bookedOn"], adj["adjustment"], adj["state"]) == (
        "2026-03-02", "2026-04-01", True, "RECORDED")
    assert adj["supersedes"]["status"] == "SUPERSEDED"


def test_the_database_refuses_what_the_service_would(as_runtime, world, owner):
    """Raw SQL as the runtime role, a tenant admin: every rule holds without the application."""
    a = owner.execute(text("SELECT id FROM assignment WHERE employee_id = :e"), {"e": world.e1}).scalar_one()
    insert = text(
        "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity, started_at,"
        " ended_at, source, work_date, timezone, booked_on) VALUES (:t, :c, :l, :e, :a, :act, :s, :end, 'manual',"
        " '1970-01-01', 'UTC', NULL) RETURNING id")
    base = {"t": world.tA, "c": world.A1, "l": world.A1a, "e": world.e1, "a": a, "act": "handling",
            "s": "2026-03-02T14:00:00Z", "end": "2026-03-02T22:00:00Z"}
    cases = [
        ({"end": "2026-03-02T13:00:00Z"}, "time_entry_order"),
        ({"end": "2026-03-03T06:30:00Z"}, "time_entry_length"),
        ({"s": "2025-12-31T14:00:00Z", "end": "2025-12-31T15:00:00Z"}, "time_entry_assignment"),
        ({"l": world.A1b}, "time_entry_assignment"),
        ({"act": "napping"}, "time_entry_activity_check"),
    ]
    for change, constraint in cases:
        with as_runtime.caller(world.admin) as conn:
            with pytest.raises(Exception) as raised:
                conn.execute(insert, {**base, **change})
            assert raised.value.orig.diag.constraint_name == constraint
    with as_runtime.caller(world.admin) as conn:
        entry_id = conn.execute(insert, base).scalar_one()
        work_date = conn.execute(text("SELECT work_date FROM time_entry WHERE id = :i"), {"i": entry_id}).scalar()
        assert work_date == date(2026, 3, 2)
        with pytest.raises(Exception) as raised:
            conn.execute(insert, {**base, "s": "2026-03-02T21:00:00Z", "end": "2026-03-02T23:00:00Z"})
        assert raised.value.orig.diag.constraint_name == "time_entry_overlap"
    for statement in ("UPDATE time_entry SET started_at = started_at - interval '1 hour'",
                      "DELETE FROM time_entry", "UPDATE period_close SET closed_through = '2000-01-01'"):
        with as_runtime.caller(world.admin) as conn:
            with pytest.raises(Exception) as raised:
                conn.execute(text(statement))
            assert "permission denied" in str(raised.value)
