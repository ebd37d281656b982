"""The one statement that validates a staged import file and applies its clean rows.

It reads the staging table (``pg_temp.timekeeping_import``, one text row per file
row) as the runtime role, so row security bounds every lookup to the caller's
scope, and yields each row's errors as ``field:CODE[:line]`` strings:

* per row: a required column empty (``REQUIRED``); an employee number, client or
  LOB code unknown or outside the caller's import scope (``NOT_FOUND``: the two are
  never told apart); an activity outside the catalogue (``INVALID_ACTIVITY``); a
  time that is not ISO 8601 (``INVALID_TIMESTAMP``) or has no offset
  (``TIMEZONE_REQUIRED``); a key over 200 characters (``TOO_LONG``); an end not
  after the start (``END_BEFORE_START``) or more than 16 hours after it
  (``TIME_ENTRY_TOO_LONG``);
* against the file: one key on rows of different content (``IMPORT_DUPLICATE_KEY``,
  naming the other line); working time overlapping another row of the employee
  (``IMPORT_OVERLAP_IN_FILE``, naming the other line);
* against the ledger: a key already imported with other content
  (``IMPORT_KEY_CONFLICT``); no assignment to the LOB on the local work date
  (``TIME_ENTRY_NOT_ASSIGNED``); a closed day (``PERIOD_CLOSED``); working time
  already recorded then (``TIME_ENTRY_OVERLAP``).

Checks that need resolved values run only on rows that passed the earlier ones, so
each bad row reports its causes, not their consequences. A row whose key is already
in the ledger with the same content, or that repeats an earlier row of the file, is
skipped (``already imported``). The clean rows are inserted with
``ON CONFLICT (tenant_id, source, import_key) DO NOTHING`` — all of them, or when any
row is bad and the caller did not ask for the clean rows only, none.
"""

from __future__ import annotations

from switchboard.core.imports.report import APPLY, SUMMARY

from .activities import ABSENCES, Activity, sql_list
from .import_file import DIGEST_PREFIX
from .service import MAX_LENGTH

MAX_KEY = 200
WORKING = f"activity NOT IN {sql_list(ABSENCES)}"
UTC_TEXT = "'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'"


def _iso(raw: str) -> str:
    """``raw`` starts like an ISO 8601 date and time (``2026-11-02T09:00`` or with a space)."""
    return f"({raw} LIKE '____-__-__%' AND substr({raw}, 11, 1) IN ('T', ' '))"


def _offset(raw: str) -> str:
    """``raw`` ends with a UTC offset: ``Z``, ``±hh:mm``, ``±hhmm`` or ``±hh`` (the time
    before it holds no sign, so a sign at those places is the offset's)."""
    signs = " OR ".join(f"substr({raw}, length({raw}) - {n}, 1) IN ('+', '-')" for n in (5, 4, 2))
    return f"(right({raw}, 1) = 'Z' OR {signs})"


def instant(raw: str) -> str:
    """The timestamp ``raw`` denotes when it is ISO 8601 with an offset, else NULL
    (the cast never sees text it would refuse)."""
    return (f"CASE WHEN {_iso(raw)} AND {_offset(raw)} AND timekeeping.is_timestamptz({raw})"
            f" THEN CAST({raw} AS timestamptz) END")


def time_problem(column: str) -> str:
    """The error of a start or end column that did not parse (NULL when it did)."""
    raw = f"p.{column}_raw"
    return (f"CASE WHEN p.{column} IS NOT NULL THEN NULL"
            f" WHEN {raw} = '' THEN '{column}:REQUIRED'"
            f" WHEN {_iso(raw)} AND NOT {_offset(raw)} AND timekeeping.is_timestamptz({raw} || 'Z')"
            f" THEN '{column}:TIMEZONE_REQUIRED'"
            f" ELSE '{column}:INVALID_TIMESTAMP' END")


def required(column: str, missing: str) -> str:
    """``REQUIRED`` when the column is empty, ``NOT_FOUND`` when ``missing`` holds."""
    return f"CASE WHEN p.{column} = '' THEN '{column}:REQUIRED' WHEN {missing} THEN '{column}:NOT_FOUND' END"


def _digest(*parts: str) -> str:
    return f"encode(sha256(convert_to(concat_ws(chr(31), {', '.join(parts)}), 'UTF8')), 'hex')"


def _utc(column: str) -> str:
    return f"coalesce(to_char({column} AT TIME ZONE 'UTC', {UTC_TEXT}), {column}_raw)"


ACTIVITIES = sql_list([a.value for a in Activity])
HOURS = int(MAX_LENGTH.total_seconds() // 3600)

STATEMENT = f"""
WITH scope AS (  -- the LOBs the caller may import into, with their client's last closed day
    SELECT l.id AS lob_id, l.client_id, l.code AS lob, c.code AS client, l.timezone, d.closed_through
      FROM lob l
      JOIN client c ON c.tenant_id = l.tenant_id AND c.id = l.client_id
      LEFT JOIN timekeeping.closed_days(CAST(:clients AS uuid[])) d ON d.client_id = l.client_id
     WHERE l.tenant_id = :tenant AND l.id = ANY (CAST(:lobs AS uuid[]))
),
staged AS MATERIALIZED (  -- each file row parsed once (OFFSET 0 keeps each level from being inlined)
    SELECT z.*, coalesce(z.given_key, '{DIGEST_PREFIX}' || z.digest) AS key
      FROM (SELECT y.*, {_digest("y.employee", "y.client", "y.lob", "y.activity", _utc("y.started_at"),
                                 _utc("y.ended_at"))} AS digest
              FROM (SELECT w.*, {instant("w.started_at_raw")} AS started_at,
                           {instant("w.ended_at_raw")} AS ended_at
                      FROM (SELECT i.line, coalesce(btrim(i.employee), '') AS employee,
                                   coalesce(upper(btrim(i.client)), '') AS client,
                                   coalesce(upper(btrim(i.lob)), '') AS lob,
                                   coalesce(lower(btrim(i.activity)), '') AS activity,
                                   nullif(btrim(i.key), '') AS given_key,
                                   coalesce(btrim(i.started_at), '') AS started_at_raw,
                                   coalesce(btrim(i.ended_at), '') AS ended_at_raw
                              FROM pg_temp.timekeeping_import i OFFSET 0) w
                    OFFSET 0) y
            OFFSET 0) z
),
resolved AS (
    SELECT p.*, e.id AS employee_id, s.lob_id, s.client_id, k.client IS NOT NULL AS client_known,
           (p.started_at AT TIME ZONE s.timezone)::date AS work_date, s.closed_through, a.id AS assignment_id
      FROM staged p
      LEFT JOIN employee e ON e.tenant_id = :tenant AND e.employee_number = p.employee
      LEFT JOIN (SELECT DISTINCT client FROM scope) k ON k.client = p.client
      LEFT JOIN scope s ON s.client = p.client AND s.lob = p.lob
      LEFT JOIN assignment a ON a.tenant_id = :tenant AND a.employee_id = e.id AND a.lob_id = s.lob_id
                            AND a.valid_during @> (p.started_at AT TIME ZONE s.timezone)::date
),
keyed AS (  -- the row's key, the ledger entry holding it, and the file's other rows with it
    SELECT r.*, t.id IS NOT NULL AS key_in_ledger,
           coalesce(t.employee_id = r.employee_id AND t.lob_id = r.lob_id AND t.activity = r.activity
                    AND t.started_at = r.started_at AND t.ended_at = r.ended_at, false) AS in_ledger,
           min(r.digest) OVER w <> max(r.digest) OVER w AS key_clash,
           first_value(r.line) OVER w AS first_line, nth_value(r.line, 2) OVER w AS second_line
      FROM resolved r
      LEFT JOIN time_entry t ON t.tenant_id = :tenant AND t.source = :source AND t.import_key = r.key
    WINDOW w AS (PARTITION BY r.key COLLATE "C" ORDER BY r.line
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
),
row_checked AS (  -- what each row says by itself
    SELECT p.*, array_remove(ARRAY[
               {required("employee", "p.employee_id IS NULL")},
               {required("client", "NOT p.client_known")},
               {required("lob", "p.client_known AND p.lob_id IS NULL")},
               CASE WHEN p.activity = '' THEN 'activity:REQUIRED'
                    WHEN p.activity NOT IN {ACTIVITIES} THEN 'activity:INVALID_ACTIVITY' END,
               {time_problem("started_at")},
               {time_problem("ended_at")},
               CASE WHEN p.ended_at <= p.started_at THEN 'ended_at:END_BEFORE_START'
                    WHEN p.ended_at - p.started_at > interval '{HOURS} hours' THEN 'ended_at:TIME_ENTRY_TOO_LONG' END,
               CASE WHEN length(p.given_key) > {MAX_KEY} THEN 'key:TOO_LONG' END,
               CASE WHEN p.key_clash THEN 'key:IMPORT_DUPLICATE_KEY:'
                         || CASE WHEN p.line = p.first_line THEN p.second_line ELSE p.first_line END END,
               CASE WHEN p.key_in_ledger AND NOT p.in_ledger THEN 'key:IMPORT_KEY_CONFLICT' END
           ], NULL) AS errors,
           p.in_ledger OR (NOT p.key_clash AND p.line <> p.first_line) AS skip
      FROM keyed p
),
dated AS (  -- rows still clean: assigned on the work date, and in an open period
    SELECT c.*, cardinality(c.errors) = 0 AND NOT c.skip
                AND c.assignment_id IS NOT NULL AND c.work_date > coalesce(c.closed_through, '-infinity')
                AS candidate,
           CASE WHEN cardinality(c.errors) > 0 OR c.skip THEN c.errors
                ELSE array_remove(ARRAY[
                    CASE WHEN c.assignment_id IS NULL THEN 'lob:TIME_ENTRY_NOT_ASSIGNED' END,
                    CASE WHEN c.work_date <= c.closed_through THEN 'started_at:PERIOD_CLOSED' END
                ], NULL) END AS checked
      FROM row_checked c
),
overlapping AS (  -- working candidates against each other, per employee in start order
    SELECT b.line,
           CASE WHEN b.before[1] > extract(epoch FROM b.started_at) THEN b.before[2]
                WHEN b.after[1] < extract(epoch FROM b.ended_at) THEN b.after[2] END AS other
      FROM (SELECT d.line, d.started_at, d.ended_at,
                   max(ARRAY[extract(epoch FROM d.ended_at), d.line]) OVER (
                       PARTITION BY d.employee_id ORDER BY d.started_at, d.line
                       ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before,
                   lead(ARRAY[extract(epoch FROM d.started_at), d.line]) OVER (
                       PARTITION BY d.employee_id ORDER BY d.started_at, d.line) AS after
              FROM dated d WHERE d.candidate AND d.{WORKING}) b
),
v AS (
    SELECT d.line, d.employee_id, d.client_id, d.lob_id, d.assignment_id, d.activity, d.started_at,
           d.ended_at, d.key, d.skip,
           d.checked || array_remove(ARRAY[
               CASE WHEN o.other IS NOT NULL THEN 'started_at:IMPORT_OVERLAP_IN_FILE:' || o.other END,
               CASE WHEN d.candidate AND d.{WORKING} AND EXISTS (
                        SELECT 1 FROM time_entry t
                         WHERE t.tenant_id = :tenant AND t.employee_id = d.employee_id AND t.status = 'active'
                           AND t.{WORKING} AND t.started_at < d.ended_at AND t.ended_at > d.started_at
                           AND t.started_at > d.started_at - interval '{HOURS} hours')
                    THEN 'started_at:TIME_ENTRY_OVERLAP' END
           ], NULL) AS errors
      FROM dated d LEFT JOIN overlapping o ON o.line = d.line
),
inserted AS (
    INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity, started_at,
                            ended_at, source, import_key, recorded_by, work_date, timezone, booked_on)
    SELECT :tenant, v.client_id, v.lob_id, v.employee_id, v.assignment_id, v.activity, v.started_at,
           v.ended_at, :source, v.key, :recorded_by, NULL, NULL, NULL
      FROM v
     WHERE {APPLY}
    ON CONFLICT (tenant_id, source, import_key) DO NOTHING
    RETURNING 1
)
{SUMMARY}"""
