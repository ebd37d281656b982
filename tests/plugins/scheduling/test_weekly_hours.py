"""Published hours in eligibleAgents and committedMinutes: the weekly cap per assignment,
the legal weekly maximum across clients, and no other client named.

e2 has a 20-hour cap on L1-FR (A1b, client A1) and on Cards (A2a, client A2). In the
week of 1 March 2027 e2 is published for 19 paid hours on L1-FR (a lunch hour does
not count) and 10 on Cards.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.core.test_eligibility import ask
from tests.plugins.scheduling.schedule_helpers import PUBLISH, WEEK, assignment_of, at, ok, schedule, segment

SET_MAX = """mutation($h: Float!) { setLegalWeeklyMaxHours(hours: $h) { hours errors { code field message } } }"""
COMMITTED = """query($ids: [UUID!]!, $start: DateTime!, $end: DateTime!) {
  committedMinutes(employeeIds: $ids, start: $start, end: $end) { employeeId assignmentId minutes } }"""


def window(day: int, hour: float, hours: float) -> dict[str, str]:
    return {"start": at(day, hour).isoformat(), "end": at(day, hour + hours).isoformat()}


def reasons_of(gql, world, lob, name="e2", who="admin", lang=None, **span) -> list[tuple]:
    rows = ask(gql, world, lob, who=who, lang=lang, **span)
    return next(reasons for candidate, _, reasons in rows if candidate == name)


def l1_fr_week(owner, world) -> str:
    """19 paid hours of e2 on L1-FR: Monday to Wednesday 09:00-14:00, Thursday 09:00-13:00 and a lunch hour."""
    s = schedule(owner, world.tA, [world.A1b])
    for day in (1, 2, 3):
        segment(owner, s, world.e2, world.A1b, at(day, 9), hours=5)
    segment(owner, s, world.e2, world.A1b, at(4, 9), hours=4)
    segment(owner, s, world.e2, world.A1b, at(4, 13), hours=1, activity="lunch")
    return str(s)


def cards_week(owner, world) -> str:
    """10 hours of e2 on Cards: Friday and Saturday 09:00-14:00."""
    s = schedule(owner, world.tA, [world.A2a])
    for day in (5, 6):
        segment(owner, s, world.e2, world.A2a, at(day, 9), hours=5)
    return str(s)


def test_weekly_cap_appears_once_published_hours_reach_it(gql, world, owner):
    s = l1_fr_week(owner, world)
    assert reasons_of(gql, world, world.A1b, **window(5, 9, 2)) == []      # a draft commits nothing
    ok(gql, world, PUBLISH, {"id": s})
    assert reasons_of(gql, world, world.A1b, **window(5, 9, 1)) == []      # 19 + 1 = the cap of 20
    assert reasons_of(gql, world, world.A1b, **window(5, 9, 2)) == [("WEEKLY_CAP_REACHED", None, "2027-03-01")]
    assert ("e2", False) in {(name, eligible) for name, eligible, _ in ask(gql, world, world.A1b, **window(5, 9, 2))}
    # the next week is another week; a published segment itself still passes
    assert reasons_of(gql, world, world.A1b, **window(8, 9, 2)) == []
    assert reasons_of(gql, world, world.A1b, **window(1, 9, 5)) == []
    # the other client's LOB has its own cap
    assert reasons_of(gql, world, world.A2a, **window(5, 9, 2)) == []


def test_weekly_cap_message_is_localized_with_the_week(gql, world, owner):
    ok(gql, world, PUBLISH, {"id": l1_fr_week(owner, world)})
    body = gql("""query($lob: UUID!, $start: DateTime!, $end: DateTime!) { eligibleAgents(lobId: $lob,
                  start: $start, end: $end) { nodes { employee { preferredName } reasons { code message } } } }""",
               {"lob": str(world.A1b), **window(5, 9, 2)}, token=world.tokens["admin"], lang="fr")
    e2 = next(n for n in body["data"]["eligibleAgents"]["nodes"] if n["employee"]["preferredName"] == "e2")
    assert e2["reasons"] == [{"code": "WEEKLY_CAP_REACHED", "message": "Les horaires publiés atteignent déjà le"
                              " plafond d'heures hebdomadaires de cette affectation la semaine du 2027-03-01."}]


def test_legal_weekly_maximum_counts_every_client_without_showing_them(gql, world, owner):
    ok(gql, world, PUBLISH, {"id": l1_fr_week(owner, world)})
    ok(gql, world, PUBLISH, {"id": cards_week(owner, world)})
    assert ok(gql, world, "{ legalWeeklyMaxHours }", who="supervisor") == 48
    assert ok(gql, world, SET_MAX, {"h": 30})["hours"] == 30
    # 29 published hours across both clients; Cards alone has 10 of its 20
    assert reasons_of(gql, world, world.A2a, who="supervisor", **window(7, 9, 1)) == []
    assert reasons_of(gql, world, world.A2a, who="supervisor", **window(7, 9, 2)) == [
        ("LEGAL_WEEKLY_MAX_REACHED", None, "2027-03-01")]
    segments = ok(gql, world, "{ scheduledSegments { nodes { lob { code } } } }", who="supervisor")["nodes"]
    assert {n["lob"]["code"] for n in segments} == {"CARDS"}                # L1-FR's hours stay out of sight


def test_a_window_longer_than_the_legal_maximum_flags_every_candidate(gql, world):
    """No published hours at all: the window's own minutes decide, for every candidate alike."""
    assert ok(gql, world, SET_MAX, {"h": 1})["hours"] == 1
    flagged = ask(gql, world, world.A1b, **window(5, 9, 2))
    assert flagged and all(("LEGAL_WEEKLY_MAX_REACHED", None, "2027-03-01") in reasons for _, _, reasons in flagged)
    assert all(code != "LEGAL_WEEKLY_MAX_REACHED" for _, _, reasons in ask(gql, world, world.A1b, **window(5, 9, 1))
               for code, _, _ in reasons)


def test_setting_the_legal_maximum_is_checked_and_admin_only(gql, world, owner):
    from tests.plugins.scheduling.schedule_helpers import forbidden, refused

    refused(gql, world, owner, SET_MAX, {"h": 200}, "LEGAL_MAX_OUT_OF_RANGE", "hours")
    refused(gql, world, owner, SET_MAX, {"h": 40.001}, "LEGAL_MAX_OUT_OF_RANGE", "hours")
    assert forbidden(gql, world, owner, SET_MAX, {"h": 40}, who="planner") == "FORBIDDEN"


def committed(gql, world, who, *names) -> set[tuple]:
    rows = ok(gql, world, COMMITTED, {"ids": [str(world.ids[n]) for n in names],
                                      "start": at(1, 0).isoformat(), "end": at(8, 0).isoformat()}, who=who)
    return {(r["employeeId"], r["assignmentId"], r["minutes"]) for r in rows}


def test_committed_minutes_fold_the_clients_the_caller_cannot_see(gql, world, owner, as_runtime):
    ok(gql, world, PUBLISH, {"id": l1_fr_week(owner, world)})
    ok(gql, world, PUBLISH, {"id": cards_week(owner, world)})
    e2, l1_fr, cards = str(world.e2), str(assignment_of(owner, world.e2, world.A1b)), str(
        assignment_of(owner, world.e2, world.A2a))
    assert committed(gql, world, "admin", "e1", "e2") == {(e2, l1_fr, 1140), (e2, cards, 600)}
    assert committed(gql, world, "agent", "e2") == {(e2, l1_fr, 1140), (e2, cards, 600)}
    assert committed(gql, world, "planner", "e2", "e3") == {(e2, l1_fr, 1140), (e2, None, 600)}
    assert committed(gql, world, "supervisor", "e1", "e2") == {(e2, cards, 600), (e2, None, 1140)}
    assert committed(gql, world, "adminB", "e2") == set()
    with as_runtime.caller(world.planner) as conn:
        rows = conn.execute(text("SELECT employee_id, assignment_id, minutes FROM scheduling.committed_minutes("
                                 " CAST(:ids AS uuid[]), tstzmultirange(tstzrange(:s, :e)))"),
                            {"ids": [e2, str(world.e3)], "s": at(1, 0), "e": at(8, 0)}).all()
    assert {str(r.assignment_id) for r in rows} == {l1_fr, "None"}        # never Cards' assignment


def test_committed_minutes_is_a_definer_function_with_a_pinned_search_path(owner):
    rows = owner.execute(text("SELECT p.proname, p.prosecdef, p.proconfig FROM pg_proc p"
                              " JOIN pg_namespace n ON n.oid = p.pronamespace"
                              " WHERE n.nspname = 'scheduling' AND p.prosecdef")).all()
    assert "committed_minutes" in {r.proname for r in rows}
    for r in rows:
        assert r.proconfig == ["search_path=pg_catalog, public"], r


@pytest.mark.parametrize(("hours", "expected"), [(1, []), (3, [("WEEKLY_CAP_REACHED", None, "2027-03-08")])])
def test_a_window_across_midnight_sunday_counts_in_each_week(gql, world, owner, hours, expected):
    """Sunday 7 March 23:00 for ``hours``: one hour in the first week, the rest in the next, where
    e2 already has 19 hours."""
    ok(gql, world, PUBLISH, {"id": l1_fr_week(owner, world)})
    nxt = schedule(owner, world.tA, [world.A1b], week=WEEK.replace(day=8))
    segment(owner, nxt, world.e2, world.A1b, at(9, 8), hours=9)
    segment(owner, nxt, world.e2, world.A1b, at(10, 8), hours=10)
    ok(gql, world, PUBLISH, {"id": str(nxt)})
    assert reasons_of(gql, world, world.A1b, **window(7, 23, hours)) == expected


@pytest.mark.parametrize(("other", "valid"), [
    # a 10-hour assignment that ended before the window, then a 40-hour one since 1 February
    (("2026-01-01", "2027-02-01", 10), ("2027-02-01", "", 40)),
    # a 40-hour assignment through March, then a 10-hour one from 1 April (after the window)
    (("2027-04-01", "", 10), ("2026-01-01", "2027-04-01", 40)),
], ids=["ended-before", "starts-after"])
def test_only_the_assignment_valid_in_the_window_caps_it(gql, world, owner, other, valid):
    """The cap is the weekly-hours cap of the assignment valid in the window, against the
    minutes committed that week: an assignment to the same LOB that ended before the window,
    or begins after it, caps nothing.

    pStep is published 24 h on L1-FR in the week of 1 March (Monday to Wednesday 08:00-16:00)
    through the 40-hour assignment. A 12-hour Friday window makes 36 h (under 40, though over
    the other assignment's 10); a 17-hour one makes 41 h, over 40 (flagged once)."""
    w = world
    w.ids["pStep"] = f.employee(owner, w.tA, preferred_name="pStep")
    caps = {}
    for start, end, cap in (other, valid):
        caps[cap] = f.assignment(owner, w.tA, w.A1, w.A1b, w.pStep, start=date.fromisoformat(start),
                                 end=date.fromisoformat(end) if end else None, weekly_hours_cap=cap)
    s = schedule(owner, w.tA, [w.A1b])
    for day in (1, 2, 3):
        segment(owner, s, w.pStep, w.A1b, at(day, 8), assignment=caps[40])
    ok(gql, w, PUBLISH, {"id": str(s)})
    assert reasons_of(gql, w, w.A1b, name="pStep", **window(5, 8, 12)) == []
    assert reasons_of(gql, w, w.A1b, name="pStep", **window(5, 8, 17)) == [("WEEKLY_CAP_REACHED", None, "2027-03-01")]
