"""Verify every tenant's audit hash chain.

Each event's hash covers its fields and the previous event's hash of the same
tenant; sequence numbers are contiguous from 1; the chain head records the last
event. An edited event fails its hash, a removed one leaves a gap or a broken
link, and a removed tail disagrees with the head.

Events and heads are read from one snapshot (a read-only REPEATABLE READ
transaction), so writers committing meanwhile never look like a tampered log. Within
a snapshot the events of a tenant are always a prefix of its chain: a writer holds its
tenant's head row locked from its first event until it commits, so the transactions
of one tenant commit in the order of their sequence numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Engine, text

CHECK = """
SELECT e.tenant_id, e.seq,
       e.hash <> app.audit_hash(e.prev_hash, e) AS edited,
       e.prev_hash <> coalesce(lag(e.hash) OVER w, app.audit_genesis(e.tenant_id)) AS broken,
       e.seq <> coalesce(lag(e.seq) OVER w, 0) + 1 AS gap
  FROM audit_event e
WINDOW w AS (PARTITION BY e.tenant_id ORDER BY e.seq)
"""

SUMMARY = f"""
SELECT c.tenant_id, count(*) AS events,
       count(*) FILTER (WHERE c.edited) AS edited,
       count(*) FILTER (WHERE c.broken OR c.gap) AS broken,
       max(c.seq) AS last_seq,
       (array_agg(c.seq ORDER BY c.seq) FILTER (WHERE c.edited OR c.broken OR c.gap))[1:5] AS first_bad
  FROM ({CHECK}) c GROUP BY c.tenant_id
"""

HEADS = """
SELECT h.tenant_id, h.seq, h.hash,
       (SELECT e.hash FROM audit_event e WHERE e.tenant_id = h.tenant_id AND e.seq = h.seq) AS last_hash
  FROM audit_chain_head h
"""


@dataclass
class Report:
    """What verification found, per tenant."""

    tenants: int = 0
    events: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        head = f"{'ok' if self.ok else 'TAMPERED'}: {self.events} events in {self.tenants} tenant chain(s)"
        return [head, *self.problems]


def verify(owner: Engine) -> Report:
    """Recompute every chain as the owner (which bypasses row security, not the append-only triggers)."""
    report = Report()
    with owner.connect().execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True) as conn:
        summaries = {r.tenant_id: r for r in conn.execute(text(SUMMARY))}
        heads = list(conn.execute(text(HEADS)))
    report.tenants = len(heads)
    for s in summaries.values():
        report.events += s.events
        if s.edited:
            report.problems.append(f"tenant {s.tenant_id}: {s.edited} edited event(s), first at seq {s.first_bad}")
        if s.broken:
            report.problems.append(f"tenant {s.tenant_id}: chain broken (removed or reordered events)"
                                   f" near seq {s.first_bad}")
    for h in heads:
        s = summaries.get(h.tenant_id)
        last = s.last_seq if s else 0
        if last != h.seq:
            report.problems.append(f"tenant {h.tenant_id}: head says seq {h.seq}, log ends at seq {last}")
        elif h.seq and h.last_hash != h.hash:
            report.problems.append(f"tenant {h.tenant_id}: head's hash is not that of the event at seq {h.seq}"
                                   " (events rewritten)")
    headless = summaries.keys() - {h.tenant_id for h in heads}
    report.problems += [f"tenant {tenant}: events but no chain head" for tenant in sorted(headless, key=str)]
    return report
