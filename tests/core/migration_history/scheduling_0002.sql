-- upgrade
CREATE TABLE interval_volume (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    interval_start timestamptz NOT NULL,
    interval_minutes smallint NOT NULL,
    offered integer NOT NULL,
    handled integer NOT NULL,
    abandoned integer NOT NULL,
    aht_seconds numeric(9, 1),
    service_level numeric(5, 4),
    imported_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    FOREIGN KEY (tenant_id, imported_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT interval_volume_length CHECK (interval_minutes IN (15, 30)),
    CONSTRAINT interval_volume_aligned CHECK (extract(epoch FROM interval_start)::bigint % (interval_minutes * 60) = 0),
    CONSTRAINT interval_volume_counts CHECK (offered >= 0 AND handled >= 0 AND abandoned >= 0),
    CONSTRAINT interval_volume_outcomes CHECK (handled + abandoned <= offered),
    CONSTRAINT interval_volume_aht CHECK (aht_seconds >= 0 AND (aht_seconds IS NOT NULL OR handled = 0)),
    CONSTRAINT interval_volume_service_level CHECK (service_level BETWEEN 0 AND 1),
    CONSTRAINT interval_volume_unique UNIQUE (tenant_id, lob_id, interval_start),
    CONSTRAINT interval_volume_overlap EXCLUDE USING gist (tenant_id WITH =, lob_id WITH =, tsrange(interval_start AT TIME ZONE 'UTC', (interval_start AT TIME ZONE 'UTC') + interval_minutes * interval '1 minute') WITH &&)
)
-- statement
CREATE INDEX interval_volume_client_idx ON interval_volume (tenant_id, client_id)
-- statement
CREATE INDEX interval_volume_lob_idx ON interval_volume (tenant_id, lob_id)
-- statement
CREATE INDEX interval_volume_imported_by_idx ON interval_volume (tenant_id, imported_by)
-- statement
ALTER TABLE interval_volume ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE interval_volume FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY interval_volume_read ON interval_volume FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
CREATE POLICY interval_volume_write ON interval_volume FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT ON interval_volume TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON interval_volume REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON interval_volume REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON interval_volume REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON interval_volume FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE forecast (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    version integer NOT NULL,
    method text NOT NULL CHECK (method IN ('seasonal_naive', 'mstl_ets')),
    horizon_start timestamptz NOT NULL,
    horizon_end timestamptz NOT NULL,
    interval_minutes smallint NOT NULL CHECK (interval_minutes IN (15, 30)),
    history_start timestamptz NOT NULL,
    history_end timestamptz NOT NULL,
    holiday_factor numeric(6, 4) NOT NULL CHECK (holiday_factor > 0),
    backtest_weeks smallint NOT NULL CHECK (backtest_weeks > 0),
    backtest_wape numeric(8, 4) CHECK (backtest_wape >= 0),
    backtest_bias numeric(8, 4),
    baseline_wape numeric(8, 4) CHECK (baseline_wape >= 0),
    baseline_bias numeric(8, 4),
    created_by uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT forecast_version CHECK (version > 0),
    CONSTRAINT forecast_version_unique UNIQUE (tenant_id, lob_id, version),
    CONSTRAINT forecast_horizon CHECK (horizon_end > horizon_start AND horizon_start >= history_end),
    CONSTRAINT forecast_history CHECK (history_end > history_start),
    CONSTRAINT forecast_lob_unique UNIQUE (tenant_id, lob_id, id)
)
-- statement
CREATE INDEX forecast_client_idx ON forecast (tenant_id, client_id)
-- statement
CREATE INDEX forecast_lob_idx ON forecast (tenant_id, lob_id)
-- statement
CREATE INDEX forecast_created_by_idx ON forecast (tenant_id, created_by)
-- statement
ALTER TABLE forecast ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE forecast FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY forecast_read ON forecast FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
CREATE POLICY forecast_write ON forecast FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT ON forecast TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON forecast REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON forecast REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON forecast REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON forecast FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
CREATE TABLE forecast_interval (
    id uuid NOT NULL DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    client_id uuid NOT NULL,
    lob_id uuid NOT NULL,
    forecast_id uuid NOT NULL,
    interval_start timestamptz NOT NULL,
    offered numeric(12, 3) NOT NULL CHECK (offered >= 0),
    aht_seconds numeric(9, 1) NOT NULL CHECK (aht_seconds >= 0),
    override_offered numeric(12, 3) CHECK (override_offered >= 0),
    override_aht_seconds numeric(9, 1) CHECK (override_aht_seconds >= 0),
    override_by uuid,
    override_at timestamptz,
    override_reason text CHECK (length(override_reason) BETWEEN 1 AND 500),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, client_id, lob_id) REFERENCES lob (tenant_id, client_id, id),
    FOREIGN KEY (tenant_id, override_by) REFERENCES app_user (tenant_id, id),
    CONSTRAINT forecast_interval_forecast FOREIGN KEY (tenant_id, lob_id, forecast_id) REFERENCES forecast (tenant_id, lob_id, id) ON DELETE CASCADE,
    CONSTRAINT forecast_interval_unique UNIQUE (tenant_id, forecast_id, interval_start),
    CONSTRAINT forecast_interval_override CHECK ( (override_offered IS NULL AND override_aht_seconds IS NULL) = (override_by IS NULL) AND (override_by IS NULL) = (override_at IS NULL) AND (override_by IS NULL) = (override_reason IS NULL))
)
-- statement
CREATE INDEX forecast_interval_client_idx ON forecast_interval (tenant_id, client_id)
-- statement
CREATE INDEX forecast_interval_lob_idx ON forecast_interval (tenant_id, lob_id)
-- statement
CREATE INDEX forecast_interval_override_by_idx ON forecast_interval (tenant_id, override_by)
-- statement
ALTER TABLE forecast_interval ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE forecast_interval FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY forecast_interval_read ON forecast_interval FOR SELECT USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
CREATE POLICY forecast_interval_write ON forecast_interval FOR ALL USING (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[]))) WITH CHECK (tenant_id = (SELECT app.tenant_id()) AND ((SELECT app.tenant_wide()) OR lob_id = ANY ((SELECT app.lob_ids(false))::uuid[])))
-- statement
GRANT SELECT, INSERT ON forecast_interval TO {runtime}
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON forecast_interval REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON forecast_interval REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON forecast_interval REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE OR REPLACE FUNCTION app.refuse_scope_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog
AS $$ BEGIN
  RAISE EXCEPTION 'SCOPE_IMMUTABLE: a % row never moves to another tenant, client or LOB', TG_TABLE_NAME
    USING ERRCODE = 'check_violation', CONSTRAINT = 'scope_immutable';
END $$
-- statement
CREATE OR REPLACE TRIGGER _scope_immutable BEFORE UPDATE ON forecast_interval FOR EACH ROW WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.client_id IS DISTINCT FROM NEW.client_id OR OLD.lob_id IS DISTINCT FROM NEW.lob_id) EXECUTE FUNCTION app.refuse_scope_change()
-- statement
GRANT UPDATE (override_offered, override_aht_seconds, override_by, override_at, override_reason)
    ON forecast_interval TO {runtime};
GRANT USAGE ON SCHEMA scheduling TO {runtime};
-- statement
CREATE FUNCTION scheduling.volume_import_stage() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  DROP TABLE IF EXISTS pg_temp.volume_import;
  -- line: the record's number in the file, the header being line 1 (COPY keeps the order)
  CREATE TEMPORARY TABLE volume_import (line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2), client text, lob text, interval_start text, interval_minutes text, offered text, handled text, abandoned text, aht_seconds text, service_level text) ON COMMIT DROP;
  GRANT SELECT, INSERT ON pg_temp.volume_import TO {runtime};
END $$;

CREATE FUNCTION scheduling.volume_import_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  ANALYZE pg_temp.volume_import;
END $$;

GRANT EXECUTE ON FUNCTION scheduling.volume_import_stage(), scheduling.volume_import_analyze() TO {runtime};
-- downgrade
DROP FUNCTION IF EXISTS scheduling.volume_import_stage(), scheduling.volume_import_analyze()
-- statement
DROP TABLE IF EXISTS forecast_interval CASCADE
-- statement
DROP TABLE IF EXISTS forecast CASCADE
-- statement
DROP TABLE IF EXISTS interval_volume CASCADE
-- statement
REVOKE USAGE ON SCHEMA scheduling FROM {runtime}
