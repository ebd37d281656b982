"""Reports: whether a schedule was published and then unpublished.

The audit log records every change of a schedule's state, but a schedule spans LOBs
and its events carry no client, so only tenant-wide callers read them. Reports need
the one fact for callers who see the schedule's segments: this function tells it for
a schedule of the caller's tenant, and nothing else of the log.

Revision ID: scheduling_reports_0001
Revises: scheduling_0003
Create Date: 2026-11-24
"""

from alembic import op
from switchboard.core.db.scoped import execute_for_runtime

revision = "scheduling_reports_0001"
down_revision = "scheduling_0003"
branch_labels = None
depends_on = None

FUNCTIONS = r"""
CREATE FUNCTION scheduling.was_unpublished(p_schedule uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT EXISTS (
        SELECT 1 FROM audit_event e
         WHERE e.tenant_id = app.tenant_id() AND e.table_name = 'schedule' AND e.row_id = p_schedule
           AND e.op = 'UPDATE' AND e.changed -> 'state' ->> 0 = 'published') $$;
GRANT EXECUTE ON FUNCTION scheduling.was_unpublished(uuid) TO {runtime};
"""


def upgrade() -> None:
    execute_for_runtime(op, FUNCTIONS)


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS scheduling.was_unpublished(uuid)")
