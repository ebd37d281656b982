"""Commercial terms (refusals, coded and localized, nothing written) and who sees which hours."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from switchboard.plugins.billing.service import classification_params
from tests import factories as f
from tests.core.test_workforce import mutation
from tests.plugins.billing.helpers import HOURS, entry, hours, terms

SET = mutation("$input: BillingTermsInput!", "setBillingTerms(input: $input)",
               "terms { clientId lobId validFrom validTo billableActivities billRate { amount currency } currency"
               " premiumPayer }")
TORONTO = ZoneInfo("America/Toronto")


def terms_input(client, **kw):
    return {"clientId": str(client), "validFrom": "2026-01-01", "billableActivities": ["HANDLING"],
            "billRate": "31.50", "currency": "CAD", **kw}


def test_terms_are_set_and_read_back(gql, world):
    body = gql(SET, {"input": terms_input(world.A1, lobId=str(world.A1a), validTo="2026-12-31",
                                          premiumPayer="BPO")}, token=world.tokens["admin"])
    assert body["data"]["setBillingTerms"] == {"terms": {
        "clientId": str(world.A1), "lobId": str(world.A1a), "validFrom": "2026-01-01", "validTo": "2026-12-31",
        "billableActivities": ["HANDLING"], "billRate": {"amount": "31.50", "currency": "CAD"}, "currency": "CAD",
        "premiumPayer": "BPO"},
        "errors": []}
    listed = gql("{ billingTerms { billRate { amount } } }", token=world.tokens["admin"])["data"]["billingTerms"]
    assert listed == [{"billRate": {"amount": "31.50"}}]


@pytest.mark.parametrize(("change", "code", "field", "message"), [
    ({"billRate": "0"}, "RATE_OUT_OF_RANGE", "billRate",
     "Le taux de facturation doit être supérieur à 0 et inférieur à 100000."),
    ({"overtimeMultiplier": "7"}, "MULTIPLIER_OUT_OF_RANGE", "overtimeMultiplier",
     "Un multiplicateur de majoration doit être entre 1 et 5."),
    ({"roundingMinutes": 7}, "ROUNDING_INVALID", "roundingMinutes",
     "L'arrondi doit être l'un de ces incréments, en minutes : 1, 5, 6, 10, 15, 30, 60."),
    ({"currency": "XYZ"}, "INVALID_CURRENCY", "currency", "Devise inconnue : XYZ."),
    ({"validTo": "2025-12-31"}, "END_BEFORE_START", "validTo", "La fin précède le début."),
    ({"billableActivities": []}, "REQUIRED", "billableActivities", None),
    ({"lobId": "A2a"}, "LOB_NOT_IN_CLIENT", "lobId", None),
])
def test_bad_terms_are_refused(gql, world, owner, change, code, field, message):
    if change.get("lobId") == "A2a":
        change = {"lobId": str(world.A2a)}
    before = f.fingerprint(owner, ("billing_terms", "audit_event"))
    body = gql(SET, {"input": terms_input(world.A1, **change)}, token=world.tokens["admin"], lang="fr")
    errors = body["data"]["setBillingTerms"]["errors"]
    assert [(e["code"], e["field"]) for e in errors] == [(code, field)]
    if message:
        assert errors[0]["message"] == message
    assert f.fingerprint(owner, ("billing_terms", "audit_event")) == before


def test_overlapping_terms_are_refused_by_the_database_too(gql, world, owner):
    gql(SET, {"input": terms_input(world.A1)}, token=world.tokens["admin"])
    body = gql(SET, {"input": terms_input(world.A1, validFrom="2026-06-01")}, token=world.tokens["admin"])
    assert [e["code"] for e in body["data"]["setBillingTerms"]["errors"]] == ["TERMS_OVERLAP"]
    # a LOB's own terms may overlap its client's
    body = gql(SET, {"input": terms_input(world.A1, lobId=str(world.A1a))}, token=world.tokens["admin"])
    assert body["data"]["setBillingTerms"]["errors"] == []
    assert owner.execute(text("SELECT count(*) FROM billing_terms")).scalar() == 2


@pytest.mark.parametrize("who", ["planner", "supervisor", "agent", "adminB"])
def test_only_holders_of_the_key_set_terms_and_attribution(gql, world, owner, who):
    body = gql(SET, {"input": terms_input(world.A1)}, token=world.tokens[who])
    codes = [e["code"] for e in body["data"]["setBillingTerms"]["errors"]] if body.get("data") else \
        [body["errors"][0]["extensions"]["code"]]
    assert codes[0] in ("FORBIDDEN", "NOT_FOUND")
    body = gql("mutation { setOvertimeAttribution(attribution: PROPORTIONAL) { attribution } }",
               token=world.tokens[who])
    if who == "adminB":  # their own tenant's choice, which leaves tenant A's alone
        assert body["data"]["setOvertimeAttribution"]["attribution"] == "PROPORTIONAL"
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert owner.execute(text("SELECT count(*) FROM billing_terms")).scalar() == 0
    policies = owner.execute(text("SELECT count(*) FROM billing_policy WHERE tenant_id = :t"), {"t": world.tA})
    assert policies.scalar() == 0


@pytest.fixture
def billed(world, owner):
    """Terms for A1, A2 and B1; a day of work on each of the world's assignments."""
    for tenant, client in (("tA", "A1"), ("tA", "A2"), ("tB", "B1")):
        terms(owner, world.ids[tenant], world.ids[client])
    for n, (employee, lob) in enumerate((("e1", "A1a"), ("e2", "A1b"), ("e2", "A2a"), ("e3", "A2a"), ("eB", "B1a"))):
        start = datetime(2026, 3, 2 + n, 9, tzinfo=TORONTO)
        entry(owner, world.ids[employee], world.ids[lob], start, start.replace(hour=17))
    return world


SEES = {"admin": {"A1": 16, "A2": 16}, "planner": {"A1": 16}, "adminB": {"B1": 8}}


@pytest.mark.parametrize("who", sorted(SEES))
def test_billable_hours_are_bounded_by_scope(gql, as_runtime, billed, who):
    w = billed
    names = {str(w.ids[c]): c for c in ("A1", "A2", "B1")}
    rows = hours(gql, w.tokens[who], "2026-03-01", "2026-03-31", ["CLIENT"])
    assert {names[r["clientId"]]: r["totalHours"] for r in rows} == SEES[who]
    with as_runtime.caller(w.ids[who]) as conn:
        params = classification_params(datetime(2026, 3, 1).date(), datetime(2026, 3, 31).date(), None, None)
        seen = conn.execute(text(
            "SELECT DISTINCT e.client_id FROM billing.entry_hours(:from, :to, :client, :lob, CAST(:rules AS jsonb),"
            " CAST(:holidays AS jsonb)) h JOIN time_entry e ON e.id = h.entry_id"), params).scalars().all()
        unfiltered = conn.execute(text(
            "SELECT count(*) FROM billing.entry_hours(:from, :to, :client, :lob, CAST(:rules AS jsonb),"
            " CAST(:holidays AS jsonb))"), params).scalar()
    assert {names[str(c)] for c in seen} == set(SEES[who])
    # the definer function itself returns nothing outside the caller's scope
    assert unfiltered == {"admin": 4, "planner": 2, "adminB": 1}[who]


def test_agents_and_client_users_get_no_billable_hours(gql, billed):
    w = billed
    body = gql(HOURS, {"from": "2026-03-01", "to": "2026-03-31"}, token=w.tokens["agent"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = gql(HOURS, {"from": "2026-03-01", "to": "2026-03-31"}, token=w.tokens["portal"])
    assert body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"


def test_a_filter_outside_scope_returns_nothing(gql, billed):
    w = billed
    assert hours(gql, w.tokens["planner"], "2026-03-01", "2026-03-31", client=str(w.A2)) == []
    assert hours(gql, w.tokens["adminB"], "2026-03-01", "2026-03-31", lob=str(w.A1a)) == []


@pytest.mark.parametrize(("first", "last", "code"), [
    ("2026-03-31", "2026-03-01", "END_BEFORE_START"),
    ("2025-01-01", "2026-03-01", "WINDOW_TOO_LONG"),
])
def test_bad_ranges_are_refused(gql, billed, first, last, code):
    body = gql(HOURS, {"from": first, "to": last}, token=billed.tokens["admin"], lang="fr")
    assert body["errors"][0]["extensions"]["code"] == code
    assert body["errors"][0]["message"] != code
