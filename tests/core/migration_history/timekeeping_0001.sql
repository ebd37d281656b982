-- upgrade
CREATE TABLE time_entry (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    assignment_id uuid NOT NULL,
    activity text NOT NULL CHECK (activity IN ('handling', 'after_contact_work', 'available', 'training', 'coaching', 'meeting', 'break', 'lunch', 'sick', 'vacation', 'unpaid')),
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
    approved_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    FOREIGN KEY (tenant_id, assignment_id) REFERENCES assignment (tenant_id, id),
    FOREIGN KEY (tenant_id, supersedes) REFERENCES time_entry (tenant_id, id),
    FOREIGN KEY (tenant_id, recorded_by) REFERENCES app_user (tenant_id, id),
    FOREIGN KEY (tenant_id, approved_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT time_entry_order CHECK (ended_at > started_at),
    CONSTRAINT time_entry_length CHECK (ended_at - started_at <= interval '16 hours'),
    CONSTRAINT time_entry_approval CHECK ((state = 'approved') = (approved_by IS NOT NULL)),
    CONSTRAINT time_entry_booking CHECK (booked_on >= work_date),
    CONSTRAINT time_entry_supersedes_once UNIQUE (tenant_id, supersedes),
    CONSTRAINT time_entry_import_key UNIQUE (tenant_id, source, import_key),
    CONSTRAINT time_entry_overlap EXCLUDE USING gist (tenant_id WITH =, employee_id WITH =, tstzrange(started_at, ended_at) WITH &&) WHERE (status = 'active' AND activity NOT IN ('sick', 'vacation', 'unpaid'))
)
-- statement
CREATE INDEX time_entry_client_idx ON time_entry (tenant_id, client_id)
-- statement
CREATE INDEX time_entry_lob_idx ON time_entry (tenant_id, lob_id)
-- statement
CREATE INDEX time_entry_employee_id_idx ON time_entry (tenant_id, employee_id)
-- statement
CREATE INDEX time_entry_assignment_id_idx ON time_entry (tenant_id, assignment_id)
-- statement
CREATE INDEX time_entry_supersedes_idx ON time_entry (tenant_id, supersedes)
-- statement
CREATE INDEX time_entry_recorded_by_idx ON time_entry (tenant_id, recorded_by)
-- statement
CREATE INDEX time_entry_approved_by_idx ON time_entry (tenant_id, approved_by)
-- statement
ALTER TABLE time_entry ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE time_entry FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY time_entry_read ON time_entry FOR SELECT USING ((tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) OR (tenant_id = (SELECT app.tenant_id()) AND employee_id = (SELECT app.employee_id())))
-- statement
CREATE POLICY time_entry_write ON time_entry FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT ON time_entry TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON time_entry REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON time_entry REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON time_entry REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON time_entry FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE period_close (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    closed_through date NOT NULL,
    closed_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
    FOREIGN KEY (tenant_id, closed_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT period_close_unique UNIQUE (tenant_id, client_id, closed_through)
)
-- statement
CREATE INDEX period_close_client_idx ON period_close (tenant_id, client_id)
-- statement
CREATE INDEX period_close_closed_by_idx ON period_close (tenant_id, closed_by)
-- statement
ALTER TABLE period_close ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE period_close FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY period_close_read ON period_close FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR client_id = ANY ((SELECT app.client_ids(false))::uuid[])))
-- statement
CREATE POLICY period_close_write ON period_close FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR client_id = ANY ((SELECT app.client_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR client_id = ANY ((SELECT app.client_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT ON period_close TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON period_close REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON period_close REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON period_close REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON period_close FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
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
-- downgrade
DROP TABLE IF EXISTS period_close CASCADE
-- statement
DROP TABLE IF EXISTS time_entry CASCADE
-- statement
DROP SCHEMA IF EXISTS timekeeping CASCADE
