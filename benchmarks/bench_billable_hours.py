"""billableHours for one month, grouped by client and LOB, four ways in one run.

1. end to end: GraphQL over HTTP (a live uvicorn server, keep-alive connection),
   as the tenant admin;
2. the statement billableHours sends, as the runtime role, with row security;
3. the same statement as the owner (row security bypassed);
4. hand-written SQL as the owner — the baseline every ratio is against: one
   statement computing the same answer with an explicit tenant filter, the labour
   rules and holidays inlined as VALUES, the terms picked with two left joins, and
   the tenant's attribution (chronological in the demo) hard-coded.

All four must return the same rows to the cent (checked before timing). Usage:
``python -m benchmarks.bench_billable_hours [--size large|mid] [--month 2026-10] [--rounds 8]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import create_engine, text

from benchmarks.harness import interleaved, live_server, ms, post_graphql, prepared, table
from benchmarks.tokens import admin_token
from switchboard.core.db.engines import connect_args, sqlalchemy_url
from switchboard.plugins.billing.rules import RULES, stat_holidays
from switchboard.plugins.billing.service import HOLIDAY_MARGIN, Group, billable_hours_sql, classification_params
from switchboard.plugins.timekeeping.activities import WORKED, sql_list

QUERY = """query($from: Date!, $to: Date!) {
  billableHours(from: $from, to: $to, groupBy: [CLIENT, LOB], first: 100) { nodes {
    clientId lobId currency regularHours overtimeHours doubleTimeHours holidayHours
    regularAmount overtimeAmount doubleTimeAmount holidayAmount } } }"""

HAND_WRITTEN = """
WITH rules (region, weekly, daily, dbl, tz) AS (VALUES {rules}),
hol (region, day) AS (VALUES {holidays}),
emp AS (
    SELECT e.id, r.region, coalesce(s.timezone, r.tz, 'UTC') AS tz,
           r.weekly * 3600 AS weekly, r.daily * 3600 AS daily, r.dbl * 3600 AS dbl
      FROM employee e
      LEFT JOIN site s ON s.tenant_id = e.tenant_id AND s.id = e.home_site_id
      LEFT JOIN rules r ON r.region = (SELECT x.region FROM rules x
                                        WHERE x.region IN (e.work_region, split_part(e.work_region, '-', 1))
                                        ORDER BY length(x.region) DESC LIMIT 1)
     WHERE e.tenant_id = :tenant
), work AS (
    SELECT t.id, t.employee_id, t.client_id, t.lob_id, t.activity, t.work_date, t.started_at, t.ended_at,
           emp.tz, emp.region, emp.weekly, emp.daily, emp.dbl
      FROM time_entry t JOIN emp ON emp.id = t.employee_id
     WHERE t.tenant_id = :tenant AND t.status = 'active' AND t.activity IN {worked}
       AND t.work_date BETWEEN CAST(:from AS date) - 8 AND CAST(:to AS date) + 8
), piece AS (
    SELECT w.*, d.day::date AS day, date_trunc('week', d.day)::date AS week,
           extract(epoch FROM least(w.ended_at, (d.day::date + 1)::timestamp AT TIME ZONE w.tz)
                            - greatest(w.started_at, d.day::date::timestamp AT TIME ZONE w.tz)) AS seconds,
           (w.region, d.day::date) IN (SELECT region, day FROM hol) AS on_holiday
      FROM work w, generate_series((w.started_at AT TIME ZONE w.tz)::date,
                                   ((w.ended_at - interval '1 microsecond') AT TIME ZONE w.tz)::date,
                                   interval '1 day') d (day)
), day_run AS (
    SELECT p.*, coalesce(sum(seconds) FILTER (WHERE NOT on_holiday) OVER (
               PARTITION BY employee_id, day ORDER BY started_at, id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before
      FROM piece p
), day_split AS (
    SELECT r.*,
           CASE WHEN on_holiday OR dbl IS NULL THEN 0 ELSE greatest(0, before + seconds - greatest(before, dbl)) END
               AS dt,
           CASE WHEN on_holiday OR daily IS NULL THEN 0
                ELSE greatest(0, least(before + seconds, coalesce(dbl, 'infinity')) - greatest(before, daily)) END
               AS dot
      FROM day_run r
), week_run AS (
    SELECT s.*, CASE WHEN on_holiday THEN 0 ELSE seconds - dt - dot END AS base,
           coalesce(sum(CASE WHEN on_holiday THEN 0 ELSE seconds - dt - dot END) OVER (
               PARTITION BY employee_id, week ORDER BY started_at, id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before_week
      FROM day_split s
), per_entry AS (
    SELECT id, client_id, lob_id, activity, work_date,
           sum(CASE WHEN on_holiday THEN 0 ELSE seconds END) - sum(dt)
             - sum(dot + CASE WHEN weekly IS NULL THEN 0
                              ELSE greatest(0, before_week + base - greatest(before_week, weekly)) END) AS regular,
           sum(dot + CASE WHEN weekly IS NULL THEN 0
                          ELSE greatest(0, before_week + base - greatest(before_week, weekly)) END) AS overtime,
           sum(dt) AS double_time,
           sum(CASE WHEN on_holiday THEN seconds ELSE 0 END) AS holiday
      FROM week_run
     WHERE work_date BETWEEN :from AND :to
     GROUP BY id, client_id, lob_id, activity, work_date
), priced AS (
    SELECT h.*, coalesce(lt.bill_rate, ct.bill_rate) AS rate, coalesce(lt.currency, ct.currency) AS currency,
           coalesce(lt.billable_activities, ct.billable_activities) AS billable,
           coalesce(lt.premium_payer, ct.premium_payer) = 'client' AS client_pays,
           coalesce(lt.overtime_multiplier, ct.overtime_multiplier) AS ot_m,
           coalesce(lt.double_time_multiplier, ct.double_time_multiplier) AS dt_m,
           coalesce(lt.holiday_multiplier, ct.holiday_multiplier) AS hol_m
      FROM per_entry h
      LEFT JOIN billing_terms lt ON lt.tenant_id = :tenant AND lt.client_id = h.client_id AND lt.lob_id = h.lob_id
                                AND lt.valid_during @> h.work_date
      LEFT JOIN billing_terms ct ON ct.tenant_id = :tenant AND ct.client_id = h.client_id AND ct.lob_id IS NULL
                                AND ct.valid_during @> h.work_date
)
SELECT client_id, lob_id, currency,
       round(sum(regular) / 3600, 4), round(sum(overtime) / 3600, 4),
       round(sum(double_time) / 3600, 4), round(sum(holiday) / 3600, 4),
       round(sum(regular * rate) / 3600, 2),
       round(sum(overtime * rate * CASE WHEN client_pays THEN ot_m ELSE 1 END) / 3600, 2),
       round(sum(double_time * rate * CASE WHEN client_pays THEN dt_m ELSE 1 END) / 3600, 2),
       round(sum(holiday * rate * CASE WHEN client_pays THEN hol_m ELSE 1 END) / 3600, 2)
  FROM priced
 WHERE activity = ANY (billable)
 GROUP BY client_id, lob_id, currency
 ORDER BY client_id, lob_id, currency
"""


def hand_written_sql(first: date, last: date) -> str:
    """The baseline statement with this range's rules and holidays inlined."""
    def literal(value) -> str:
        return "NULL" if value is None else f"'{value}'"

    rules = ", ".join(f"('{r.region}', {literal(r.weekly)}::numeric, {literal(r.daily)}::numeric,"
                      f" {literal(r.double)}::numeric, {literal(r.timezone)})" for r in RULES)
    days = [(r.region, d) for r in RULES for d in stat_holidays(r, first - HOLIDAY_MARGIN, last + HOLIDAY_MARGIN)]
    holidays = ", ".join(f"('{region}', DATE '{d.isoformat()}')" for region, d in days)
    return HAND_WRITTEN.format(rules=rules, holidays=holidays, worked=sql_list(WORKED))


def canonical(rows) -> list[tuple]:
    return [(str(r[0]), str(r[1]), r[2], *(Decimal(str(x)) for x in r[3:])) for r in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--month", default="2026-10", help="YYYY-MM (the demo's ledger covers the year to 2026-11-22)")
    parser.add_argument("--rounds", type=int, default=8)
    args = parser.parse_args()
    first = date.fromisoformat(f"{args.month}-01")
    last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    runtime, built = prepared(args.size)
    if built:
        print(f"built the {args.size} demo in {built:.0f} s")
    token = admin_token(runtime)
    db = runtime.database
    runtime_engine = create_engine(sqlalchemy_url(db.runtime_url),
                                   connect_args=connect_args(db.runtime_set_role, "bench"))
    with runtime.owner.connect() as conn:
        admin, tenant = conn.execute(text(
            "SELECT t.user_id, t.tenant_id FROM auth_token t WHERE t.name = 'benchmark'"
            " ORDER BY t.created_at DESC LIMIT 1")).one()
        entries = conn.execute(text("SELECT count(*) FROM time_entry"
                                    " WHERE tenant_id = :t AND work_date BETWEEN :a AND :b"),
                               {"t": tenant, "a": first, "b": last}).scalar_one()
    statement = text(billable_hours_sql([Group.CLIENT, Group.LOB]))
    params = classification_params(first, last, None, None)
    hand = text(hand_written_sql(first, last))
    hand_params = {"tenant": tenant, "from": first, "to": last}
    body = json.dumps({"query": QUERY, "variables": {"from": first.isoformat(), "to": last.isoformat()}})
    fields = ("regularHours", "overtimeHours", "doubleTimeHours", "holidayHours",
              "regularAmount", "overtimeAmount", "doubleTimeAmount", "holidayAmount")
    columns = ("client_id", "lob_id", "currency", "regular_hours", "overtime_hours", "double_time_hours",
               "holiday_hours", "regular_amount", "overtime_amount", "double_time_amount", "holiday_amount")

    with live_server(args.size) as base, runtime_engine.connect() as rt, runtime.owner.connect() as own:
        rt.execute(text("SELECT set_config('app.user_id', :u, false)"), {"u": str(admin)})
        own.execute(text("SELECT set_config('app.user_id', :u, false)"), {"u": str(admin)})  # the function's tenant
        host, port = base.removeprefix("http://").split(":")
        conn_http = http.client.HTTPConnection(host, int(port), timeout=600)

        def over_http():
            return [(r["clientId"], r["lobId"], r["currency"], *(r[f] for f in fields))
                    for r in post_graphql(conn_http, body, token)["billableHours"]["nodes"]]

        def sql_rls():
            return [tuple(getattr(r, c) for c in columns) for r in rt.execute(statement, params)]

        def sql_owner():
            return [tuple(getattr(r, c) for c in columns) for r in own.execute(statement, params)]

        def hand_written():
            return list(own.execute(hand, hand_params))

        answers = {f.__name__: canonical(f()) for f in (over_http, sql_rls, sql_owner, hand_written)}
        reference = answers["hand_written"]
        assert reference, "the demo has no billable hours in that month"
        for name, answer in answers.items():
            assert answer == reference, f"{name} disagrees with the hand-written SQL"
        timings = interleaved({"GraphQL over HTTP": over_http, "same SQL, runtime role (RLS)": sql_rls,
                               "same SQL, owner (no RLS)": sql_owner, "hand-written SQL, owner": hand_written},
                              rounds=args.rounds, warmup=1)
        conn_http.close()
    runtime_engine.dispose()
    base_t = timings["hand-written SQL, owner"].median
    rows = [[name, ms(t.median), ms(t.p95), f"{t.median / base_t:.2f}x"] for name, t in timings.items()]
    print(table(f"billableHours — {args.size} demo, {args.month} ({entries:,} entries that month), by client and LOB"
                f" ({len(reference)} rows), tenant admin; {args.rounds} interleaved rounds",
                ["variant", "median", "p95", "÷ hand-written"], rows))


if __name__ == "__main__":
    main()
