"""Who may work a LOB during a window, and why not: pluggable rules, one SQL statement.

A rule is one SQL expression evaluated per candidate inside the single statement
that answers ``eligibleAgents``. It yields a jsonb array of reasons, each an object
``{"code": ..., "credentialKind": ..., "date": ...}`` (only ``code`` is required),
or NULL / ``'[]'`` when the candidate satisfies it. The expression may reference:

* ``e`` — the candidate ``employee`` row (only the columns the runtime role may
  select: never ``legal_name``, ``email`` or ``phone``);
* ``lob`` and ``client`` — the target LOB and its client, joined once;
* bind parameters ``:lob_id``, ``:window_start`` and ``:window_end`` (timestamptz,
  end exclusive), and ``:first_day`` / ``:last_day`` — the first and last dates the
  window touches in the LOB's time zone.

``:first_day`` and ``:last_day`` are computed in SQL, in the same statement, from
the window and ``lob.timezone`` (so they are exact for the LOB's zone without a
prior read of the LOB); they stand for columns of that computed row and are
substituted before the statement is sent, so use them as plain date values.

Rows are read as the runtime role: RLS decides which employees are candidates and
which of their assignments and credentials a rule sees. Core's own rules are
contributed through ``switchboard_eligibility_rules`` exactly as a plugin's are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from ..db.session import DbSession
from ..errors import NotFound, UserError
from ..graphql.pagination import keyset
from ..identity.caller import Caller
from .service import EMPLOYEE_COLUMNS

PERMISSION = "workforce.eligibility.read"
MAX_WINDOW = timedelta(days=31)
WINDOW = "sb_window"  # the computed row holding first_day / last_day
# The same shape as SQLAlchemy's own bind-parameter syntax, so only real parameters match.
_DAY_PARAMS = re.compile(r"(?<![:\w\\]):(first_day|last_day)(?![:\w])")


@dataclass(frozen=True)
class EligibilityRule:
    """One eligibility rule: ``sql`` yields the candidate's reasons (see the module docstring).

    ``codes`` lists every reason code the rule may emit; each needs a message in
    every catalog (``msgid "CODE"``), which may use ``{credentialKind}`` and ``{date}``.
    """

    name: str
    sql: str
    codes: tuple[str, ...]


def _holding(kind: str) -> str:
    """Per candidate and credential kind: ``covered`` (a credential of the LOB's client or
    of none, valid on every day of the window) and ``lapsed_on`` (the latest day one held
    on the first day stops counting)."""
    return f"""
        SELECT coalesce(bool_or(cr.issued_on <= :first_day
                                AND coalesce(least(cr.expires_on, cr.revoked_on) > :last_day, true)), false)
                   AS covered,
               max(least(cr.expires_on, cr.revoked_on)) FILTER (WHERE cr.issued_on <= :first_day) AS lapsed_on
          FROM credential cr
         WHERE cr.tenant_id = e.tenant_id AND cr.employee_id = e.id AND cr.kind = {kind}
           AND (cr.client_id IS NULL OR cr.client_id = lob.client_id)"""


def _reason(code: str, kind: str = "NULL", day: str = "NULL") -> str:
    return f"jsonb_build_object('code', {code}, 'credentialKind', {kind}, 'date', {day})"


ASSIGNMENT = EligibilityRule(
    name="assignment",
    sql=f"""CASE WHEN NOT coalesce((
              SELECT range_agg(a.valid_during) @> daterange(:first_day, :last_day, '[]')
                FROM assignment a
               WHERE a.tenant_id = e.tenant_id AND a.employee_id = e.id AND a.lob_id = lob.id), false)
            THEN jsonb_build_array({_reason("'NO_ACTIVE_ASSIGNMENT'")}) END""",
    codes=("NO_ACTIVE_ASSIGNMENT",),
)

CREDENTIALS = EligibilityRule(
    name="credentials",
    sql=f"""(SELECT jsonb_agg({_reason(
                "CASE WHEN h.lapsed_on IS NULL THEN 'CREDENTIAL_MISSING' ELSE 'CREDENTIAL_EXPIRED' END",
                "k.kind", "h.lapsed_on")} ORDER BY k.kind)
               FROM unnest(lob.required_credentials) AS k(kind)
              CROSS JOIN LATERAL ({_holding("k.kind")}) h
              WHERE NOT h.covered)""",
    codes=("CREDENTIAL_MISSING", "CREDENTIAL_EXPIRED"),
)

PCI_CLEARANCE = EligibilityRule(
    name="pci_clearance",
    sql=f"""CASE WHEN lob.handles_card_data THEN (
              SELECT jsonb_build_array({_reason("'PCI_CLEARANCE_MISSING'", "'pci_clearance'", "h.lapsed_on")})
                FROM ({_holding("'pci_clearance'")}) h
               WHERE NOT h.covered) END""",
    codes=("PCI_CLEARANCE_MISSING",),
)

HIPAA_TRAINING = EligibilityRule(
    name="hipaa_training",
    sql=f"""CASE WHEN lob.handles_health_data THEN (
              SELECT jsonb_build_array({_reason("'HIPAA_TRAINING_STALE'", "'hipaa_training'", "max(cr.issued_on)")})
                FROM credential cr
               WHERE cr.tenant_id = e.tenant_id AND cr.employee_id = e.id AND cr.kind = 'hipaa_training'
                 AND (cr.client_id IS NULL OR cr.client_id = lob.client_id)
                 AND cr.issued_on <= :last_day
                 AND coalesce(least(cr.expires_on, cr.revoked_on) > :last_day, true)
              HAVING NOT coalesce(bool_or(cr.issued_on >= CAST(:last_day - interval '12 months' AS date)), false)
            ) END""",
    codes=("HIPAA_TRAINING_STALE",),
)

RESIDENCY = EligibilityRule(
    name="residency",
    sql=f"""CASE WHEN NOT app.region_permitted(e.work_region, client.residency_regions)
            THEN jsonb_build_array({_reason("'RESIDENCY_NOT_PERMITTED'")}) END""",
    codes=("RESIDENCY_NOT_PERMITTED",),
)

CORE_RULES: tuple[EligibilityRule, ...] = (ASSIGNMENT, CREDENTIALS, PCI_CLEARANCE, HIPAA_TRAINING, RESIDENCY)

# Candidates sort eligible first, then by name: keyset keys, ascending.
KEYS = ["ineligible", "preferred_name", "id"]


def reasons_sql(rules: Sequence[EligibilityRule]) -> str:
    """Every rule's reasons concatenated into one jsonb array expression."""
    parts = [f"coalesce(({rule.sql}), '[]'::jsonb)" for rule in rules]
    return _DAY_PARAMS.sub(rf"{WINDOW}.\1", " || ".join(parts) or "'[]'::jsonb")


def statement(rules: Sequence[EligibilityRule], first: int | None, after: str | None, cap: int
              ) -> tuple[str, dict[str, Any], int]:
    """The one statement answering a page of ``eligibleAgents``; ``(sql, params, size)``.

    It returns no row when the LOB is not visible, and one row with NULL candidate
    columns when it is but no candidate is on this page; every row carries the
    LOB's ``target_client_id``.
    """
    columns = ", ".join(f"e.{c.strip()}" for c in EMPLOYEE_COLUMNS.split(","))
    page, params, size = keyset("SELECT * FROM candidate", KEYS, first, after, cap)
    sql = f"""
WITH {WINDOW} AS (
    SELECT lob.id AS lob_id, lob.client_id,
           (CAST(:window_start AS timestamptz) AT TIME ZONE lob.timezone)::date AS first_day,
           ((CAST(:window_end AS timestamptz) - interval '1 microsecond') AT TIME ZONE lob.timezone)::date AS last_day
      FROM lob WHERE lob.id = :lob_id
), scored AS (
    SELECT {columns}, ({reasons_sql(rules)}) AS reasons
      FROM {WINDOW}
      JOIN lob ON lob.id = {WINDOW}.lob_id
      JOIN client ON client.tenant_id = lob.tenant_id AND client.id = lob.client_id
      JOIN employee e ON e.tenant_id = lob.tenant_id
                     AND e.hire_date <= {WINDOW}.last_day
                     AND (e.termination_date IS NULL OR e.termination_date >= {WINDOW}.first_day)
), candidate AS (
    SELECT *, reasons <> '[]'::jsonb AS ineligible FROM scored
)
SELECT {WINDOW}.client_id AS target_client_id, page.*
  FROM {WINDOW} LEFT JOIN LATERAL ({page}) page ON true
 ORDER BY {", ".join(f"page.{k}" for k in KEYS)}"""
    return sql, params, size


def check_window(start: datetime, end: datetime) -> None:
    """Time-zone-aware, ``start < end``, at most 31 days (``END_BEFORE_START``, ``WINDOW_TOO_LONG``)."""
    for value, field in ((start, "start"), (end, "end")):
        if value.tzinfo is None or value.utcoffset() is None:
            raise UserError("TIMEZONE_REQUIRED", field)
    if end <= start:
        raise UserError("END_BEFORE_START", "end")
    if end - start > MAX_WINDOW:
        raise UserError("WINDOW_TOO_LONG", "end", days=MAX_WINDOW.days)


async def eligible_agents(
    db: DbSession, caller: Caller, rules: Sequence[EligibilityRule], lob_id: UUID, start: datetime, end: datetime,
    first: int | None, after: str | None, cap: int,
) -> tuple[list[Any], int]:
    """One page of candidates (employed during the window, visible to the caller) with their
    reasons, eligible first: ``size + 1`` rows and ``size``. One SQL statement.

    Employed during the window: hired on or before its last day and not terminated
    before its first day. The permission is checked on the LOB's scope once the
    statement has told which client the LOB belongs to (``NOT_FOUND`` when the LOB
    is not visible); nothing is returned to a caller who lacks it.
    """
    caller.require_somewhere(PERMISSION)
    check_window(start, end)
    sql, params, size = statement(rules, first, after, cap)
    rows = await db.all(sql, {**params, "lob_id": lob_id, "window_start": start, "window_end": end})
    if not rows:
        raise NotFound("lobId")
    caller.require(PERMISSION, rows[0].target_client_id, lob_id)
    return [r for r in rows if r.id is not None], size


def parse_reason(reason: dict[str, Any]) -> tuple[str, str | None, date | None]:
    """``(code, credentialKind, date)`` of one reason object a rule produced."""
    day = reason.get("date")
    return str(reason["code"]), reason.get("credentialKind"), date.fromisoformat(day) if day else None
