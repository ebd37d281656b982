"""Invoice services: draft a client's period, issue it, correct it with credit notes.

A draft's lines come from the billable-hours statement grouped by LOB and terms:
one line per LOB × terms × class (regular, overtime, double time, holiday) with
worked time. A line's minutes are its seconds rounded **half up to the nearest
multiple of the terms' rounding increment** (7 min 30 s at 15 → 15; 7 min 29 s → 0,
and a line rounded to nothing is left out); its amount is minutes × rate ×
multiplier / 60 rounded half up to cents, the multiplier being 1 when the BPO
absorbs the premium (the rule of ``billableHours``). Rate, multiplier and rounding
are copied onto the line: an issued invoice never changes, even if its terms do.

Issuing stamps the tenant's next number (the database's trigger does it, gapless
and sequential). A correction found later is credited, never edited: a credit note
holds, per line, the difference between the line as invoiced (net of earlier
credit notes) and the same line recomputed now, where the recomputation is lower,
priced with the invoice's own rate and multiplier; a full credit note reverses
what is left of every line. Everything runs as the caller, so row security bounds
it to the clients they may bill.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, PageRequest
from switchboard.core.db.pages import Where, filtered_page
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.scope import validation as sv
from switchboard.core.webhooks.events import emit

from .permissions import INVOICE_ISSUE, INVOICE_MANAGE, INVOICE_READ
from .service import (
    CLASSES,
    MAX_ROWS,
    Group,
    billable_hours_sql,
    check_range,
    classification_params,
)

INVOICE_ISSUED = "billing.invoice.issued"  # webhook event

CENT = Decimal("0.01")
COLUMNS = (
    "id, tenant_id, client_id, kind, credits, period_from, period_to, currency, status, number, total,"
    " drafted_by, issued_at, issued_by, created_at, billing.creditable(tenant_id, id) AS creditable"
)
LINE_COLUMNS = (
    "id, invoice_id, client_id, lob_id, terms_id, class AS hours_class, minutes, hours, rounding_minutes, rate,"
    " multiplier, amount, currency"
)

# every class of every LOB × terms group, with the seconds worked and the class's multiplier
WORKED = (
    f"WITH b AS ({billable_hours_sql([Group.LOB], by_terms=True)})"
    " SELECT b.lob_id, b.terms_id, b.currency, c.hours_class, c.seconds, t.bill_rate AS rate, c.multiplier,"
    " t.rounding_minutes FROM b JOIN billing_terms t ON t.id = b.terms_id"
    " CROSS JOIN LATERAL (VALUES "
    + ", ".join(f"('{name}', b.{name}_seconds, {multiplier})" for name, multiplier in CLASSES.items())
    + ") AS c(hours_class, seconds, multiplier) WHERE c.seconds > 0 ORDER BY b.lob_id, b.terms_id"
)


@dataclass(frozen=True)
class Line:
    """One priced line: ``minutes`` of ``hours_class`` on a LOB under some terms."""

    lob_id: UUID
    terms_id: UUID
    hours_class: str
    currency: str
    rate: Decimal
    multiplier: Decimal
    rounding_minutes: int
    minutes: int
    amount: Decimal


def round_minutes(seconds: Decimal, increment: int) -> int:
    """Seconds as minutes, rounded half up to the nearest multiple of ``increment`` minutes."""
    steps = (Decimal(seconds) / (60 * increment)).quantize(Decimal(1), ROUND_HALF_UP)
    return int(steps) * increment


def line_amount(minutes: int, rate: Decimal, multiplier: Decimal) -> Decimal:
    """``minutes`` × ``rate`` × ``multiplier`` / 60, rounded half up to cents."""
    return (Decimal(minutes) * rate * multiplier / 60).quantize(CENT, ROUND_HALF_UP)


# --- reads -----------------------------------------------------------------------------


async def get_invoice(db: DbSession, invoice_id: UUID, field: str = "id") -> Any:
    """A visible invoice or credit note, or ``NOT_FOUND``."""
    return await db.first_or_not_found(f"SELECT {COLUMNS} FROM invoice WHERE id = :id", {"id": invoice_id}, field)


async def invoices_by_ids(db: DbSession, ids: list[UUID]) -> list[Any]:
    """Visible invoices and credit notes among ``ids``."""
    return await db.all(f"SELECT {COLUMNS} FROM invoice WHERE id = ANY(:ids)", {"ids": list(ids)})


async def credit_notes_of(db: DbSession, ids: list[UUID]) -> list[Any]:
    """Visible credit notes of these invoices, oldest first."""
    return await db.all(f"SELECT {COLUMNS} FROM invoice WHERE credits = ANY(:ids) ORDER BY created_at, id",
                        {"ids": list(ids)})


async def invoice_with_lines(db: DbSession, caller: Caller, invoice_id: UUID) -> tuple[Any, list[Any]] | None:
    """A visible invoice or credit note and its lines (None when it is not visible)."""
    caller.require_somewhere(INVOICE_READ)
    found = await invoices_by_ids(db, [invoice_id])
    return (found[0], await lines_of(db, [invoice_id])) if found else None


async def lines_of(db: DbSession, ids: list[UUID]) -> list[Any]:
    """Visible lines of these invoices, by LOB, terms and class."""
    return await db.all(f"SELECT {LINE_COLUMNS} FROM invoice_line WHERE invoice_id = ANY(:ids)"
                        " ORDER BY invoice_id, lob_id, terms_id, array_position(:classes, class)",
                        {"ids": list(ids), "classes": list(CLASSES)})


async def invoices_page(db: DbSession, caller: Caller, client_id: UUID | None, status: str | None,
                        kind: str | None, window: PageRequest, cap: int) -> Fetched:
    """One page of visible invoices by creation."""
    caller.require_somewhere(INVOICE_READ)
    return await filtered_page(db, f"SELECT {COLUMNS} FROM invoice", ["created_at", "id"], window, cap,
                               Where().equal_each({"client_id": client_id, "status": status, "kind": kind}))


async def worked_lines(db: DbSession, client_id: UUID, first: date, last: date) -> list[Any]:
    """Seconds worked per LOB × terms × class of a client's work dates ``[first, last]``, unrounded
    (``INVOICE_TOO_LARGE`` past the statement's row cap, rather than an invoice missing lines)."""
    rows = await db.all(WORKED, classification_params(first, last, client_id, None))
    if len({(r.lob_id, r.terms_id) for r in rows}) > MAX_ROWS:
        raise UserError("INVOICE_TOO_LARGE", "to", max=MAX_ROWS)
    return rows


def priced(rows: list[Any]) -> list[Line]:
    """Worked seconds as lines rounded by their terms' increment; lines rounded to nothing dropped."""
    lines = []
    for r in rows:
        minutes = round_minutes(r.seconds, r.rounding_minutes)
        if minutes:
            lines.append(Line(r.lob_id, r.terms_id, r.hours_class, r.currency, r.rate, r.multiplier,
                              r.rounding_minutes, minutes, line_amount(minutes, r.rate, r.multiplier)))
    return lines


# --- writes ----------------------------------------------------------------------------


async def _insert(db: DbSession, caller: Caller, source: Any, lines: list[Line], kind: str = "invoice",
                  credits: UUID | None = None) -> Any:
    """A draft of ``source``'s client, period and currency holding ``lines``, with its total."""
    invoice = await db.first(
        "INSERT INTO invoice (tenant_id, client_id, kind, credits, period_from, period_to, currency, total,"
        " drafted_by) VALUES (:t, :c, :kind, :credits, :f, :to, :cur, :total, :by) RETURNING id",
        {"t": caller.tenant_id, "c": source.client_id, "kind": kind, "credits": credits, "f": source.period_from,
         "to": source.period_to, "cur": source.currency, "total": sum((x.amount for x in lines), Decimal(0)),
         "by": caller.user_id},
    )
    await db.execute(
        "INSERT INTO invoice_line (tenant_id, client_id, invoice_id, lob_id, terms_id, class, minutes,"
        " rounding_minutes, rate, multiplier, amount, currency)"
        " SELECT :t, :c, :i, l.lob, l.terms, l.class, l.minutes, l.rounding, l.rate, l.multiplier, l.amount, :cur"
        " FROM unnest(CAST(:lobs AS uuid[]), CAST(:terms AS uuid[]), CAST(:classes AS text[]),"
        " CAST(:minutes AS integer[]), CAST(:roundings AS integer[]), CAST(:rates AS numeric[]),"
        " CAST(:multipliers AS numeric[]), CAST(:amounts AS numeric[]))"
        " AS l(lob, terms, class, minutes, rounding, rate, multiplier, amount)",
        {"t": caller.tenant_id, "c": source.client_id, "i": invoice.id, "cur": source.currency,
         "lobs": [x.lob_id for x in lines], "terms": [x.terms_id for x in lines],
         "classes": [x.hours_class for x in lines], "minutes": [x.minutes for x in lines],
         "roundings": [x.rounding_minutes for x in lines], "rates": [x.rate for x in lines],
         "multipliers": [x.multiplier for x in lines], "amounts": [x.amount for x in lines]},
    )
    return await get_invoice(db, invoice.id)


@dataclass(frozen=True)
class Period:
    """What a draft invoice covers: a client's work dates ``[period_from, period_to]`` in one currency."""

    client_id: UUID
    period_from: date
    period_to: date
    currency: str


def _one_currency(lines: list[Line], wanted: str | None) -> str:
    """The currency to invoice: ``wanted``, or the only one worked (``CURRENCY_REQUIRED`` when several)."""
    if wanted is not None:
        return wanted
    found = sorted({x.currency for x in lines})
    if len(found) > 1:
        raise UserError("CURRENCY_REQUIRED", "currency", currencies=", ".join(found))
    if not found:
        raise UserError("NOTHING_TO_INVOICE", "to")
    return found[0]


async def check_draft(db: DbSession, caller: Caller, client_id: UUID, first: date, last: date,
                      currency: str | None = None) -> list[UUID]:
    """What can be refused before counting the hours: the range, the currency, the client (visible,
    the caller may bill it) and an ended period; the client's visible LOBs."""
    caller.require_somewhere(INVOICE_MANAGE)
    check_range(first, last)
    if currency is not None:
        sv.currency(currency, "currency")
    client = await db.first_or_not_found(
        "SELECT id, (now() AT TIME ZONE timezone)::date AS today FROM client WHERE id = :id",
        {"id": client_id}, "clientId")
    caller.require(INVOICE_MANAGE, client_id)
    if last >= client.today:
        raise UserError("PERIOD_NOT_ENDED", "to")
    return [r.id for r in await db.all("SELECT id FROM lob WHERE client_id = :c ORDER BY id", {"c": client_id})]


async def draft_invoice(db: DbSession, caller: Caller, client_id: UUID, first: date, last: date,
                        currency: str | None = None) -> Any:
    """Draft the invoice of a client's ended period in one currency (the only one worked unless given)."""
    await check_draft(db, caller, client_id, first, last, currency)
    lines = priced(await worked_lines(db, client_id, first, last))
    currency = _one_currency(lines, currency)
    lines = [x for x in lines if x.currency == currency]
    if not lines:
        raise UserError("NOTHING_TO_INVOICE", "to")
    clash = await db.first(
        "SELECT status FROM invoice WHERE client_id = :c AND currency = :cur AND kind = 'invoice'"
        " AND daterange(period_from, period_to, '[]') && daterange(:f, :t, '[]')"
        " AND (status = 'draft' OR billing.creditable(tenant_id, id) > 0)"
        " ORDER BY status = 'issued' DESC LIMIT 1",
        {"c": client_id, "cur": currency, "f": first, "t": last},
    )
    if clash is not None:
        raise UserError("INVOICE_PERIOD_OVERLAP" if clash.status == "issued" else "INVOICE_DRAFT_EXISTS", "from")
    return await _insert(db, caller, Period(client_id, first, last, currency), lines)


async def _editable(db: DbSession, caller: Caller, invoice_id: UUID, permission: str) -> Any:
    """A visible draft the caller may act on with ``permission`` (``INVOICE_ISSUED`` once issued)."""
    caller.require_somewhere(permission)
    invoice = await get_invoice(db, invoice_id)
    caller.require(permission, invoice.client_id)
    if invoice.status == "issued":
        raise UserError("INVOICE_ISSUED", "id")
    return invoice


async def discard_draft(db: DbSession, caller: Caller, invoice_id: UUID) -> UUID:
    """Delete a draft invoice or credit note with its lines."""
    invoice = await _editable(db, caller, invoice_id, INVOICE_MANAGE)
    await db.execute("DELETE FROM invoice_line WHERE invoice_id = :id", {"id": invoice.id})
    await db.execute("DELETE FROM invoice WHERE id = :id", {"id": invoice.id})
    return invoice.id


async def issue(db: DbSession, caller: Caller, invoice_id: UUID) -> Any:
    """Issue a draft invoice or credit note: the database numbers it, totals it and checks
    it against what is already issued (overlapping periods, what is left to credit)."""
    invoice = await _editable(db, caller, invoice_id, INVOICE_ISSUE)
    await db.execute("UPDATE invoice SET status = 'issued' WHERE id = :id", {"id": invoice.id})
    issued = await get_invoice(db, invoice.id)
    await emit(db, caller.tenant_id, INVOICE_ISSUED, {
        "invoiceId": str(issued.id), "kind": issued.kind.upper(), "number": issued.number,
        "clientId": str(issued.client_id), "periodFrom": issued.period_from.isoformat(),
        "periodTo": issued.period_to.isoformat(), "currency": issued.currency, "total": str(issued.total),
        "creditsId": issued.credits and str(issued.credits), "issuedBy": str(caller.user_id)}, issued.client_id)
    return issued


async def _net_lines(db: DbSession, invoice_id: UUID) -> list[Any]:
    """The invoice's lines net of its issued credit notes, where something is left."""
    return await db.all(
        "SELECT l.lob_id, l.terms_id, l.class AS hours_class, l.currency, l.rate, l.multiplier,"
        " min(l.rounding_minutes) AS rounding_minutes, sum(l.minutes) AS minutes, sum(l.amount) AS amount"
        " FROM invoice_line l JOIN invoice i ON i.tenant_id = l.tenant_id AND i.id = l.invoice_id"
        " WHERE i.id = :id OR (i.credits = :id AND i.status = 'issued')"
        " GROUP BY l.lob_id, l.terms_id, l.class, l.currency, l.rate, l.multiplier HAVING sum(l.minutes) > 0",
        {"id": invoice_id},
    )


async def draft_credit_note(db: DbSession, caller: Caller, invoice_id: UUID, full: bool) -> Any:
    """Draft a credit note of an issued invoice: all that is left of it (``full``), or what
    recomputing its period now finds lower, line by line."""
    caller.require_somewhere(INVOICE_MANAGE)
    invoice = await get_invoice(db, invoice_id, "invoiceId")
    caller.require(INVOICE_MANAGE, invoice.client_id)
    if invoice.kind != "invoice":
        raise UserError("NOT_AN_INVOICE", "invoiceId")
    if invoice.status != "issued":
        raise UserError("INVOICE_NOT_ISSUED", "invoiceId")
    if await db.scalar("SELECT EXISTS (SELECT 1 FROM invoice WHERE credits = :id AND status = 'draft')",
                       {"id": invoice.id}):
        raise UserError("CREDIT_NOTE_DRAFT_EXISTS", "invoiceId")
    now: dict[tuple[UUID, UUID, str], Decimal] = {}
    if not full:
        for r in await worked_lines(db, invoice.client_id, invoice.period_from, invoice.period_to):
            if r.currency == invoice.currency:
                now[(r.lob_id, r.terms_id, r.hours_class)] = r.seconds
    credits = []
    for n in await _net_lines(db, invoice.id):
        minutes = round_minutes(now.get((n.lob_id, n.terms_id, n.hours_class), Decimal(0)), n.rounding_minutes)
        if minutes < n.minutes:
            credits.append(Line(n.lob_id, n.terms_id, n.hours_class, n.currency, n.rate, n.multiplier,
                                n.rounding_minutes, minutes - n.minutes,
                                line_amount(minutes, n.rate, n.multiplier) - n.amount))
    if not credits:
        raise UserError("NOTHING_TO_CREDIT", "invoiceId")
    return await _insert(db, caller, invoice, credits, kind="credit_note", credits=invoice.id)
