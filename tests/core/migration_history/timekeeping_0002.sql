-- upgrade
CREATE FUNCTION timekeeping.import_stage() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  DROP TABLE IF EXISTS pg_temp.timekeeping_import;
  -- line: the record's number in the file, the header being line 1 (COPY keeps the order)
  CREATE TEMPORARY TABLE timekeeping_import (
      line bigint GENERATED ALWAYS AS IDENTITY (START WITH 2),
      employee text, client text, lob text, activity text, started_at text, ended_at text, key text
  ) ON COMMIT DROP;
  GRANT SELECT, INSERT ON pg_temp.timekeeping_import TO {runtime};
END $$;

CREATE FUNCTION timekeeping.import_analyze() RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  ANALYZE pg_temp.timekeeping_import;
END $$;

CREATE FUNCTION timekeeping.closed_days(p_clients uuid[])
RETURNS TABLE (client_id uuid, closed_through date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT p.client_id, max(p.closed_through) FROM period_close p
       WHERE p.tenant_id = app.tenant_id() AND p.client_id = ANY (p_clients)
         AND (app.tenant_wide() OR p.client_id = ANY (app.reach_client_ids()))
       GROUP BY p.client_id $$;

GRANT USAGE ON SCHEMA timekeeping TO {runtime};
GRANT EXECUTE ON FUNCTION timekeeping.import_stage(), timekeeping.import_analyze(),
    timekeeping.closed_days(uuid[]) TO {runtime};
-- statement
CREATE FUNCTION timekeeping.is_timestamptz(p text) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT pg_input_is_valid(p, 'timestamptz') $$
-- statement
GRANT EXECUTE ON FUNCTION timekeeping.is_timestamptz(text) TO {runtime}
-- downgrade
DROP FUNCTION IF EXISTS timekeeping.import_stage(), timekeeping.import_analyze(), timekeeping.closed_days(uuid[]), timekeeping.is_timestamptz(text)
-- statement
REVOKE USAGE ON SCHEMA timekeeping FROM {runtime}
