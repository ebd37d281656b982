"""The time ledger: time entries and per-client period closes.

Revision ID: timekeeping_0001
Revises:
Create Date: 2026-11-23
"""

from alembic import op

from switchboard.core.db.scoped import (
    ScopedTable,
    create_scoped_table,
    drop_scoped_table,
    execute_for_runtime,
)

revision = "timekeeping_0001"
down_revision = None
branch_labels = ("timekeeping",)
depends_on = "core_0002"

# Literal copies (a migration never changes): the live catalogue is
# switchboard.plugins.timekeeping.activities (tests/core/test_vocabularies.py checks they agree at head).
ACTIVITIES = ("('handling', 'after_contact_work', 'available', 'training', 'coaching', 'meeting', 'break',"
              " 'lunch', 'sick', 'vacation', 'unpaid')")
ABSENCES = "('sick', 'vacation', 'unpaid')"

TABLES = [
    ScopedTable(
        name="time_entry",
        scope="lob",
        columns=f"""
            employee_id uuid NOT NULL,
            assignment_id uuid NOT NULL,
            activity text NOT NULL CHECK (activity IN {ACTIVITIES}),
            started_at timestamptz NOT NULL,
            ended_at timestamptz NOT NULL,
            work_date date NOT NULL,
            timezone text NOT NULL,
            booked_on date NOT NULL,
            source text NOT NULL CHECK (source IN ('punch', 'acd', 'manual')),
            state text NOT NULL DEFAULT 'recorded' CHECK (state IN ('recorded', 'approved')),
            status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'superseded', 'voided')),
            supersedes uuid,
            adjustment boolean NOT NULL DEFAULT false,
            import_key text CHECK (length(import_key) BETWEEN 1 AND 200),
            note text CHECK (length(note) <= 500),
            recorded_by uuid,
            approved_by uuid,
            approved_at timestamptz""",
        references={
            "employee_id": "employee", "assignment_id": "assignment", "supersedes": "time_entry",
            "recorded_by": "app_user", "approved_by": "app_user",
        },
        constraints=[
            "CONSTRAINT time_entry_order CHECK (ended_at > started_at)",
            "CONSTRAINT time_entry_length CHECK (ended_at - started_at <= interval '16 hours')",
            "CONSTRAINT time_entry_approval CHECK ((state = 'approved') = (approved_by IS NOT NULL))",
            "CONSTRAINT time_entry_booking CHECK (booked_on >= work_date)",
            "CONSTRAINT time_entry_supersedes_once UNIQUE (tenant_id, supersedes)",
            "CONSTRAINT time_entry_import_key UNIQUE (tenant_id, source, import_key)",
            # one employee cannot do two working activities at once (absences aside)
            ("CONSTRAINT time_entry_overlap EXCLUDE USING gist (tenant_id WITH =, employee_id WITH =,"
            " tstzrange(started_at, ended_at) WITH &&)"
            f" WHERE (status = 'active' AND activity NOT IN {ABSENCES})"),
        ],
        self_column="employee_id",
        # entries are never deleted, and only their approval and status change
        commands=("SELECT", "INSERT"),
    ),
    ScopedTable(
        name="period_close",
        scope="client",
        columns="""
            closed_through date NOT NULL,
            closed_by uuid NOT NULL""",
        references={"closed_by": "app_user"},
        constraints=["CONSTRAINT period_close_unique UNIQUE (tenant_id, client_id, closed_through)"],
        commands=("SELECT", "INSERT"),
    ),
]

GUARD = r"""
CREATE SCHEMA timekeeping;

-- The last closed day of a client (NULL: nothing closed).
CREATE FUNCTION timekeeping.closed_through(p_tenant uuid, p_client uuid) RETURNS date
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT max(closed_through) FROM period_close WHERE tenant_id = p_tenant AND client_id = p_client $$;

-- New entries: the work date is the start's date in the LOB's timezone (kept
-- with the entry, so history renders as it was recorded); the
-- employee must hold an assignment to that LOB on that date; closed days take
-- only adjustments, booked in the next open day or later.
CREATE FUNCTION timekeeping.entry_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  closed date;
BEGIN
  SELECT (NEW.started_at AT TIME ZONE l.timezone)::date, l.timezone INTO NEW.work_date, NEW.timezone
    FROM lob l WHERE l.tenant_id = NEW.tenant_id AND l.id = NEW.lob_id;
  IF NOT EXISTS (SELECT 1 FROM assignment a
                  WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.assignment_id
                    AND a.employee_id = NEW.employee_id AND a.lob_id = NEW.lob_id
                    AND a.valid_during @> NEW.work_date) THEN
    RAISE EXCEPTION 'TIME_ENTRY_NOT_ASSIGNED'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entry_assignment';
  END IF;
  NEW.booked_on := coalesce(NEW.booked_on, NEW.work_date);
  closed := timekeeping.closed_through(NEW.tenant_id, NEW.client_id);
  IF closed IS NOT NULL AND NEW.booked_on <= closed THEN
    RAISE EXCEPTION 'PERIOD_CLOSED' USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entry_closed';
  END IF;
  IF NEW.adjustment IS DISTINCT FROM (closed IS NOT NULL AND NEW.work_date <= closed) THEN
    RAISE EXCEPTION 'adjustment flag must say whether the work date is closed'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entry_adjustment';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER time_entry_insert BEFORE INSERT ON time_entry
    FOR EACH ROW EXECUTE FUNCTION timekeeping.entry_insert();

-- Changes: recorded -> approved (not by the employee themself), active ->
-- superseded | voided, never back; a closed entry only gets superseded.
CREATE FUNCTION timekeeping.entry_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  closed date := timekeeping.closed_through(NEW.tenant_id, NEW.client_id);
BEGIN
  IF OLD.state = 'approved' AND NEW.state IS DISTINCT FROM OLD.state
     OR OLD.status <> 'active' AND NEW.status IS DISTINCT FROM OLD.status THEN
    RAISE EXCEPTION 'TIME_ENTRY_FINAL' USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entry_final';
  END IF;
  IF NEW.state = 'approved' AND OLD.state = 'recorded'
     AND NEW.employee_id = app.employee_id() THEN
    RAISE EXCEPTION 'SELF_APPROVAL' USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entry_self_approval';
  END IF;
  IF closed IS NOT NULL AND OLD.booked_on <= closed
     AND (NEW.state IS DISTINCT FROM OLD.state OR NEW.status NOT IN ('active', 'superseded')) THEN
    RAISE EXCEPTION 'PERIOD_CLOSED' USING ERRCODE = 'check_violation', CONSTRAINT = 'time_entry_closed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER time_entry_update BEFORE UPDATE ON time_entry
    FOR EACH ROW EXECUTE FUNCTION timekeeping.entry_update();

-- Closing only moves forward.
CREATE FUNCTION timekeeping.close_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF NEW.closed_through <= timekeeping.closed_through(NEW.tenant_id, NEW.client_id) THEN
    RAISE EXCEPTION 'PERIOD_ALREADY_CLOSED'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'period_close_forward';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER period_close_forward BEFORE INSERT ON period_close
    FOR EACH ROW EXECUTE FUNCTION timekeeping.close_insert();

CREATE INDEX time_entry_employee_time_idx ON time_entry (tenant_id, employee_id, started_at);
CREATE INDEX time_entry_work_date_idx ON time_entry (tenant_id, work_date);
GRANT UPDATE (state, status, approved_by, approved_at) ON time_entry TO {runtime};
"""


def upgrade() -> None:
    for table in TABLES:
        create_scoped_table(op, table)
    execute_for_runtime(op, GUARD)


def downgrade() -> None:
    for table in reversed(TABLES):
        drop_scoped_table(op, table.name)
    op.execute("DROP SCHEMA IF EXISTS timekeeping CASCADE")
