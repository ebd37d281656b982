"""The webhook dispatcher: claims due deliveries, signs and sends them, records each attempt.

It runs beside the job worker (the same ``switchboard worker`` process, or the threads
``switchboard serve`` starts), as the owner, and any number of dispatchers share the
queue: a claim takes due deliveries with ``FOR UPDATE SKIP LOCKED`` and leases them
(their next attempt moves past the send's timeout) before sending. An answer in the 2xx
range delivers; anything else (another status, no answer, a refused address) is retried
after ``webhook_retry_seconds`` doubling at each attempt, until ``webhook_max_attempts``
attempts have failed: the delivery is then ``failed``. Each attempt is appended to the
delivery's log. A delivery to an endpoint deactivated meanwhile fails without a request.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import text

from switchboard.core.db.wakeup import Wakeup

from .sender import TIMEOUT_SECONDS, Outcome, post
from .signing import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signature

log = logging.getLogger("switchboard.webhooks")

CHANNEL = "switchboard_webhook"
BATCH = 20
SENDERS = 4
LEASE_SECONDS = TIMEOUT_SECONDS * 6
MAX_DELAY_SECONDS = 6 * 3600
USER_AGENT = "Switchboard-Webhooks/1"

CLAIM = text("""
WITH due AS (
    SELECT tenant_id, id FROM webhook_delivery
     WHERE state = 'pending' AND next_attempt_at <= now()
     ORDER BY next_attempt_at, id LIMIT :batch FOR UPDATE SKIP LOCKED
)
UPDATE webhook_delivery d
   SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => :lease)
  FROM due, webhook_endpoint p, webhook_event e
 WHERE d.tenant_id = due.tenant_id AND d.id = due.id
   AND p.tenant_id = d.tenant_id AND p.id = d.endpoint_id AND e.tenant_id = d.tenant_id AND e.id = d.event_id
RETURNING d.id, d.tenant_id, d.attempts, p.url, p.secret_enc, p.active,
          e.id AS event_id, e.event_type, e.client_id, e.payload, e.created_at AS occurred_at""")
RECORD = text("""
UPDATE webhook_delivery
   SET state = :state, last_status = :status, last_error = :error,
       delivered_at = CASE WHEN :state = 'delivered' THEN now() END,
       next_attempt_at = CASE WHEN :state = 'pending' THEN now() + make_interval(secs => :delay)
                              ELSE next_attempt_at END,
       attempt_log = attempt_log || jsonb_build_array(jsonb_build_object(
           'at', now(), 'status', CAST(:status AS integer), 'error', CAST(:error AS text), 'milliseconds', :ms))
 WHERE tenant_id = :tenant AND id = :id""")
NEXT_DUE = text("SELECT extract(epoch FROM min(next_attempt_at) - now()) FROM webhook_delivery WHERE state = 'pending'")


def body_of(delivery: Any) -> bytes:
    """The JSON a receiver gets: the event's id, type, time, tenant, client and data."""
    envelope = {"id": str(delivery.event_id), "type": delivery.event_type,
                "occurredAt": delivery.occurred_at.astimezone(UTC).isoformat(),
                "tenantId": str(delivery.tenant_id),
                "clientId": None if delivery.client_id is None else str(delivery.client_id),
                "data": delivery.payload}
    return json.dumps(envelope, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(base_seconds: float, attempts: int) -> float:
    """Seconds before the next try once ``attempts`` have failed: the base, doubled each time, capped."""
    return min(base_seconds * 2 ** (attempts - 1), MAX_DELAY_SECONDS)


@dataclass(frozen=True)
class Attempt:
    """One claimed delivery and what sending it got."""

    delivery: Any
    outcome: Outcome


class Dispatcher:
    """Delivers the webhook queue of one database."""

    def __init__(self, runtime: Any, *, poll_seconds: float = 5.0) -> None:
        self.runtime = runtime
        self.poll_seconds = poll_seconds
        settings = runtime.settings
        self.max_attempts = settings.webhook_max_attempts
        self.retry_seconds = settings.webhook_retry_seconds
        self.allow_private = settings.webhook_allow_private

    def run_once(self) -> int:
        """Claim the due deliveries (a batch), send them, record the outcomes; how many were tried."""
        with self.runtime.owner.begin() as conn:
            claimed = conn.execute(CLAIM, {"batch": BATCH, "lease": LEASE_SECONDS}).all()
        if not claimed:
            return 0
        with ThreadPoolExecutor(max_workers=min(SENDERS, len(claimed))) as pool:
            attempts = list(pool.map(self._send, claimed))
        with self.runtime.owner.begin() as conn:
            conn.execute(RECORD, [self._record(a) for a in attempts])
        return len(attempts)

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, waking on new deliveries (LISTEN), when the next retry is
        due, or every ``poll_seconds``."""
        wakeup = Wakeup(self.runtime.database, CHANNEL, "switchboard-webhooks")
        try:
            while not stop.is_set():
                try:
                    while not stop.is_set() and self.run_once():
                        pass
                    timeout = self._next_due()
                except Exception:  # the database went away: wait, then try again
                    log.exception("webhook dispatcher could not claim deliveries")
                    timeout = self.poll_seconds
                wakeup.wait(timeout, stop)
        finally:
            wakeup.close()

    def _next_due(self) -> float:
        with self.runtime.owner.connect() as conn:
            due = conn.execute(NEXT_DUE).scalar()
        return self.poll_seconds if due is None else max(0.0, min(float(due), self.poll_seconds))

    def _send(self, delivery: Any) -> Attempt:
        if not delivery.active:
            return Attempt(delivery, Outcome(None, "ENDPOINT_INACTIVE", 0))
        secret = self.runtime.keyring.decrypt(delivery.secret_enc)
        if secret is None:
            return Attempt(delivery, Outcome(None, "SECRET_UNREADABLE", 0))
        body = body_of(delivery)
        stamp = int(time.time())
        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
                   EVENT_HEADER: delivery.event_type, DELIVERY_HEADER: str(delivery.id),
                   TIMESTAMP_HEADER: str(stamp), SIGNATURE_HEADER: signature(secret, stamp, body)}
        return Attempt(delivery, post(delivery.url, body, headers, allow_private=self.allow_private))

    def _record(self, attempt: Attempt) -> dict[str, Any]:
        d, outcome = attempt.delivery, attempt.outcome
        if outcome.delivered:
            state = "delivered"
        elif d.attempts >= self.max_attempts or not d.active:
            state = "failed"
        else:
            state = "pending"
        return {"tenant": d.tenant_id, "id": d.id, "state": state, "status": outcome.status, "error": outcome.error,
                "ms": outcome.milliseconds, "delay": retry_delay(self.retry_seconds, d.attempts)}


def start_dispatcher_thread(runtime: Any, stop: threading.Event) -> threading.Thread:
    """Run a :class:`Dispatcher` in a daemon thread until ``stop`` is set."""
    thread = threading.Thread(target=Dispatcher(runtime).run, args=(stop,), name="switchboard-webhooks", daemon=True)
    thread.start()
    return thread
