"""eligibleAgents: worked examples of every reason, time zones, scope, one statement, plugin rules.

Windows lie in March 2027 (after the world's assignments began on 2026-01-01). The
LOBs of the world are on Toronto/Montréal time: 05:00Z is local midnight, so the
default window [2027-03-01T05:00Z, 2027-03-08T05:00Z) covers the local dates
1–7 March 2027.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.graphql.pagination import Window
from switchboard.core.hookspecs import hookimpl
from switchboard.core.workforce import eligibility
from switchboard.core.workforce.eligibility import CORE_RULES, EligibilityRule
from tests import factories as f
from tests.conftest import TEMPLATE, GraphQLClient, cloned_runtime, examples
from tests.world import build_world

START, END = "2027-03-01T05:00:00Z", "2027-03-08T05:00:00Z"
QUERY = """query($lob: UUID!, $start: DateTime!, $end: DateTime!, $first: Int, $after: String) {
  eligibleAgents(lobId: $lob, start: $start, end: $end, first: $first, after: $after) {
    edges { node { eligible employee { preferredName workRegion } reasons { code message credentialKind date } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def ask(gql, world, lob, who="admin", start=START, end=END, lang=None, **kw):
    """Every candidate of one page: ``[(name, eligible, [(code, credentialKind, date)])]``."""
    body = gql(QUERY, {"lob": str(lob), "start": start, "end": end, **kw}, token=world.tokens[who], lang=lang)
    assert "errors" not in body, body
    return [
        (n["employee"]["preferredName"], n["eligible"],
         [(r["code"], r["credentialKind"], r["date"]) for r in n["reasons"]])
        for n in (e["node"] for e in body["data"]["eligibleAgents"]["edges"])
    ]


def refused(gql, world, lob, who="admin", start=START, end=END, lang=None) -> dict:
    body = gql(QUERY, {"lob": str(lob), "start": start, "end": end}, token=world.tokens[who], lang=lang)
    assert body["data"] is None, body
    return body["errors"][0]


def person(owner, world, name, *, lob=None, client=None, start=date(2026, 1, 1), end=None, **kw):
    """An employee of tenant A, assigned to ``lob`` when given."""
    i = world.ids
    i[name] = f.employee(owner, i["tA"], preferred_name=name, **kw)
    if lob is not None:
        f.assignment(owner, i["tA"], client, lob, i[name], start=start, end=end)
    return i[name]


# --- worked examples -----------------------------------------------------------------------


def test_card_data_lob_lists_every_candidate_with_its_reasons(world, gql, owner):
    """Cards (A2a): card data, client A2 permits only Canadian work regions."""
    w = world
    person(owner, w, "pLapse", lob=w.A2a, client=w.A2)
    f.credential(owner, w.tA, w.pLapse, "pci_clearance", expires_on=date(2027, 3, 4))  # mid-window
    person(owner, w, "pUS", work_region="US-TX")
    person(owner, w, "pLeaving", lob=w.A2a, client=w.A2, end=date(2027, 3, 4), termination_date=date(2027, 3, 3))
    f.credential(owner, w.tA, w.pLeaving, "pci_clearance")
    person(owner, w, "pGone", termination_date=date(2027, 2, 28))  # not a candidate
    person(owner, w, "pLater", hire_date=date(2027, 3, 8))  # hired after the window's last local day
    assert ask(gql, w, w.A2a) == [
        ("e2", True, []),
        ("e1", False, [("NO_ACTIVE_ASSIGNMENT", None, None), ("PCI_CLEARANCE_MISSING", "pci_clearance", None)]),
        ("e3", False, [("PCI_CLEARANCE_MISSING", "pci_clearance", None)]),
        ("pLapse", False, [("PCI_CLEARANCE_MISSING", "pci_clearance", "2027-03-04")]),
        ("pLeaving", False, [("NO_ACTIVE_ASSIGNMENT", None, None)]),
        ("pUS", False, [("NO_ACTIVE_ASSIGNMENT", None, None), ("PCI_CLEARANCE_MISSING", "pci_clearance", None),
                        ("RESIDENCY_NOT_PERMITTED", None, None)]),
    ]


@pytest.fixture
def health(world, owner):
    """A health-data LOB of RetailCo and agents with HIPAA training of various ages.

    The window's last local day is 2027-03-07: 11 months before is 2026-04-07, 13 is 2026-02-07.
    """
    w = world
    w.ids["H"] = f.lob(owner, w.tA, w.A1, code="HEALTH", handles_health_data=True)
    for name, issued, client in (("hFresh", date(2026, 4, 7), None), ("hStale", date(2026, 2, 7), None),
                                 ("hOtherClient", date(2026, 12, 1), w.A2), ("hNone", None, None),
                                 ("hBoundary", date(2026, 3, 7), None)):
        person(owner, w, name, lob=w.H, client=w.A1)
        if issued:
            f.credential(owner, w.tA, w.ids[name], "hipaa_training", issued_on=issued, client_id=client)
    return w


def test_health_data_lob_needs_hipaa_training_from_the_last_twelve_months(health, gql):
    assert [c for c in ask(gql, health, health.H) if c[0].startswith("h")] == [
        ("hBoundary", True, []),  # exactly 12 months before the last day still counts
        ("hFresh", True, []),
        ("hNone", False, [("HIPAA_TRAINING_STALE", "hipaa_training", None)]),
        ("hOtherClient", False, [("HIPAA_TRAINING_STALE", "hipaa_training", None)]),
        ("hStale", False, [("HIPAA_TRAINING_STALE", "hipaa_training", "2026-02-07")]),
    ]


@pytest.fixture
def certs(world, owner):
    """A RetailCo LOB requiring bilingual_fr and the client's own cert:retailco."""
    w = world
    w.ids["K"] = f.lob(owner, w.tA, w.A1, code="CERTS", required_credentials=["cert:retailco", "bilingual_fr"])
    specs = {
        "kGood": [("bilingual_fr", {}), ("cert:retailco", {"client_id": w.A1})],
        "kMid": [("bilingual_fr", {}), ("cert:retailco", {"client_id": w.A1, "expires_on": date(2027, 3, 4)})],
        "kOtherClient": [("bilingual_fr", {}), ("cert:retailco", {"client_id": w.A2})],
        "kRevoked": [("bilingual_fr", {"revoked_on": date(2027, 2, 1)}), ("cert:retailco", {})],
        "kLateIssue": [("bilingual_fr", {"issued_on": date(2027, 3, 3)}), ("cert:retailco", {"client_id": w.A1})],
        "kRenewed": [("bilingual_fr", {"expires_on": date(2027, 3, 2)}),
                     ("bilingual_fr", {"issued_on": date(2027, 2, 20)}), ("cert:retailco", {})],
        "kNone": [],
    }
    for name, held in specs.items():
        person(owner, w, name, lob=w.K, client=w.A1)
        for kind, kw in held:
            f.credential(owner, w.tA, w.ids[name], kind, **kw)
    return w


def test_required_credentials_must_be_valid_for_the_whole_window_and_for_this_client(certs, gql):
    assert ask(gql, certs, certs.K) == [
        ("kGood", True, []),
        ("kRenewed", True, []),
        ("e1", False, [("NO_ACTIVE_ASSIGNMENT", None, None), ("CREDENTIAL_MISSING", "bilingual_fr", None),
                       ("CREDENTIAL_MISSING", "cert:retailco", None)]),
        ("e2", False, [("NO_ACTIVE_ASSIGNMENT", None, None), ("CREDENTIAL_MISSING", "bilingual_fr", None)]),
        ("e3", False, [("NO_ACTIVE_ASSIGNMENT", None, None), ("CREDENTIAL_MISSING", "bilingual_fr", None),
                       ("CREDENTIAL_MISSING", "cert:retailco", None)]),
        ("kLateIssue", False, [("CREDENTIAL_MISSING", "bilingual_fr", None)]),
        ("kMid", False, [("CREDENTIAL_EXPIRED", "cert:retailco", "2027-03-04")]),
        ("kNone", False, [("CREDENTIAL_MISSING", "bilingual_fr", None), ("CREDENTIAL_MISSING", "cert:retailco", None)]),
        ("kOtherClient", False, [("CREDENTIAL_MISSING", "cert:retailco", None)]),
        ("kRevoked", False, [("CREDENTIAL_EXPIRED", "bilingual_fr", "2027-02-01")]),
    ]


def test_reasons_are_localized(certs, gql):
    body = gql(QUERY, {"lob": str(certs.K), "start": START, "end": END}, token=certs.tokens["admin"], lang="fr")
    messages = {(n["employee"]["preferredName"], r["code"]): r["message"]
                for n in (e["node"] for e in body["data"]["eligibleAgents"]["edges"]) for r in n["reasons"]}
    assert messages[("kMid", "CREDENTIAL_EXPIRED")] == (
        "L'attestation cert:retailco cesse d'être valide le 2027-03-04, avant la fin de la période.")
    assert messages[("kLateIssue", "CREDENTIAL_MISSING")] == "Attestation requise manquante : bilingual_fr."
    assert messages[("e1", "NO_ACTIVE_ASSIGNMENT")] == (
        "Aucune affectation à cette ligne d'affaires ne couvre tous les jours de la période.")
    english = ask(gql, certs, certs.K)
    assert english[-1] == ("kRevoked", False, [("CREDENTIAL_EXPIRED", "bilingual_fr", "2027-02-01")])


def test_the_window_is_read_in_the_lobs_time_zone(world, gql, owner):
    """Kiritimati is UTC+14: 11:00–12:00Z on 1 March is 01:00–02:00 on 2 March there."""
    w = world
    w.ids["FAR"] = f.lob(owner, w.tA, w.A1, code="FAR", timezone="Pacific/Kiritimati",
                         required_credentials=["night_cert"])
    person(owner, w, "fLocal", lob=w.FAR, client=w.A1, start=date(2027, 3, 2))
    f.credential(owner, w.tA, w.fLocal, "night_cert", issued_on=date(2027, 3, 2))
    person(owner, w, "fUtc", lob=w.FAR, client=w.A1, end=date(2027, 3, 2))  # last day 1 March
    f.credential(owner, w.tA, w.fUtc, "night_cert", expires_on=date(2027, 3, 2))
    candidates = ask(gql, w, w.FAR, start="2027-03-01T11:00:00Z", end="2027-03-01T12:00:00Z")
    assert [c for c in candidates if c[0].startswith("f")] == [
        ("fLocal", True, []),
        ("fUtc", False, [("NO_ACTIVE_ASSIGNMENT", None, None), ("CREDENTIAL_EXPIRED", "night_cert", "2027-03-02")]),
    ]
    # the same instants given with another offset are the same window
    assert ask(gql, w, w.FAR, start="2027-03-01T06:00:00-05:00", end="2027-03-01T07:00:00-05:00") == candidates


# --- refusals and scope ------------------------------------------------------------------


@pytest.mark.parametrize("start, end, code, field", [
    (START, START, "END_BEFORE_START", "end"),
    (END, START, "END_BEFORE_START", "end"),
    ("2027-03-01T00:00:00Z", "2027-04-01T00:00:01Z", "WINDOW_TOO_LONG", "end"),
    ("2027-03-01T00:00:00", "2027-03-02T00:00:00Z", "TIMEZONE_REQUIRED", "start"),
])
def test_bad_windows_are_refused_with_a_code(world, gql, owner, start, end, code, field):
    before = f.fingerprint(owner)
    error = refused(gql, world, world.A2a, start=start, end=end, lang="fr")
    assert error["extensions"] == {"code": code, "field": field}
    assert error["message"] == {
        "END_BEFORE_START": "La fin précède le début.",
        "WINDOW_TOO_LONG": "La période ne peut pas dépasser 31 jours.",
        "TIMEZONE_REQUIRED": "Indiquez l'heure avec son décalage UTC ou son fuseau horaire.",
    }[code]
    assert f.fingerprint(owner) == before


def test_a_window_of_exactly_31_days_is_accepted(world, gql):
    assert ask(gql, world, world.A2a, start="2027-03-01T00:00:00Z", end="2027-04-01T00:00:00Z")


def test_candidates_are_the_employees_the_caller_can_see(world, gql):
    assert [c[0] for c in ask(gql, world, world.A1a, who="planner")] == ["e1", "e2"]
    assert [c[0] for c in ask(gql, world, world.A2a, who="supervisor")] == ["e2", "e3"]
    assert [c[0] for c in ask(gql, world, world.A1a)] == ["e1", "e2", "e3"]


@pytest.mark.parametrize("who, lob, code", [
    ("planner", "A2a", "NOT_FOUND"),
    ("adminB", "A2a", "NOT_FOUND"),
    ("admin", "B1a", "NOT_FOUND"),
    ("agent", "A2a", "FORBIDDEN"),  # sees the LOB (own assignment) but holds no eligibility permission
])
def test_lobs_outside_the_scope_or_permission_are_refused(world, gql, who, lob, code):
    assert refused(gql, world, world.ids[lob], who=who)["extensions"]["code"] == code


def test_a_random_lob_id_gets_the_same_answer_as_another_tenants(world, gql):
    theirs = refused(gql, world, world.B1a)
    assert refused(gql, world, "0c8b7a3e-5d7e-4b1f-9a0e-8f7e1d2c3b4a") == theirs


def test_pages_follow_eligible_first_then_name(certs, gql):
    whole = ask(gql, certs, certs.K)
    pages, after = [], None
    while True:
        body = gql(QUERY, {"lob": str(certs.K), "start": START, "end": END, "first": 3, "after": after},
                   token=certs.tokens["admin"])["data"]["eligibleAgents"]
        pages.append([e["node"]["employee"]["preferredName"] for e in body["edges"]])
        if not body["pageInfo"]["hasNextPage"]:
            break
        after = body["pageInfo"]["endCursor"]
    assert [len(p) for p in pages] == [3, 3, 3, 1]
    assert sum(pages, []) == [c[0] for c in whole]


BACKWARD = """query($lob: UUID!, $start: DateTime!, $end: DateTime!, $before: String) {
  eligibleAgents(lobId: $lob, start: $start, end: $end, last: 3, before: $before) {
    totalCount edges { node { employee { preferredName } } } pageInfo { hasPreviousPage startCursor } } }"""


def test_pages_walk_backward_from_the_end_and_count_every_candidate(certs, gql):
    """The page sits inside the one statement's frame: paging backward and counting use it too."""
    whole = [c[0] for c in ask(gql, certs, certs.K)]
    seen, before = [], None
    while True:
        body = gql(BACKWARD, {"lob": str(certs.K), "start": START, "end": END, "before": before},
                   token=certs.tokens["admin"])["data"]["eligibleAgents"]
        assert body["totalCount"] == len(whole)
        seen = [e["node"]["employee"]["preferredName"] for e in body["edges"]] + seen
        if not body["pageInfo"]["hasPreviousPage"]:
            break
        before = body["pageInfo"]["startCursor"]
    assert seen == whole


# --- one statement -------------------------------------------------------------------------


@pytest.fixture
def counted(runtime):
    runtime.settings = replace(runtime.settings, expose_statement_count=True)
    return runtime


FULL = """query($lob: UUID!, $start: DateTime!, $end: DateTime!) {
  eligibleAgents(lobId: $lob, start: $start, end: $end, first: 100) {
    edges { cursor node { eligible reasons { code message credentialKind date }
      employee { id employeeNumber preferredName hireDate terminationDate workRegion languages { language } } } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def test_eligible_agents_is_one_statement_whatever_the_candidates(certs, gql, owner, counted):
    """Authentication takes one statement; candidates, every rule and the page's fields take one."""
    counts = []
    for more in (0, 30):
        for n in range(more):
            person(owner, certs, f"bulk{n}", lob=certs.K, client=certs.A1)
        body = gql(FULL, {"lob": str(certs.K), "start": START, "end": END}, token=certs.tokens["admin"])
        assert "errors" not in body, body
        assert len(body["data"]["eligibleAgents"]["edges"]) == 10 + more
        counts.append(body["extensions"]["sqlStatements"])
    assert counts == [2, 2]


def ctes_read(node: dict) -> set[str]:
    """The CTEs a plan tree scans."""
    return {node.get("CTE Name")} - {None} | {c for child in node.get("Plans", []) for c in ctes_read(child)}


def probes(node: dict) -> list[str]:
    """The CTEs some subplan of a JSON plan tree scans: run per outer row (hashed or not)."""
    here = sorted(ctes_read(node)) if node.get("Parent Relationship") == "SubPlan" else []
    return here + [c for child in node.get("Plans", []) for c in probes(child)]


def test_reasons_are_joined_to_candidates_never_probed_one_by_one(world, as_runtime, runtime):
    """A subquery over the reasons in the candidates' select list becomes a subplan, run once per
    candidate whenever the rules' estimates make it look too big to hash (1.9 s on the large demo)."""
    page = eligibility.statement(runtime.eligibility_rules, Window(first=50), runtime.settings.page_size_cap)
    sql, params = page.sql, {**page.params, "lob_id": world.A2a, "window_start": datetime.fromisoformat(START),
              "window_end": datetime.fromisoformat(END)}
    with as_runtime.caller(world.admin) as conn:
        plan = conn.execute(text(f"EXPLAIN (FORMAT JSON) {sql}"), params).scalar()[0]["Plan"]
    assert "reason" not in probes(plan)


# --- pluggable rules -----------------------------------------------------------------------


def test_every_rule_code_has_a_message_in_every_language(runtime):
    rules = runtime.eligibility_rules
    assert {r.name for r in rules} >= {r.name for r in CORE_RULES}
    for lang in ("en", "fr"):
        missing = {c for r in rules for c in r.codes} - runtime.messages.codes(lang)
        assert not missing, (lang, missing)


class NightShiftPlugin:
    """A plugin's rule: it sees the candidate, the LOB, the client and the window's local days."""

    @hookimpl
    def switchboard_eligibility_rules(self):
        return [EligibilityRule(
            name="no_trainees",
            sql="SELECT c.id, 'TRAINEE', l.code || '@' || cl.code, t.last_day"
                " FROM candidate c CROSS JOIN target t JOIN lob l ON l.id = t.lob_id"
                " JOIN client cl ON cl.id = t.client_id WHERE c.preferred_name LIKE 'trainee%'",
            codes=("TRAINEE",),
        )]


def test_a_plugin_adds_a_rule_to_the_same_single_statement(template):
    with cloned_runtime(template, TEMPLATE, ("night_shift", NightShiftPlugin())) as rt:
        rt.settings = replace(rt.settings, expose_statement_count=True)
        with rt.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(conn)
            f.assignment(conn, world.tA, world.A2, world.A2a,
                         f.employee(conn, world.tA, preferred_name="trainee Tom"))
        assert [r.name for r in rt.eligibility_rules][-1] == "no_trainees"
        with TestClient(create_app(rt)) as http:
            body = GraphQLClient(http)(FULL, {"lob": str(world.A2a), "start": START, "end": END},
                                       token=world.tokens["admin"])
    assert body["extensions"]["sqlStatements"] == 2  # authenticate, then the one statement
    tom = [e["node"] for e in body["data"]["eligibleAgents"]["edges"]
           if e["node"]["employee"]["preferredName"] == "trainee Tom"][0]
    assert [(r["code"], r["credentialKind"], r["date"], r["message"]) for r in tom["reasons"]] == [
        ("PCI_CLEARANCE_MISSING", "pci_clearance", None,
         "This LOB handles card data: a PCI clearance valid for the whole window is required."),
        ("TRAINEE", "CARDS@LAURIER", "2027-03-07", "TRAINEE"),  # no catalog: the code itself
    ]


# --- property: the credential rule against a model ------------------------------------------

TORONTO = ZoneInfo("America/Toronto")
FIRST = date(2027, 3, 10)


@st.composite
def credential_spec(draw) -> dict:
    """A kind_a credential dated near the window (offsets in days from its first day), so
    that boundaries (issued on the first day, lapsing on the last) come up often."""
    issued = draw(st.integers(-6, 3))
    return {
        "client": draw(st.sampled_from([None, "A1", "A2"])),
        "issued": issued,
        "expires": draw(st.none() | st.integers(issued + 1, 12)),
        "revoked": draw(st.none() | st.integers(issued, 12)),
    }


def model(creds: list[dict], first: date, last: date) -> list[tuple]:
    """The credential rule, restated: what a BPO planner expects for kind_a on a RetailCo LOB."""
    relevant = [c for c in creds if c["client"] in (None, "A1")]

    def lapse(c: dict) -> date | None:  # the first day it stops counting
        ends = [d for d in (c["expires_on"], c["revoked_on"]) if d is not None]
        return min(ends) if ends else None

    lapses = [lapse(c) for c in relevant]
    if any(c["issued_on"] <= first and (end is None or end > last) for c, end in zip(relevant, lapses, strict=True)):
        return []
    held = [end for c, end in zip(relevant, lapses, strict=True) if c["issued_on"] <= first]
    if held:
        return [("CREDENTIAL_EXPIRED", "kind_a", max(held))]
    return [("CREDENTIAL_MISSING", "kind_a", None)]


@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(credential_spec(), max_size=3), days=st.integers(1, 6))
def test_credential_reasons_match_the_model_and_eligible_means_no_reasons(world, owner, as_runtime, specs, days):
    w = world
    if "P" not in w.ids:
        w.ids["P"] = f.lob(owner, w.tA, w.A1, code="PROP", required_credentials=["kind_a"])
        f.assignment(owner, w.tA, w.A1, w.P, w.e1)
    start = datetime.combine(FIRST, datetime.min.time(), TORONTO) + timedelta(hours=12)
    end = datetime.combine(FIRST + timedelta(days=days), datetime.min.time(), TORONTO) + timedelta(hours=12)
    last = FIRST + timedelta(days=days)
    creds = []
    for spec in specs:
        day = {k: None if spec[k] is None else FIRST + timedelta(days=spec[k])
               for k in ("issued", "expires", "revoked")}
        creds.append({"client": spec["client"], "issued_on": day["issued"], "expires_on": day["expires"],
                      "revoked_on": day["revoked"]})
    page = eligibility.statement(CORE_RULES, Window(first=100), 100)
    sql, params = page.sql, page.params
    with as_runtime.caller(w.admin) as conn:
        for c in creds:
            conn.execute(text(
                "INSERT INTO credential (tenant_id, employee_id, kind, client_id, issued_on, expires_on, revoked_on)"
                " VALUES (:t, :e, 'kind_a', :client, :issued_on, :expires_on, :revoked_on)"),
                {**c, "t": w.tA, "e": w.e1, "client": w.ids[c["client"]] if c["client"] else None})
        rows = conn.execute(text(sql), {**params, "lob_id": w.P, "window_start": start, "window_end": end}).all()
    by_name = {r.preferred_name: r for r in rows}
    got = [eligibility.parse_reason(r) for r in by_name["e1"].reasons]
    assert got == model(creds, FIRST, last)
    for r in rows:
        assert r.ineligible == (r.reasons != [])
