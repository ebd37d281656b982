"""The scheduling plugin's own SQL schema (for its functions).

Revision ID: scheduling_0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

revision = "scheduling_0001"
down_revision = None
branch_labels = ("scheduling",)
depends_on = "timekeeping_0001"


def upgrade() -> None:
    op.execute("CREATE SCHEMA scheduling")


def downgrade() -> None:
    op.execute("DROP SCHEMA IF EXISTS scheduling CASCADE")
