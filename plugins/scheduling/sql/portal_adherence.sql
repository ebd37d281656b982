-- The current scheduling.portal_adherence: the adherence cells ({{cells}}: adherence_cells.sql
-- over the LOBs of the caller's bound client) with each agent as the client's keyed identifier.
CREATE OR REPLACE FUNCTION scheduling.portal_adherence(p_start date, p_end date)
RETURNS TABLE (day date, lob_id uuid, agent text, scheduled numeric, adherent numeric, worked numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ {{cells}}
  SELECT c.day, c.lob_id, app.portal_agent_id((SELECT app.tenant_id()), c.client_id, c.employee_id),
         c.scheduled, c.adherent, c.worked
    FROM cells c $$
