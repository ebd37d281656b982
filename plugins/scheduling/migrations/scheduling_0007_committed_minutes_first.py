"""Committed minutes start from the published segments, not from the caller's visibility.

``scheduling.committed_minutes`` used to work out first which employees the caller
sees (``app.employee_ids()``, ``app.lob_ids()``: arrays over every assignment of
the caller's scope) and then probe the given employees one array scan each. It now
looks for published paid segments of the given employees in the period first,
through the published segments' exclusion index, and asks who the caller sees only
when there is one: the usual case of ``eligibleAgents`` (no published schedule in
the window's weeks) costs one index probe. Same answer, same signature.

Revision ID: scheduling_0007
Revises: scheduling_0006
Create Date: 2026-11-25
"""

from alembic import op

from switchboard.plugins.scheduling.migrations.scheduling_0003_schedules import GUARDS, UNPAID_ACTIVITIES

revision = "scheduling_0007"
down_revision = "scheduling_0006"
branch_labels = None
depends_on = None

COMMITTED_MINUTES = f"""
CREATE OR REPLACE FUNCTION scheduling.committed_minutes(p_employees uuid[], p_during tstzmultirange)
RETURNS TABLE (employee_id uuid, assignment_id uuid, minutes numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
  WITH worked AS MATERIALIZED (
    SELECT s.employee_id, s.lob_id, s.assignment_id,
           scheduling.minutes(tstzmultirange(tstzrange(s.starts_at, s.ends_at)) * p_during) AS minutes
      FROM schedule_segment s
     WHERE s.tenant_id = (SELECT app.tenant_id()) AND s.published
       AND s.activity NOT IN {UNPAID_ACTIVITIES}
       AND tstzrange(s.starts_at, s.ends_at) && range_merge(p_during)
       AND s.employee_id IN (SELECT unnest(p_employees))
  ), me AS MATERIALIZED (
    SELECT app.tenant_wide() AS wide, app.employee_ids() AS employees, app.employee_id() AS self,
           app.lob_ids(false) AS lobs
     WHERE EXISTS (SELECT FROM worked)
  )
  SELECT w.employee_id,
         CASE WHEN me.wide OR w.lob_id = ANY (me.lobs) OR w.employee_id = me.self THEN w.assignment_id END,
         sum(w.minutes)
    FROM worked w CROSS JOIN me
   WHERE me.wide OR w.employee_id = ANY (me.employees) OR w.employee_id = me.self
   GROUP BY 1, 2 HAVING sum(w.minutes) > 0
$$;
"""


def upgrade() -> None:
    op.execute(COMMITTED_MINUTES)


def downgrade() -> None:
    start = GUARDS.index("CREATE FUNCTION scheduling.committed_minutes(")
    previous = GUARDS[start:GUARDS.index("$$;", start) + 3]
    op.execute(previous.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
