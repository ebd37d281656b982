"""Billable hours in one pass over the ledger: the classification function returns each
entry's employee, client, LOB, activity and work date with its split, and reads the ledger once
(visibility is a flag on the rows it reads for thresholds anyway, not a second scan).

Revision ID: billing_0002
Revises: billing_0001
Create Date: 2026-11-23
"""

from alembic import op

from switchboard.core.db.scoped import execute_for_runtime
from switchboard.plugins.billing.migrations.billing_0001_terms import CLASSIFY as PREVIOUS
from switchboard.plugins.billing.migrations.billing_0001_terms import ENTRY_VISIBLE, WORKED

revision = "billing_0002"
down_revision = "billing_0001"
branch_labels = None
depends_on = None

CLASSIFY = rf"""
DROP FUNCTION billing.entry_hours(date, date, uuid, uuid, jsonb, jsonb);
-- Split every visible worked entry of [p_from, p_to] (LOB-local work dates) into
-- regular, overtime, double-time and stat-holiday seconds, with the entry's employee,
-- client, LOB, activity and work date (so pricing needs no second read of the ledger).
--
-- Overtime is a fact about the employee, not the client: it is computed over ALL
-- of the employee's worked time in the week (so this function reads entries the
-- caller may not see), then attributed to entries chronologically (the time that
-- crosses a threshold is overtime) or proportionally (each entry carries the
-- week's overtime share), as the tenant's billing policy says. Only entries the
-- caller may see are returned.
--
-- p_rules: [{{region, weekly, daily, double, tz}}] (hours; null: no such threshold),
-- an employee follows the rule of their work region, else of its country;
-- p_holidays: [{{region, day}}] per rule region. Days and weeks (Monday)
-- are the employee's local ones; time on a stat holiday is holiday time and does not
-- count toward overtime; daily overtime counts first, weekly overtime only counts
-- the remaining regular time.
CREATE FUNCTION billing.entry_hours(p_from date, p_to date, p_client uuid, p_lob uuid,
                                    p_rules jsonb, p_holidays jsonb)
RETURNS TABLE (entry_id uuid, employee_id uuid, client_id uuid, lob_id uuid, activity text, work_date date,
               regular numeric, overtime numeric, double_time numeric, holiday numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
WITH rules AS (
    SELECT * FROM jsonb_to_recordset(p_rules)
        AS r(region text, weekly numeric, daily numeric, double numeric, tz text)
), holidays AS (
    SELECT * FROM jsonb_to_recordset(p_holidays) AS h(region text, day date)
), entries AS MATERIALIZED (
    SELECT t.id, t.employee_id, t.client_id, t.lob_id, t.activity, t.work_date, t.started_at, t.ended_at,
           (({ENTRY_VISIBLE}) AND t.work_date BETWEEN p_from AND p_to
            AND (p_client IS NULL OR t.client_id = p_client) AND (p_lob IS NULL OR t.lob_id = p_lob)) AS wanted
      FROM time_entry t
     WHERE t.tenant_id = (SELECT app.tenant_id()) AND t.status = 'active'
       AND t.activity IN {WORKED}
       AND t.work_date BETWEEN p_from - 8 AND p_to + 8
), emp AS (
    SELECT e.id, r.region AS rule_region, coalesce(s.timezone, r.tz, 'UTC') AS tz,
           r.weekly * 3600 AS weekly, r.daily * 3600 AS daily, r.double * 3600 AS dbl
      FROM employee e
      LEFT JOIN site s ON s.tenant_id = e.tenant_id AND s.id = e.home_site_id
      LEFT JOIN LATERAL (SELECT * FROM rules x WHERE x.region IN (e.work_region, split_part(e.work_region, '-', 1))
                          ORDER BY length(x.region) DESC LIMIT 1) r ON true
     WHERE e.tenant_id = (SELECT app.tenant_id()) AND e.id IN (SELECT employee_id FROM entries WHERE wanted)
), work AS (
    SELECT t.*, emp.tz, emp.weekly, emp.daily, emp.dbl, emp.rule_region
      FROM entries t JOIN emp ON emp.id = t.employee_id
), piece AS (
    SELECT w.*, d.day, date_trunc('week', d.day)::date AS week,
           extract(epoch FROM least(w.ended_at, (d.day + 1)::timestamp AT TIME ZONE w.tz)
                            - greatest(w.started_at, d.day::timestamp AT TIME ZONE w.tz)) AS seconds,
           EXISTS (SELECT 1 FROM holidays h WHERE h.region = w.rule_region AND h.day = d.day) AS on_holiday
      FROM work w
     CROSS JOIN LATERAL (
        SELECT g::date AS day FROM generate_series((w.started_at AT TIME ZONE w.tz)::date,
                                                   ((w.ended_at - interval '1 microsecond') AT TIME ZONE w.tz)::date,
                                                   interval '1 day') g) d
), daily AS (
    SELECT p.*, coalesce(sum(seconds) FILTER (WHERE NOT on_holiday) OVER (
               PARTITION BY employee_id, day ORDER BY started_at, id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS day_before
      FROM piece p
), split AS (
    SELECT d.*,
           CASE WHEN on_holiday OR dbl IS NULL THEN 0
                ELSE greatest(0, day_before + seconds - greatest(day_before, dbl)) END AS dt,
           CASE WHEN on_holiday OR daily IS NULL THEN 0
                ELSE greatest(0, least(day_before + seconds, coalesce(dbl, 'infinity'))
                                 - greatest(day_before, daily)) END AS dot
      FROM daily d
), weekly AS (
    SELECT s.*, CASE WHEN on_holiday THEN 0 ELSE seconds - dt - dot END AS base,
           coalesce(sum(CASE WHEN on_holiday THEN 0 ELSE seconds - dt - dot END) OVER (
               PARTITION BY employee_id, week ORDER BY started_at, id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS week_before
      FROM split s
), chrono AS (
    SELECT w.*, CASE WHEN weekly IS NULL THEN 0
                     ELSE greatest(0, week_before + base - greatest(week_before, weekly)) END AS wot
      FROM weekly w
), classified AS (
    SELECT c.id, c.employee_id, c.client_id, c.lob_id, c.activity, c.work_date, c.wanted, c.seconds, c.on_holiday, c.dt,
           CASE WHEN (SELECT p.overtime_attribution FROM billing_policy p
                       WHERE p.tenant_id = (SELECT app.tenant_id())) = 'proportional'
                THEN CASE WHEN c.on_holiday OR sum(c.seconds - c.dt) FILTER (WHERE NOT c.on_holiday) OVER wk = 0
                          THEN 0
                          ELSE sum(c.wot + c.dot) OVER wk * (c.seconds - c.dt)
                               / sum(c.seconds - c.dt) FILTER (WHERE NOT c.on_holiday) OVER wk END
                ELSE c.wot + c.dot END AS ot
      FROM chrono c
    WINDOW wk AS (PARTITION BY c.employee_id, c.week)
)
SELECT id, employee_id, client_id, lob_id, activity, work_date,
       coalesce(sum(seconds) FILTER (WHERE NOT on_holiday), 0) - sum(ot) - sum(dt), sum(ot), sum(dt),
       coalesce(sum(seconds) FILTER (WHERE on_holiday), 0)
  FROM classified
 WHERE wanted
 GROUP BY id, employee_id, client_id, lob_id, activity, work_date
$$;
GRANT EXECUTE ON FUNCTION billing.entry_hours(date, date, uuid, uuid, jsonb, jsonb) TO {{runtime}};
"""


def upgrade() -> None:
    execute_for_runtime(op, CLASSIFY)


def downgrade() -> None:
    op.execute("DROP FUNCTION billing.entry_hours(date, date, uuid, uuid, jsonb, jsonb)")
    execute_for_runtime(op, PREVIOUS.replace("CREATE SCHEMA billing;", ""))
