-- upgrade
CREATE TABLE lob_staffing (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    shrinkage numeric(5,4) NOT NULL CONSTRAINT lob_staffing_shrinkage CHECK (shrinkage >= 0 AND shrinkage < 1),
    occupancy_cap numeric(5,4) NOT NULL
            CONSTRAINT lob_staffing_occupancy CHECK (occupancy_cap > 0 AND occupancy_cap <= 1),
    patience_seconds numeric(10,1) CONSTRAINT lob_staffing_patience CHECK (patience_seconds > 0),
    priority numeric(6,2) NOT NULL CONSTRAINT lob_staffing_priority CHECK (priority > 0 AND priority <= 100),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    CONSTRAINT lob_staffing_one UNIQUE (tenant_id, lob_id)
)
-- statement
CREATE INDEX lob_staffing_client_idx ON lob_staffing (tenant_id, client_id)
-- statement
CREATE INDEX lob_staffing_lob_idx ON lob_staffing (tenant_id, lob_id)
-- statement
ALTER TABLE lob_staffing ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE lob_staffing FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY lob_staffing_read ON lob_staffing FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
CREATE POLICY lob_staffing_write ON lob_staffing FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT, UPDATE ON lob_staffing TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON lob_staffing REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON lob_staffing REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON lob_staffing REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON lob_staffing FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
ALTER TABLE schedule ADD COLUMN coverage_gaps jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN under_coverage_minutes numeric NOT NULL DEFAULT 0
        CONSTRAINT schedule_under_coverage CHECK (under_coverage_minutes >= 0);
GRANT INSERT (coverage_gaps, under_coverage_minutes) ON schedule TO {runtime};
-- downgrade
ALTER TABLE schedule DROP COLUMN coverage_gaps, DROP COLUMN under_coverage_minutes
-- statement
DROP TABLE IF EXISTS lob_staffing CASCADE
