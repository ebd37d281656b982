-- upgrade
CREATE TABLE job_file (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    job_id uuid NOT NULL,
    part integer NOT NULL CHECK (part >= 0),
    data bytea NOT NULL,
    uploaded_by uuid NOT NULL DEFAULT app.user_id(),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, job_id) REFERENCES job (tenant_id, id),
    FOREIGN KEY (tenant_id, uploaded_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT job_file_part UNIQUE (tenant_id, job_id, part)
)
-- statement
CREATE INDEX job_file_job_id_idx ON job_file (tenant_id, job_id)
-- statement
CREATE INDEX job_file_uploaded_by_idx ON job_file (tenant_id, uploaded_by)
-- statement
ALTER TABLE job_file ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE job_file FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY job_file_read ON job_file FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND uploaded_by = (SELECT app.user_id()))
-- statement
CREATE POLICY job_file_write ON job_file FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND uploaded_by = (SELECT app.user_id()) AND EXISTS (SELECT 1 FROM job j WHERE j.tenant_id = job_file.tenant_id AND j.id = job_file.job_id AND j.requested_by = (SELECT app.user_id()) AND j.state = 'queued')) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND uploaded_by = (SELECT app.user_id()) AND EXISTS (SELECT 1 FROM job j WHERE j.tenant_id = job_file.tenant_id AND j.id = job_file.job_id AND j.requested_by = (SELECT app.user_id()) AND j.state = 'queued'))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON job_file REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:data')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON job_file REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:data')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON job_file REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:data')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON job_file FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE webhook_endpoint (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
    description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
    event_types text[] NOT NULL
            CHECK (cardinality(event_types) BETWEEN 1 AND 100 AND array_position(event_types, NULL) IS NULL),
    client_id uuid,
    secret_enc text NOT NULL,
    active boolean NOT NULL DEFAULT true,
    created_by uuid NOT NULL DEFAULT app.user_id(),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES app_user (tenant_id, id)
)
-- statement
CREATE INDEX webhook_endpoint_created_by_idx ON webhook_endpoint (tenant_id, created_by)
-- statement
ALTER TABLE webhook_endpoint ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE webhook_endpoint FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY webhook_endpoint_read ON webhook_endpoint FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE POLICY webhook_endpoint_write ON webhook_endpoint FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON webhook_endpoint REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:secret_enc')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON webhook_endpoint REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:secret_enc')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON webhook_endpoint REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('pii:secret_enc')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON webhook_endpoint FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE webhook_event (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    event_type text NOT NULL CHECK (event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$' AND length(event_type) <= 100),
    client_id uuid,
    payload jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id) REFERENCES client (tenant_id, id)
)
-- statement
ALTER TABLE webhook_event ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE webhook_event FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY webhook_event_read ON webhook_event FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE POLICY webhook_event_write ON webhook_event FOR INSERT WITH CHECK ((tenant_id = (SELECT app.tenant_id()) AND (SELECT app.is_staff()) AND ((SELECT app.tenant_wide()) OR client_id IN (SELECT l.client_id FROM lob l WHERE l.tenant_id = (SELECT app.tenant_id()) AND l.id = ANY ((SELECT app.lob_ids(false))::uuid[])))) OR (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()) AND client_id IS NULL))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON webhook_event REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON webhook_event REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON webhook_event REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON webhook_event FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE webhook_delivery (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    endpoint_id uuid NOT NULL,
    event_id uuid NOT NULL,
    replay_of uuid,
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_attempt_at timestamptz,
    last_status integer,
    last_error text,
    delivered_at timestamptz,
    attempt_log jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoint (tenant_id, id),
    FOREIGN KEY (tenant_id, event_id) REFERENCES webhook_event (tenant_id, id),
    FOREIGN KEY (tenant_id, replay_of) REFERENCES webhook_delivery (tenant_id, id),
    CONSTRAINT webhook_delivery_done CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))
)
-- statement
CREATE INDEX webhook_delivery_endpoint_id_idx ON webhook_delivery (tenant_id, endpoint_id)
-- statement
CREATE INDEX webhook_delivery_event_id_idx ON webhook_delivery (tenant_id, event_id)
-- statement
CREATE INDEX webhook_delivery_replay_of_idx ON webhook_delivery (tenant_id, replay_of)
-- statement
ALTER TABLE webhook_delivery ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE webhook_delivery FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY webhook_delivery_read ON webhook_delivery FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE POLICY webhook_delivery_write ON webhook_delivery FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON webhook_delivery REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('quiet:state', 'quiet:attempts', 'quiet:next_attempt_at', 'quiet:last_attempt_at', 'quiet:last_status', 'quiet:last_error', 'quiet:delivered_at', 'quiet:attempt_log')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON webhook_delivery REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('quiet:state', 'quiet:attempts', 'quiet:next_attempt_at', 'quiet:last_attempt_at', 'quiet:last_status', 'quiet:last_error', 'quiet:delivered_at', 'quiet:attempt_log')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON webhook_delivery REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('quiet:state', 'quiet:attempts', 'quiet:next_attempt_at', 'quiet:last_attempt_at', 'quiet:last_status', 'quiet:last_error', 'quiet:delivered_at', 'quiet:attempt_log')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON webhook_delivery FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
-- A job's visible changes wake its subscribers (LISTEN switchboard_job_progress).
CREATE FUNCTION app.job_progress_notify() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('switchboard_job_progress', NEW.id::text); RETURN NULL; END $$;
CREATE TRIGGER job_progress_notify AFTER UPDATE ON job FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.progress IS DISTINCT FROM NEW.progress
        OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested)
  EXECUTE FUNCTION app.job_progress_notify();

-- A job's files go when it ends (the worker ends it, as the owner).
CREATE FUNCTION app.job_files_drop() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  DELETE FROM job_file WHERE tenant_id = NEW.tenant_id AND job_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER job_files_drop AFTER UPDATE OF state ON job FOR EACH ROW
  WHEN (NEW.state IN ('succeeded', 'failed', 'cancelled')) EXECUTE FUNCTION app.job_files_drop();

GRANT SELECT (id, tenant_id, job_id, part, data, uploaded_by, created_at) ON job_file TO {runtime};
GRANT INSERT (tenant_id, job_id, part, data) ON job_file TO {runtime};

GRANT SELECT (id, tenant_id, url, description, event_types, client_id, active, created_by, created_at)
  ON webhook_endpoint TO {runtime};
GRANT INSERT (tenant_id, url, description, event_types, client_id, secret_enc) ON webhook_endpoint TO {runtime};
GRANT UPDATE (active) ON webhook_endpoint TO {runtime};
GRANT SELECT ON webhook_event TO {runtime};
GRANT INSERT (tenant_id, event_type, client_id, payload) ON webhook_event TO {runtime};
GRANT SELECT ON webhook_delivery TO {runtime};
GRANT INSERT (tenant_id, endpoint_id, event_id, replay_of) ON webhook_delivery TO {runtime};

-- What the dispatcher claims: pending deliveries by due time.
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_newest_idx ON webhook_delivery (tenant_id, created_at DESC, id DESC);

-- An event no active endpoint wants is not kept (the writer cannot read endpoints: the
-- checks below run as the owner).
CREATE FUNCTION app.webhook_wanted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF EXISTS (SELECT 1 FROM webhook_endpoint p
              WHERE p.tenant_id = NEW.tenant_id AND p.active AND NEW.event_type = ANY (p.event_types)
                AND (p.client_id IS NULL OR p.client_id = NEW.client_id)) THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_wanted BEFORE INSERT ON webhook_event FOR EACH ROW EXECUTE FUNCTION app.webhook_wanted();

-- An event fans out to the endpoints that want it, in the transaction that wrote it.
CREATE FUNCTION app.webhook_fan_out() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  INSERT INTO webhook_delivery (tenant_id, endpoint_id, event_id)
  SELECT e.tenant_id, p.id, e.id
    FROM new_events e
    JOIN webhook_endpoint p ON p.tenant_id = e.tenant_id AND p.active AND e.event_type = ANY (p.event_types)
                           AND (p.client_id IS NULL OR p.client_id = e.client_id);
  IF FOUND THEN
    PERFORM pg_notify('switchboard_webhook', '');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_fan_out AFTER INSERT ON webhook_event REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION app.webhook_fan_out();

-- A replay wakes the dispatcher too.
CREATE FUNCTION app.webhook_wake() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('switchboard_webhook', ''); RETURN NULL; END $$;
CREATE TRIGGER webhook_wake AFTER INSERT ON webhook_delivery FOR EACH STATEMENT
  EXECUTE FUNCTION app.webhook_wake();
-- downgrade
DROP TABLE IF EXISTS webhook_delivery CASCADE
-- statement
DROP TABLE IF EXISTS webhook_event CASCADE
-- statement
DROP TABLE IF EXISTS webhook_endpoint CASCADE
-- statement
DROP TABLE IF EXISTS job_file CASCADE
-- statement
DROP TRIGGER IF EXISTS job_files_drop ON job
-- statement
DROP TRIGGER IF EXISTS job_progress_notify ON job
-- statement
DROP FUNCTION IF EXISTS app.webhook_wanted()
-- statement
DROP FUNCTION IF EXISTS app.webhook_fan_out()
-- statement
DROP FUNCTION IF EXISTS app.webhook_wake()
-- statement
DROP FUNCTION IF EXISTS app.job_files_drop()
-- statement
DROP FUNCTION IF EXISTS app.job_progress_notify()
