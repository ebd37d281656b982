"""New time entries get time-ordered ids (``app.uuid_v7()``), so imports and demo loads
append to the ledger's and the audit log's indexes instead of scattering over them.

Revision ID: timekeeping_0004
Revises: timekeeping_0003
Create Date: 2026-11-23
"""

from alembic import op

revision = "timekeeping_0004"
down_revision = "timekeeping_0003"
branch_labels = None
depends_on = "core_0003"


def upgrade() -> None:
    op.execute("ALTER TABLE time_entry ALTER COLUMN id SET DEFAULT app.uuid_v7()")


def downgrade() -> None:
    op.execute("ALTER TABLE time_entry ALTER COLUMN id SET DEFAULT gen_random_uuid()")
