"""Adherence and conformance on hand-built schedules and ledgers, over GraphQL and raw SQL.

Monday 1 March 2027 (local, EST): e1 is scheduled 09:00–17:00 on L1-EN and records
handling 09:00–12:00, a break 12:00–12:30, available 12:30–16:00 and, after the shift,
handling 18:00–19:00. e2 is scheduled 09:00–12:00 on L1-FR (client A1) and 12:00–16:00
on Cards (client A2) and works exactly that: a planned LOB change.
"""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from switchboard.core.identity.rotation import rotate_portal_ids
from switchboard.plugins.scheduling.reports.adherence import Grouping, rollup_sql
from tests import factories as f
from tests.plugins.scheduling.report_helpers import entry, published
from tests.plugins.scheduling.schedule_helpers import at

QUERY = """query($from: Date!, $to: Date!, $by: [ReportGrouping!]!) {
  adherence(from: $from, to: $to, by: $by, first: 100) { totalCount
    nodes { day clientId lobId agentId scheduledMinutes adherentMinutes workedMinutes adherence conformance } } }"""


@pytest.fixture
def day(gql, world, owner):
    w = world
    published(gql, w, owner, [w.A1a, w.A1b, w.A2a],
              [(w.e1, w.A1a, at(1, 9), 8), (w.e2, w.A1b, at(1, 9), 3), (w.e2, w.A2a, at(1, 12), 4)])
    entry(owner, w.e1, w.A1a, at(1, 9), 3)
    entry(owner, w.e1, w.A1a, at(1, 12), 0.5, "break")
    entry(owner, w.e1, w.A1a, at(1, 12.5), 3.5, "available")
    entry(owner, w.e1, w.A1a, at(1, 18), 1)
    entry(owner, w.e2, w.A1b, at(1, 9), 3)
    entry(owner, w.e2, w.A2a, at(1, 12), 4)
    return w


def rows(gql, world, by, who="admin", start="2027-03-01", end="2027-03-01"):
    body = gql(QUERY, {"from": start, "to": end, "by": by}, token=world.tokens[who])
    assert "errors" not in body, body
    found = body["data"]["adherence"]
    assert found["totalCount"] == len(found["nodes"])
    return found["nodes"]


def cell(r):
    """Minutes (whole: JSON integers) and ratios (JSON numbers) of a row."""
    minutes = (r["scheduledMinutes"], r["adherentMinutes"], r["workedMinutes"])
    assert all(type(m) is int for m in minutes), r
    assert all(r[k] is None or isinstance(r[k], (int, float)) for k in ("adherence", "conformance")), r
    return (*minutes, *(None if r[k] is None else Decimal(str(r[k])) for k in ("adherence", "conformance")))


def test_per_agent_and_lob_adherence_and_conformance_are_exact(gql, day):
    got = {(r["agentId"], r["lobId"]): cell(r) for r in rows(gql, day, ["AGENT", "LOB"])}
    w = day
    assert got == {
        # 390 of 480 scheduled minutes productive on the LOB; 450 productive minutes that day
        (str(w.e1), str(w.A1a)): (480, 390, 450, Decimal("0.8125"), Decimal("0.9375")),
        # the LOB change at noon costs nothing on either side
        (str(w.e2), str(w.A1b)): (180, 180, 180, Decimal("1.0000"), Decimal("1.0000")),
        (str(w.e2), str(w.A2a)): (240, 240, 240, Decimal("1.0000"), Decimal("1.0000")),
    }


def test_roll_ups_by_client_day_and_total(gql, day):
    by_client = {r["clientId"]: cell(r) for r in rows(gql, day, ["CLIENT"])}
    assert by_client == {str(day.A1): (660, 570, 630, Decimal("0.8636"), Decimal("0.9545")),
                         str(day.A2): (240, 240, 240, Decimal("1.0000"), Decimal("1.0000"))}
    (by_day,) = rows(gql, day, ["DAY"])
    assert by_day["day"] == "2027-03-01" and by_day["clientId"] is None
    assert cell(by_day) == (900, 810, 870, Decimal("0.9000"), Decimal("0.9667"))
    assert [cell(r) for r in rows(gql, day, [])] == [cell(by_day)]
    assert rows(gql, day, ["DAY"], start="2027-03-02", end="2027-03-07") == []


def test_a_lob_switch_never_reads_as_non_adherence(gql, world, owner):
    """Working the first LOB past the switch is off-schedule on both sides; switching on time is perfect."""
    w = world
    published(gql, w, owner, [w.A1b, w.A2a], [(w.e2, w.A1b, at(2, 9), 2), (w.e2, w.A2a, at(2, 11), 2)])
    entry(owner, w.e2, w.A1b, at(2, 9), 2.5)       # stayed on L1-FR half an hour into the Cards segment
    entry(owner, w.e2, w.A2a, at(2, 11.5), 1.5)
    got = {r["lobId"]: cell(r)[:2] for r in rows(gql, w, ["LOB"], start="2027-03-02", end="2027-03-02")}
    assert got == {str(w.A1b): (120, 120), str(w.A2a): (120, 90)}


SCOPED = {
    "planner": {("A1", "A1a", "e1"), ("A1", "A1b", "e2")},      # client A1: e2's Cards work never appears
    "supervisor": {("A2", "A2a", "e2")},                        # LOB Cards: e2's L1-FR work never appears
    "adminB": set(),
}


@pytest.mark.parametrize("who", sorted(SCOPED))
def test_callers_see_only_their_scope_over_graphql(gql, day, who):
    names = {v: k for k, v in day.ids.items()}
    got = {(names[UUID(r["clientId"])], names[UUID(r["lobId"])],
            names[UUID(r["agentId"])]) for r in rows(gql, day, ["CLIENT", "LOB", "AGENT"], who)}
    assert got == SCOPED[who]


@pytest.mark.parametrize("who", sorted(SCOPED))
def test_the_statement_as_the_runtime_role_reads_only_the_callers_scope(as_runtime, owner, day, who):
    """Even handed every LOB id, the statement sees only the caller's rows."""
    every_lob = owner.execute(text("SELECT array_agg(id) FROM lob")).scalar_one()
    names = {v: k for k, v in day.ids.items()}
    with as_runtime.caller(day.ids[who]) as conn:
        got = conn.execute(text(rollup_sql([Grouping.CLIENT, Grouping.LOB, Grouping.AGENT])),
                           {"lobs": every_lob, "start": "2027-03-01", "end": "2027-03-01"}).all()
    assert {(names[r.client_id], names[r.lob_id], names[r.employee_id]) for r in got} == SCOPED[who]


def test_an_agent_is_refused_coded_in_english_and_french(gql, day):
    messages = set()
    for lang in ("en", "fr"):
        body = gql(QUERY, {"from": "2027-03-01", "to": "2027-03-01", "by": []}, token=day.tokens["agent"], lang=lang)
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        messages.add(body["errors"][0]["message"])
    assert len(messages) == 2


def test_a_client_user_is_kept_off_the_internal_schema(gql, day):
    body = gql(QUERY, {"from": "2027-03-01", "to": "2027-03-01", "by": []}, token=day.tokens["portal"])
    assert "data" not in body and body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"  # refused, not run


@pytest.mark.parametrize("span, code, messages", [
    (("2027-03-02", "2027-03-01"), "END_BEFORE_START", ("The end comes before the start.", "La fin précède le début.")),
    (("2027-01-01", "2027-06-01"), "RANGE_TOO_LONG",
     ("The range spans at most 92 days.", "La période couvre au plus 92 jours.")),
])
def test_bad_ranges_are_refused_coded_in_english_and_french(gql, world, span, code, messages):
    for lang, message in zip(("en", "fr"), messages, strict=True):
        body = gql(QUERY, {"from": span[0], "to": span[1], "by": []}, token=world.tokens["admin"], lang=lang)
        assert body["errors"][0]["extensions"] == {"code": code, "field": "to"}
        assert body["errors"][0]["message"] == message


PORTAL = """query($from: Date!, $to: Date!, $by: [PortalReportGrouping!]!) {
  scheduleAdherence(from: $from, to: $to, by: $by, first: 100) { totalCount
    nodes { day lobId agent scheduledMinutes adherentMinutes workedMinutes adherence conformance } } }"""


def portal_rows(gql, world, by, who="portal"):
    body = gql(PORTAL, {"from": "2027-03-01", "to": "2027-03-01", "by": by}, token=world.tokens[who], portal=True)
    assert "errors" not in body, body
    found = body["data"]["scheduleAdherence"]
    assert found["totalCount"] == len(found["nodes"])
    return found["nodes"]


def test_the_portal_shows_its_own_account_with_opaque_agents(gql, day):
    """The client user bound to A1 sees A1's figures only; e2's Cards work never appears."""
    got = portal_rows(gql, day, ["LOB", "AGENT"])
    assert {(r["lobId"], cell(r)) for r in got} == {
        (str(day.A1a), (480, 390, 450, Decimal("0.8125"), Decimal("0.9375"))),
        (str(day.A1b), (180, 180, 180, Decimal("1.0000"), Decimal("1.0000"))),
    }
    agents = {r["agent"] for r in got}
    assert len(agents) == 2 and all(a.startswith("agent-") for a in agents)
    assert not any(str(day.ids[e]) in a for a in agents for e in ("e1", "e2"))
    (total,) = portal_rows(gql, day, [])
    assert cell(total) == (660, 570, 630, Decimal("0.8636"), Decimal("0.9545"))


def test_the_portal_function_reaches_only_the_bound_clients_lobs(as_runtime, owner, day):
    """As the runtime role: a client user reads no segment, and the portal's LOBs are their client's; staff get none."""
    w = day
    viewer = f.user(owner, w.tA, ("client_viewer", w.A2, None), kind="client", bound_client=w.A2)
    reach = {}
    for who, user in (("A2", viewer), ("A1", w.portal), ("staff", w.admin)):
        with as_runtime.caller(user) as conn:
            reach[who] = set(conn.execute(text("SELECT scheduling.portal_lob_ids()")).scalar())
            if who != "staff":
                assert conn.execute(text("SELECT count(*) FROM schedule_segment")).scalar() == 0
                assert {r.lob_id for r in conn.execute(text(
                    "SELECT * FROM scheduling.portal_adherence('2027-03-01', '2027-03-01')"))} == reach[who]
    assert reach == {"A2": {w.A2a}, "A1": {w.A1a, w.A1b}, "staff": set()}


def test_portal_identifiers_differ_per_client(gql, day, owner):
    viewer = f.user(owner, day.tA, ("client_viewer", day.A2, None), kind="client", bound_client=day.A2)
    day.tokens["viewerA2"] = f.token(owner, viewer)
    a2 = portal_rows(gql, day, ["LOB", "AGENT"], who="viewerA2")
    assert [(r["lobId"], cell(r)[:3]) for r in a2] == [(str(day.A2a), (240, 240, 240))]
    a1_agents = {r["agent"] for r in portal_rows(gql, day, ["AGENT"])}
    assert a2[0]["agent"] not in a1_agents


def test_staff_cannot_use_the_portal_query(gql, day):
    body = gql(PORTAL, {"from": "2027-03-01", "to": "2027-03-01", "by": []}, token=day.tokens["admin"], portal=True)
    assert body.get("data") is None and body["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "WRONG_ENDPOINT"}


def test_portal_identifiers_are_keyed_and_rotate_unlinkably(gql, day, owner, as_runtime, runtime):
    """An id is an HMAC under the tenant's portal key: nobody recomputes it from the client
    and employee ids (every staff user knows those), and rotating the key changes all of them."""
    (e1_id,) = {r["agent"] for r in portal_rows(gql, day, ["AGENT"]) if r["scheduledMinutes"] == 480}
    message = f"{day.A1}/{day.e1}".encode()
    unkeyed = ["agent-" + hashlib.sha256(message).hexdigest()[:16],
               "agent-" + hashlib.sha256(f"{day.e1}/{day.A1}".encode()).hexdigest()[:16],
               "agent-" + hmac.new(b"", message, hashlib.sha256).hexdigest()[:16]]
    assert e1_id not in unkeyed
    key = bytes(owner.execute(text("SELECT key FROM app.tenant_key WHERE tenant_id = :t"), {"t": day.tA}).scalar())
    assert e1_id == "agent-" + hmac.new(key, message, hashlib.sha256).hexdigest()[:16]
    for statement in ("SELECT key FROM app.tenant_key", "SELECT app.portal_agent_id(:t, :c, :e)"):
        with as_runtime.caller(day.portal) as conn:  # the key and the function stay out of reach
            with pytest.raises(DBAPIError, match="permission denied"):
                conn.execute(text(statement), {"t": day.tA, "c": day.A1, "e": day.e1})
    assert e1_id in {r["agent"] for r in portal_rows(gql, day, ["AGENT"])}  # stable
    before = {r["agent"] for r in portal_rows(gql, day, ["AGENT"])}
    slug = owner.execute(text("SELECT slug FROM tenant WHERE id = :t"), {"t": day.tA}).scalar()
    other = owner.execute(text("SELECT key FROM app.tenant_key WHERE tenant_id = :t"), {"t": day.tB}).scalar()
    assert rotate_portal_ids(runtime, slug) == 1
    after = {r["agent"] for r in portal_rows(gql, day, ["AGENT"])}
    assert len(after) == 2 and not after & before
    assert owner.execute(text("SELECT key FROM app.tenant_key WHERE tenant_id = :t"), {"t": day.tB}).scalar() == other
