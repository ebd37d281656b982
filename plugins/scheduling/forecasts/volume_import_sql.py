"""The one statement that validates a staged interval volume file and applies its clean rows.

It reads ``pg_temp.volume_import`` (one text row per file row) as the runtime role, so
row security bounds every lookup to the caller's scope, and yields each row's errors
as ``field:CODE[:line]`` strings:

* per row: a required column empty (``REQUIRED``; ``aht_seconds`` only when something
  was handled); a client or LOB code unknown or outside the caller's import scope
  (``NOT_FOUND``: never told apart); an interval start that is not ISO 8601
  (``INVALID_TIMESTAMP``) or has no offset (``TIMEZONE_REQUIRED``); a length other
  than 15 or 30 minutes (``INVALID_INTERVAL_LENGTH``); a start that is not a UTC
  multiple of the length (``INTERVAL_NOT_ALIGNED``); a count that is not a whole
  number ≥ 0 (``INVALID_COUNT``); handled plus abandoned above offered
  (``VOLUME_OUTCOMES_EXCEED_OFFERED``); an AHT that is not a number ≥ 0
  (``INVALID_NUMBER``); a service level outside 0..1 (``INVALID_SERVICE_LEVEL``);
* against the file: the same LOB and start on a row of other figures
  (``IMPORT_DUPLICATE_INTERVAL``, naming the other line), an interval overlapping
  another of the LOB (``IMPORT_INTERVAL_OVERLAP_IN_FILE``, naming it);
* against the history: the LOB's interval already stored with other figures
  (``VOLUME_CONFLICT``), or overlapping a stored interval of another length
  (``VOLUME_OVERLAP``).

A row whose LOB and start are already stored with the same figures, or that repeats
an earlier row of the file, is skipped (``already imported``); so importing a file
twice inserts nothing twice. The clean rows are inserted — all of them, or when any
row is bad and the caller did not ask for the clean rows only, none.
"""

from __future__ import annotations

from switchboard.core.imports.report import APPLY, SUMMARY
from switchboard.plugins.timekeeping.import_sql import instant, required, time_problem

COUNTS = ("offered", "handled", "abandoned")
LENGTHS = (15, 30)
INTERVAL = "p.interval_minutes * interval '1 minute'"


def _count(column: str) -> str:
    return f"CASE WHEN w.{column}_raw ~ '^[0-9]{{1,9}}$' THEN CAST(w.{column}_raw AS integer) END AS {column}"


def _count_problem(column: str) -> str:
    return (f"CASE WHEN p.{column}_raw = '' THEN '{column}:REQUIRED'"
            f" WHEN p.{column} IS NULL THEN '{column}:INVALID_COUNT' END")


def _raw(column: str, upper: bool = False) -> str:
    value = f"upper(btrim(i.{column}))" if upper else f"btrim(i.{column})"
    return f"coalesce({value}, '') AS {column}{'' if upper else '_raw'}"


NUMBER = r"'^[0-9]{1,8}(\.[0-9]{1,6})?$|^\.[0-9]{1,6}$'"
FIGURES = ("concat_ws('|', {p}.interval_minutes, {p}.offered, {p}.handled, {p}.abandoned, {p}.aht_seconds,"
           " {p}.service_level)")

STATEMENT = f"""
WITH scope AS (  -- the LOBs the caller may import into
    SELECT l.id AS lob_id, l.client_id, l.code AS lob, c.code AS client
      FROM lob l
      JOIN client c ON c.tenant_id = l.tenant_id AND c.id = l.client_id
     WHERE l.tenant_id = :tenant AND l.id = ANY (CAST(:lobs AS uuid[]))
),
staged AS MATERIALIZED (  -- each file row parsed once (OFFSET 0 keeps each level from being inlined)
    SELECT w.*, {instant("w.interval_start_raw")} AS interval_start,
           CASE WHEN w.interval_minutes_raw ~ '^[0-9]{{1,4}}$'
                THEN CAST(w.interval_minutes_raw AS integer) END AS interval_minutes,
           {", ".join(_count(c) for c in COUNTS)},
           CASE WHEN w.aht_seconds_raw ~ {NUMBER} THEN round(CAST(w.aht_seconds_raw AS numeric), 1) END AS aht_seconds,
           CASE WHEN w.service_level_raw ~ {NUMBER} THEN round(CAST(w.service_level_raw AS numeric), 4)
                END AS service_level
      FROM (SELECT i.line, {_raw("client", True)}, {_raw("lob", True)}, {_raw("interval_start")},
                   {_raw("interval_minutes")}, {", ".join(_raw(c) for c in COUNTS)}, {_raw("aht_seconds")},
                   {_raw("service_level")}
              FROM pg_temp.volume_import i OFFSET 0) w
),
row_checked AS (  -- what each row says by itself
    SELECT p.*, s.lob_id, s.client_id, array_remove(ARRAY[
               {required("client", "k.client IS NULL")},
               {required("lob", "k.client IS NOT NULL AND s.lob_id IS NULL")},
               {time_problem("interval_start")},
               CASE WHEN p.interval_minutes_raw = '' THEN 'interval_minutes:REQUIRED'
                    WHEN p.interval_minutes IS NULL OR p.interval_minutes NOT IN {LENGTHS}
                    THEN 'interval_minutes:INVALID_INTERVAL_LENGTH' END,
               CASE WHEN p.interval_minutes IN {LENGTHS}
                     AND CAST(extract(epoch FROM p.interval_start) AS bigint) % (p.interval_minutes * 60) <> 0
                    THEN 'interval_start:INTERVAL_NOT_ALIGNED' END,
               {", ".join(_count_problem(c) for c in COUNTS)},
               CASE WHEN p.handled + p.abandoned > p.offered THEN 'handled:VOLUME_OUTCOMES_EXCEED_OFFERED' END,
               CASE WHEN p.aht_seconds_raw = '' AND p.handled > 0 THEN 'aht_seconds:REQUIRED'
                    WHEN p.aht_seconds_raw <> '' AND p.aht_seconds IS NULL THEN 'aht_seconds:INVALID_NUMBER' END,
               CASE WHEN p.service_level_raw <> '' AND (p.service_level IS NULL OR p.service_level > 1)
                    THEN 'service_level:INVALID_SERVICE_LEVEL' END
           ], NULL) AS errors
      FROM staged p
      LEFT JOIN (SELECT DISTINCT client FROM scope) k ON k.client = p.client
      LEFT JOIN scope s ON s.client = p.client AND s.lob = p.lob
),
keyed AS (  -- clean rows: the stored interval at the same start, and the file's rows at it
    SELECT c.*, v.id IS NOT NULL AS stored,
           coalesce({FIGURES.format(p="v")} = {FIGURES.format(p="c")}, false) AS in_history,
           min({FIGURES.format(p="c")}) OVER w <> max({FIGURES.format(p="c")}) OVER w AS clash,
           first_value(c.line) OVER w AS first_line, nth_value(c.line, 2) OVER w AS second_line
      FROM row_checked c
      LEFT JOIN interval_volume v ON v.tenant_id = :tenant AND v.lob_id = c.lob_id
                                 AND v.interval_start = c.interval_start
     WHERE cardinality(c.errors) = 0
    WINDOW w AS (PARTITION BY c.lob_id, c.interval_start ORDER BY c.line
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
candidates AS (
    SELECT k.*, lag(ARRAY[extract(epoch FROM k.interval_start + k.interval_minutes * interval '1 minute'), k.line])
               OVER (PARTITION BY k.lob_id ORDER BY k.interval_start, k.line) AS before,
           lead(ARRAY[extract(epoch FROM k.interval_start), k.line])
               OVER (PARTITION BY k.lob_id ORDER BY k.interval_start, k.line) AS after
      FROM keyed k
     WHERE NOT k.clash AND k.line = k.first_line AND NOT k.in_history  -- stored ones: VOLUME_OVERLAP
),
v AS (
    SELECT c.line, c.client_id, c.lob_id, c.interval_start, c.interval_minutes, c.offered, c.handled,
           c.abandoned, c.aht_seconds, c.service_level,
           coalesce(k.in_history OR (NOT k.clash AND k.line <> k.first_line), false) AS skip,
           c.errors || array_remove(ARRAY[
               CASE WHEN k.clash THEN 'interval_start:IMPORT_DUPLICATE_INTERVAL:'
                    || CASE WHEN k.line = k.first_line THEN k.second_line ELSE k.first_line END END,
               CASE WHEN d.before[1] > extract(epoch FROM d.interval_start)
                    THEN 'interval_start:IMPORT_INTERVAL_OVERLAP_IN_FILE:' || d.before[2]
                    WHEN d.after[1] < extract(epoch FROM d.interval_start + d.interval_minutes * interval '1 minute')
                    THEN 'interval_start:IMPORT_INTERVAL_OVERLAP_IN_FILE:' || d.after[2] END,
               CASE WHEN d.stored AND NOT d.in_history THEN 'interval_start:VOLUME_CONFLICT' END,
               CASE WHEN d.line IS NOT NULL AND NOT d.stored AND EXISTS (
                        SELECT 1 FROM interval_volume o
                         WHERE o.tenant_id = :tenant AND o.lob_id = d.lob_id
                           AND o.interval_start > d.interval_start - interval '30 minutes'
                           AND o.interval_start < d.interval_start + d.interval_minutes * interval '1 minute'
                           AND o.interval_start + o.interval_minutes * interval '1 minute' > d.interval_start)
                    THEN 'interval_start:VOLUME_OVERLAP' END
           ], NULL) AS errors
      FROM row_checked c
      LEFT JOIN keyed k ON k.line = c.line
      LEFT JOIN candidates d ON d.line = c.line
),
inserted AS (
    INSERT INTO interval_volume (tenant_id, client_id, lob_id, interval_start, interval_minutes, offered, handled,
                                 abandoned, aht_seconds, service_level, imported_by)
    SELECT :tenant, v.client_id, v.lob_id, v.interval_start, v.interval_minutes, v.offered, v.handled,
           v.abandoned, v.aht_seconds, v.service_level, :imported_by
      FROM v
     WHERE {APPLY}
    ON CONFLICT DO NOTHING
    RETURNING 1
)
{SUMMARY}"""
