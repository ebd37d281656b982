"""Publishing schedules: one place at a time across clients, active assignments, permission.

e2 works L1-FR (A1b, client A1) and Cards (A2a, client A2). A planner of A2 cannot
see A1's schedules, yet publishing A2's schedule is refused when it would put e2
in two places at once.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests import factories as f
from tests.plugins.scheduling.schedule_helpers import PUBLISH, UNPUBLISH, at, forbidden, ok, refused, schedule, segment


@pytest.fixture
def planner_a2(world, owner):
    """A planner of client A2 (Cards)."""
    world.ids["plannerA2"] = f.user(owner, world.tA, ("workforce_planner", world.A2, None))
    world.tokens["plannerA2"] = f.token(owner, world.plannerA2)
    return "plannerA2"


def published(owner, schedule_id) -> tuple[str, list[bool]]:
    state = owner.execute(text("SELECT state FROM schedule WHERE id = :s"), {"s": schedule_id}).scalar_one()
    flags = owner.execute(text("SELECT published FROM schedule_segment WHERE schedule_id = :s ORDER BY starts_at"),
                          {"s": schedule_id}).scalars().all()
    return state, flags


def test_publishing_refuses_a_second_place_at_once_on_another_client(gql, world, owner, planner_a2):
    a1 = schedule(owner, world.tA, [world.A1b])
    segment(owner, a1, world.e2, world.A1b, at(1, 9))                      # Mon 09:00-17:00 on A1b
    a2 = schedule(owner, world.tA, [world.A2a])
    segment(owner, a2, world.e2, world.A2a, at(1, 13), hours=4)            # Mon 13:00-17:00 on A2a
    later = schedule(owner, world.tA, [world.A2a])
    segment(owner, later, world.e2, world.A2a, at(1, 17), hours=3)         # Mon 17:00-20:00: touches, no overlap

    assert ok(gql, world, PUBLISH, {"id": str(a1)}, who="planner")["schedule"]["state"] == "PUBLISHED"
    assert published(owner, a1) == ("published", [True])
    assert gql("query($id: UUID!) { schedule(id: $id) { id } }", {"id": str(a1)},
               token=world.tokens[planner_a2])["data"]["schedule"] is None  # A1's schedule is invisible to them
    messages = refused(gql, world, owner, PUBLISH, {"id": str(a2)}, "SCHEDULE_CONFLICT", "id", who=planner_a2)
    assert "RetailCo" not in messages["en"] and "L1" not in messages["en"]  # names no other client
    assert published(owner, a2) == ("draft", [False])
    assert ok(gql, world, PUBLISH, {"id": str(later)}, who=planner_a2)["schedule"]["state"] == "PUBLISHED"

    # once A1's schedule is withdrawn, A2's may go out
    assert ok(gql, world, UNPUBLISH, {"id": str(a1)}, who="planner")["schedule"]["publishedAt"] is None
    assert published(owner, a1) == ("draft", [False])
    assert ok(gql, world, PUBLISH, {"id": str(a2)}, who=planner_a2)["schedule"]["state"] == "PUBLISHED"


def test_publishing_refuses_a_segment_whose_assignment_is_not_active_on_its_local_date(gql, world, owner):
    starter = f.employee(owner, world.tA, preferred_name="starter")
    f.assignment(owner, world.tA, world.A1, world.A1a, starter, start=date(2027, 3, 3))
    s = schedule(owner, world.tA, [world.A1a])
    # 2027-03-03T02:00Z is 2 March, 21:00 in Toronto: the day before the assignment starts
    segment(owner, s, starter, world.A1a, at(2, 21), hours=2)
    refused(gql, world, owner, PUBLISH, {"id": str(s)}, "SCHEDULE_ASSIGNMENT_INACTIVE", "id")
    assert published(owner, s) == ("draft", [False])

    fine = schedule(owner, world.tA, [world.A1a])
    segment(owner, fine, starter, world.A1a, at(3, 0), hours=2)           # local midnight on the 3rd
    assert ok(gql, world, PUBLISH, {"id": str(fine)})["schedule"]["state"] == "PUBLISHED"


def test_publishing_twice_and_unpublishing_a_draft_are_refused(gql, world, owner):
    s = schedule(owner, world.tA, [world.A1a])
    segment(owner, s, world.e1, world.A1a, at(2, 9))
    refused(gql, world, owner, UNPUBLISH, {"id": str(s)}, "SCHEDULE_NOT_PUBLISHED", "id")
    ok(gql, world, PUBLISH, {"id": str(s)})
    refused(gql, world, owner, PUBLISH, {"id": str(s)}, "SCHEDULE_ALREADY_PUBLISHED", "id")


def test_publishing_needs_the_key_on_every_lob(gql, world, owner, as_runtime):
    mixed = schedule(owner, world.tA, [world.A1b, world.A2a])
    segment(owner, mixed, world.e2, world.A1b, at(2, 9))
    cards = schedule(owner, world.tA, [world.A2a])
    segment(owner, cards, world.e3, world.A2a, at(2, 9))
    # the planner of A1 does not see a schedule that also covers A2: as if it did not exist
    refused(gql, world, owner, PUBLISH, {"id": str(mixed)}, "NOT_FOUND", "id", who="planner")
    # the supervisor of Cards sees its schedule but holds no publish key
    assert forbidden(gql, world, owner, PUBLISH, {"id": str(cards)}, who="supervisor") == "FORBIDDEN"
    # and the database refuses the same change made by hand as the runtime role
    with as_runtime.caller(world.supervisor) as conn:
        with pytest.raises(DBAPIError) as raised:
            conn.execute(text("UPDATE schedule SET state = 'published' WHERE id = :s"), {"s": cards})
        assert raised.value.orig.diag.constraint_name == "schedule_publish_permission"
    assert published(owner, cards) == ("draft", [False])


def raw_error(owner, sql: str, params: dict) -> str:
    """The constraint a statement run as the owner violates."""
    with pytest.raises(DBAPIError) as raised:
        owner.execute(text(sql), params)
    return raised.value.orig.diag.constraint_name


def test_segments_join_draft_schedules_only_on_its_lobs_through_the_right_assignment(gql, world, owner):
    s = schedule(owner, world.tA, [world.A1b])
    segment(owner, s, world.e2, world.A1b, at(1, 9))
    with pytest.raises(DBAPIError) as raised:
        segment(owner, s, world.e2, world.A1b, at(1, 16))                  # overlaps within the schedule
    assert raised.value.orig.diag.constraint_name == "schedule_segment_overlap"
    with pytest.raises(DBAPIError) as raised:
        segment(owner, s, world.e2, world.A2a, at(2, 9))                   # Cards is not one of its LOBs
    assert raised.value.orig.diag.constraint_name == "schedule_segment_lob"
    e1_assignment = owner.execute(text("SELECT id FROM assignment WHERE employee_id = :e"),
                                  {"e": world.e1}).scalar_one()
    assert raw_error(owner, "INSERT INTO schedule_segment (tenant_id, client_id, lob_id, schedule_id, employee_id,"
                     " assignment_id, activity, starts_at, ends_at) VALUES (:t, :c, :l, :s, :e, :a, 'work',"
                     " '2027-03-03T14:00Z', '2027-03-03T15:00Z')",
                     {"t": world.tA, "c": world.A1, "l": world.A1b, "s": s, "e": world.e2, "a": e1_assignment}
                     ) == "schedule_segment_assignment"
    ok(gql, world, PUBLISH, {"id": str(s)})
    with pytest.raises(DBAPIError) as raised:
        segment(owner, s, world.e2, world.A1b, at(4, 9))
    assert raised.value.orig.diag.constraint_name == "schedule_segment_draft"
    assert raw_error(owner, "INSERT INTO schedule (tenant_id, lob_ids, week_start) VALUES (:t, CAST(:l AS uuid[]),"
                     " '2027-03-02')", {"t": world.tA, "l": [str(world.A1b)]}) == "schedule_week_start"
    assert raw_error(owner, "INSERT INTO schedule (tenant_id, lob_ids, week_start) VALUES (:t, CAST(:l AS uuid[]),"
                     " '2027-03-01')", {"t": world.tA, "l": [str(world.B1a)]}) == "schedule_lobs"
