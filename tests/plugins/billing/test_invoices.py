"""Drafting and issuing invoices over HTTP: lines are billable hours, numbers are gapless.

Every refusal comes back coded and localized with nothing written (the owner's
fingerprint of the invoice tables and the audit log is unchanged).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.plugins.billing.helpers import (
    DISCARD,
    DRAFT,
    DRAFT_TABLES,
    INVOICE_TABLES,
    ISSUE,
    draft,
    drafted,
    entry,
    hours,
    issued,
    payload,
    terms,
)

TORONTO = ZoneInfo("America/Toronto")
FIELDS = {"REGULAR": "regular", "OVERTIME": "overtime", "DOUBLE_TIME": "doubleTime", "HOLIDAY": "holiday"}


def at(month: int, day: int, hour: float) -> datetime:
    return datetime(2026, month, day, tzinfo=TORONTO) + timedelta(hours=hour)


@pytest.fixture
def february(world, owner):
    """Client A1 in February 2026: e1 works 50 h on A1a in the week of the 9th (6 h over Ontario's 44)
    and 8 h on Family Day (the 16th); e2 works 45 h on A1b the week of the 23rd, whose own terms
    leave the overtime premium to the BPO."""
    w = world
    terms(owner, w.tA, w.A1, "30.00")
    w.ids["vip"] = terms(owner, w.tA, w.A1, "42.50", lob=w.A1b, payer="bpo")
    for day in range(9, 14):
        entry(owner, w.e1, w.A1a, at(2, day, 8), at(2, day, 18))
    entry(owner, w.e1, w.A1a, at(2, 16, 9), at(2, 16, 17))
    for day in range(23, 28):
        entry(owner, w.e2, w.A1b, at(2, day, 8), at(2, day, 17))
    return w


def test_a_draft_holds_the_billable_hours_of_its_period_by_lob_and_class(gql, february):
    w = february
    invoice = draft(gql, w.tokens["admin"], w.A1, "2026-02-01", "2026-02-28")
    assert (invoice["kind"], invoice["status"], invoice["number"], invoice["currency"]) == (
        "INVOICE", "DRAFT", None, "CAD")
    billed = {(r["lobId"], c): (Decimal(r[f"{name}Hours"]), Decimal(r[f"{name}Amount"]))
              for r in hours(gql, w.tokens["admin"], "2026-02-01", "2026-02-28", ["LOB"], client=str(w.A1))
              for c, name in FIELDS.items()}
    lines = {(x["lobId"], x["hoursClass"]): (Decimal(x["hours"]), Decimal(x["amount"])) for x in invoice["lines"]}
    assert lines == {k: v for k, v in billed.items() if v[0]}
    assert lines == {
        (str(w.A1a), "REGULAR"): (Decimal(44), Decimal("1320.00")),
        (str(w.A1a), "OVERTIME"): (Decimal(6), Decimal("270.00")),      # 6 h x 30.00 x 1.5
        (str(w.A1a), "HOLIDAY"): (Decimal(8), Decimal("360.00")),       # Family Day, 8 h x 30.00 x 1.5
        (str(w.A1b), "REGULAR"): (Decimal(44), Decimal("1870.00")),
        (str(w.A1b), "OVERTIME"): (Decimal(1), Decimal("42.50")),       # the BPO absorbs the premium
    }
    assert Decimal(invoice["total"]) == sum(v[1] for v in lines.values()) == Decimal("3862.50")
    assert invoice["totalText"] == "CA$3,862.50"
    for lang, total in (("en", "CA$3,862.50"), ("fr", "3\u202f862,50\xa0$CA")):
        said = gql("query($id: UUID!) { invoice(id: $id) { total { text } totalText lines { amount { text } } } }",
                   {"id": invoice["id"]}, token=w.tokens["admin"], lang=lang)["data"]["invoice"]
        assert said["total"]["text"] == said["totalText"] == total  # one convention: every Money says itself
        assert {x["amount"]["text"] for x in said["lines"]} >= {"CA$270.00" if lang == "en" else "270,00\xa0$CA"}
    vip = [x for x in invoice["lines"] if x["lobId"] == str(w.A1b)]
    assert {x["termsId"] for x in vip} == {str(w.vip)} and {x["multiplier"] for x in vip} == {"1.00"}


def test_a_lob_with_two_terms_in_the_period_gets_a_line_per_terms(gql, world, owner):
    w = world
    terms(owner, w.tA, w.A1, "30.00", end=date(2026, 3, 16))
    terms(owner, w.tA, w.A1, "33.00", start=date(2026, 3, 16))
    entry(owner, w.e1, w.A1a, at(3, 10, 9), at(3, 10, 16))
    entry(owner, w.e1, w.A1a, at(3, 17, 9), at(3, 17, 12))
    invoice = draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31")
    assert sorted((x["hours"], x["rate"], x["amount"]) for x in invoice["lines"]) == [
        ("3.0000", "33.00", "99.00"), ("7.0000", "30.00", "210.00")]
    [row] = hours(gql, w.tokens["admin"], "2026-03-01", "2026-03-31", ["CLIENT"], client=str(w.A1))
    assert invoice["total"] == row["totalAmount"] == "309.00"


@pytest.mark.parametrize(("worked", "increment", "minutes"), [
    (timedelta(hours=7, seconds=30), 1, 421),                    # half a minute rounds up
    (timedelta(hours=7, seconds=29), 1, 420),
    (timedelta(hours=7, minutes=52, seconds=30), 15, 480),       # 31.5 quarters -> 32
    (timedelta(hours=7, minutes=52, seconds=29), 15, 465),
    (timedelta(hours=7, minutes=3), 6, 426),                     # 70.5 tenths -> 71
    (timedelta(hours=7, minutes=29, seconds=59), 60, 420),
    (timedelta(hours=7, minutes=30), 60, 480),
])
def test_line_hours_round_half_up_to_the_terms_increment(gql, world, owner, worked, increment, minutes):
    w = world
    terms(owner, w.tA, w.A2, "30.00", rounding=increment)
    entry(owner, w.e3, w.A2a, at(3, 3, 9), at(3, 3, 9) + worked)
    [line] = draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31")["lines"]
    assert (line["minutes"], line["roundingMinutes"]) == (minutes, increment)
    assert Decimal(line["hours"]) == (Decimal(minutes) / 60).quantize(Decimal("0.0001"))
    assert Decimal(line["amount"]) == Decimal(minutes) / 2  # 30.00 an hour is 0.50 a minute


def test_a_line_rounded_to_nothing_is_left_out(gql, world, owner):
    w = world
    terms(owner, w.tA, w.A2, "30.00", rounding=60)
    entry(owner, w.e3, w.A2a, at(3, 3, 9), at(3, 3, 9.4))   # 24 minutes: no hour
    result = drafted(gql, w.tokens["admin"], {"client": str(w.A2), "from": "2026-03-01", "to": "2026-03-31"})
    assert [e["code"] for e in result["errors"]] == ["NOTHING_TO_INVOICE"]


def test_amounts_round_half_up_to_cents(gql, world, owner):
    w = world
    terms(owner, w.tA, w.A2, "31.33")
    entry(owner, w.e3, w.A2a, at(3, 3, 9), at(3, 3, 9) + timedelta(minutes=15))
    [line] = draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31")["lines"]
    assert line["amount"] == "7.83"  # 15 x 31.33 / 60 = 7.8325


@pytest.fixture
def billed(world, owner):
    """Terms and a day of March work for A1, A2 and tenant B's B1; a day of February work for A1."""
    w = world
    for tenant, client in (("tA", "A1"), ("tA", "A2"), ("tB", "B1")):
        terms(owner, w.ids[tenant], w.ids[client])
    for n, (employee, lob) in enumerate((("e1", "A1a"), ("e3", "A2a"), ("eB", "B1a"))):
        entry(owner, w.ids[employee], w.ids[lob], at(3, 2 + n, 9), at(3, 2 + n, 17))
    entry(owner, w.e1, w.A1a, at(2, 2, 9), at(2, 2, 17))
    return w


def test_numbers_are_sequential_and_gapless_per_tenant(gql, billed, owner, as_runtime):
    w = billed
    admin, other = w.tokens["admin"], w.tokens["adminB"]
    march_a1 = draft(gql, admin, w.A1, "2026-03-01", "2026-03-31")
    assert issued(gql, admin, march_a1)["number"] == 1
    assert issued(gql, other, draft(gql, other, w.B1, "2026-03-01", "2026-03-31"))["number"] == 1
    # a refused issue takes no number: a draft emptied by hand cannot be issued
    march_a2 = draft(gql, admin, w.A2, "2026-03-01", "2026-03-31")
    owner.execute(text("DELETE FROM invoice_line WHERE invoice_id = :i"), {"i": march_a2["id"]})
    refused = payload(gql, admin, ISSUE, {"id": march_a2["id"]})
    assert [e["code"] for e in refused["errors"]] == ["NOTHING_TO_INVOICE"]
    # nor does an issue rolled back
    february = draft(gql, admin, w.A1, "2026-02-01", "2026-02-28")
    with as_runtime.caller(w.admin) as conn:
        number = conn.execute(text("UPDATE invoice SET status = 'issued' WHERE id = :i RETURNING number"),
                              {"i": february["id"]}).scalar()
        assert number == 2
    assert issued(gql, admin, february)["number"] == 2
    numbers = owner.execute(text("SELECT tenant_id, number FROM invoice WHERE status = 'issued'"
                                 " ORDER BY tenant_id, number")).all()
    by_tenant = defaultdict(list)
    for tenant, n in numbers:
        by_tenant[tenant].append(n)
    assert dict(by_tenant) == {w.tA: [1, 2], w.tB: [1]}


def test_issuing_waits_for_the_tenant_s_previous_issue(billed, gql, as_runtime):
    """Issues of one tenant run one after another: the counter row stays locked until commit."""
    w = billed
    first = draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31")
    second = draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31")
    issue = text("UPDATE invoice SET status = 'issued' WHERE id = :i RETURNING number")
    with as_runtime.caller(w.admin) as one, as_runtime.caller(w.admin) as two:
        assert one.execute(issue, {"i": first["id"]}).scalar() == 1
        two.execute(text("SET LOCAL lock_timeout = '200ms'"))
        with pytest.raises(Exception, match="lock timeout"):
            two.execute(issue, {"i": second["id"]})
        one.commit()
    with as_runtime.caller(w.admin) as conn:
        assert conn.execute(issue, {"i": second["id"]}).scalar() == 2


def refused(gql, owner, token, query, variables, code, field, lang):
    """A refusal: one coded error for ``field``, its message in ``lang``, nothing written (a draft's
    refusal comes from the request, or from its job with no field)."""
    tables = DRAFT_TABLES if query == DRAFT else INVOICE_TABLES
    before = f.fingerprint(owner, tables)
    result = drafted(gql, token, variables, lang) if query == DRAFT else payload(gql, token, query, variables, lang)
    assert [(e["code"], e["field"]) for e in result["errors"]] == [(code, field)], result
    assert f.fingerprint(owner, tables) == before
    return result["errors"][0]["message"]


TODAY = datetime.now(TORONTO).date()
DRAFT_REFUSALS = [
    ({"from": "2026-03-31", "to": "2026-03-01"}, "END_BEFORE_START", "to", "La fin précède le début."),
    ({"from": "2025-02-01", "to": "2026-03-01"}, "WINDOW_TOO_LONG", "to", None),
    ({"from": (TODAY - timedelta(days=3)).isoformat(), "to": TODAY.isoformat()}, "PERIOD_NOT_ENDED", "to",
     "Seule une période terminée peut être facturée : le dernier jour doit précéder aujourd'hui."),
    ({"from": "2026-01-01", "to": "2026-01-31"}, "NOTHING_TO_INVOICE", None,
     "Aucune heure facturable à facturer sur cette période."),
    ({"currency": "XYZ"}, "INVALID_CURRENCY", "currency", "Devise inconnue : XYZ."),
    ({"currency": "USD"}, "NOTHING_TO_INVOICE", None, None),
    ({"client": "B1"}, "NOT_FOUND", "clientId", "Introuvable."),
]


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize(("change", "code", "field", "french"), DRAFT_REFUSALS)
def test_bad_drafts_are_refused(gql, billed, owner, lang, change, code, field, french):
    w = billed
    variables = {"client": str(w.A1), "from": "2026-03-01", "to": "2026-03-31", **change}
    if change.get("client"):
        variables["client"] = str(w.ids[change["client"]])
    message = refused(gql, owner, w.tokens["admin"], DRAFT, variables, code, field, lang)
    assert message != code
    if lang == "fr" and french:
        assert message == french
    if lang == "en":
        assert message != refused(gql, owner, w.tokens["admin"], DRAFT, variables, code, field, "fr")


def test_a_period_billed_in_two_currencies_needs_one_chosen(gql, world, owner):
    w = world
    terms(owner, w.tA, w.A2, "30.00", end=date(2026, 3, 16))
    terms(owner, w.tA, w.A2, "25.00", currency="USD", start=date(2026, 3, 16))
    entry(owner, w.e3, w.A2a, at(3, 10, 9), at(3, 10, 17))
    entry(owner, w.e3, w.A2a, at(3, 17, 9), at(3, 17, 13))
    message = refused(gql, owner, w.tokens["admin"], DRAFT, {"client": str(w.A2), "from": "2026-03-01",
                      "to": "2026-03-31"}, "CURRENCY_REQUIRED", None, "en")
    assert message == "This period was billed in several currencies (CAD, USD): choose one."
    cad = draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31", "CAD")
    usd = draft(gql, w.tokens["admin"], w.A2, "2026-03-01", "2026-03-31", "USD")
    assert (cad["total"], usd["total"]) == ("240.00", "100.00")
    assert {x["currency"] for x in usd["lines"]} == {"USD"}


def test_overlapping_periods_are_refused_by_the_service_and_the_database(gql, billed, owner, as_runtime):
    w = billed
    admin = w.tokens["admin"]
    march = draft(gql, admin, w.A1, "2026-03-01", "2026-03-31")
    overlapping = {"client": str(w.A1), "from": "2026-02-15", "to": "2026-03-05"}
    assert refused(gql, owner, admin, DRAFT, overlapping, "INVOICE_DRAFT_EXISTS", None, "en") == (
        "A draft invoice of this client in this currency already covers some of these dates:"
        " issue or discard it first.")
    issued(gql, admin, march)
    refused(gql, owner, admin, DRAFT, overlapping, "INVOICE_PERIOD_OVERLAP", None, "fr")
    february = draft(gql, admin, w.A1, "2026-02-01", "2026-02-28")  # next to it is fine
    # the database refuses what the service would: a draft overlapping an issued invoice is not issued
    with as_runtime.caller(w.admin) as conn:
        conn.execute(text("UPDATE invoice SET period_to = '2026-03-01' WHERE id = :i"), {"i": february["id"]})
        with pytest.raises(Exception) as raised:
            conn.execute(text("UPDATE invoice SET status = 'issued' WHERE id = :i"), {"i": february["id"]})
        assert raised.value.orig.diag.constraint_name == "invoice_period_overlap"
    with as_runtime.caller(w.admin) as conn:  # nor do two overlapping drafts exist
        with pytest.raises(Exception) as raised:
            conn.execute(text(
                "INSERT INTO invoice (tenant_id, client_id, period_from, period_to, currency)"
                " VALUES (:t, :c, '2026-02-20', '2026-02-21', 'CAD')"), {"t": w.tA, "c": w.A1})
        assert raised.value.orig.diag.constraint_name == "invoice_draft_overlap"


def test_a_draft_is_discarded_with_its_lines(gql, billed, owner):
    w = billed
    march = draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31")
    result = payload(gql, w.tokens["admin"], DISCARD, {"id": march["id"]})
    assert result == {"discardedId": march["id"], "errors": []}
    assert owner.execute(text("SELECT count(*) FROM invoice_line")).scalar() == 0
    assert draft(gql, w.tokens["admin"], w.A1, "2026-03-01", "2026-03-31")["total"] == march["total"]


def test_who_may_draft_and_issue(gql, billed, owner):
    w = billed
    finance = f.user(owner, w.tA, ("finance", w.A1, None))
    manager = f.user(owner, w.tA, ("account_manager", w.A1, None))
    w.tokens["finance"], w.tokens["manager"] = f.token(owner, finance), f.token(owner, manager)
    march = draft(gql, w.tokens["finance"], w.A1, "2026-03-01", "2026-03-31")
    for who in ("manager", "planner", "agent", "supervisor"):
        body = gql(ISSUE, {"id": march["id"]}, token=w.tokens[who])
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", who
    assert issued(gql, w.tokens["finance"], march)["number"] == 1
    # finance of A1 reaches no other client
    result = drafted(gql, w.tokens["finance"], {"client": str(w.A2), "from": "2026-03-01", "to": "2026-03-31"})
    assert [e["code"] for e in result["errors"]] == ["NOT_FOUND"]


def test_invoices_are_listed_by_page_and_filtered(gql, billed):
    w = billed
    admin = w.tokens["admin"]
    ids = [issued(gql, admin, draft(gql, admin, w.A1, "2026-03-01", "2026-03-31"))["id"],
           draft(gql, admin, w.A2, "2026-03-01", "2026-03-31")["id"],
           draft(gql, admin, w.A1, "2026-02-01", "2026-02-28")["id"]]
    page = ("query($after: String, $status: InvoiceStatus, $client: UUID) {"
            " invoices(first: 2, after: $after, status: $status, clientId: $client) {"
            " nodes { id: databaseId } pageInfo { hasNextPage endCursor } } }")
    first = gql(page, {}, token=admin)["data"]["invoices"]
    assert [n["id"] for n in first["nodes"]] == ids[:2] and first["pageInfo"]["hasNextPage"]
    rest = gql(page, {"after": first["pageInfo"]["endCursor"]}, token=admin)["data"]["invoices"]
    assert [n["id"] for n in rest["nodes"]] == ids[2:] and not rest["pageInfo"]["hasNextPage"]
    drafts = gql(page, {"status": "DRAFT", "client": str(w.A1)}, token=admin)["data"]["invoices"]["nodes"]
    assert [n["id"] for n in drafts] == ids[2:]
