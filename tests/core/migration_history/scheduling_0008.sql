-- upgrade
CREATE OR REPLACE FUNCTION scheduling.was_unpublished(p_schedule uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT CASE
        WHEN NOT EXISTS (
            SELECT 1 FROM audit_event e
             WHERE e.tenant_id = app.tenant_id() AND e.table_name = 'schedule' AND e.row_id = p_schedule
               AND e.op = 'UPDATE' AND e.changed -> 'state' ->> 0 = 'published') THEN false
        ELSE EXISTS (
            SELECT 1 FROM schedule s
             WHERE s.tenant_id = app.tenant_id() AND s.id = p_schedule
               AND (app.tenant_wide() OR s.lob_ids && app.lob_ids(false)))
        END $$;
-- downgrade
CREATE OR REPLACE FUNCTION scheduling.was_unpublished(p_schedule uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT EXISTS (
        SELECT 1 FROM audit_event e
         WHERE e.tenant_id = app.tenant_id() AND e.table_name = 'schedule' AND e.row_id = p_schedule
           AND e.op = 'UPDATE' AND e.changed -> 'state' ->> 0 = 'published') $$;
