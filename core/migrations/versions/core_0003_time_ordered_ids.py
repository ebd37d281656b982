"""Time-ordered ids (UUID version 7) for tables that take rows by the million.

A random id (version 4) lands anywhere in the primary-key index and in the audit
log's row index, so a bulk load touches a different page for almost every row once
those indexes outgrow memory. A version-7 id starts with the time in milliseconds:
new rows append at the right edge of both. ``app.uuid_v7()`` is PostgreSQL 18's
``uuidv7()`` where the server has it, else the same layout built from
``gen_random_uuid()`` (RFC 9562: 48-bit Unix milliseconds, version 7, variant 10,
random bits).

Revision ID: core_0003
Revises: core_0002
Create Date: 2026-11-23
"""

from alembic import op
from sqlalchemy import text

revision = "core_0003"
down_revision = "core_0002"
branch_labels = None
depends_on = None

NATIVE = "CREATE FUNCTION app.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$ SELECT uuidv7() $$"
# RFC 9562's layout from a random (version 4) id: its first 6 bytes replaced by the
# Unix milliseconds, and the version nibble's two low bits set (0100 -> 0111)
PORTABLE_EXPRESSION = (
    "encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())"
    " PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)"
    " FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid"
)
PORTABLE = f"CREATE FUNCTION app.uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$ SELECT {PORTABLE_EXPRESSION} $$"

def upgrade() -> None:
    from switchboard.core.db.scoped import execute_for_runtime

    version = op.get_bind().execute(text("SELECT current_setting('server_version_num')::int")).scalar()
    op.execute(NATIVE if version >= 180000 else PORTABLE)
    execute_for_runtime(op, "GRANT EXECUTE ON FUNCTION app.uuid_v7() TO {runtime}")


def downgrade() -> None:
    op.execute("DROP FUNCTION app.uuid_v7()")
