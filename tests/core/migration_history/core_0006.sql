-- upgrade
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON a_scoped_table FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id OR OLD.lob_ids IS DISTINCT FROM NEW.lob_ids) EXECUTE FUNCTION app.refuse_scope_change()
-- downgrade
DROP TRIGGER IF EXISTS _scope_immutable ON a_scoped_table
-- statement
DROP FUNCTION IF EXISTS app.refuse_scope_change()
