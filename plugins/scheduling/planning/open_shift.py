"""Who fits one open shift best: ``eligibleAgents``' own statement, plus what one shift needs.

"This LOB needs one more agent Tuesday 09:00-17:00, who should I call?" Every
candidate of ``eligibleAgents`` for the shift's window comes with:

* the reasons ``eligibleAgents`` gives (the very statement, with every enabled rule,
  enclosed unchanged), then the open shift's own, against PUBLISHED shifts of every
  client (contiguous published segments of one employee form one shift, read through
  ``scheduling.published_shifts``, which never says for which client):
  ``SHIFT_OVERLAP`` (one place at a time; the date: the published shift's local start),
  ``MIN_REST_NOT_MET`` (less than :data:`MIN_REST_MINUTES` between the shift and a
  published one; per side, the date: that shift's local start) and
  ``MAX_CONSECUTIVE_DAYS_EXCEEDED`` (more than :data:`MAX_CONSECUTIVE_DAYS` days in a
  row with a shift start, in the LOB's local dates; the date: the run's first day);
* the figures the rank is made of: published minutes (every client) in the LOB-local
  week the shift starts in, outside the shift; headroom under the assignment's weekly
  cap and under the legal weekly maximum once the shift is taken (the least over the
  weeks it touches; negative exactly when ``WEEKLY_CAP_REACHED`` /
  ``LEGAL_WEEKLY_MAX_REACHED`` is a reason); rest after the previous and before the next
  published shift, days in a row it would make (published shifts are looked at within
  :data:`AROUND` either side); the assignment's pay rate; whether the window lies
  inside recorded availability (null: none recorded).

Ranked: fitting candidates first, then fewer reasons; then inside recorded
availability before none recorded; fewer published minutes that week (spreading
hours, least overtime risk); more rest around the shift; lower pay rate; preferred
name and id. One SQL statement after the LOB's check, as the caller: row security bounds every row.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from switchboard.core.db.keyset import Fetched, Keyset, PageRequest, keyset
from switchboard.core.db.session import DbSession
from switchboard.core.errors import UserError
from switchboard.core.graphql.pagination import Window
from switchboard.core.identity.caller import Caller
from switchboard.core.workforce import eligibility
from switchboard.core.workforce.eligibility import EligibilityRule
from switchboard.plugins.scheduling.forecasts.volumes import check_range
from switchboard.plugins.scheduling.lobs import lob_for
from switchboard.plugins.scheduling.permissions import SCHEDULE_READ
from switchboard.plugins.scheduling.planning.week_problem import MAX_CANDIDATES, MAX_CONSECUTIVE_DAYS, MIN_REST_MINUTES

# The database refuses longer segments (schedule_segment_length).
MAX_SHIFT = timedelta(hours=16)
AROUND = timedelta(weeks=2)
CODES = ("SHIFT_OVERLAP", "MIN_REST_NOT_MET", "MAX_CONSECUTIVE_DAYS_EXCEEDED")

FIGURES = """
WITH eligibility AS MATERIALIZED (
{eligibility}
), shift AS MATERIALIZED (
    SELECT l.tenant_id, l.id AS lob_id, l.timezone,
           tstzrange(CAST(:window_start AS timestamptz), CAST(:window_end AS timestamptz)) AS win,
           (CAST(:window_start AS timestamptz) AT TIME ZONE l.timezone)::date AS day
      FROM lob l WHERE l.id = :lob_id
), candidate AS MATERIALIZED (
    SELECT * FROM eligibility WHERE id IS NOT NULL
), week AS MATERIALIZED (
    SELECT w.week_start, w.span, scheduling.minutes(tstzmultirange(w.span * s.win)) AS own
      FROM shift s CROSS JOIN scheduling.local_weeks(s.win, s.timezone) AS w
), booked AS MATERIALIZED (
    SELECT w.week_start, m.employee_id, m.assignment_id, m.minutes
      FROM week w CROSS JOIN shift s
     CROSS JOIN LATERAL scheduling.committed_minutes(ARRAY(SELECT id FROM candidate),
                                                     tstzmultirange(w.span) - tstzmultirange(s.win)) AS m
), assigned AS MATERIALIZED (
    SELECT DISTINCT ON (a.employee_id) a.employee_id, a.id, a.pay_rate, a.pay_currency, a.weekly_hours_cap
      FROM shift s JOIN assignment a ON a.tenant_id = s.tenant_id AND a.lob_id = s.lob_id AND a.valid_during @> s.day
     WHERE a.employee_id IN (SELECT id FROM candidate)
     ORDER BY a.employee_id, lower(a.valid_during) DESC
), load AS (
    SELECT c.id AS employee_id, w.week_start, w.own, a.weekly_hours_cap,
           coalesce(sum(b.minutes), 0) AS everywhere,
           coalesce(sum(b.minutes) FILTER (WHERE b.assignment_id = a.id), 0) AS here
      FROM candidate c CROSS JOIN week w
      LEFT JOIN assigned a ON a.employee_id = c.id
      LEFT JOIN booked b ON b.employee_id = c.id AND b.week_start = w.week_start
     GROUP BY c.id, w.week_start, w.own, a.id, a.weekly_hours_cap
), weekly AS (
    SELECT employee_id, (array_agg(everywhere ORDER BY week_start))[1] AS scheduled_minutes,
           min(weekly_hours_cap * 60 - here - own) AS cap_headroom_minutes,
           min((SELECT scheduling.legal_weekly_max_minutes()) - everywhere - own) AS legal_headroom_minutes
      FROM load GROUP BY employee_id
), nearby AS MATERIALIZED (
    SELECT p.employee_id, p.during, (lower(p.during) AT TIME ZONE s.timezone)::date AS day
      FROM shift s CROSS JOIN LATERAL scheduling.published_shifts(
           ARRAY(SELECT id FROM candidate), tstzrange(lower(s.win) - :around, upper(s.win) + :around)) AS p
), rest AS (
    SELECT c.id AS employee_id, o.day AS overlap_day, b.day AS previous_day, x.day AS next_day,
           round(CAST(extract(epoch FROM lower(s.win) - b.ends_at) AS numeric) / 60, 2) AS rest_before_minutes,
           round(CAST(extract(epoch FROM x.starts_at - upper(s.win)) AS numeric) / 60, 2) AS rest_after_minutes
      FROM candidate c CROSS JOIN shift s
      LEFT JOIN LATERAL (SELECT n.day FROM nearby n WHERE n.employee_id = c.id AND n.during && s.win
                          ORDER BY lower(n.during) LIMIT 1) AS o ON true
      LEFT JOIN LATERAL (SELECT n.day, upper(n.during) AS ends_at FROM nearby n
                          WHERE n.employee_id = c.id AND upper(n.during) <= lower(s.win)
                          ORDER BY upper(n.during) DESC LIMIT 1) AS b ON true
      LEFT JOIN LATERAL (SELECT n.day, lower(n.during) AS starts_at FROM nearby n
                          WHERE n.employee_id = c.id AND lower(n.during) >= upper(s.win)
                          ORDER BY lower(n.during) LIMIT 1) AS x ON true
), worked AS (
    SELECT employee_id, day FROM nearby
     UNION SELECT c.id, s.day FROM candidate c CROSS JOIN shift s
), streak AS (
    SELECT employee_id, min(day) AS first_day, count(*) AS days
      FROM (SELECT employee_id, day,
                   day - CAST(row_number() OVER (PARTITION BY employee_id ORDER BY day) AS integer) AS island
              FROM worked) w
     GROUP BY employee_id, island
    HAVING bool_or(day = (SELECT day FROM shift))
), own_reasons AS (
    SELECT r.employee_id, jsonb_agg(x.reason ORDER BY x.n) AS reasons
      FROM rest r JOIN streak k ON k.employee_id = r.employee_id
     CROSS JOIN LATERAL (VALUES
           (1, CASE WHEN r.overlap_day IS NOT NULL
                    THEN jsonb_build_object('code', 'SHIFT_OVERLAP', 'date', r.overlap_day) END),
           (2, CASE WHEN r.rest_before_minutes < :min_rest
                    THEN jsonb_build_object('code', 'MIN_REST_NOT_MET', 'date', r.previous_day) END),
           (3, CASE WHEN r.rest_after_minutes < :min_rest
                    THEN jsonb_build_object('code', 'MIN_REST_NOT_MET', 'date', r.next_day) END),
           (4, CASE WHEN k.days > :max_days
                    THEN jsonb_build_object('code', 'MAX_CONSECUTIVE_DAYS_EXCEEDED', 'date', k.first_day) END)
           ) AS x(n, reason)
     WHERE x.reason IS NOT NULL
     GROUP BY r.employee_id
), figured AS (
    SELECT c.*, c.reasons || coalesce(o.reasons, '[]'::jsonb) AS all_reasons,
           w.scheduled_minutes, w.cap_headroom_minutes, w.legal_headroom_minutes,
           r.rest_before_minutes, r.rest_after_minutes, k.days AS consecutive_days,
           a.pay_rate, a.pay_currency,
           CASE WHEN c.reasons @> '[{{"code": "NOT_AVAILABLE"}}]' THEN false
                WHEN EXISTS (SELECT 1 FROM availability v WHERE v.employee_id = c.id) THEN true END
               AS within_availability
      FROM candidate c
      JOIN weekly w ON w.employee_id = c.id
      JOIN rest r ON r.employee_id = c.id
      JOIN streak k ON k.employee_id = c.id
      LEFT JOIN own_reasons o ON o.employee_id = c.id
      LEFT JOIN assigned a ON a.employee_id = c.id
), ranked AS (
    SELECT f.*, jsonb_array_length(f.all_reasons) = 0 AS fits,
           row_number() OVER (ORDER BY jsonb_array_length(f.all_reasons),
                                       CASE f.within_availability WHEN true THEN 0 WHEN false THEN 2 ELSE 1 END,
                                       f.scheduled_minutes,
                                       least(f.rest_before_minutes, f.rest_after_minutes) DESC NULLS FIRST,
                                       f.pay_rate NULLS LAST, f.preferred_name, f.id) AS rank
      FROM figured f
)
"""


def check_shift(start: datetime, end: datetime) -> None:
    """Aware instants in order (``END_BEFORE_START``), at most 16 hours apart (``SHIFT_TOO_LONG``)."""
    check_range(start, end, "start", "end")
    if end - start > MAX_SHIFT:
        raise UserError("SHIFT_TOO_LONG", "end", hours=int(MAX_SHIFT.total_seconds() // 3600))


def statement(rules: list[EligibilityRule], window: PageRequest, cap: int) -> tuple[Keyset, dict[str, Any]]:
    """The one statement answering a page of ``openShiftCandidates``, and its parameters:
    every candidate's row of ``eligibleAgents``' statement (all of them) with its figures."""
    inner = eligibility.statement(rules, Window(first=MAX_CANDIDATES), MAX_CANDIDATES)
    page = keyset("SELECT * FROM ranked", ["rank"], window, cap, prefix="_rank_")
    figures = FIGURES.format(eligibility=inner.sql)
    return page.embed(lambda selection: figures + selection), {
        **inner.params, "min_rest": MIN_REST_MINUTES, "max_days": MAX_CONSECUTIVE_DAYS, "around": AROUND}


async def open_shift_candidates(db: DbSession, caller: Caller, rules: list[EligibilityRule], lob_id: UUID,
                                start: datetime, end: datetime, window: PageRequest, cap: int) -> Fetched:
    """One page of ranked candidates for the shift ``[start, end)`` on ``lob_id``. Needs
    ``scheduling.schedule.read`` and ``workforce.eligibility.read`` on the LOB (``NOT_FOUND``
    when it is not visible)."""
    caller.require_somewhere(eligibility.PERMISSION)
    check_shift(start, end)
    lob = await lob_for(db, caller, lob_id, SCHEDULE_READ)
    caller.require(eligibility.PERMISSION, lob.client_id, lob.id)
    page, params = statement(rules, window, cap)
    return await page.fetch(db, {**params, "lob_id": lob_id, "window_start": start, "window_end": end})
