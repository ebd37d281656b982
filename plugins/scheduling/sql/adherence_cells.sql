-- The adherence cells: one row per client, LOB, employee and local day with scheduled,
-- adherent and worked minutes ({{lobs}}: the LOB ids, {{start}}/{{end}}: the local dates, both
-- included; {{productive}}: the productive activities). Read by reports/adherence.py and
-- installed in scheduling.portal_adherence (portal_adherence.sql).
WITH seg AS (
    SELECT s.tenant_id, s.client_id, s.lob_id, s.employee_id, (s.starts_at AT TIME ZONE l.timezone)::date AS day,
           tstzrange(s.starts_at, s.ends_at) AS span
      FROM schedule_segment s JOIN lob l ON l.tenant_id = s.tenant_id AND l.id = s.lob_id
     WHERE s.published AND s.activity = 'work' AND s.lob_id = ANY ({{lobs}})
       AND s.starts_at >= CAST({{start}} AS date) - 2 AND s.starts_at < CAST({{end}} AS date) + 2
), planned AS (
    SELECT seg.client_id, seg.lob_id, seg.employee_id, seg.day,
           sum(scheduling.minutes(tstzmultirange(seg.span))) AS scheduled,
           sum((SELECT scheduling.minutes(coalesce(range_agg(tstzrange(t.started_at, t.ended_at) * seg.span),
                                                   '{}'::tstzmultirange))
                  FROM time_entry t
                 WHERE t.tenant_id = seg.tenant_id AND t.employee_id = seg.employee_id AND t.lob_id = seg.lob_id
                   AND t.status = 'active' AND t.activity IN {{productive}}
                   AND tstzrange(t.started_at, t.ended_at) && seg.span)) AS adherent
      FROM seg WHERE seg.day BETWEEN {{start}} AND {{end}}
     GROUP BY 1, 2, 3, 4
), worked AS (
    SELECT t.client_id, t.lob_id, t.employee_id, t.work_date AS day,
           sum(extract(epoch FROM t.ended_at - t.started_at) / 60) AS worked
      FROM time_entry t
     WHERE t.status = 'active' AND t.activity IN {{productive}} AND t.lob_id = ANY ({{lobs}})
       AND t.work_date BETWEEN {{start}} AND {{end}}
     GROUP BY 1, 2, 3, 4
), cells AS (
    SELECT client_id, lob_id, employee_id, day, coalesce(p.scheduled, 0) AS scheduled,
           coalesce(p.adherent, 0) AS adherent, coalesce(w.worked, 0) AS worked
      FROM planned p FULL JOIN worked w USING (client_id, lob_id, employee_id, day)
)
