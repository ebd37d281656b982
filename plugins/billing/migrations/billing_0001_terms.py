"""Commercial terms, the tenant's billing policy, and the classification of worked time.

Revision ID: billing_0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

from switchboard.core.db.scoped import (
    TENANT,
    TENANT_WIDE,
    ScopedTable,
    create_scoped_table,
    drop_scoped_table,
    execute_for_runtime,
)

revision = "billing_0001"
down_revision = None
branch_labels = ("billing",)
depends_on = "timekeeping_0001"

# Literal copies (a migration never changes): the live catalogue is
# switchboard.plugins.timekeeping.activities (tests/core/test_vocabularies.py checks they agree at head).
ACTIVITIES = ("ARRAY['handling', 'after_contact_work', 'available', 'training', 'coaching', 'meeting', 'break',"
              " 'lunch', 'sick', 'vacation', 'unpaid']")
WORKED = "('handling', 'after_contact_work', 'available', 'training', 'coaching', 'meeting', 'break')"

# Terms of a client apply to all its LOBs; a LOB's own terms win. A LOB-level grant
# reads its LOB's terms and its client's.
GRANTED_LOBS = "(SELECT app.lob_ids(false))::uuid[]"
TERMS_READ = (
    f"{TENANT} AND ({TENANT_WIDE} OR client_id = ANY ((SELECT app.client_ids(false))::uuid[])"
    f" OR lob_id = ANY ({GRANTED_LOBS})"
    f" OR (lob_id IS NULL AND client_id IN (SELECT l.client_id FROM lob l WHERE l.id = ANY ({GRANTED_LOBS}))))"
)

TABLES = [
    ScopedTable(
        name="billing_terms",
        scope="client",
        columns=f"""
            lob_id uuid,
            valid_during daterange NOT NULL CHECK (NOT isempty(valid_during) AND NOT lower_inf(valid_during)),
            billable_activities text[] NOT NULL
                CHECK (cardinality(billable_activities) > 0 AND billable_activities <@ {ACTIVITIES}),
            bill_rate numeric(10,2) NOT NULL CHECK (bill_rate > 0 AND bill_rate < 100000),
            currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{{3}}$'),
            overtime_multiplier numeric(4,2) NOT NULL DEFAULT 1.5 CHECK (overtime_multiplier BETWEEN 1 AND 5),
            double_time_multiplier numeric(4,2) NOT NULL DEFAULT 2 CHECK (double_time_multiplier BETWEEN 1 AND 5),
            holiday_multiplier numeric(4,2) NOT NULL DEFAULT 1.5 CHECK (holiday_multiplier BETWEEN 1 AND 5),
            premium_payer text NOT NULL DEFAULT 'client' CHECK (premium_payer IN ('client', 'bpo')),
            rounding_minutes integer NOT NULL DEFAULT 1 CHECK (rounding_minutes IN (1, 5, 6, 10, 15, 30, 60))""",
        constraints=[
            "FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id)",
            ("CONSTRAINT billing_terms_overlap EXCLUDE USING gist (tenant_id WITH =, client_id WITH =,"
             " (coalesce(lob_id, '00000000-0000-0000-0000-000000000000'::uuid)) WITH =, valid_during WITH &&)"),
        ],
        read=TERMS_READ,
    ),
    ScopedTable(
        name="billing_policy",
        scope="tenant",
        columns="""
            overtime_attribution text NOT NULL DEFAULT 'chronological'
                CHECK (overtime_attribution IN ('chronological', 'proportional'))""",
        constraints=["CONSTRAINT billing_policy_one UNIQUE (tenant_id)"],
        commands=("SELECT", "INSERT", "UPDATE"),
    ),
]

# Visibility of a time entry, exactly as its row policy (timekeeping_0001) states it.
ENTRY_VISIBLE = (
    "(tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide())"
    " OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))"
    " OR (tenant_id = (SELECT app.tenant_id()) AND employee_id = (SELECT app.employee_id()))"
)

CLASSIFY = rf"""
CREATE SCHEMA billing;

-- Split every visible worked entry of [p_from, p_to] (LOB-local work dates) into
-- regular, overtime, double-time and stat-holiday seconds.
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
RETURNS TABLE (entry_id uuid, regular numeric, overtime numeric, double_time numeric, holiday numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
WITH target AS (
    SELECT id, employee_id FROM time_entry
     WHERE ({ENTRY_VISIBLE})
       AND work_date BETWEEN p_from AND p_to AND status = 'active' AND activity IN {WORKED}
       AND (p_client IS NULL OR client_id = p_client) AND (p_lob IS NULL OR lob_id = p_lob)
), rules AS (
    SELECT * FROM jsonb_to_recordset(p_rules)
        AS r(region text, weekly numeric, daily numeric, double numeric, tz text)
), holidays AS (
    SELECT * FROM jsonb_to_recordset(p_holidays) AS h(region text, day date)
), emp AS (
    SELECT e.id, r.region AS rule_region, coalesce(s.timezone, r.tz, 'UTC') AS tz,
           r.weekly * 3600 AS weekly, r.daily * 3600 AS daily, r.double * 3600 AS dbl
      FROM employee e
      LEFT JOIN site s ON s.tenant_id = e.tenant_id AND s.id = e.home_site_id
      LEFT JOIN LATERAL (SELECT * FROM rules x WHERE x.region IN (e.work_region, split_part(e.work_region, '-', 1))
                          ORDER BY length(x.region) DESC LIMIT 1) r ON true
     WHERE e.tenant_id = (SELECT app.tenant_id()) AND e.id IN (SELECT employee_id FROM target)
), work AS (
    SELECT t.id, t.employee_id, t.started_at, t.ended_at, emp.tz, emp.weekly, emp.daily, emp.dbl,
           emp.rule_region
      FROM time_entry t JOIN emp ON emp.id = t.employee_id
     WHERE t.tenant_id = (SELECT app.tenant_id()) AND t.status = 'active'
       AND t.activity IN {WORKED}
       AND t.work_date BETWEEN p_from - 8 AND p_to + 8
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
    SELECT c.id, c.seconds, c.on_holiday, c.dt,
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
SELECT id, coalesce(sum(seconds) FILTER (WHERE NOT on_holiday), 0) - sum(ot) - sum(dt), sum(ot), sum(dt),
       coalesce(sum(seconds) FILTER (WHERE on_holiday), 0)
  FROM classified
 WHERE id IN (SELECT id FROM target)
 GROUP BY id
$$;
GRANT USAGE ON SCHEMA billing TO {{runtime}};
GRANT EXECUTE ON FUNCTION billing.entry_hours(date, date, uuid, uuid, jsonb, jsonb) TO {{runtime}};
"""


def upgrade() -> None:
    for table in TABLES:
        create_scoped_table(op, table)
    execute_for_runtime(op, CLASSIFY)


def downgrade() -> None:
    op.execute("DROP SCHEMA IF EXISTS billing CASCADE")
    for table in reversed(TABLES):
        drop_scoped_table(op, table.name)
