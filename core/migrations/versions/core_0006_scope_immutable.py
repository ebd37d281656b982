"""A row's scope never changes: the scope trigger on every table that carries tenant_id.

Tables created since this revision get the trigger from core's scoped-table helper
(``switchboard.core.db.scope_guard``); this revision gives it to every table already
there, core's and the plugins', each over the scope columns it has. It reads the
catalog and replaces what it finds, so it is idempotent whether a plugin's tables
were created before or after it.

Revision ID: core_0006
Revises: core_0005
Create Date: 2026-11-26
"""

from alembic import op
from sqlalchemy import text

from switchboard.core.db.scope_guard import (
    FUNCTION,
    GUARDED_PARAMS,
    GUARDED_TABLES,
    TRIGGER,
    scope_guard_ddl,
)

revision = "core_0006"
down_revision = "core_0005"
branch_labels = None
depends_on = None


def _tables() -> list[tuple[str, list[str]]]:
    rows = op.get_bind().execute(text(GUARDED_TABLES), GUARDED_PARAMS)
    return [(r.name, list(r.columns)) for r in rows]


def upgrade() -> None:
    for table, columns in _tables():
        for statement in scope_guard_ddl(table, columns):
            op.execute(statement)


def downgrade() -> None:
    for table, _ in _tables():
        op.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")
