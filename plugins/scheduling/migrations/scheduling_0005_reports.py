"""Reports: whether a schedule was published and then unpublished; adherence for the portal.

The audit log records every change of a schedule's state, but a schedule spans LOBs
and its events carry no client, so only tenant-wide callers read them. Reports need
the one fact for callers who see the schedule's segments: ``scheduling.was_unpublished``
tells it for a schedule of the caller's tenant, and nothing else of the log.

Client users read no segment or time entry. ``scheduling.portal_adherence`` gives
them the adherence cells (see :mod:`switchboard.plugins.scheduling.reports.adherence`)
of the LOBs of the client they are bound to, and nothing else: each agent appears as
an identifier derived from the client and the employee, so the same agent reads
differently to two clients and never as an employee id.

Revision ID: scheduling_0005
Revises: scheduling_0004
Create Date: 2026-11-24
"""

from alembic import op

from switchboard.core.db.scoped import execute_for_runtime

revision = "scheduling_0005"
down_revision = "scheduling_0004"
branch_labels = None
depends_on = None

# The adherence cells over the LOBs of the caller's bound client, as the reports computed them
# (today's text is plugins/scheduling/sql/adherence_cells.sql).
PORTAL_CELLS = """
WITH seg AS (
    SELECT s.tenant_id, s.client_id, s.lob_id, s.employee_id, (s.starts_at AT TIME ZONE l.timezone)::date AS day,
           tstzrange(s.starts_at, s.ends_at) AS span
      FROM schedule_segment s JOIN lob l ON l.tenant_id = s.tenant_id AND l.id = s.lob_id
     WHERE s.published AND s.activity = 'work' AND s.lob_id = ANY ((SELECT scheduling.portal_lob_ids())::uuid[])
       AND s.starts_at >= CAST(p_start AS date) - 2 AND s.starts_at < CAST(p_end AS date) + 2
), planned AS (
    SELECT seg.client_id, seg.lob_id, seg.employee_id, seg.day,
           sum(scheduling.minutes(tstzmultirange(seg.span))) AS scheduled,
           sum((SELECT scheduling.minutes(coalesce(range_agg(tstzrange(t.started_at, t.ended_at) * seg.span),
                                                   '{}'::tstzmultirange))
                  FROM time_entry t
                 WHERE t.tenant_id = seg.tenant_id AND t.employee_id = seg.employee_id AND t.lob_id = seg.lob_id
                   AND t.status = 'active' AND t.activity IN ('handling', 'after_contact_work', 'available')
                   AND tstzrange(t.started_at, t.ended_at) && seg.span)) AS adherent
      FROM seg WHERE seg.day BETWEEN p_start AND p_end
     GROUP BY 1, 2, 3, 4
), worked AS (
    SELECT t.client_id, t.lob_id, t.employee_id, t.work_date AS day,
           sum(extract(epoch FROM t.ended_at - t.started_at) / 60) AS worked
      FROM time_entry t
     WHERE t.status = 'active' AND t.activity IN ('handling', 'after_contact_work', 'available') AND t.lob_id = ANY ((SELECT scheduling.portal_lob_ids())::uuid[])
       AND t.work_date BETWEEN p_start AND p_end
     GROUP BY 1, 2, 3, 4
), cells AS (
    SELECT client_id, lob_id, employee_id, day, coalesce(p.scheduled, 0) AS scheduled,
           coalesce(p.adherent, 0) AS adherent, coalesce(w.worked, 0) AS worked
      FROM planned p FULL JOIN worked w USING (client_id, lob_id, employee_id, day)
)
"""

FUNCTIONS = r"""
CREATE FUNCTION scheduling.was_unpublished(p_schedule uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT EXISTS (
        SELECT 1 FROM audit_event e
         WHERE e.tenant_id = app.tenant_id() AND e.table_name = 'schedule' AND e.row_id = p_schedule
           AND e.op = 'UPDATE' AND e.changed -> 'state' ->> 0 = 'published') $$;

-- The LOBs of the client the caller is bound to as a client user (none for staff).
CREATE FUNCTION scheduling.portal_lob_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce(array_agg(l.id), '{}') FROM client_binding b
       JOIN lob l ON l.tenant_id = b.tenant_id AND l.client_id = b.client_id
      WHERE b.tenant_id = app.tenant_id() AND b.user_id = app.user_id() $$;

CREATE FUNCTION scheduling.portal_adherence(p_start date, p_end date)
RETURNS TABLE (day date, lob_id uuid, agent text, scheduled numeric, adherent numeric, worked numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ CELLS
  SELECT c.day, c.lob_id,
         'agent-' || left(encode(sha256(convert_to(c.client_id::text || '/' || c.employee_id::text, 'UTF8')), 'hex'), 16),
         c.scheduled, c.adherent, c.worked
    FROM cells c $$;

GRANT EXECUTE ON FUNCTION scheduling.was_unpublished(uuid), scheduling.portal_lob_ids(),
    scheduling.portal_adherence(date, date) TO {runtime};
""".replace("CELLS", PORTAL_CELLS)


def upgrade() -> None:
    execute_for_runtime(op, FUNCTIONS)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS scheduling.portal_adherence(date, date), scheduling.portal_lob_ids(),"
               " scheduling.was_unpublished(uuid)")
