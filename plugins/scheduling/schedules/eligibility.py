"""The scheduling plugin's eligibility rules, so ``eligibleAgents`` and the scheduler agree.

Each rule is one set-based relation inside core's single ``eligibleAgents``
statement (see :mod:`switchboard.core.workforce.eligibility` for ``target`` and
``candidate``):

* ``weekly_hours`` — per ISO week the window touches, in the LOB's time zone:
  minutes already in PUBLISHED schedules outside the window plus the window's own
  minutes in that week. ``WEEKLY_CAP_REACHED`` when that exceeds the weekly-hours
  cap of the candidate's assignment to the LOB (counting that assignment's
  segments); ``LEGAL_WEEKLY_MAX_REACHED`` when it exceeds the tenant's legal
  weekly maximum across every client (``scheduling_settings``; 48 h by default).
  Minutes come from ``scheduling.committed_minutes``, which never says which other
  client they are for. The reason's date is the week's Monday.
* ``time_off`` — ``TIME_OFF`` when approved time off overlaps the window (the date:
  the first local day of the overlap).
* ``availability`` — ``NOT_AVAILABLE`` when the candidate recorded weekly
  availability and the window is not wholly inside it (no availability recorded:
  available any time).
"""

from __future__ import annotations

from switchboard.core.workforce.eligibility import EligibilityRule

WEEKLY_HOURS = EligibilityRule(
    name="weekly_hours",
    # Published minutes are looked up once per week (one index probe when there are
    # none); the legal maximum is checked per candidate only in weeks whose own
    # minutes already exceed it, else only for candidates with published minutes.
    sql="""WITH week AS MATERIALIZED (
                SELECT w.week_start, scheduling.minutes(tstzmultirange(w.span * r.win)) AS own,
                       tstzmultirange(w.span) - tstzmultirange(r.win) AS rest
                  FROM target t CROSS JOIN LATERAL (SELECT tstzrange(t.window_start, t.window_end) AS win) r
                 CROSS JOIN scheduling.local_weeks(r.win, t.timezone) AS w
           ), committed AS MATERIALIZED (
                SELECT w.week_start, m.employee_id, m.assignment_id, m.minutes
                  FROM week w CROSS JOIN LATERAL scheduling.committed_minutes(ARRAY(SELECT id FROM candidate), w.rest) m
           ), legal AS MATERIALIZED (
                SELECT scheduling.legal_weekly_max_minutes() AS minutes
           )
           SELECT a.employee_id, 'WEEKLY_CAP_REACHED', NULL, w.week_start
             FROM target t
             JOIN assignment a ON a.tenant_id = t.tenant_id AND a.lob_id = t.lob_id
                  AND a.valid_during && daterange(t.first_day, t.last_day, '[]')
            CROSS JOIN week w
             LEFT JOIN committed m ON m.week_start = w.week_start AND m.assignment_id = a.id
            WHERE a.employee_id IN (SELECT id FROM candidate)
              AND coalesce(m.minutes, 0) + w.own > a.weekly_hours_cap * 60
           UNION ALL
           SELECT c.id, 'LEGAL_WEEKLY_MAX_REACHED', NULL, w.week_start
             FROM week w CROSS JOIN legal CROSS JOIN candidate c
            WHERE w.own > legal.minutes
           UNION ALL
           SELECT m.employee_id, 'LEGAL_WEEKLY_MAX_REACHED', NULL, w.week_start
             FROM week w CROSS JOIN legal
             JOIN (SELECT week_start, employee_id, sum(minutes) AS minutes FROM committed
                    GROUP BY week_start, employee_id) m ON m.week_start = w.week_start
            WHERE w.own <= legal.minutes AND m.minutes + w.own > legal.minutes""",
    codes=("WEEKLY_CAP_REACHED", "LEGAL_WEEKLY_MAX_REACHED"),
)

TIME_OFF = EligibilityRule(
    name="time_off",
    sql="""SELECT o.employee_id, 'TIME_OFF', NULL,
                  (greatest(lower(o.during), t.window_start) AT TIME ZONE t.timezone)::date
             FROM target t
             JOIN time_off o ON o.tenant_id = t.tenant_id AND o.status = 'approved'
                  AND o.during && tstzrange(t.window_start, t.window_end)
            WHERE o.employee_id IN (SELECT id FROM candidate)""",
    codes=("TIME_OFF",),
)

AVAILABILITY = EligibilityRule(
    name="availability",
    # the candidates' recorded availability is read once (most record none)
    sql="""WITH recorded AS MATERIALIZED (
                SELECT a.employee_id, a.weekday, a.start_time, a.end_time, a.timezone
                  FROM target t
                  JOIN availability a ON a.tenant_id = t.tenant_id AND a.employee_id IN (SELECT id FROM candidate)
           ), free AS (
                SELECT r.employee_id, range_agg(tstzrange((d.day + r.start_time) AT TIME ZONE r.timezone,
                                                          (d.day + r.end_time) AT TIME ZONE r.timezone)) AS during
                  FROM target t CROSS JOIN recorded r
                 CROSS JOIN LATERAL generate_series((t.window_start AT TIME ZONE r.timezone)::date::timestamp
                                                        - interval '1 day',
                                                    (t.window_end AT TIME ZONE r.timezone)::date::timestamp,
                                                    interval '1 day') AS d(day)
                 WHERE extract(isodow FROM d.day) = r.weekday
                 GROUP BY r.employee_id
           )
           SELECT DISTINCT r.employee_id, 'NOT_AVAILABLE', NULL::text, NULL::date
             FROM target t CROSS JOIN recorded r
             LEFT JOIN free f ON f.employee_id = r.employee_id
            WHERE NOT coalesce(f.during @> tstzrange(t.window_start, t.window_end), false)""",
    codes=("NOT_AVAILABLE",),
)

RULES = (WEEKLY_HOURS, TIME_OFF, AVAILABILITY)
