-- upgrade
CREATE TABLE sample_note (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    body text NOT NULL CHECK (length(btrim(body)) BETWEEN 1 AND 500),
    author_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    FOREIGN KEY (tenant_id, author_id) REFERENCES app_user (tenant_id, id)
)
-- statement
CREATE INDEX sample_note_client_idx ON sample_note (tenant_id, client_id)
-- statement
CREATE INDEX sample_note_lob_idx ON sample_note (tenant_id, lob_id)
-- statement
CREATE INDEX sample_note_author_id_idx ON sample_note (tenant_id, author_id)
-- statement
ALTER TABLE sample_note ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE sample_note FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY sample_note_read ON sample_note FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
CREATE POLICY sample_note_write ON sample_note FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT, UPDATE, DELETE ON sample_note TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON sample_note REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON sample_note REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON sample_note REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON sample_note FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- downgrade
DROP TABLE IF EXISTS sample_note CASCADE
