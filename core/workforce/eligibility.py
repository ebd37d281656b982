"""Who may work a LOB during a window, and why not: pluggable rules, one SQL statement.

A rule contributes a *relation*: one ``SELECT`` of ``(employee_id uuid, code text,
credential_kind text, day date)`` rows — one row per reason, for the candidates
that fail it (``credential_kind`` and ``day`` may be NULL). Rules are set-based so
PostgreSQL can hash-join whole sets instead of probing per candidate, and only the
reasons of the page's candidates are turned into objects. Inside the one statement
that answers ``eligibleAgents`` a rule may read:

* ``target`` — one row: ``tenant_id``, ``lob_id``, ``client_id``,
  ``required_credentials``, ``handles_card_data``, ``handles_health_data``,
  ``timezone`` (of the LOB), ``residency_regions`` (of its client), ``window_start`` / ``window_end``
  (timestamptz, end exclusive) and ``first_day`` / ``last_day`` (the first and last
  dates the window touches in the LOB's time zone);
* ``candidate`` — the employees the caller can see who are employed during the
  window (the employee columns the runtime role may select: never ``legal_name``,
  ``email`` or ``phone``);
* ``held`` — per candidate and credential kind, over the credentials that count for
  the target's client (its own or client-neutral ones): ``covered`` (one is valid on
  every day of the window), ``lapsed_on`` (the latest day one held on the first day
  stops counting) and ``current_issued_on`` (the latest issue date among those still
  valid on the last day);
* any table, as the runtime role: row security applies as everywhere else.

Core's own rules are contributed through ``switchboard_eligibility_rules`` exactly
as a plugin's are; a candidate's reasons come in rule order, then by credential kind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import attrgetter
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, Keyset, PageRequest, keyset
from switchboard.core.db.session import DbSession
from switchboard.core.errors import NotFound, UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.scope.validation import aware

from .permissions import ELIGIBILITY_READ as PERMISSION
from .service import EMPLOYEE_COLUMNS

MAX_WINDOW = timedelta(days=31)


@dataclass(frozen=True)
class EligibilityRule:
    """One rule: ``sql`` selects ``(employee_id, code, credential_kind, day)`` per failure.

    ``codes`` lists every reason code the rule may emit; each needs a message in
    every catalog (``msgid "CODE"``), which may use ``{credentialKind}`` and ``{date}``.
    """

    name: str
    sql: str
    codes: tuple[str, ...]


ASSIGNMENT = EligibilityRule(
    name="assignment",
    sql="""SELECT c.id, 'NO_ACTIVE_ASSIGNMENT', NULL, NULL
             FROM candidate c CROSS JOIN target t
             LEFT JOIN (SELECT a.employee_id, range_agg(a.valid_during) AS days
                          FROM target t JOIN assignment a ON a.tenant_id = t.tenant_id AND a.lob_id = t.lob_id
                         GROUP BY a.employee_id) x ON x.employee_id = c.id
            WHERE NOT coalesce(x.days @> daterange(t.first_day, t.last_day, '[]'), false)""",
    codes=("NO_ACTIVE_ASSIGNMENT",),
)

CREDENTIALS = EligibilityRule(
    name="credentials",
    sql="""SELECT c.id, CASE WHEN h.lapsed_on IS NULL THEN 'CREDENTIAL_MISSING' ELSE 'CREDENTIAL_EXPIRED' END,
                  k.kind, h.lapsed_on
             FROM candidate c CROSS JOIN target t CROSS JOIN unnest(t.required_credentials) AS k(kind)
             LEFT JOIN held h ON h.employee_id = c.id AND h.kind = k.kind
            WHERE NOT coalesce(h.covered, false)""",
    codes=("CREDENTIAL_MISSING", "CREDENTIAL_EXPIRED"),
)

PCI_CLEARANCE = EligibilityRule(
    name="pci_clearance",
    sql="""SELECT c.id, 'PCI_CLEARANCE_MISSING', 'pci_clearance', h.lapsed_on
             FROM candidate c CROSS JOIN target t
             LEFT JOIN held h ON h.employee_id = c.id AND h.kind = 'pci_clearance'
            WHERE t.handles_card_data AND NOT coalesce(h.covered, false)""",
    codes=("PCI_CLEARANCE_MISSING",),
)

HIPAA_TRAINING = EligibilityRule(
    name="hipaa_training",
    sql="""SELECT c.id, 'HIPAA_TRAINING_STALE', 'hipaa_training', h.current_issued_on
             FROM candidate c CROSS JOIN target t
             LEFT JOIN held h ON h.employee_id = c.id AND h.kind = 'hipaa_training'
            WHERE t.handles_health_data
              AND NOT coalesce(h.current_issued_on >= CAST(t.last_day - interval '12 months' AS date), false)""",
    codes=("HIPAA_TRAINING_STALE",),
)

RESIDENCY = EligibilityRule(
    name="residency",
    # checked once per distinct work region, not once per candidate
    sql="""SELECT c.id, 'RESIDENCY_NOT_PERMITTED', NULL, NULL
             FROM candidate c
            WHERE c.work_region IN (SELECT r.work_region FROM (SELECT DISTINCT work_region FROM candidate) r
                                     CROSS JOIN target t
                                     WHERE NOT app.region_permitted(r.work_region, t.residency_regions))""",
    codes=("RESIDENCY_NOT_PERMITTED",),
)

CORE_RULES: tuple[EligibilityRule, ...] = (ASSIGNMENT, CREDENTIALS, PCI_CLEARANCE, HIPAA_TRAINING, RESIDENCY)

# Candidates sort eligible first, then by name: keyset keys, ascending.
KEYS = ["ineligible", "preferred_name", "id"]
sort_key = attrgetter(*KEYS)  # a row's keyset key, for its cursor

FRAME = """
WITH target AS (
    SELECT lob.tenant_id, lob.id AS lob_id, lob.client_id, lob.required_credentials,
           lob.handles_card_data, lob.handles_health_data, lob.timezone, client.residency_regions,
           CAST(:window_start AS timestamptz) AS window_start, CAST(:window_end AS timestamptz) AS window_end,
           (CAST(:window_start AS timestamptz) AT TIME ZONE lob.timezone)::date AS first_day,
           ((CAST(:window_end AS timestamptz) - interval '1 microsecond') AT TIME ZONE lob.timezone)::date AS last_day
      FROM lob JOIN client ON client.tenant_id = lob.tenant_id AND client.id = lob.client_id
     WHERE lob.id = :lob_id
), candidate AS MATERIALIZED (
    SELECT {columns}
      FROM target t JOIN employee e ON e.tenant_id = t.tenant_id
     WHERE e.hire_date <= t.last_day AND (e.termination_date IS NULL OR e.termination_date >= t.first_day)
), held AS MATERIALIZED (
    SELECT cr.employee_id, cr.kind,
           coalesce(bool_or(cr.issued_on <= t.first_day
                            AND coalesce(least(cr.expires_on, cr.revoked_on) > t.last_day, true)), false) AS covered,
           max(least(cr.expires_on, cr.revoked_on)) FILTER (WHERE cr.issued_on <= t.first_day) AS lapsed_on,
           max(cr.issued_on) FILTER (WHERE cr.issued_on <= t.last_day
                                       AND coalesce(least(cr.expires_on, cr.revoked_on) > t.last_day, true))
               AS current_issued_on
      FROM target t
      JOIN credential cr ON cr.tenant_id = t.tenant_id AND (cr.client_id IS NULL OR cr.client_id = t.client_id)
     WHERE cr.employee_id IN (SELECT id FROM candidate)
     GROUP BY cr.employee_id, cr.kind
), reason (employee_id, code, credential_kind, day, rule) AS (
    {reasons}
), scored AS (
    -- a join, not "id IN (SELECT … FROM reason)": when a rule's estimate makes the reasons
    -- look too many to hash, that subquery is scanned once per candidate (quadratic)
    SELECT c.*, x.employee_id IS NOT NULL AS ineligible
      FROM candidate c LEFT JOIN (SELECT DISTINCT employee_id FROM reason) x ON x.employee_id = c.id
), page AS (
    {page}
), page_reasons AS (
    SELECT r.employee_id, jsonb_agg(jsonb_build_object('code', r.code, 'credentialKind', r.credential_kind,
                                                       'date', r.day) ORDER BY r.rule, r.credential_kind) AS reasons
      FROM reason r WHERE r.employee_id IN (SELECT id FROM page)
     GROUP BY r.employee_id
)
SELECT target.client_id AS target_client_id, page.*, coalesce(pr.reasons, '[]'::jsonb) AS reasons
  FROM target LEFT JOIN page ON true LEFT JOIN page_reasons pr ON pr.employee_id = page.id
 ORDER BY {order}"""


def reasons_sql(rules: Sequence[EligibilityRule]) -> str:
    """Every rule's reason rows, tagged with the rule's position, as one union."""
    parts = [
        f"SELECT r.employee_id, r.code::text, r.credential_kind::text, r.day::date, {n}"
        f" FROM ({rule.sql}) AS r (employee_id, code, credential_kind, day)"
        for n, rule in enumerate(rules)
    ]
    return "\n    UNION ALL ".join(parts) or "SELECT NULL::uuid, NULL::text, NULL::text, NULL::date, 0 WHERE false"


def statement(rules: Sequence[EligibilityRule], window: PageRequest, cap: int) -> Keyset:
    """The one statement answering a page of ``eligibleAgents``.

    It returns no row when the LOB is not visible, and one row with NULL candidate
    columns when it is but no candidate is on this page; every row carries the
    LOB's ``target_client_id``.
    """
    columns = ", ".join(f"e.{c.strip()}" for c in EMPLOYEE_COLUMNS.split(","))
    page = keyset("SELECT * FROM scored", KEYS, window, cap)
    reasons, order = reasons_sql(rules), page.order("page.")
    return page.embed(lambda selection: FRAME.format(columns=columns, reasons=reasons, page=selection, order=order),
                      counted="id")


def check_window(start: datetime, end: datetime) -> None:
    """Time-zone-aware, ``start < end``, at most 31 days (``END_BEFORE_START``, ``WINDOW_TOO_LONG``)."""
    aware(start, "start")
    aware(end, "end")
    if end <= start:
        raise UserError("END_BEFORE_START", "end")
    if end - start > MAX_WINDOW:
        raise UserError("WINDOW_TOO_LONG", "end", days=MAX_WINDOW.days)


async def eligible_agents(
    db: DbSession, caller: Caller, rules: Sequence[EligibilityRule], lob_id: UUID, start: datetime, end: datetime,
    window: PageRequest, cap: int,
) -> Fetched:
    """One page of candidates (employed during the window, visible to the caller) with their
    reasons, eligible first. One SQL statement.

    Employed during the window: hired on or before its last day and not terminated
    before its first day. The permission is checked on the LOB's scope once the
    statement has told which client the LOB belongs to (``NOT_FOUND`` when the LOB
    is not visible); nothing is returned to a caller who lacks it.
    """
    caller.require_somewhere(PERMISSION)
    check_window(start, end)
    fetched = await statement(rules, window, cap).fetch(
        db, {"lob_id": lob_id, "window_start": start, "window_end": end})
    if not fetched.rows:
        raise NotFound("lobId")
    caller.require(PERMISSION, fetched.rows[0].target_client_id, lob_id)
    return fetched.keeping([r for r in fetched.rows if r.id is not None])


def parse_reason(reason: dict[str, Any]) -> tuple[str, str | None, date | None]:
    """``(code, credentialKind, date)`` of one reason object a rule produced."""
    day = reason.get("date")
    return str(reason["code"]), reason.get("credentialKind"), date.fromisoformat(day) if day else None
