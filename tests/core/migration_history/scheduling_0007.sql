-- upgrade
CREATE OR REPLACE FUNCTION scheduling.committed_minutes(p_employees uuid[], p_during tstzmultirange)
RETURNS TABLE (employee_id uuid, assignment_id uuid, minutes numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
  WITH worked AS MATERIALIZED (
    SELECT s.employee_id, s.lob_id, s.assignment_id,
           scheduling.minutes(tstzmultirange(tstzrange(s.starts_at, s.ends_at)) * p_during) AS minutes
      FROM schedule_segment s
     WHERE s.tenant_id = (SELECT app.tenant_id()) AND s.published
       AND s.activity NOT IN ('lunch')
       AND tstzrange(s.starts_at, s.ends_at) && range_merge(p_during)
       AND s.employee_id IN (SELECT unnest(p_employees))
  ), me AS MATERIALIZED (
    SELECT app.tenant_wide() AS wide, app.employee_ids() AS employees, app.employee_id() AS self,
           app.lob_ids(false) AS lobs
     WHERE EXISTS (SELECT FROM worked)
  )
  SELECT w.employee_id,
         CASE WHEN me.wide OR w.lob_id = ANY (me.lobs) OR w.employee_id = me.self THEN w.assignment_id END,
         sum(w.minutes)
    FROM worked w CROSS JOIN me
   WHERE me.wide OR w.employee_id = ANY (me.employees) OR w.employee_id = me.self
   GROUP BY 1, 2 HAVING sum(w.minutes) > 0
$$;
-- downgrade
CREATE OR REPLACE FUNCTION scheduling.committed_minutes(p_employees uuid[], p_during tstzmultirange)
RETURNS TABLE (employee_id uuid, assignment_id uuid, minutes numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
  WITH me AS MATERIALIZED (
    SELECT app.tenant_id() AS tenant_id, app.tenant_wide() AS wide, app.employee_ids() AS employees,
           app.employee_id() AS self, app.lob_ids(false) AS lobs
  ), seen AS (
    SELECT e.id FROM me JOIN employee e ON e.tenant_id = me.tenant_id
     WHERE e.id = ANY (p_employees) AND (me.wide OR e.id = ANY (me.employees) OR e.id = me.self)
  ), worked AS (
    SELECT s.employee_id,
           CASE WHEN me.wide OR s.lob_id = ANY (me.lobs) OR s.employee_id = me.self THEN s.assignment_id END
               AS assignment_id,
           scheduling.minutes(tstzmultirange(tstzrange(s.starts_at, s.ends_at)) * p_during) AS minutes
      FROM me JOIN schedule_segment s ON s.tenant_id = me.tenant_id
     WHERE s.employee_id IN (SELECT id FROM seen) AND s.published
       AND s.activity NOT IN ('lunch')
       AND tstzrange(s.starts_at, s.ends_at) && range_merge(p_during)
  )
  SELECT w.employee_id, w.assignment_id, sum(w.minutes) FROM worked w
   GROUP BY w.employee_id, w.assignment_id HAVING sum(w.minutes) > 0
$$;
