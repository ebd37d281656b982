-- upgrade
SET LOCAL check_function_bodies = off
-- statement
CREATE TABLE client (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
    jurisdiction text NOT NULL CHECK (jurisdiction ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    timezone text NOT NULL CHECK (app.is_timezone(timezone)),
    languages text[] NOT NULL CHECK (cardinality(languages) > 0),
    currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    holiday_region text NOT NULL CHECK (holiday_region ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    regimes text[] NOT NULL DEFAULT '{}' CHECK (regimes <@ ARRAY['PCI_DSS', 'HIPAA', 'PIPEDA', 'QC_LAW25', 'CCPA', 'GDPR']),
    residency_regions text[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code)
)
-- statement
ALTER TABLE client ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE client FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY client_read ON client FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR id = ANY ((SELECT app.reach_client_ids())::uuid[])))
-- statement
CREATE POLICY client_write ON client FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR id = ANY ((SELECT app.client_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR id = ANY ((SELECT app.client_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT, UPDATE, DELETE ON client TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON client REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON client REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON client REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON client FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE lob (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    code text NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{1,31}$'),
    language text NOT NULL CHECK (language ~ '^[a-z]{2}(-[A-Z]{2})?$'),
    channel text NOT NULL CHECK (channel IN ('voice', 'chat', 'email', 'social', 'back_office')),
    timezone text NOT NULL CHECK (app.is_timezone(timezone)),
    sla_target_pct numeric(5,2) NOT NULL CHECK (sla_target_pct > 0 AND sla_target_pct <= 100),
    sla_answer_seconds integer NOT NULL CHECK (sla_answer_seconds BETWEEN 1 AND 86400),
    required_credentials text[] NOT NULL DEFAULT '{}',
    handles_card_data boolean NOT NULL DEFAULT false,
    handles_health_data boolean NOT NULL DEFAULT false,
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
    UNIQUE (tenant_id, client_id, id),
    UNIQUE (tenant_id, client_id, code)
)
-- statement
CREATE INDEX lob_client_idx ON lob (tenant_id, client_id)
-- statement
ALTER TABLE lob ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE lob FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY lob_read ON lob FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR id = ANY ((SELECT app.reach_lob_ids())::uuid[])))
-- statement
CREATE POLICY lob_write ON lob FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR client_id = ANY ((SELECT app.client_ids(false))::uuid[]) OR id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR client_id = ANY ((SELECT app.client_ids(false))::uuid[]) OR id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT, UPDATE, DELETE ON lob TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON lob REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON lob REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON lob REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON lob FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE site (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
    region text NOT NULL CHECK (region ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    timezone text NOT NULL CHECK (app.is_timezone(timezone)),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
)
-- statement
ALTER TABLE site ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE site FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY site_read ON site FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.is_staff()))
-- statement
CREATE POLICY site_write ON site FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
GRANT SELECT, INSERT, UPDATE, DELETE ON site TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON site REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON site REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON site REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON site FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE employee (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    employee_number text NOT NULL,
    legal_name text NOT NULL CHECK (length(btrim(legal_name)) BETWEEN 1 AND 200),
    preferred_name text NOT NULL CHECK (length(btrim(preferred_name)) BETWEEN 1 AND 200),
    email text CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    phone text,
    hire_date date NOT NULL,
    termination_date date,
    home_site_id uuid,
    work_region text NOT NULL CHECK (work_region ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    languages jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(languages) = 'array'),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, home_site_id) REFERENCES site (tenant_id, id),
    UNIQUE (tenant_id, employee_number),
    CHECK (termination_date IS NULL OR termination_date >= hire_date)
)
-- statement
CREATE INDEX employee_home_site_id_idx ON employee (tenant_id, home_site_id)
-- statement
ALTER TABLE employee ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE employee FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY employee_read ON employee FOR SELECT USING ((tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR id = ANY ((SELECT app.employee_ids())::uuid[]))) OR (tenant_id = (SELECT app.tenant_id()) AND id = (SELECT app.employee_id())))
-- statement
CREATE POLICY employee_write ON employee FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON employee REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:legal_name', 'pii:email', 'pii:phone')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON employee REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:legal_name', 'pii:email', 'pii:phone')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON employee REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:legal_name', 'pii:email', 'pii:phone')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON employee FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE assignment (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('agent', 'lead', 'supervisor', 'trainer')),
    supervisor_id uuid,
    valid_during daterange NOT NULL
                CHECK (NOT isempty(valid_during) AND NOT lower_inf(valid_during)),
    pay_rate numeric(10,2) NOT NULL CHECK (pay_rate >= 0 AND pay_rate < 100000),
    pay_currency char(3) NOT NULL CHECK (pay_currency ~ '^[A-Z]{3}$'),
    weekly_hours_cap numeric(4,1) NOT NULL
                CHECK (weekly_hours_cap >= 1 AND weekly_hours_cap <= 60),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    FOREIGN KEY (tenant_id, supervisor_id) REFERENCES employee (tenant_id, id),
    CONSTRAINT assignment_no_overlap EXCLUDE USING gist (tenant_id WITH =, employee_id WITH =, lob_id WITH =, valid_during WITH &&),
    CONSTRAINT assignment_not_own_supervisor CHECK (supervisor_id IS DISTINCT FROM employee_id)
)
-- statement
CREATE INDEX assignment_client_idx ON assignment (tenant_id, client_id)
-- statement
CREATE INDEX assignment_lob_idx ON assignment (tenant_id, lob_id)
-- statement
CREATE INDEX assignment_employee_id_idx ON assignment (tenant_id, employee_id)
-- statement
CREATE INDEX assignment_supervisor_id_idx ON assignment (tenant_id, supervisor_id)
-- statement
ALTER TABLE assignment ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE assignment FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY assignment_read ON assignment FOR SELECT USING ((tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) OR (tenant_id = (SELECT app.tenant_id()) AND employee_id = (SELECT app.employee_id())))
-- statement
CREATE POLICY assignment_write ON assignment FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT, UPDATE, DELETE ON assignment TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON assignment REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON assignment REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON assignment REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON assignment FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE credential (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    employee_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(:[a-z0-9_-]+)?$'),
    client_id uuid,
    issued_on date NOT NULL,
    expires_on date,
    revoked_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
    CONSTRAINT credential_dates CHECK (expires_on IS NULL OR expires_on > issued_on),
    CONSTRAINT credential_revocation CHECK (revoked_on IS NULL OR revoked_on >= issued_on)
)
-- statement
CREATE INDEX credential_employee_id_idx ON credential (tenant_id, employee_id)
-- statement
ALTER TABLE credential ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE credential FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY credential_read ON credential FOR SELECT USING ((tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR (employee_id = ANY ((SELECT app.employee_ids())::uuid[]) AND (client_id IS NULL OR client_id = ANY ((SELECT app.reach_client_ids())::uuid[]))))) OR (tenant_id = (SELECT app.tenant_id()) AND employee_id = (SELECT app.employee_id())))
-- statement
CREATE POLICY credential_write ON credential FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR (employee_id = ANY ((SELECT app.employee_ids())::uuid[]) AND (client_id IS NULL OR client_id = ANY ((SELECT app.reach_client_ids())::uuid[])))) AND employee_id IS DISTINCT FROM (SELECT app.employee_id())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR (employee_id = ANY ((SELECT app.employee_ids())::uuid[]) AND (client_id IS NULL OR client_id = ANY ((SELECT app.reach_client_ids())::uuid[])))) AND employee_id IS DISTINCT FROM (SELECT app.employee_id()))
-- statement
GRANT SELECT, INSERT, UPDATE, DELETE ON credential TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON credential REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON credential REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON credential REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON credential FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE app_user (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    email text NOT NULL CHECK (email ~ '^[^@\s]+@[^@\s]+$'),
    kind text NOT NULL CHECK (kind IN ('staff', 'client')),
    employee_id uuid,
    display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    locale text NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'fr')),
    active boolean NOT NULL DEFAULT true,
    password_hash text,
    totp_secret text,
    totp_enabled boolean NOT NULL DEFAULT false,
    failed_attempts integer NOT NULL DEFAULT 0,
    locked_until timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employee (tenant_id, id),
    CONSTRAINT app_user_client_has_no_employee CHECK (kind = 'staff' OR employee_id IS NULL)
)
-- statement
CREATE INDEX app_user_employee_id_idx ON app_user (tenant_id, employee_id)
-- statement
ALTER TABLE app_user ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE app_user FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY app_user_read ON app_user FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR id = (SELECT app.user_id())))
-- statement
CREATE POLICY app_user_write ON app_user FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON app_user REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:password_hash', 'pii:totp_secret', 'quiet:failed_attempts')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON app_user REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:password_hash', 'pii:totp_secret', 'quiet:failed_attempts')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON app_user REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:password_hash', 'pii:totp_secret', 'quiet:failed_attempts')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON app_user FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE role_grant (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    user_id uuid NOT NULL,
    role text NOT NULL REFERENCES role (name),
    client_id uuid,
    lob_id uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    CONSTRAINT role_grant_lob_needs_client CHECK (lob_id IS NULL OR client_id IS NOT NULL),
    CONSTRAINT role_grant_unique UNIQUE NULLS NOT DISTINCT (tenant_id, user_id, role, client_id, lob_id)
)
-- statement
CREATE INDEX role_grant_user_id_idx ON role_grant (tenant_id, user_id)
-- statement
ALTER TABLE role_grant ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE role_grant FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY role_grant_read ON role_grant FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR user_id = (SELECT app.user_id())))
-- statement
CREATE POLICY role_grant_write ON role_grant FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
GRANT SELECT, INSERT, DELETE ON role_grant TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON role_grant REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON role_grant REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON role_grant REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON role_grant FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE client_binding (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id),
    CONSTRAINT client_binding_one_client UNIQUE (tenant_id, user_id)
)
-- statement
CREATE INDEX client_binding_client_idx ON client_binding (tenant_id, client_id)
-- statement
CREATE INDEX client_binding_user_id_idx ON client_binding (tenant_id, user_id)
-- statement
ALTER TABLE client_binding ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE client_binding FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY client_binding_read ON client_binding FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR user_id = (SELECT app.user_id())))
-- statement
CREATE POLICY client_binding_write ON client_binding FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
GRANT SELECT, INSERT, DELETE ON client_binding TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON client_binding REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON client_binding REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON client_binding REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON client_binding FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE auth_token (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    user_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('session', 'api')),
    name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    token_hash bytea NOT NULL UNIQUE,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    last_used_at timestamptz,
    mfa_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES app_user (tenant_id, id)
)
-- statement
CREATE INDEX auth_token_user_id_idx ON auth_token (tenant_id, user_id)
-- statement
ALTER TABLE auth_token ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE auth_token FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY auth_token_read ON auth_token FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR user_id = (SELECT app.user_id())))
-- statement
CREATE POLICY auth_token_write ON auth_token FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR user_id = (SELECT app.user_id()))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR user_id = (SELECT app.user_id())))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON auth_token REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:token_hash', 'quiet:last_used_at')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON auth_token REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:token_hash', 'quiet:last_used_at')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON auth_token REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:token_hash', 'quiet:last_used_at')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON auth_token FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE UNIQUE INDEX app_user_id_idx ON app_user (id)
-- statement
CREATE UNIQUE INDEX app_user_email_idx ON app_user (lower(email))
-- statement
CREATE INDEX role_grant_user_idx ON role_grant (user_id)
-- statement
CREATE INDEX assignment_active_idx ON assignment USING gist (tenant_id, lob_id, valid_during)
-- statement
CREATE INDEX credential_kind_idx ON credential (tenant_id, kind)
-- statement
GRANT SELECT (id, tenant_id, employee_number, preferred_name, hire_date, termination_date, home_site_id, work_region, languages, created_at) ON employee TO {runtime}
-- statement
GRANT INSERT, UPDATE, DELETE ON employee TO {runtime}
-- statement
GRANT SELECT (id, tenant_id, email, kind, employee_id, display_name, locale, active, totp_enabled, created_at) ON app_user TO {runtime}
-- statement
GRANT INSERT (tenant_id, email, kind, employee_id, display_name, locale, active, password_hash) ON app_user TO {runtime}
-- statement
GRANT UPDATE (email, employee_id, display_name, locale, active) ON app_user TO {runtime}
-- statement
GRANT SELECT (id, tenant_id, user_id, kind, name, expires_at, revoked_at, last_used_at, mfa_at, created_at) ON auth_token TO {runtime}
-- statement
GRANT UPDATE (revoked_at) ON auth_token TO {runtime}
-- statement
-- Residency: a client that restricts work regions refuses other regions' employees.
CREATE FUNCTION app.check_residency() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  region text;
  permitted text[];
BEGIN
  SELECT e.work_region INTO region FROM employee e
   WHERE e.tenant_id = NEW.tenant_id AND e.id = NEW.employee_id;
  SELECT c.residency_regions INTO permitted FROM client c
   WHERE c.tenant_id = NEW.tenant_id AND c.id = NEW.client_id;
  IF region IS NOT NULL AND NOT app.region_permitted(region, permitted) THEN
    RAISE EXCEPTION 'RESIDENCY_NOT_PERMITTED: work region % is not permitted by the client', region
      USING ERRCODE = 'check_violation', CONSTRAINT = 'assignment_residency';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER assignment_residency BEFORE INSERT OR UPDATE OF employee_id, client_id ON assignment
    FOR EACH ROW EXECUTE FUNCTION app.check_residency();

-- A grant's role must suit the user's kind; a client user's grant names their own client.
CREATE FUNCTION app.check_grant() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  user_kind text;
  role_kind text;
  bound uuid;
BEGIN
  SELECT u.kind INTO user_kind FROM app_user u WHERE u.tenant_id = NEW.tenant_id AND u.id = NEW.user_id;
  SELECT r.kind INTO role_kind FROM role r WHERE r.name = NEW.role;
  IF user_kind IS DISTINCT FROM role_kind THEN
    RAISE EXCEPTION 'ROLE_KIND_MISMATCH' USING ERRCODE = 'check_violation', CONSTRAINT = 'role_grant_kind';
  END IF;
  IF role_kind = 'client' THEN
    SELECT b.client_id INTO bound FROM client_binding b
     WHERE b.tenant_id = NEW.tenant_id AND b.user_id = NEW.user_id;
    IF bound IS NULL OR NEW.client_id IS DISTINCT FROM bound OR NEW.lob_id IS NOT NULL THEN
      RAISE EXCEPTION 'CLIENT_GRANT_OUTSIDE_BINDING'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'role_grant_client_binding';
    END IF;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER role_grant_kind BEFORE INSERT OR UPDATE ON role_grant
    FOR EACH ROW EXECUTE FUNCTION app.check_grant();

CREATE FUNCTION app.check_binding() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.tenant_id = NEW.tenant_id
                  AND u.id = NEW.user_id AND u.kind = 'client') THEN
    RAISE EXCEPTION 'BINDING_NEEDS_CLIENT_USER'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'client_binding_kind';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER client_binding_kind BEFORE INSERT OR UPDATE ON client_binding
    FOR EACH ROW EXECUTE FUNCTION app.check_binding();
-- statement
-- Authentication runs before a caller exists, so it goes through these definer
-- functions rather than table grants: the runtime role never reads password
-- hashes, TOTP secrets or token hashes directly.
CREATE FUNCTION app.login_lookup(p_email text)
RETURNS TABLE (user_id uuid, tenant_id uuid, kind text, password_hash text, totp_secret text,
               totp_enabled boolean, locked_until timestamptz, mfa_required boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT u.id, u.tenant_id, u.kind, u.password_hash, u.totp_secret, u.totp_enabled,
             u.locked_until,
             u.totp_enabled OR EXISTS (SELECT 1 FROM role_grant g WHERE g.tenant_id = u.tenant_id
                                         AND g.user_id = u.id AND g.role = 'tenant_admin')
        FROM app_user u WHERE lower(u.email) = lower(p_email) AND u.active $$;

-- Count a failed password or TOTP attempt; lock the account past the threshold.
CREATE FUNCTION app.login_failed(p_user uuid, threshold integer, lock_minutes integer)
RETURNS timestamptz
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ UPDATE app_user SET failed_attempts = failed_attempts + 1,
         locked_until = CASE WHEN failed_attempts + 1 >= threshold
                             THEN now() + make_interval(mins => lock_minutes) ELSE locked_until END
       WHERE id = p_user RETURNING locked_until $$;

CREATE FUNCTION app.login_succeeded(p_user uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ UPDATE app_user SET failed_attempts = 0, locked_until = NULL
       WHERE id = p_user AND (failed_attempts <> 0 OR locked_until IS NOT NULL) $$;

CREATE FUNCTION app.issue_token(p_user uuid, p_kind text, p_name text, p_hash bytea,
                                p_expires timestamptz, p_mfa boolean)
RETURNS uuid
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ INSERT INTO auth_token (tenant_id, user_id, kind, name, token_hash, expires_at, mfa_at)
      SELECT u.tenant_id, u.id, p_kind, p_name, p_hash, p_expires, CASE WHEN p_mfa THEN now() END
        FROM app_user u WHERE u.id = p_user AND u.active
      RETURNING id $$;

-- Resolve a bearer token's hash in one round trip: the token's state and, with it,
-- the caller (user fields, grants, client binding). When the token is valid it marks
-- its last use (at most once a minute) and records the caller for this transaction,
-- exactly as the server would with set_config('app.user_id', ..., true).
CREATE FUNCTION app.authenticate(p_hash bytea)
RETURNS TABLE (token_id uuid, user_id uuid, tenant_id uuid, kind text, expires_at timestamptz,
               revoked_at timestamptz, mfa_at timestamptz, user_kind text, email text,
               display_name text, locale text, employee_id uuid, bound_client_id uuid, grants json)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  tok record;
BEGIN
  SELECT t.id, t.user_id, t.tenant_id, t.kind, t.expires_at, t.revoked_at, t.mfa_at, t.last_used_at,
         u.kind AS user_kind, u.email, u.display_name, u.locale, u.employee_id
    INTO tok
    FROM auth_token t JOIN app_user u ON u.tenant_id = t.tenant_id AND u.id = t.user_id
   WHERE t.token_hash = p_hash AND u.active;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF tok.revoked_at IS NULL AND tok.expires_at > now() THEN
    PERFORM set_config('app.user_id', tok.user_id::text, true);
    IF tok.last_used_at IS NULL OR tok.last_used_at < now() - interval '1 minute' THEN
      UPDATE auth_token SET last_used_at = now() WHERE id = tok.id;
    END IF;
  END IF;
  RETURN QUERY SELECT tok.id, tok.user_id, tok.tenant_id, tok.kind, tok.expires_at,
         tok.revoked_at, tok.mfa_at, tok.user_kind, tok.email, tok.display_name, tok.locale,
         tok.employee_id,
         (SELECT b.client_id FROM client_binding b
           WHERE b.tenant_id = tok.tenant_id AND b.user_id = tok.user_id),
         coalesce((SELECT json_agg(json_build_array(g.role, g.client_id, g.lob_id))
                     FROM role_grant g WHERE g.tenant_id = tok.tenant_id AND g.user_id = tok.user_id),
                  '[]'::json);
END $$;

-- The caller's own TOTP secret (for enrolment and step-up).
CREATE FUNCTION app.my_totp_secret() RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT u.totp_secret FROM app_user u WHERE u.id = app.user_id() AND u.active $$;

CREATE FUNCTION app.set_my_totp(p_secret text, p_enabled boolean) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ UPDATE app_user SET totp_secret = p_secret, totp_enabled = p_enabled
       WHERE id = app.user_id() AND active $$;

CREATE FUNCTION app.set_my_password(p_hash text) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ UPDATE app_user SET password_hash = p_hash WHERE id = app.user_id() AND active $$;

-- Step-up: record a fresh second factor on the caller's current token.
CREATE FUNCTION app.step_up(p_token uuid) RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ UPDATE auth_token SET mfa_at = now()
       WHERE id = p_token AND user_id = app.user_id() AND revoked_at IS NULL $$;

-- Employee contact fields (PII) for the ids the caller may see them for; every
-- read is written to pii_access. The runtime role has no SELECT on these columns.
CREATE FUNCTION app.employee_contacts(p_ids uuid[])
RETURNS TABLE (employee_id uuid, legal_name text, email text, phone text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  t uuid := app.tenant_id();
  u uuid := app.user_id();
  me uuid := app.employee_id();
BEGIN
  RETURN QUERY
  WITH pii_grant AS (
    SELECT g.client_id, g.lob_id FROM role_grant g
      JOIN role_permission p ON p.role = g.role AND p.permission = 'employee.pii.read'
     WHERE g.tenant_id = t AND g.user_id = u AND app.is_staff()
  ), allowed AS (
    SELECT e.id FROM employee e
     WHERE e.tenant_id = t AND e.id = ANY (p_ids)
       AND (e.id = me
            OR EXISTS (SELECT 1 FROM pii_grant WHERE pii_grant.client_id IS NULL)
            OR EXISTS (SELECT 1 FROM assignment a JOIN pii_grant pg
                         ON pg.lob_id = a.lob_id OR (pg.lob_id IS NULL AND pg.client_id = a.client_id)
                        WHERE a.tenant_id = t AND a.employee_id = e.id
                          AND a.valid_during && daterange(current_date, NULL)))
  ), logged AS (
    INSERT INTO pii_access (tenant_id, user_id, employee_id, fields)
    SELECT t, u, allowed.id, ARRAY['legal_name', 'email', 'phone'] FROM allowed
    RETURNING pii_access.employee_id
  )
  SELECT e.id, e.legal_name, e.email, e.phone
    FROM employee e JOIN logged l ON l.employee_id = e.id WHERE e.tenant_id = t;
END $$;
-- statement
GRANT EXECUTE ON FUNCTION app.login_lookup(text), app.login_failed(uuid, integer, integer), app.login_succeeded(uuid), app.issue_token(uuid, text, text, bytea, timestamptz, boolean), app.authenticate(bytea), app.my_totp_secret(), app.set_my_totp(text, boolean), app.set_my_password(text), app.step_up(uuid), app.employee_contacts(uuid[]) TO {runtime}
-- downgrade
DROP TABLE IF EXISTS auth_token CASCADE
-- statement
DROP TABLE IF EXISTS client_binding CASCADE
-- statement
DROP TABLE IF EXISTS role_grant CASCADE
-- statement
DROP TABLE IF EXISTS app_user CASCADE
-- statement
DROP TABLE IF EXISTS credential CASCADE
-- statement
DROP TABLE IF EXISTS assignment CASCADE
-- statement
DROP TABLE IF EXISTS employee CASCADE
-- statement
DROP TABLE IF EXISTS site CASCADE
-- statement
DROP TABLE IF EXISTS lob CASCADE
-- statement
DROP TABLE IF EXISTS client CASCADE
-- statement
DROP FUNCTION IF EXISTS app.check_residency()
-- statement
DROP FUNCTION IF EXISTS app.check_grant()
-- statement
DROP FUNCTION IF EXISTS app.check_binding()
-- statement
DROP FUNCTION IF EXISTS app.login_lookup(text)
-- statement
DROP FUNCTION IF EXISTS app.login_failed(uuid, integer, integer)
-- statement
DROP FUNCTION IF EXISTS app.login_succeeded(uuid)
-- statement
DROP FUNCTION IF EXISTS app.issue_token(uuid, text, text, bytea, timestamptz, boolean)
-- statement
DROP FUNCTION IF EXISTS app.authenticate(bytea)
-- statement
DROP FUNCTION IF EXISTS app.my_totp_secret()
-- statement
DROP FUNCTION IF EXISTS app.set_my_totp(text, boolean)
-- statement
DROP FUNCTION IF EXISTS app.set_my_password(text)
-- statement
DROP FUNCTION IF EXISTS app.step_up(uuid)
-- statement
DROP FUNCTION IF EXISTS app.employee_contacts(uuid[])
