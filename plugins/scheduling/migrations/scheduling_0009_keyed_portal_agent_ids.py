"""The portal's agent identifiers become keyed: HMAC-SHA-256 of (client, employee)
under the tenant's portal key (``app.portal_agent_id``, core_0005), instead of a
plain SHA-256 anyone who knows an employee id could recompute and link across
clients. Stable for a (client, employee) until an operator rotates the key.

Revision ID: scheduling_0009
Revises: scheduling_0008
Create Date: 2026-12-07
"""

from alembic import op

from switchboard.plugins.scheduling.migrations.scheduling_0005_reports import PORTAL_CELLS

revision = "scheduling_0009"
down_revision = "scheduling_0008"
branch_labels = None
depends_on = "core_0005"

PORTAL_ADHERENCE = r"""
CREATE OR REPLACE FUNCTION scheduling.portal_adherence(p_start date, p_end date)
RETURNS TABLE (day date, lob_id uuid, agent text, scheduled numeric, adherent numeric, worked numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ CELLS
  SELECT c.day, c.lob_id, app.portal_agent_id((SELECT app.tenant_id()), c.client_id, c.employee_id),
         c.scheduled, c.adherent, c.worked
    FROM cells c $$;
""".replace("CELLS", PORTAL_CELLS)


def upgrade() -> None:
    op.execute(PORTAL_ADHERENCE)


def downgrade() -> None:
    raise NotImplementedError("the unkeyed identifiers were linkable across clients")
