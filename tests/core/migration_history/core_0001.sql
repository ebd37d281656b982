-- upgrade
SET LOCAL check_function_bodies = off
-- statement
CREATE SCHEMA app
-- statement
GRANT USAGE ON SCHEMA app TO {runtime}
-- statement
ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC
-- statement
CREATE TABLE role (
            name text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('staff', 'client')),
            row_access text NOT NULL CHECK (row_access IN ('scope', 'self', 'portal')),
            description text NOT NULL)
-- statement
CREATE TABLE role_permission (
            role text NOT NULL REFERENCES role (name) ON DELETE CASCADE,
            permission text NOT NULL CHECK (permission ~ '^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$'),
            PRIMARY KEY (role, permission))
-- statement
INSERT INTO role VALUES ('tenant_admin', 'staff', 'scope', 'Administers the whole tenant')
-- statement
INSERT INTO role VALUES ('workforce_planner', 'staff', 'scope', 'Forecasts, schedules and staffs LOBs')
-- statement
INSERT INTO role VALUES ('qa_lead', 'staff', 'scope', 'Owns scorecards and calibration')
-- statement
INSERT INTO role VALUES ('qa_evaluator', 'staff', 'scope', 'Evaluates interactions')
-- statement
INSERT INTO role VALUES ('supervisor', 'staff', 'scope', 'Leads agents on LOBs')
-- statement
INSERT INTO role VALUES ('account_manager', 'staff', 'scope', 'Owns client relationships')
-- statement
INSERT INTO role VALUES ('finance', 'staff', 'scope', 'Bills clients and pays staff')
-- statement
INSERT INTO role VALUES ('compliance_officer', 'staff', 'scope', 'Audits access and regimes')
-- statement
INSERT INTO role VALUES ('agent', 'staff', 'self', 'Works LOBs; sees own records')
-- statement
INSERT INTO role VALUES ('client_viewer', 'client', 'portal', 'Client user reading the portal')
-- statement
INSERT INTO role VALUES ('client_admin', 'client', 'portal', 'Client user administering portal users')
-- statement
GRANT SELECT ON role, role_permission TO {runtime}
-- statement
CREATE TABLE tenant (
            id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
            name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
            slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
            overtime_attribution text NOT NULL DEFAULT 'chronological'
                CHECK (overtime_attribution IN ('chronological', 'proportional')),
            created_at timestamptz NOT NULL DEFAULT now())
-- statement
-- Who is calling: set per transaction by the server with set_config(..., true).
-- '' after a transaction-local setting ends on a pooled connection reads as NULL,
-- so every policy fails closed when no caller is set.
CREATE FUNCTION app.user_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;

CREATE FUNCTION app.tenant_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT u.tenant_id FROM app_user u WHERE u.id = app.user_id() AND u.active $$;

CREATE FUNCTION app.is_staff() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce((SELECT u.kind = 'staff' FROM app_user u
                        WHERE u.id = app.user_id() AND u.active), false) $$;

CREATE FUNCTION app.employee_id() RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT u.employee_id FROM app_user u
      WHERE u.id = app.user_id() AND u.active AND u.kind = 'staff' $$;

-- A grant on the tenant itself, of a role that sees every row of its scope.
CREATE FUNCTION app.tenant_wide() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT EXISTS (
        SELECT 1 FROM role_grant g JOIN role r ON r.name = g.role
         WHERE g.tenant_id = app.tenant_id() AND g.user_id = app.user_id()
           AND g.client_id IS NULL AND r.row_access = 'scope' AND app.is_staff()) $$;

-- Clients the caller sees entirely: client-level grants of scope roles, and with
-- with_portal the client a client user is bound to.
CREATE FUNCTION app.client_ids(with_portal boolean DEFAULT false) RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce(array_agg(DISTINCT x.client_id), '{}') FROM (
        SELECT g.client_id FROM role_grant g JOIN role r ON r.name = g.role
         WHERE g.tenant_id = app.tenant_id() AND g.user_id = app.user_id()
           AND g.client_id IS NOT NULL AND g.lob_id IS NULL AND r.row_access = 'scope'
           AND app.is_staff()
        UNION ALL
        SELECT b.client_id FROM client_binding b
         WHERE with_portal AND b.tenant_id = app.tenant_id() AND b.user_id = app.user_id()
      ) x $$;

-- LOBs the caller sees entirely: LOB-level grants plus every LOB of client_ids().
CREATE FUNCTION app.lob_ids(with_portal boolean DEFAULT false) RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce(array_agg(DISTINCT x.id), '{}') FROM (
        SELECT g.lob_id AS id FROM role_grant g JOIN role r ON r.name = g.role
         WHERE g.tenant_id = app.tenant_id() AND g.user_id = app.user_id()
           AND g.lob_id IS NOT NULL AND r.row_access = 'scope' AND app.is_staff()
        UNION ALL
        SELECT l.id FROM lob l
         WHERE l.tenant_id = app.tenant_id() AND l.client_id = ANY (app.client_ids(with_portal))
      ) x $$;

-- LOBs whose row the caller may read: lob_ids(true) and the LOBs of the caller's
-- own current or future assignments.
CREATE FUNCTION app.reach_lob_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce(array_agg(DISTINCT x.id), '{}') FROM (
        SELECT unnest(app.lob_ids(true)) AS id
        UNION ALL
        SELECT a.lob_id FROM assignment a
         WHERE a.tenant_id = app.tenant_id() AND a.employee_id = app.employee_id()
           AND a.valid_during && daterange(current_date, NULL)
      ) x $$;

-- Clients whose row the caller may read: client_ids(true) and the clients of reach_lob_ids().
CREATE FUNCTION app.reach_client_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce(array_agg(DISTINCT x.id), '{}') FROM (
        SELECT unnest(app.client_ids(true)) AS id
        UNION ALL
        SELECT l.client_id FROM lob l
         WHERE l.tenant_id = app.tenant_id() AND l.id = ANY (app.reach_lob_ids())
      ) x $$;

-- Employees other than the caller visible to a scoped staff member: those with a
-- current or future assignment on a LOB of lob_ids().
CREATE FUNCTION app.employee_ids() RETURNS uuid[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce(array_agg(DISTINCT a.employee_id), '{}') FROM assignment a
       WHERE a.tenant_id = app.tenant_id() AND a.lob_id = ANY (app.lob_ids(false))
         AND a.valid_during && daterange(current_date, NULL) $$;

-- Does the caller hold `permission` through a grant covering this client/LOB (NULL: tenant)?
CREATE FUNCTION app.has_permission(permission text, p_client uuid DEFAULT NULL, p_lob uuid DEFAULT NULL)
RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT EXISTS (
        SELECT 1 FROM role_grant g JOIN role_permission p ON p.role = g.role
         WHERE g.tenant_id = app.tenant_id() AND g.user_id = app.user_id()
           AND p.permission = has_permission.permission
           AND (g.client_id IS NULL
                OR (g.client_id = p_client AND (g.lob_id IS NULL OR g.lob_id = p_lob)))) $$;

-- Data residency: is a work region (ISO 3166 country or subdivision, e.g. CA-QC)
-- permitted by a client's list (countries, subdivisions, or EU)? Empty list: any.
CREATE FUNCTION app.region_permitted(region text, permitted text[]) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT cardinality(permitted) = 0 OR EXISTS (
        SELECT 1 FROM unnest(permitted) p
         WHERE region = p OR region LIKE p || '-%'
            OR (p = 'EU' AND split_part(region, '-', 1) = ANY (ARRAY[
                'AT','BE','BG','HR','CY','CZ','DK','EE','FI','FR','DE','GR','HU','IE','IT',
                'LV','LT','LU','MT','NL','PL','PT','RO','SK','SI','ES','SE']))) $$;

CREATE FUNCTION app.is_timezone(name text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE
AS $$ BEGIN
  PERFORM now() AT TIME ZONE name;
  RETURN name IS NOT NULL AND name !~ '^[+-]?[0-9]' AND name <> '';
EXCEPTION WHEN invalid_parameter_value THEN RETURN false;
END $$;
-- statement
ALTER TABLE tenant ENABLE ROW LEVEL SECURITY
-- statement
ALTER TABLE tenant FORCE ROW LEVEL SECURITY
-- statement
CREATE POLICY tenant_read ON tenant FOR SELECT USING (id = (SELECT app.tenant_id()))
-- statement
CREATE POLICY tenant_write ON tenant FOR UPDATE USING (id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide())) WITH CHECK (id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()))
-- statement
GRANT SELECT, UPDATE (name, overtime_attribution) ON tenant TO {runtime}
-- statement
CREATE TABLE audit_chain_head (
    tenant_id uuid PRIMARY KEY REFERENCES tenant (id),
    seq bigint NOT NULL,
    hash bytea NOT NULL
);

CREATE TABLE audit_event (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    actor_user_id uuid,
    db_role text NOT NULL,
    table_name text NOT NULL,
    row_id uuid,
    client_id uuid,
    lob_id uuid,
    op text NOT NULL CHECK (op IN ('INSERT', 'UPDATE', 'DELETE')),
    changed jsonb NOT NULL,
    xact bigint NOT NULL DEFAULT txid_current(),
    prev_hash bytea NOT NULL,
    hash bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_event_row_idx ON audit_event (tenant_id, table_name, row_id);
CREATE INDEX audit_event_client_idx ON audit_event (tenant_id, client_id);
CREATE INDEX audit_event_xact_idx ON audit_event (xact);

-- Reads of PII (employee contact fields): who read whose fields, when.
CREATE TABLE pii_access (
    tenant_id uuid NOT NULL REFERENCES tenant (id),
    id bigint GENERATED ALWAYS AS IDENTITY,
    at timestamptz NOT NULL DEFAULT now(),
    user_id uuid NOT NULL,
    employee_id uuid NOT NULL,
    fields text[] NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX pii_access_employee_idx ON pii_access (tenant_id, employee_id);

-- The hash of one event, chained to the previous event of its tenant.
CREATE FUNCTION app.audit_hash(prev bytea, e audit_event) RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$ SELECT sha256(prev || convert_to(jsonb_build_array(
        e.tenant_id, e.seq, extract(epoch FROM e.at), e.actor_user_id, e.db_role,
        e.table_name, e.row_id, e.client_id, e.lob_id, e.op, e.changed)::text, 'UTF8')) $$;

CREATE FUNCTION app.audit_genesis(tenant uuid) RETURNS bytea
LANGUAGE sql IMMUTABLE
AS $$ SELECT sha256(convert_to('switchboard:' || tenant::text, 'UTF8')) $$;

-- What an audit event records of one row change: the whole row for INSERT and
-- DELETE, old and new values of changed columns for UPDATE; PII values redacted.
-- NULL when nothing worth recording changed (only "quiet" columns, or nothing).
CREATE FUNCTION app.audit_diff(op text, o jsonb, n jsonb, pii text[], quiet text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
  SELECT CASE WHEN op = 'UPDATE' THEN (
           SELECT CASE WHEN bool_or(k <> ALL (quiet))
                       THEN jsonb_object_agg(k, CASE WHEN k = ANY (pii)
                                                     THEN '["[redacted]", "[redacted]"]'::jsonb
                                                     ELSE jsonb_build_array(o->k, n->k) END) END
             FROM jsonb_object_keys(n) k WHERE (o->k) IS DISTINCT FROM (n->k))
         ELSE (
           SELECT jsonb_object_agg(k, CASE WHEN k = ANY (pii) THEN '"[redacted]"'::jsonb ELSE v END)
             FROM jsonb_each(coalesce(n, o)) AS x(k, v))
         END
$$;

-- Statement-level audit trigger of every scoped table (see core.db.scoped). The
-- chain head of a tenant is locked once per statement (ordering concurrent writers)
-- and written once at the end, so a large statement costs the same per row as a
-- small one.
CREATE FUNCTION app.audit_rows() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  pii text[] := ARRAY(SELECT substr(a, 5) FROM unnest(TG_ARGV) a WHERE a LIKE 'pii:%');
  quiet text[] := ARRAY(SELECT substr(a, 7) FROM unnest(TG_ARGV) a WHERE a LIKE 'quiet:%');
  tbl text := TG_TABLE_NAME;
  changes refcursor;
  rec record;
  r jsonb;
  diff jsonb;
  current_tenant uuid;
  last_seq bigint;
  last_hash bytea;
  ev audit_event;
BEGIN
  IF TG_OP = 'INSERT' THEN
    OPEN changes FOR SELECT NULL::jsonb AS o, to_jsonb(n) AS n FROM new_rows n;
  ELSIF TG_OP = 'UPDATE' THEN
    OPEN changes FOR SELECT to_jsonb(o) AS o, to_jsonb(n) AS n FROM old_rows o JOIN new_rows n ON n.id = o.id;
  ELSE
    OPEN changes FOR SELECT to_jsonb(o) AS o, NULL::jsonb AS n FROM old_rows o;
  END IF;
  LOOP
    FETCH changes INTO rec;
    EXIT WHEN NOT FOUND;
    diff := app.audit_diff(TG_OP, rec.o, rec.n, pii, quiet);
    CONTINUE WHEN diff IS NULL;
    r := coalesce(rec.n, rec.o);
    ev.tenant_id := CASE WHEN tbl = 'tenant' THEN (r->>'id')::uuid ELSE (r->>'tenant_id')::uuid END;
    IF ev.tenant_id IS DISTINCT FROM current_tenant THEN
      IF current_tenant IS NOT NULL THEN
        UPDATE audit_chain_head SET seq = last_seq, hash = last_hash WHERE tenant_id = current_tenant;
      END IF;
      INSERT INTO audit_chain_head VALUES (ev.tenant_id, 0, app.audit_genesis(ev.tenant_id))
        ON CONFLICT DO NOTHING;
      SELECT h.seq, h.hash INTO last_seq, last_hash FROM audit_chain_head h
       WHERE h.tenant_id = ev.tenant_id FOR UPDATE;
      current_tenant := ev.tenant_id;
    END IF;
    ev.seq := last_seq + 1;
    ev.at := now();
    ev.actor_user_id := app.user_id();
    ev.db_role := session_user::text;
    ev.table_name := tbl;
    ev.row_id := (r->>'id')::uuid;
    ev.client_id := CASE WHEN tbl = 'client' THEN (r->>'id')::uuid ELSE (r->>'client_id')::uuid END;
    ev.lob_id := CASE WHEN tbl = 'lob' THEN (r->>'id')::uuid ELSE (r->>'lob_id')::uuid END;
    ev.op := TG_OP;
    ev.changed := diff;
    ev.xact := txid_current();
    ev.prev_hash := last_hash;
    ev.hash := app.audit_hash(last_hash, ev);
    INSERT INTO audit_event SELECT ev.*;
    last_seq := ev.seq;
    last_hash := ev.hash;
  END LOOP;
  CLOSE changes;
  IF current_tenant IS NOT NULL THEN
    UPDATE audit_chain_head SET seq = last_seq, hash = last_hash WHERE tenant_id = current_tenant;
  END IF;
  RETURN NULL;
END $$;

-- Logs are append-only for everyone, the owner included.
CREATE FUNCTION app.refuse_change() RETURNS trigger
LANGUAGE plpgsql
AS $$ BEGIN
  RAISE EXCEPTION 'APPEND_ONLY: % is append-only', TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END $$;

CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION app.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON audit_event
    FOR EACH STATEMENT EXECUTE FUNCTION app.refuse_change();
CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON pii_access
    FOR EACH ROW EXECUTE FUNCTION app.refuse_change();
CREATE TRIGGER append_only_truncate BEFORE TRUNCATE ON pii_access
    FOR EACH STATEMENT EXECUTE FUNCTION app.refuse_change();

ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_event FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_event_read ON audit_event FOR SELECT USING (
    tenant_id = (SELECT app.tenant_id())
    AND ((SELECT app.tenant_wide()) OR client_id = ANY ((SELECT app.client_ids(false))::uuid[])));
ALTER TABLE pii_access ENABLE ROW LEVEL SECURITY;
ALTER TABLE pii_access FORCE ROW LEVEL SECURITY;
CREATE POLICY pii_access_read ON pii_access FOR SELECT USING (
    tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()));
ALTER TABLE audit_chain_head ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_chain_head FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_chain_head_read ON audit_chain_head FOR SELECT USING (
    tenant_id = (SELECT app.tenant_id()) AND (SELECT app.tenant_wide()));

-- The audit events written by the current transaction (for audit sinks).
CREATE FUNCTION app.audit_events_of_xact() RETURNS SETOF audit_event
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT * FROM audit_event WHERE xact = txid_current() ORDER BY tenant_id, seq $$;
-- statement
CREATE TRIGGER audit_insert AFTER INSERT ON tenant REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_update AFTER UPDATE ON tenant REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
CREATE TRIGGER audit_delete AFTER DELETE ON tenant REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app.audit_rows()
-- statement
GRANT SELECT ON audit_event, pii_access TO {runtime}
-- statement
GRANT EXECUTE ON FUNCTION app.user_id(), app.tenant_id(), app.is_staff(), app.employee_id(), app.tenant_wide(), app.client_ids(boolean), app.lob_ids(boolean), app.reach_lob_ids(), app.reach_client_ids(), app.employee_ids(), app.has_permission(text, uuid, uuid), app.region_permitted(text, text[]), app.is_timezone(text), app.audit_hash(bytea, audit_event), app.audit_genesis(uuid), app.audit_diff(text, jsonb, jsonb, text[], text[]), app.audit_events_of_xact() TO {runtime}
-- downgrade
DROP TABLE IF EXISTS audit_event, audit_chain_head, pii_access CASCADE
-- statement
DROP TABLE IF EXISTS tenant, role_permission, role CASCADE
-- statement
DROP SCHEMA app CASCADE
