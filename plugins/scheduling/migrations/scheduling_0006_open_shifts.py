"""Open shifts: the LOB-local weeks a window touches, and an employee's published shifts.

``scheduling.local_weeks`` gives each local Monday-to-Monday week a window meets (the
weekly-hours rule of ``eligibleAgents`` and the open-shift figures both count by it).

``scheduling.published_shifts`` tells when employees the caller may see already work,
whichever client it is for, without saying for which: contiguous PUBLISHED segments of
one employee (every activity) form one shift, as the schedule's one-place-at-a-time
constraint treats them. It reveals what ``scheduling.committed_minutes`` and a refused
publication (``SCHEDULE_CONFLICT``) already tell — that the agent is busy then — and
never a LOB, client or activity.

Revision ID: scheduling_0006
Revises: scheduling_0005
Create Date: 2026-11-25
"""

from alembic import op

from switchboard.core.db.scoped import execute_for_runtime

revision = "scheduling_0006"
down_revision = "scheduling_0005"
branch_labels = None
depends_on = None

FUNCTIONS = r"""
-- Each week (Monday, local) that p_window meets in p_timezone, and its span as instants.
CREATE FUNCTION scheduling.local_weeks(p_window tstzrange, p_timezone text)
RETURNS TABLE (week_start date, span tstzrange)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT w.day::date, tstzrange(w.day AT TIME ZONE p_timezone, (w.day + interval '7 days') AT TIME ZONE p_timezone)
        FROM generate_series(date_trunc('week', lower(p_window) AT TIME ZONE p_timezone),
                             (upper(p_window) - interval '1 microsecond') AT TIME ZONE p_timezone,
                             interval '1 week') AS w(day) $$;

-- Published shifts meeting p_during of the given employees the caller may see (others
-- are left out): per employee, the contiguous published segments merged, one row each.
CREATE FUNCTION scheduling.published_shifts(p_employees uuid[], p_during tstzrange)
RETURNS TABLE (employee_id uuid, during tstzrange)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
  WITH me AS MATERIALIZED (
    SELECT app.tenant_id() AS tenant_id, app.tenant_wide() AS wide, app.employee_ids() AS employees,
           app.employee_id() AS self
  ), merged AS (
    SELECT s.employee_id, range_agg(tstzrange(s.starts_at, s.ends_at)) AS shifts
      FROM me JOIN employee e ON e.tenant_id = me.tenant_id
      JOIN schedule_segment s ON s.tenant_id = me.tenant_id AND s.employee_id = e.id
     WHERE e.id = ANY (p_employees) AND (me.wide OR e.id = ANY (me.employees) OR e.id = me.self)
       AND s.published AND tstzrange(s.starts_at, s.ends_at) && p_during
     GROUP BY s.employee_id
  )
  SELECT m.employee_id, r.during FROM merged m CROSS JOIN LATERAL unnest(m.shifts) AS r(during)
$$;

GRANT EXECUTE ON FUNCTION scheduling.local_weeks(tstzrange, text),
    scheduling.published_shifts(uuid[], tstzrange) TO {runtime};
"""


def upgrade() -> None:
    execute_for_runtime(op, FUNCTIONS)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS scheduling.published_shifts(uuid[], tstzrange),"
               " scheduling.local_weeks(tstzrange, text)")
