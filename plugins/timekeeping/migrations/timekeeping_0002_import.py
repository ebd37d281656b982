"""Bulk import of ACD and punch files: a staging table and the closed days of a caller's clients.

The runtime role cannot create temporary tables (a temporary table it created would
shadow a table that a ``SECURITY DEFINER`` helper reads by unqualified name; the
start-up self-check refuses such a role). So the owner creates the import's
staging table: ``timekeeping.import_stage()`` makes a fresh temporary table in the
caller's session, dropped at commit, which the runtime role may fill with COPY and
read, and ``timekeeping.import_analyze()`` gives it statistics. Everything the
import writes still goes to ``time_entry`` as the runtime role, under row security.

``timekeeping.closed_days(clients)`` answers the last closed day of the given
clients the caller reaches (a LOB supervisor reads no ``period_close`` row, yet an
import into their LOB must refuse the closed days line by line).

``timekeeping.is_timestamptz(text)`` says whether text is a valid timestamp, so the
import tells a bad time from a good one without failing the statement: PostgreSQL
16's ``pg_input_is_valid`` (inlined, under a microsecond), or on PostgreSQL 15 a cast
that catches the error.

Revision ID: timekeeping_0002
Revises: timekeeping_0001
Create Date: 2026-11-24
"""

from alembic import op
from sqlalchemy import text

from switchboard.core.db.scoped import execute_for_runtime

revision = "timekeeping_0002"
down_revision = "timekeeping_0001"
branch_labels = None
depends_on = None

FUNCTIONS = r"""
CREATE FUNCTION timekeeping.import_stage() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  DROP TABLE IF EXISTS pg_temp.timekeeping_import;
  -- line: the record's number in the file, the header being line 1 (COPY keeps the order)
  CREATE TEMPORARY TABLE timekeeping_import (
      line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
      employee text, client text, lob text, activity text, started_at text, ended_at text, key text
  ) ON COMMIT DROP;
  GRANT SELECT, INSERT ON pg_temp.timekeeping_import TO {runtime};
END $$;

CREATE FUNCTION timekeeping.import_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  ANALYZE pg_temp.timekeeping_import;
END $$;

CREATE FUNCTION timekeeping.closed_days(p_clients uuid[])
RETURNS TABLE (client_id uuid, closed_through date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT p.client_id, max(p.closed_through) FROM period_close p
       WHERE p.tenant_id = app.tenant_id() AND p.client_id = ANY (p_clients)
         AND (app.tenant_wide() OR p.client_id = ANY (app.reach_client_ids()))
       GROUP BY p.client_id $$;

GRANT USAGE ON SCHEMA timekeeping TO {runtime};
GRANT EXECUTE ON FUNCTION timekeeping.import_stage(), timekeeping.import_analyze(),
    timekeeping.closed_days(uuid[]) TO {runtime};
"""

IS_TIMESTAMPTZ = """
CREATE FUNCTION timekeeping.is_timestamptz(p text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_input_is_valid(p, 'timestamptz') $$
"""
IS_TIMESTAMPTZ_15 = """
CREATE FUNCTION timekeeping.is_timestamptz(p text) RETURNS boolean
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$ BEGIN
  PERFORM p::timestamptz;
  RETURN true;
EXCEPTION WHEN data_exception THEN
  RETURN false;
END $$
"""


def upgrade() -> None:
    from switchboard.core.config import get_settings

    runtime = get_settings().runtime_role
    execute_for_runtime(op, FUNCTIONS)
    version = op.get_bind().execute(text("SELECT current_setting('server_version_num')::int")).scalar()
    op.execute(IS_TIMESTAMPTZ if version >= 160000 else IS_TIMESTAMPTZ_15)
    op.execute(f"GRANT EXECUTE ON FUNCTION timekeeping.is_timestamptz(text) TO {runtime}")


def downgrade() -> None:
    from switchboard.core.config import get_settings

    op.execute("DROP FUNCTION IF EXISTS timekeeping.import_stage(), timekeeping.import_analyze(),"
               " timekeeping.closed_days(uuid[]), timekeeping.is_timestamptz(text)")
    op.execute(f"REVOKE USAGE ON SCHEMA timekeeping FROM {get_settings().runtime_role}")
