-- upgrade
CREATE TABLE job (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.]{0,62}$'),
    lob_ids uuid[] NOT NULL DEFAULT '{}',
    params jsonb NOT NULL DEFAULT '{}',
    requested_by uuid NOT NULL DEFAULT app.user_id(),
    time_limit_seconds integer NOT NULL CHECK (time_limit_seconds BETWEEN 1 AND 86400),
    state text NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    cancel_requested boolean NOT NULL DEFAULT false,
    progress jsonb NOT NULL DEFAULT '{}',
    result jsonb,
    error_code text,
    error_params jsonb,
    worker text,
    started_at timestamptz,
    heartbeat_at timestamptz,
    finished_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, requested_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT job_finished CHECK ((state IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL)),
    CONSTRAINT job_started CHECK (state IN ('queued', 'cancelled') OR started_at IS NOT NULL),
    CONSTRAINT job_error CHECK ((state = 'failed') = (error_code IS NOT NULL))
)
-- statement
CREATE INDEX job_requested_by_idx ON job (tenant_id, requested_by)
-- statement
ALTER TABLE job ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE job FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY job_read ON job FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.is_staff()) AND (requested_by = (SELECT app.user_id()) OR (SELECT app.tenant_wide()) OR (cardinality(lob_ids) > 0 AND lob_ids <@ (SELECT app.lob_ids()))))
-- statement
CREATE POLICY job_write ON job FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.is_staff()) AND (requested_by = (SELECT app.user_id()) OR (SELECT app.tenant_wide()))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND (SELECT app.is_staff()) AND (requested_by = (SELECT app.user_id()) OR (SELECT app.tenant_wide())))
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON job REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('quiet:progress', 'quiet:heartbeat_at')
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON job REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('quiet:progress', 'quiet:heartbeat_at')
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON job REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows('quiet:progress', 'quiet:heartbeat_at')
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON job FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.lob_ids IS DISTINCT FROM NEW.lob_ids) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
GRANT SELECT ON job TO {runtime};
GRANT INSERT (tenant_id, kind, lob_ids, params, time_limit_seconds) ON job TO {runtime};
GRANT UPDATE (cancel_requested) ON job TO {runtime};

-- What workers claim: the oldest queued job first.
CREATE INDEX job_queued_idx ON job (created_at) WHERE state = 'queued';
CREATE INDEX job_running_idx ON job (heartbeat_at) WHERE state = 'running';

-- A new job wakes the workers (LISTEN switchboard_job).
CREATE FUNCTION app.job_notify() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('switchboard_job', ''); RETURN NULL; END $$;
CREATE TRIGGER job_notify AFTER INSERT ON job FOR EACH STATEMENT EXECUTE FUNCTION app.job_notify();
-- downgrade
DROP TABLE IF EXISTS job CASCADE
-- statement
DROP FUNCTION IF EXISTS app.job_notify()
