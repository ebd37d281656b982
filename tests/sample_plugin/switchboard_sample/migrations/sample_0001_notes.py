"""Sample notes: a LOB-scoped table declared through core's helper.

Revision ID: sample_0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

from switchboard.core.db.scoped import ScopedTable, create_scoped_table, drop_scoped_table

revision = "sample_0001"
down_revision = None
branch_labels = ("sample",)
depends_on = "core_0002"


def upgrade() -> None:
    create_scoped_table(op, ScopedTable(
        name="sample_note",
        scope="lob",
        columns="body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 500), author_id uuid NOT NULL",
        references={"author_id": "app_user"},
    ))


def downgrade() -> None:
    drop_scoped_table(op, "sample_note")
