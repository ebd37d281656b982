"""Billing's demo rows: commercial terms for every demo client.

Each client has terms in its currency from before the ledger's year on; some show
what terms can say: RetailCo raised its rate on 1 July and pays a premium rate
for its escalations LOB, Banque Boréale pays for training and more for fraud
work, Maple Mobile leaves overtime premiums to the BPO, some clients round each
line to 6 or 15 minutes. Generated clients (``large``) get rates drawn from the
seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection

from switchboard.core.demo.builder import load_rows
from switchboard.core.demo.model import Client, DemoResult

STANDARD = ("handling", "after_contact_work", "available")
RATE_RANGE = {"CAD": (30, 42), "USD": (27, 38), "EUR": (25, 34), "GBP": (22, 30)}
COLUMNS = ("id", "tenant_id", "client_id", "lob_id", "valid_during", "billable_activities", "bill_rate", "currency",
           "premium_payer", "rounding_minutes")


@dataclass(frozen=True)
class TermsSpec:
    """One client's demo terms; ``raise_on``: a new rate from that day; ``lobs``: LOB code -> rate."""

    rate: str
    activities: tuple[str, ...] = STANDARD
    premium_payer: str = "client"
    rounding: int = 1
    raise_on: date | None = None
    raised_rate: str | None = None
    lobs: dict[str, str] = field(default_factory=dict)


NAMED = {
    "RETAILCO": TermsSpec("34.50", raise_on=date(2026, 7, 1), raised_rate="36.00", lobs={"L2-ESC-EN": "44.00"}),
    "BOREALE": TermsSpec("38.00", activities=(*STANDARD, "training"), lobs={"FRAUDE-FR": "46.00"}),
    "LONESTAR": TermsSpec("31.00", activities=(*STANDARD, "training"), rounding=6),
    "AURORA": TermsSpec("29.50", rounding=15),
    "PACCREST": TermsSpec("33.00"),
    "MAPLEMOBILE": TermsSpec("32.00", premium_payer="bpo"),
    "TIDEWATER": TermsSpec("30.00", rounding=6),
}


def add_demo_terms(conn: Connection, demo: DemoResult) -> int:
    """Write every demo client's terms on ``conn`` (owner); returns how many."""
    rng = random.Random(f"{demo.seed}:billing")
    since = demo.anchor - timedelta(days=400)
    rows = []
    for client in demo.clients:
        spec = NAMED.get(client.code) or _generated(rng, client)
        lobs = {lob.code: lob.id for lob in demo.lobs_of(client)}
        periods = [(None, since, spec.raise_on, spec.rate)]
        if spec.raise_on:
            periods.append((None, spec.raise_on, None, spec.raised_rate))
        periods += [(lobs[code], since, None, rate) for code, rate in spec.lobs.items()]
        rows += [(demo.id_for("billing_terms", client.code, lob_id, start), demo.tenant_id, client.id, lob_id,
                  f"[{start},{end or ''})", list(spec.activities), Decimal(rate), client.currency,
                  spec.premium_payer, spec.rounding) for lob_id, start, end, rate in periods]
    load_rows(conn, "billing_terms", COLUMNS, rows, copy=False)
    return len(rows)


def _generated(rng: random.Random, client: Client) -> TermsSpec:
    low, high = RATE_RANGE.get(client.currency, (28, 40))
    return TermsSpec(f"{rng.uniform(low, high):.2f}", premium_payer=rng.choice(("client", "client", "bpo")),
                     rounding=rng.choice((1, 1, 6, 15)))
