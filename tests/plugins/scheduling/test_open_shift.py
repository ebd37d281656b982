"""openShiftCandidates: who fits one open shift best, in agreement with eligibleAgents.

The open shift is on L1-FR (A1b, client A1, Toronto time) on Tuesday 2 March 2027,
09:00-17:00 local. Besides the world's e1, e2 (cap 20 on L1-FR) and e3, ``crew``
assigns to L1-FR (cap 40, CAD 21.50 unless said):

* cat — availability recorded Tuesdays 08:00-18:00, pay 22;
* ann — nothing published, pay 25;
* bob — published Monday 09:00-17:00 on L1-FR (16 h of rest before), pay 20;
* dan — published Tuesday 20:00-23:00 on L1-FR (3 h of rest after);
* eve — also on Cards (client A2), published there Tuesday 12:00-16:00;
* fay — published 09:00-13:00 every day from Wednesday 24 February to Monday 1 March;
* gus — availability recorded Tuesdays 13:00-20:00 only;
* hal — a cap of 8 hours, published Monday 09:00-10:00.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from switchboard.plugins.scheduling.planning.open_shift import CODES
from switchboard.plugins.scheduling.planning.week_problem import MAX_CONSECUTIVE_DAYS, MIN_REST_MINUTES
from tests import factories as f
from tests.conftest import examples
from tests.core.test_eligibility import ask
from tests.plugins.scheduling.schedule_helpers import LOCAL, PUBLISH, WEEK, at, ok, schedule, segment

QUERY = """query($lob: UUID!, $start: DateTime!, $end: DateTime!, $first: Int, $after: String) {
  openShiftCandidates(lobId: $lob, start: $start, end: $end, first: $first, after: $after) {
    edges { cursor node {
      rank fits employee { preferredName } reasons { code message credentialKind date }
      scheduledMinutes capHeadroomMinutes legalHeadroomMinutes restBeforeMinutes restAfterMinutes
      consecutiveDays payRate { amount currency } withinAvailability } }
    pageInfo { hasNextPage endCursor } } }"""
SHIFT = {"start": at(2, 9).isoformat(), "end": at(2, 17).isoformat()}


def candidates(gql, world, lob, who="admin", lang=None, **kw) -> list[dict]:
    """Every node of one page, in rank order."""
    body = gql(QUERY, {"lob": str(lob), **SHIFT, **kw}, token=world.tokens[who], lang=lang)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["openShiftCandidates"]["edges"]]


def by_name(nodes: list[dict]) -> dict[str, dict]:
    return {n["employee"]["preferredName"]: n for n in nodes}


def codes(node: dict) -> list[tuple[str, str | None]]:
    return [(r["code"], r["date"]) for r in node["reasons"]]


def published(gql, owner, world, week: date, *shifts: tuple[str, object, datetime, float]) -> None:
    """Publish (as the tenant admin) one schedule of ``week`` holding ``(employee, lob, start, hours)`` segments."""
    s = schedule(owner, world.tA, sorted({lob for _, lob, _, _ in shifts}, key=str), week=week)
    for name, lob, start, hours in shifts:
        segment(owner, s, world.ids[name], lob, start, hours=hours)
    ok(gql, world, PUBLISH, {"id": str(s)})


def available(owner, world, name: str, start: time, end: time, weekday: int = 2) -> None:
    owner.execute(text("INSERT INTO availability (tenant_id, employee_id, weekday, start_time, end_time, timezone)"
                       " VALUES (:t, :e, :d, :s, :x, 'America/Toronto')"),
                  {"t": world.tA, "e": world.ids[name], "d": weekday, "s": start, "x": end})


def feb(day: int, hour: float) -> datetime:
    return datetime(2027, 2, day, tzinfo=LOCAL) + timedelta(hours=hour)


@pytest.fixture
def crew(world, owner, gql):
    w = world
    for name, pay, cap in (("cat", 22, 40), ("ann", 25, 40), ("bob", 20, 40), ("dan", 21.5, 40),
                           ("eve", 21.5, 40), ("fay", 21.5, 40), ("gus", 21.5, 40), ("hal", 21.5, 8)):
        w.ids[name] = f.employee(owner, w.tA, preferred_name=name)
        f.assignment(owner, w.tA, w.A1, w.A1b, w.ids[name], pay_rate=pay, weekly_hours_cap=cap)
    f.assignment(owner, w.tA, w.A2, w.A2a, w.eve)
    f.credential(owner, w.tA, w.eve, "pci_clearance")
    available(owner, w, "cat", time(8), time(18))
    available(owner, w, "gus", time(13), time(20))
    published(gql, owner, w, WEEK, ("bob", w.A1b, at(1, 9), 8), ("dan", w.A1b, at(2, 20), 3),
              ("hal", w.A1b, at(1, 9), 1))
    published(gql, owner, w, WEEK, ("eve", w.A2a, at(2, 12), 4))
    published(gql, owner, w, WEEK - timedelta(days=7), *(("fay", w.A1b, feb(d, 9), 4) for d in range(24, 29)))
    published(gql, owner, w, WEEK, ("fay", w.A1b, at(1, 9), 4))
    return w


def test_fitting_candidates_come_first_best_first(gql, crew):
    nodes = candidates(gql, crew, crew.A1b)
    assert [n["rank"] for n in nodes] == list(range(1, len(nodes) + 1))
    fitting = [n["employee"]["preferredName"] for n in nodes if n["fits"]]
    # inside recorded availability first; then no hours yet, the cheaper first; then bob's 8 published hours
    assert fitting == ["cat", "e2", "ann", "bob"]
    assert all(not n["fits"] for n in nodes[len(fitting):])
    assert all(n["reasons"] == [] for n in nodes[:len(fitting)])


def test_figures_of_a_candidate(gql, crew):
    got = by_name(candidates(gql, crew, crew.A1b))
    assert {k: v for k, v in got["bob"].items() if k not in ("employee", "reasons", "rank")} == {
        "fits": True, "scheduledMinutes": 480, "capHeadroomMinutes": 1440,
        "legalHeadroomMinutes": 1920, "restBeforeMinutes": 960, "restAfterMinutes": None,
        "consecutiveDays": 2, "payRate": {"amount": "20.00", "currency": "CAD"}, "withinAvailability": None}
    assert got["cat"]["withinAvailability"] is True and got["gus"]["withinAvailability"] is False
    assert got["ann"]["restBeforeMinutes"] is None and got["ann"]["consecutiveDays"] == 1
    assert got["e1"]["payRate"] is None and got["e1"]["capHeadroomMinutes"] is None
    assert got["dan"]["restAfterMinutes"] == 180


def test_each_reason_of_an_open_shift(gql, crew):
    got = by_name(candidates(gql, crew, crew.A1b))
    assert codes(got["dan"]) == [("MIN_REST_NOT_MET", "2027-03-02")]
    assert codes(got["eve"]) == [("SHIFT_OVERLAP", "2027-03-02")]
    assert codes(got["fay"]) == [("MAX_CONSECUTIVE_DAYS_EXCEEDED", "2027-02-24")]
    assert got["fay"]["consecutiveDays"] == MAX_CONSECUTIVE_DAYS + 1
    # eligibleAgents' own reasons, with the same codes
    assert codes(got["gus"]) == [("NOT_AVAILABLE", None)]
    assert codes(got["hal"]) == [("WEEKLY_CAP_REACHED", "2027-03-01")]
    assert got["hal"]["capHeadroomMinutes"] == -60
    assert codes(got["e1"]) == [("NO_ACTIVE_ASSIGNMENT", None)]


def test_rest_and_consecutive_days_at_their_limits(gql, world, owner):
    """Exactly 11 hours of rest and exactly six days in a row are allowed; one minute less is not."""
    w = world
    for name in ("rest", "tight", "short", "six"):
        w.ids[name] = f.employee(owner, w.tA, preferred_name=name)
        f.assignment(owner, w.tA, w.A1, w.A1b, w.ids[name])
    rest = MIN_REST_MINUTES / 60
    published(gql, owner, w, WEEK, ("rest", w.A1b, at(2, 9 - rest - 4), 4),
              ("tight", w.A1b, at(2, 9 - rest - 4) + timedelta(minutes=1), 4),
              ("short", w.A1b, at(2, 17 + rest) - timedelta(minutes=1), 2), ("six", w.A1b, at(1, 9), 2))
    published(gql, owner, w, WEEK - timedelta(days=7), *(("six", w.A1b, feb(d, 9), 2) for d in range(25, 29)))
    got = by_name(candidates(gql, w, w.A1b))
    assert got["rest"]["fits"] and got["rest"]["restBeforeMinutes"] == MIN_REST_MINUTES
    assert codes(got["tight"]) == [("MIN_REST_NOT_MET", "2027-03-01")]
    assert codes(got["short"]) == [("MIN_REST_NOT_MET", "2027-03-03")]
    assert got["short"]["restAfterMinutes"] == MIN_REST_MINUTES - 1
    assert got["six"]["fits"] and got["six"]["consecutiveDays"] == MAX_CONSECUTIVE_DAYS


def test_contiguous_published_segments_are_one_shift(gql, world, owner):
    """A shift 06:00-08:00 then a lunch 08:00-08:30 ends at 08:30: 30 minutes of rest, one reason."""
    w = world
    w.ids["joe"] = f.employee(owner, w.tA, preferred_name="joe")
    f.assignment(owner, w.tA, w.A1, w.A1b, w.joe)
    s = schedule(owner, w.tA, [w.A1b])
    segment(owner, s, w.joe, w.A1b, at(2, 6), hours=2)
    segment(owner, s, w.joe, w.A1b, at(2, 8), hours=0.5, activity="lunch")
    ok(gql, w, PUBLISH, {"id": str(s)})
    joe = by_name(candidates(gql, w, w.A1b))["joe"]
    assert joe["restBeforeMinutes"] == 30 and codes(joe) == [("MIN_REST_NOT_MET", "2027-03-02")]


def test_reasons_are_localized(gql, crew):
    en = by_name(candidates(gql, crew, crew.A1b))
    fr = by_name(candidates(gql, crew, crew.A1b, lang="fr"))
    assert en["dan"]["reasons"][0]["message"] == (
        "Less than 11 hours of rest between this shift and the published shift starting 2027-03-02.")
    assert fr["fay"]["reasons"][0]["message"] == (
        "Cela ferait plus de 6 jours de travail d'affilée (à partir du 2027-02-24).")
    for name in ("dan", "eve", "fay", "gus"):
        assert en[name]["reasons"][0]["message"] != fr[name]["reasons"][0]["message"]


def test_every_open_shift_code_has_a_message(runtime):
    for lang in ("en", "fr"):
        assert set(CODES) <= runtime.messages.codes(lang)


def test_pages_follow_the_rank(gql, crew):
    everyone = candidates(gql, crew, crew.A1b)
    seen, after = [], None
    while True:
        body = gql(QUERY, {"lob": str(crew.A1b), **SHIFT, "first": 3, "after": after}, token=crew.tokens["admin"])
        page = body["data"]["openShiftCandidates"]
        seen += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == everyone and len(everyone) > 6


BACKWARD = """query($lob: UUID!, $start: DateTime!, $end: DateTime!, $before: String) {
  openShiftCandidates(lobId: $lob, start: $start, end: $end, last: 4, before: $before) {
    totalCount edges { node { rank } } pageInfo { hasPreviousPage startCursor } } }"""


def test_pages_walk_backward_and_count_every_candidate(gql, crew):
    ranks = [c["rank"] for c in candidates(gql, crew, crew.A1b)]
    seen, before = [], None
    while True:
        page = gql(BACKWARD, {"lob": str(crew.A1b), **SHIFT, "before": before},
                   token=crew.tokens["admin"])["data"]["openShiftCandidates"]
        assert page["totalCount"] == len(ranks)
        seen = [e["node"]["rank"] for e in page["edges"]] + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert seen == ranks


# --- scope -------------------------------------------------------------------------------


def test_another_clients_shift_blocks_without_being_named(gql, crew):
    """The planner of client A1 sees eve's Cards shift only as an overlap, never the segment."""
    eve = by_name(candidates(gql, crew, crew.A1b, who="planner"))["eve"]
    assert codes(eve) == [("SHIFT_OVERLAP", "2027-03-02")]
    assert "Cards" not in str(eve) and "CARDS" not in str(eve)
    segments = ok(gql, crew, "{ scheduledSegments { nodes { employee { preferredName } lob { code } } } }",
                  who="planner")["nodes"]
    assert "CARDS" not in {n["lob"]["code"] for n in segments}


def test_a_caller_outside_the_lob_sees_no_candidate(gql, crew):
    def refusal(who, lob=crew.A1b, portal=False):
        body = gql(QUERY, {"lob": str(lob), **SHIFT}, token=crew.tokens[who], portal=portal)
        assert body.get("data") is None, body  # no data, or none at all when refused before running
        return body["errors"][0]["extensions"]["code"]

    assert refusal("adminB") == "NOT_FOUND"          # another tenant
    assert refusal("supervisor") == "NOT_FOUND"      # another client's supervisor
    assert refusal("planner", crew.A2a) == "NOT_FOUND"
    assert refusal("agent") == "FORBIDDEN"           # no eligibility read
    assert refusal("portal") == "WRONG_ENDPOINT"


def test_a_supervisor_sees_only_their_lobs_employees(gql, crew, owner):
    """Cards' supervisor asks for Cards: e2, e3 and eve, no one of client A1 only; e2's L1-FR hours
    count in the legal headroom without showing."""
    w = crew
    published(gql, owner, w, WEEK, ("e2", w.A1b, at(1, 9), 8))
    nodes = by_name(candidates(gql, w, w.A2a, who="supervisor"))
    assert set(nodes) == {"e2", "e3", "eve"}
    assert nodes["e2"]["legalHeadroomMinutes"] == 1920


# --- bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "code", "messages"), [
    (at(2, 17), at(2, 9), "END_BEFORE_START", ("The end comes before the start.", "La fin précède le début.")),
    (at(2, 9), at(2, 9), "END_BEFORE_START", ("The end comes before the start.", "La fin précède le début.")),
    (at(2, 0), at(2, 16) + timedelta(minutes=1), "SHIFT_TOO_LONG",
     ("An open shift lasts at most 16 hours.", "Un quart à pourvoir dure au plus 16 heures.")),
])
def test_bad_windows_are_refused_coded_and_localized(gql, world, start, end, code, messages):
    for lang, message in zip(("en", "fr"), messages, strict=True):
        body = gql(QUERY, {"lob": str(world.A1b), "start": start.isoformat(), "end": end.isoformat()},
                   token=world.tokens["admin"], lang=lang)
        assert body["data"] is None and body["errors"][0]["extensions"] == {"code": code, "field": "end"}
        assert body["errors"][0]["message"] == message


# --- agreement with eligibleAgents ---------------------------------------------------------


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lob=st.sampled_from(["A1a", "A1b", "A2a"]), day=st.integers(1, 7), quarter=st.integers(0, 95),
       quarters=st.integers(1, 64), who=st.sampled_from(["admin", "planner", "supervisor"]))
def test_agrees_with_eligible_agents_on_any_window(gql, crew, lob, day, quarter, quarters, who):
    """Never fits when eligibleAgents refuses, with its reasons first and unchanged; the weekly
    headroom figures are negative exactly when the weekly reasons say so."""
    start = at(day, quarter / 4)
    end = start + timedelta(minutes=15 * quarters)
    span = {"start": start.isoformat(), "end": end.isoformat()}
    body = gql(QUERY, {"lob": str(crew.ids[lob]), **span, "first": 100}, token=crew.tokens[who])
    if body["data"] is None:  # a LOB outside the caller's scope: both refuse alike
        refusal = gql("""query($lob: UUID!, $start: DateTime!, $end: DateTime!) { eligibleAgents(lobId: $lob,
                         start: $start, end: $end) { nodes { eligible } } }""",
                      {"lob": str(crew.ids[lob]), **span}, token=crew.tokens[who])
        assert refusal["errors"][0]["extensions"]["code"] == body["errors"][0]["extensions"]["code"]
        return
    ours = by_name([e["node"] for e in body["data"]["openShiftCandidates"]["edges"]])
    theirs = {name: (eligible, reasons) for name, eligible, reasons in
              ask(gql, crew, crew.ids[lob], who=who, first=100, **span)}
    assert set(ours) == set(theirs)
    for name, node in ours.items():
        eligible, reasons = theirs[name]
        got = [(r["code"], r["credentialKind"], r["date"]) for r in node["reasons"]]
        assert got[:len(reasons)] == reasons
        assert {code for code, _, _ in got[len(reasons):]} <= set(CODES)
        assert node["fits"] == (got == []) and (not eligible) <= (not node["fits"])
        cap = node["capHeadroomMinutes"]
        if cap is not None:
            assert (float(cap) < 0) == any(c == "WEEKLY_CAP_REACHED" for c, _, _ in reasons), (name, node)
        assert (float(node["legalHeadroomMinutes"]) < 0) == any(c == "LEGAL_WEEKLY_MAX_REACHED"
                                                               for c, _, _ in reasons), (name, node)
    ranks = [n["rank"] for n in sorted(ours.values(), key=lambda n: n["rank"])]
    assert ranks == list(range(1, len(ranks) + 1))
    fits = [n["fits"] for n in sorted(ours.values(), key=lambda n: n["rank"])]
    assert fits == sorted(fits, reverse=True)


def test_published_shifts_as_the_runtime_role_name_no_client_and_skip_unseen_employees(gql, crew, owner,
                                                                                       as_runtime):
    """Raw SQL as the planner of A1: eve's Cards shift comes back as a bare range, e3's (Cards only,
    not visible to them) not at all, though the tenant admin gets it; another tenant's admin gets nothing."""
    published(gql, owner, crew, WEEK, ("e3", crew.A2a, at(3, 9), 8))
    sql = text("SELECT * FROM scheduling.published_shifts(CAST(:ids AS uuid[]), tstzrange(:s, :e))")
    span = {"ids": [str(crew.eve), str(crew.e3)], "s": at(1, 0), "e": at(8, 0)}

    def shifts(who):
        with as_runtime.caller(crew.ids[who]) as conn:
            rows = conn.execute(sql, span).mappings().all()
        assert all(set(r) == {"employee_id", "during"} for r in rows)
        return {(r["employee_id"], r["during"].lower, r["during"].upper) for r in rows}

    eve, e3 = (crew.eve, at(2, 12), at(2, 16)), (crew.e3, at(3, 9), at(3, 17))
    assert shifts("admin") == {eve, e3}
    assert shifts("planner") == {eve}
    assert shifts("adminB") == set()
