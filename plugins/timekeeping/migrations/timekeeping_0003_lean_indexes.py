"""Fewer index writes per time entry: the ledger takes rows by the million.

Two indexes repeated others: ``(tenant_id, employee_id)`` is the head of the
employee-and-start index, and ``(tenant_id, supersedes)`` is the supersedes-once
constraint's own index. The approver and recorder indexes (which serve the foreign
keys from ``app_user``) now hold only the rows that name someone: most entries are
recorded by a machine and not yet approved.

Revision ID: timekeeping_0003
Revises: timekeeping_0002
Create Date: 2026-11-23
"""

from alembic import op

revision = "timekeeping_0003"
down_revision = "timekeeping_0002"
branch_labels = None
depends_on = None

PARTIAL = ("recorded_by", "approved_by")


def upgrade() -> None:
    op.execute("DROP INDEX time_entry_employee_id_idx, time_entry_supersedes_idx")
    for column in PARTIAL:
        op.execute(f"DROP INDEX time_entry_{column}_idx")
        op.execute(f"CREATE INDEX time_entry_{column}_idx ON time_entry (tenant_id, {column})"
                   f" WHERE {column} IS NOT NULL")


def downgrade() -> None:
    for column in PARTIAL:
        op.execute(f"DROP INDEX time_entry_{column}_idx")
        op.execute(f"CREATE INDEX time_entry_{column}_idx ON time_entry (tenant_id, {column})")
    op.execute("CREATE INDEX time_entry_employee_id_idx ON time_entry (tenant_id, employee_id)")
    op.execute("CREATE INDEX time_entry_supersedes_idx ON time_entry (tenant_id, supersedes)")
