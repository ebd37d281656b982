"""Who sees and writes which invoices: through GraphQL and raw SQL as the runtime role."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.plugins.billing.helpers import DRAFT, draft, entry, issued, payload, terms

TORONTO = ZoneInfo("America/Toronto")
LIST = "{ invoices(first: 100) { nodes { id: databaseId } } }"


@pytest.fixture
def invoices(world, owner, gql):
    """Issued March invoices of A1, A2 and B1 (tenant B); draft February invoices of A1 and A2."""
    w = world
    for tenant, client in (("tA", "A1"), ("tA", "A2"), ("tB", "B1")):
        terms(owner, w.ids[tenant], w.ids[client])
    for n, (employee, lob) in enumerate((("e1", "A1a"), ("e3", "A2a"), ("eB", "B1a"))):
        entry(owner, w.ids[employee], w.ids[lob], datetime(2026, 3, 2 + n, 9, tzinfo=TORONTO),
              datetime(2026, 3, 2 + n, 17, tzinfo=TORONTO))
    for employee, lob in (("e1", "A1a"), ("e3", "A2a")):
        entry(owner, w.ids[employee], w.ids[lob], datetime(2026, 2, 2, 9, tzinfo=TORONTO),
              datetime(2026, 2, 2, 17, tzinfo=TORONTO))
    ids = {}
    for who, client in (("admin", "A1"), ("admin", "A2"), ("adminB", "B1")):
        ids[client] = issued(gql, w.tokens[who], draft(gql, w.tokens[who], w.ids[client], "2026-03-01",
                                                       "2026-03-31"))["id"]
    for client in ("A1", "A2"):
        ids[f"{client} draft"] = draft(gql, w.tokens["admin"], w.ids[client], "2026-02-01", "2026-02-28")["id"]
    return ids


SEES = {
    "admin": {"A1", "A2", "A1 draft", "A2 draft"},
    "planner": {"A1", "A1 draft"},     # a workforce planner granted client A1 reads its invoices
    "adminB": {"B1"},
}


@pytest.mark.parametrize("who", sorted(SEES))
def test_each_caller_sees_exactly_their_clients_invoices(gql, as_runtime, world, invoices, who):
    names = {v: k for k, v in invoices.items()}
    listed = gql(LIST, token=world.tokens[who])["data"]["invoices"]["nodes"]
    assert {names[n["id"]] for n in listed} == SEES[who]
    for name, invoice_id in invoices.items():
        one = gql("query($id: UUID!) { invoice(id: $id) { id lines { amount { amount } } }"
                  " invoiceCsv(id: $id) { filename } }",
                  {"id": invoice_id}, token=world.tokens[who])["data"]
        assert (one["invoice"] is not None, one["invoiceCsv"] is not None) == (name in SEES[who],) * 2, name
    with as_runtime.caller(world.ids[who]) as conn:
        raw = set(conn.execute(text("SELECT id FROM invoice")).scalars())
        lines = set(conn.execute(text("SELECT DISTINCT invoice_id FROM invoice_line")).scalars())
    assert {names[str(i)] for i in raw} == {names[str(i)] for i in lines} == SEES[who]


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_agents_and_lob_supervisors_see_no_invoice(gql, as_runtime, world, invoices, who):
    body = gql(LIST, token=world.tokens[who])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = gql("query($id: UUID!) { invoiceCsv(id: $id) { content } }", {"id": invoices["A2"]},
               token=world.tokens[who])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with as_runtime.caller(world.ids[who]) as conn:
        assert conn.execute(text("SELECT count(*) FROM invoice")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM invoice_line")).scalar() == 0


def test_a_client_user_reads_only_its_own_issued_invoices(gql, as_runtime, world, invoices):
    body = gql(LIST, token=world.tokens["portal"])
    assert body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"
    with as_runtime.caller(world.portal) as conn:  # what the portal schema will read: A1's issued invoice only
        raw = set(conn.execute(text("SELECT id FROM invoice")).scalars())
        lines = set(conn.execute(text("SELECT DISTINCT invoice_id FROM invoice_line")).scalars())
        assert conn.execute(text("DELETE FROM invoice_line")).rowcount == 0  # and writes none
    assert {str(i) for i in raw} == {str(i) for i in lines} == {invoices["A1"]}


def test_nobody_writes_invoices_outside_their_scope(gql, as_runtime, world, owner, invoices):
    before = f.fingerprint(owner, ("invoice", "invoice_line", "audit_event"))
    body = gql(DRAFT, {"client": str(world.A1), "from": "2026-01-01", "to": "2026-01-31"},
               token=world.tokens["planner"])
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    result = payload(gql, world.tokens["adminB"], DRAFT, {"client": str(world.A1), "from": "2026-01-01",
                                                         "to": "2026-01-31"})
    assert [e["code"] for e in result["errors"]] == ["NOT_FOUND"]
    result = payload(gql, world.tokens["adminB"], "mutation($id: UUID!) { discardDraft(id: $id) {"
                     " discardedId errors { code } } }", {"id": invoices["A1 draft"]})
    assert result == {"discardedId": None, "errors": [{"code": "NOT_FOUND"}]}
    for who in ("planner", "adminB", "agent"):
        with as_runtime.caller(world.ids[who]) as conn:
            assert conn.execute(text("DELETE FROM invoice_line WHERE client_id = :c"), {"c": world.A2}).rowcount == 0
            assert conn.execute(text("UPDATE invoice SET period_to = period_from WHERE status = 'draft'"
                                     " AND client_id = :c"), {"c": world.A2}).rowcount == 0
    with as_runtime.caller(world.planner) as conn, pytest.raises(Exception, match="row-level security"):
        conn.execute(text("INSERT INTO invoice (tenant_id, client_id, period_from, period_to, currency)"
                          " VALUES (:t, :c, '2026-01-01', '2026-01-31', 'CAD')"), {"t": world.tA, "c": world.A2})
    assert f.fingerprint(owner, ("invoice", "invoice_line", "audit_event")) == before
