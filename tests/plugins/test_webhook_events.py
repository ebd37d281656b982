"""The built-in modules' webhook events, written where their changes happen and delivered to a real
receiver: a schedule published (one event per client of its LOBs), an invoice issued, a client's days
closed, a job finished. A client's endpoint hears only its client."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import text

from switchboard.core.webhooks.dispatcher import Dispatcher
from tests import factories as f
from tests.plugins.billing.helpers import draft, entry, issued, terms
from tests.plugins.scheduling.schedule_helpers import PUBLISH, at, ok, schedule, segment
from tests.plugins.timekeeping.test_ledger import close
from tests.webhooks import receiver, register

TYPES = ("scheduling.schedule.published", "billing.invoice.issued", "timekeeping.period.closed", "job.finished")


def test_the_built_in_events_reach_the_endpoints_of_their_client(runtime, world, owner, gql):
    runtime.settings = replace(runtime.settings, webhook_allow_private=True)
    types = gql("{ webhookEventTypes { name } }", token=world.tokens["admin"])["data"]["webhookEventTypes"]
    assert set(TYPES) <= {t["name"] for t in types}
    with receiver() as a1_hook, receiver() as everything:
        register(gql, world, a1_hook.url, types=TYPES, client=world.A1)
        register(gql, world, everything.url, types=TYPES)
        # a schedule on a LOB of each client, published: one event per client, naming its LOBs only
        week = schedule(owner, world.tA, [world.A1a, world.A2a])
        segment(owner, week, world.e1, world.A1a, at(1, 9))
        segment(owner, week, world.e3, world.A2a, at(1, 9))
        ok(gql, world, PUBLISH, {"id": str(week)})
        # an invoice of A1 drafted (a job) and issued by finance of A1 (events of the clients one acts on)
        finance = f.token(owner, f.user(owner, world.tA, ("finance", world.A1, None)))
        terms(owner, world.tA, world.A1, "30.00")
        entry(owner, world.e1, world.A1a, datetime(2026, 3, 2, 14, tzinfo=UTC), datetime(2026, 3, 2, 18, tzinfo=UTC))
        invoice = issued(gql, finance, draft(gql, finance, world.A1, "2026-03-01", "2026-03-31"))
        # A2's days closed
        assert close(gql, world, world.A2, "2026-03-31")["errors"] == []
        Dispatcher(runtime).run_once()
        by_type = lambda hook: {(b["type"], b["clientId"]): b["data"] for b in hook.bodies()}  # noqa: E731
        seen = by_type(everything)
        assert set(seen) == {("scheduling.schedule.published", str(world.A1)),
                             ("scheduling.schedule.published", str(world.A2)),
                             ("job.finished", str(world.A1)), ("billing.invoice.issued", str(world.A1)),
                             ("timekeeping.period.closed", str(world.A2))}
        assert seen["scheduling.schedule.published", str(world.A2)] == {
            "scheduleId": str(week), "weekStart": "2027-03-01", "lobIds": [str(world.A2a)],
            "publishedBy": str(world.admin)}
        assert seen["billing.invoice.issued", str(world.A1)] | {"total": None} == {
            "invoiceId": invoice["id"], "kind": "INVOICE", "number": 1, "clientId": str(world.A1),
            "periodFrom": "2026-03-01", "periodTo": "2026-03-31", "currency": "CAD", "total": None,
            "creditsId": None, "issuedBy": seen["billing.invoice.issued", str(world.A1)]["issuedBy"]}
        assert seen["billing.invoice.issued", str(world.A1)]["total"] == invoice["total"] == "120.00"
        assert seen["timekeeping.period.closed", str(world.A2)]["closedThrough"] == "2026-03-31"
        assert seen["job.finished", str(world.A1)]["kind"] == "billing.invoice_draft"
        assert set(by_type(a1_hook)) == {("scheduling.schedule.published", str(world.A1)),
                                         ("job.finished", str(world.A1)), ("billing.invoice.issued", str(world.A1))}
        assert by_type(a1_hook)["scheduling.schedule.published", str(world.A1)]["lobIds"] == [str(world.A1a)]
    assert owner.execute(text("SELECT count(*) FROM webhook_delivery WHERE state = 'delivered'")).scalar() == 8
