"""eligibleAgents for one LOB and one shift-long window, five ways in one run.

1. end to end: GraphQL over HTTP (a live uvicorn server, keep-alive connection);
2. the statement eligibleAgents sends, as the runtime role, with row security;
3. the statement with core's rules only, as the runtime role: 2 ÷ 3 is the plugin rules' cost;
4. the statement of 2 as the owner (row security bypassed): 2 ÷ 4 is RLS's cost;
5. hand-written SQL as the owner — written independently, set-based, with an
   explicit tenant filter: the baseline every ratio is against.

Variants 1, 2 and 4 run every enabled module's rules (the scheduling plugin's weekly-hours,
time-off and availability rules among them); the hand-written query knows core's
rules only, so the window is one shift (8 hours on the demo's anchor Monday, where
no published schedule, time off or availability gives a plugin reason) and all five
must return the same candidates with the same reason codes (checked before timing).
A week-long window is a week of work to the weekly-hours rules: every candidate
would exceed their caps. Usage:
``python -m benchmarks.bench_eligibility [--size mid|large] [--rounds 30] [--hours 8]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from benchmarks.harness import interleaved, live_server, ms, post_graphql, prepared, table
from benchmarks.tokens import admin_token
from switchboard.core.db.engines import connect_args, load_json_with_orjson, sqlalchemy_url
from switchboard.core.graphql.pagination import Window
from switchboard.core.workforce.eligibility import CORE_RULES, statement

QUERY = """query($lob: UUID!, $start: DateTime!, $end: DateTime!, $first: Int) {
  eligibleAgents(lobId: $lob, start: $start, end: $end, first: $first) {
    edges { node { eligible employee { id } reasons { code } } } } }"""

# The same answer, hand-written as tightly as we can: eligibility decided with boolean
# flags over left joins, the residency check once per distinct region, and reason codes
# built only for the page's rows.
HAND_WRITTEN = """
WITH w AS (
    SELECT lob.id, lob.client_id, lob.required_credentials, lob.handles_card_data, lob.handles_health_data,
           c.residency_regions,
           (CAST(:window_start AS timestamptz) AT TIME ZONE lob.timezone)::date AS first_day,
           ((CAST(:window_end AS timestamptz) - interval '1 microsecond') AT TIME ZONE lob.timezone)::date AS last_day
      FROM lob JOIN client c ON c.tenant_id = lob.tenant_id AND c.id = lob.client_id
     WHERE lob.tenant_id = :tenant_id AND lob.id = :lob_id
), cand AS MATERIALIZED (
    SELECT e.id, e.preferred_name, e.work_region FROM employee e, w
     WHERE e.tenant_id = :tenant_id AND e.hire_date <= w.last_day
       AND (e.termination_date IS NULL OR e.termination_date >= w.first_day)
), assigned AS (
    SELECT a.employee_id FROM assignment a, w
     WHERE a.tenant_id = :tenant_id AND a.lob_id = w.id
     GROUP BY a.employee_id, w.first_day, w.last_day
    HAVING range_agg(a.valid_during) @> daterange(w.first_day, w.last_day, '[]')
), held AS MATERIALIZED (
    SELECT cr.employee_id, cr.kind,
           bool_or(cr.issued_on <= w.first_day AND coalesce(least(cr.expires_on, cr.revoked_on) > w.last_day, true))
               AS covered,
           max(least(cr.expires_on, cr.revoked_on)) FILTER (WHERE cr.issued_on <= w.first_day) AS lapsed_on,
           max(cr.issued_on) FILTER (WHERE cr.issued_on <= w.last_day
                                       AND coalesce(least(cr.expires_on, cr.revoked_on) > w.last_day, true)) AS fresh_on
      FROM credential cr, w
     WHERE cr.tenant_id = :tenant_id AND (cr.client_id IS NULL OR cr.client_id = w.client_id)
       AND (cr.kind = ANY (w.required_credentials) OR cr.kind IN ('pci_clearance', 'hipaa_training'))
     GROUP BY cr.employee_id, cr.kind
), missing AS (
    SELECT cand.id, n.kind, h.lapsed_on FROM cand CROSS JOIN w CROSS JOIN unnest(w.required_credentials) n(kind)
      LEFT JOIN held h ON h.employee_id = cand.id AND h.kind = n.kind
     WHERE NOT coalesce(h.covered, false)
), bad_region AS (
    SELECT r.work_region FROM (SELECT DISTINCT work_region FROM cand) r, w
     WHERE NOT app.region_permitted(r.work_region, w.residency_regions)
), flags AS (
    SELECT cand.id, cand.preferred_name,
           a.employee_id IS NULL AS no_assignment,
           w.handles_card_data AND NOT coalesce(pci.covered, false) AS no_pci,
           w.handles_health_data AND NOT coalesce(hipaa.fresh_on >= CAST(w.last_day - interval '12 months' AS date),
                                                  false) AS stale_hipaa,
           cand.work_region IN (SELECT work_region FROM bad_region) AS bad_residency,
           cand.id IN (SELECT id FROM missing) AS lacks_credential
      FROM cand CROSS JOIN w
      LEFT JOIN assigned a ON a.employee_id = cand.id
      LEFT JOIN held pci ON pci.employee_id = cand.id AND pci.kind = 'pci_clearance'
      LEFT JOIN held hipaa ON hipaa.employee_id = cand.id AND hipaa.kind = 'hipaa_training'
), page AS (
    SELECT *, no_assignment OR no_pci OR stale_hipaa OR bad_residency OR lacks_credential AS ineligible
      FROM flags ORDER BY ineligible, preferred_name, id LIMIT :limit
)
SELECT page.id,
       array_remove(ARRAY[CASE WHEN no_assignment THEN 'NO_ACTIVE_ASSIGNMENT' END], NULL)
       || coalesce((SELECT array_agg(CASE WHEN m.lapsed_on IS NULL THEN 'CREDENTIAL_MISSING'
                                          ELSE 'CREDENTIAL_EXPIRED' END ORDER BY m.kind)
                      FROM missing m WHERE m.id = page.id), '{}')
       || array_remove(ARRAY[CASE WHEN no_pci THEN 'PCI_CLEARANCE_MISSING' END,
                             CASE WHEN stale_hipaa THEN 'HIPAA_TRAINING_STALE' END,
                             CASE WHEN bad_residency THEN 'RESIDENCY_NOT_PERMITTED' END], NULL) AS codes
  FROM page ORDER BY ineligible, preferred_name, id
"""


def pick_lob(conn) -> tuple:
    """A card-data LOB with required credentials (the richest rule mix), and its tenant and zone."""
    return conn.execute(text(
        "SELECT id, tenant_id, timezone, name FROM lob"
        " WHERE handles_card_data AND cardinality(required_credentials) > 0"
        " ORDER BY name LIMIT 1")).one()


def canonical(rows) -> list[tuple[str, tuple[str, ...]]]:
    return [(str(i), tuple(sorted(codes))) for i, codes in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="mid")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--first", type=int, default=50, help="page size (the API's default page is 50)")
    parser.add_argument("--hours", type=float, default=8, help="the window's length, from 09:00 local")
    args = parser.parse_args()
    page_size = args.first
    runtime, _ = prepared(args.size)
    token = admin_token(runtime)
    db = runtime.database
    runtime_engine = create_engine(sqlalchemy_url(db.runtime_url),
                                   connect_args=connect_args(db.runtime_set_role, "bench"))
    load_json_with_orjson(runtime_engine)  # as the app's runtime engine parses the reasons
    with runtime.owner.connect() as conn:
        lob = pick_lob(conn)
        admin = conn.execute(text("SELECT user_id FROM auth_token WHERE name = 'benchmark' ORDER BY created_at DESC"
                                  " LIMIT 1")).scalar_one()
    zone = ZoneInfo(lob.timezone)
    start = datetime(2026, 11, 23, 9, tzinfo=zone)  # the demo's anchor Monday, in the LOB's zone
    end = start + timedelta(hours=args.hours)
    rules = runtime.eligibility_rules
    page = statement(rules, Window(first=page_size), runtime.settings.page_size_cap)
    sql, page_params = page.sql, page.params
    core_sql, _, _ = statement(CORE_RULES, page_size, None, runtime.settings.page_size_cap)
    params = {**page_params, "lob_id": lob.id, "window_start": start, "window_end": end}
    hand_params = {"tenant_id": lob.tenant_id, "lob_id": lob.id, "window_start": start, "window_end": end,
                   "limit": page_size}
    body = json.dumps({"query": QUERY, "variables": {"lob": str(lob.id), "start": start.isoformat(),
                                                     "end": end.isoformat(), "first": page_size}})

    with live_server(args.size) as base, runtime_engine.connect() as rt, runtime.owner.connect() as own:
        rt.execute(text("SELECT set_config('app.user_id', :u, false)"), {"u": str(admin)})
        host, port = base.removeprefix("http://").split(":")
        conn_http = http.client.HTTPConnection(host, int(port), timeout=60)

        def over_http():
            answer = post_graphql(conn_http, body, token)
            return [(e["node"]["employee"]["id"], [r["code"] for r in e["node"]["reasons"]])
                    for e in answer["eligibleAgents"]["edges"]]

        def sql_rls():
            return [(r.id, [x["code"] for x in r.reasons]) for r in rt.execute(text(sql), params) if r.id][:page_size]

        def sql_rls_core_rules():
            return [(r.id, [x["code"] for x in r.reasons])
                    for r in rt.execute(text(core_sql), params) if r.id][:page_size]

        def sql_owner():
            return [(r.id, [x["code"] for x in r.reasons]) for r in own.execute(text(sql), params) if r.id][:page_size]

        def hand_written():
            return list(own.execute(text(HAND_WRITTEN), hand_params))

        answers = {f.__name__: canonical(f())
                   for f in (over_http, sql_rls, sql_rls_core_rules, sql_owner, hand_written)}
        reference = answers["hand_written"]
        for name, answer in answers.items():
            assert answer == reference, f"{name} disagrees with the hand-written SQL"
        candidates = own.execute(text("SELECT count(*) FROM employee WHERE tenant_id = :t"),
                                 {"t": lob.tenant_id}).scalar()
        timings = interleaved({"GraphQL over HTTP": over_http, "same SQL, runtime role (RLS)": sql_rls,
                               "core rules only, runtime role (RLS)": sql_rls_core_rules,
                               "same SQL, owner (no RLS)": sql_owner, "hand-written SQL, owner": hand_written},
                              rounds=args.rounds)
        conn_http.close()
    runtime_engine.dispose()
    base_t = timings["hand-written SQL, owner"].median
    rls = timings["same SQL, runtime role (RLS)"].median / timings["same SQL, owner (no RLS)"].median
    rows = [[name, ms(t.median), ms(t.p95), f"{t.median / base_t:.2f}x"] for name, t in timings.items()]
    print(table(f"eligibleAgents — {args.size} demo, LOB {lob.name!r}, {candidates} candidates, {args.hours:g} h "
                f"window, {len(rules)} rules, tenant admin, first {page_size}; {args.rounds} interleaved rounds",
                ["variant", "median", "p95", "÷ hand-written"], rows))
    print(f"RLS overhead (same statement, runtime role ÷ owner): {rls:.2f}x")
    plugins = timings["same SQL, runtime role (RLS)"].median / timings["core rules only, runtime role (RLS)"].median
    print(f"plugin rules' cost (every rule ÷ core rules only, runtime role): {plugins:.2f}x")


if __name__ == "__main__":
    main()
