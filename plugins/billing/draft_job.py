"""The ``billing.invoice_draft`` job: ``draftInvoice`` checks what it can without counting the
hours and queues the draft; the job counts, prices and writes it as the requester.

Parameters: ``{"clientId", "from", "to": ISO dates, "currency": code or null}``; the job is
about the client's LOBs (staff who see them all see it). Result: ``invoiceId``. A refusal
found while drafting (``NOTHING_TO_INVOICE``, ``CURRENCY_REQUIRED``, ``INVOICE_DRAFT_EXISTS``,
``INVOICE_PERIOD_OVERLAP``, ``INVOICE_TOO_LARGE``) fails the job with its code.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.identity.caller import Caller
from switchboard.core.jobs import service as jobs
from switchboard.core.jobs.worker import JobContext

from . import invoices

KIND = "billing.invoice_draft"
TIME_LIMIT_SECONDS = 3600


async def queue_draft(db: DbSession, caller: Caller, client_id: UUID, first: date, last: date,
                      currency: str | None = None) -> Any:
    """Queue the draft once :func:`.invoices.check_draft` passes; the job's row."""
    lobs = await invoices.check_draft(db, caller, client_id, first, last, currency)
    params = {"clientId": str(client_id), "from": first.isoformat(), "to": last.isoformat(), "currency": currency}
    return await jobs.enqueue(db, caller, KIND, params, lob_ids=lobs, time_limit_seconds=TIME_LIMIT_SECONDS)


async def draft(ctx: JobContext) -> dict[str, Any]:
    """The job handler (see the module's doc)."""
    p = ctx.params
    ctx.progress(force=True, phase="drafting")
    async with ctx.acting() as (db, caller):
        row = await invoices.draft_invoice(db, caller, UUID(p["clientId"]), date.fromisoformat(p["from"]),
                                           date.fromisoformat(p["to"]), p["currency"])
    return {"invoiceId": str(row.id)}
