"""``scheduling.was_unpublished`` answers only for schedules the caller works with.

It read the audit log for any schedule id of the caller's tenant, so anyone with a
schedule's id (a client user included) learnt whether another client's schedule had
been published and withdrawn. It now answers only to staff who see every LOB (a
tenant-wide grant) or one of the schedule's LOBs (its segments there are theirs to
see, which is what the interval reports ask it about); for anyone else, and for an
unknown id, it says false. In-scope callers get the same answer as before.

The scope check (``app.lob_ids()`` costs about half a millisecond) runs only when
the log says the schedule was withdrawn: a draft that was never published costs
what it did.

Revision ID: scheduling_0008
Revises: scheduling_0007
Create Date: 2026-11-26
"""

from alembic import op

from switchboard.plugins.scheduling.migrations.scheduling_0005_reports import FUNCTIONS

revision = "scheduling_0008"
down_revision = "scheduling_0007"
branch_labels = None
depends_on = None

WAS_UNPUBLISHED = """
CREATE OR REPLACE FUNCTION scheduling.was_unpublished(p_schedule uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT CASE
        WHEN NOT EXISTS (
            SELECT 1 FROM audit_event e
             WHERE e.tenant_id = app.tenant_id() AND e.table_name = 'schedule' AND e.row_id = p_schedule
               AND e.op = 'UPDATE' AND e.changed -> 'state' ->> 0 = 'published') THEN false
        ELSE EXISTS (
            SELECT 1 FROM schedule s
             WHERE s.tenant_id = app.tenant_id() AND s.id = p_schedule
               AND (app.tenant_wide() OR s.lob_ids && app.lob_ids(false)))
        END $$;
"""


def upgrade() -> None:
    op.execute(WAS_UNPUBLISHED)


def downgrade() -> None:
    start = FUNCTIONS.index("CREATE FUNCTION scheduling.was_unpublished(")
    previous = FUNCTIONS[start:FUNCTIONS.index("$$;", start) + 3]
    op.execute(previous.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
