"""Rows in every table of core, the built-in plugins and the sample plugin, in both tenants.

On top of the two-tenant world of :mod:`tests.world` (which fills core's tables), as
the owner: client A2 gets a second LOB (A2b) and client A1 a LOB nothing refers to
(A1c); then each plugin table gets rows of client A1 and/or A2 in tenant A and of B1
in tenant B. Schedules: ``S_A1_withdrawn`` and ``S_A2_withdrawn`` (A1a, A2a: published
then unpublished), ``S_A_live`` (A1a and A2a, published), and ``S_B_withdrawn`` and
``S_B_live`` in tenant B. The ledger,
segments and volumes fall in the week of 2027-03-08 (``WEEK``).

A table added by a module needs rows here: the catalog-wide tests fail on an empty
table rather than skip it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from uuid import UUID

from sqlalchemy import Connection, text

from tests import factories as f
from tests.plugins.billing.helpers import entry, terms
from tests.world import World

WITHDRAWN_WEEK = date(2027, 3, 1)
WEEK = date(2027, 3, 8)
EST = timezone(timedelta(hours=-5))  # the world's LOBs before DST starts on 2027-03-14


def at(day: date, hour: float) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=EST) + timedelta(hours=hour)


def insert(conn: Connection, table: str, **values) -> UUID:
    """One row as the owner."""
    cols = ", ".join(values)
    params = ", ".join(f":{k}" for k in values)
    return conn.execute(text(f"INSERT INTO {table} ({cols}) VALUES ({params}) RETURNING id"), values).scalar_one()


def populate(conn: Connection, w: World) -> None:
    """Fill every table for both tenants (``conn``: an autocommit owner connection)."""
    i = w.ids
    i["A2b"] = f.lob(conn, w.tA, w.A2, name="Cards FR", code="CARDS-FR", language="fr")
    i["A1c"] = f.lob(conn, w.tA, w.A1, name="Spare", code="SPARE")
    conn.execute(text("INSERT INTO pii_access (tenant_id, user_id, employee_id, fields)"
                      " VALUES (:tA, :admin, :e3, '{email}'), (:tB, :adminB, :eB, '{email}')"), i)
    for tenant, admin in ((w.tA, w.admin), (w.tB, w.adminB)):
        f.recovery_codes(conn, admin)
        conn.execute(text("INSERT INTO billing_policy (tenant_id) VALUES (:t)"), {"t": tenant})
        conn.execute(text("INSERT INTO invoice_counter (tenant_id, last_number) VALUES (:t, 1)"), {"t": tenant})
        conn.execute(text("INSERT INTO scheduling_settings (tenant_id, legal_weekly_max_minutes) VALUES (:t, 2880)"),
                     {"t": tenant})
    _client_rows(conn, w, w.tA, w.A1, w.A1a, w.e1, w.admin)
    _client_rows(conn, w, w.tA, w.A2, w.A2a, w.e3, w.admin)
    _client_rows(conn, w, w.tB, w.B1, w.B1a, w.eB, w.adminB)
    entry(conn, w.e2, w.A2a, at(WEEK, 33), at(WEEK, 41))  # e2 works for A2 on Tuesday
    _schedule(conn, w, "S_A1_withdrawn", w.tA, [w.A1a], WITHDRAWN_WEEK, [(w.e1, w.A1a, 0)], w.admin, True)
    _schedule(conn, w, "S_A2_withdrawn", w.tA, [w.A2a], WITHDRAWN_WEEK, [(w.e3, w.A2a, 0)], w.admin, True)
    _schedule(conn, w, "S_A_live", w.tA, [w.A1a, w.A2a], WEEK,
              [(w.e1, w.A1a, 0), (w.e3, w.A2a, 0), (w.e2, w.A2a, 1)], w.admin)
    _schedule(conn, w, "S_B_withdrawn", w.tB, [w.B1a], WITHDRAWN_WEEK, [(w.eB, w.B1a, 0)], w.adminB, True)
    _schedule(conn, w, "S_B_live", w.tB, [w.B1a], WEEK, [(w.eB, w.B1a, 0)], w.adminB)


def _client_rows(conn: Connection, w: World, tenant: UUID, client: UUID, lob: UUID, employee: UUID,
                 admin: UUID) -> None:
    """A row of each client- and LOB-level plugin table for ``client`` (and ``lob``), and the
    employee-level rows of ``employee``."""
    scope = {"tenant_id": tenant, "client_id": client}
    on_lob = {**scope, "lob_id": lob}
    job = insert(conn, "job", tenant_id=tenant, kind="model.check", lob_ids=[lob], requested_by=admin,
                 time_limit_seconds=60)
    insert(conn, "job_file", tenant_id=tenant, job_id=job, part=0, data=b"a,b\n1,2\n", uploaded_by=admin)
    insert(conn, "webhook_endpoint", **scope, url="https://hooks.example/switchboard", event_types=["model.checked"],
           secret_enc="not a real secret", created_by=admin)
    insert(conn, "webhook_event", **scope, event_type="model.checked", payload='{"jobId": null}')  # fans out
    entry(conn, employee, lob, at(WEEK, 9), at(WEEK, 17))
    insert(conn, "period_close", **scope, closed_through=date(2027, 2, 28), closed_by=admin)
    client_terms = terms(conn, tenant, client)
    terms(conn, tenant, client, lob=lob, rate="35.00")
    invoice = insert(conn, "invoice", **scope, period_from=date(2027, 3, 1), period_to=date(2027, 3, 31),
                     currency="CAD", drafted_by=admin)
    insert(conn, "invoice_line", **on_lob, invoice_id=invoice, terms_id=client_terms, **{"class": "regular"},
           minutes=60, rounding_minutes=1, rate=30, multiplier=1, amount=30, currency="CAD")
    insert(conn, "interval_volume", **on_lob, interval_start=at(WEEK, 9), interval_minutes=30, offered=10,
           handled=9, abandoned=1, aht_seconds=300, service_level=0.8)
    forecast = insert(conn, "forecast", **on_lob, version=1, method="seasonal_naive", horizon_start=at(WEEK, 0),
                      horizon_end=at(WEEK, 24 * 7), interval_minutes=30, history_start=at(WEEK, -24 * 28),
                      history_end=at(WEEK, 0), holiday_factor=1, backtest_weeks=1, created_by=admin)
    insert(conn, "forecast_interval", **on_lob, forecast_id=forecast, interval_start=at(WEEK, 9), offered=10,
           aht_seconds=300)
    insert(conn, "shift_template", **on_lob, name="Day", length_minutes=480, earliest_start="08:00",
           latest_start="10:00", start_step_minutes=30, weekdays=[1, 2, 3, 4, 5])
    insert(conn, "lob_staffing", **on_lob, shrinkage=0.3, occupancy_cap=0.85, priority=1)
    insert(conn, "sample_note", **on_lob, body="Queue note", author_id=admin)
    insert(conn, "availability", tenant_id=tenant, employee_id=employee, weekday=1, start_time="08:00",
           end_time="18:00", timezone="America/Toronto")
    insert(conn, "time_off", tenant_id=tenant, employee_id=employee, kind="vacation", requested_by=admin,
           during=f"[{WEEK + timedelta(days=14)}, {WEEK + timedelta(days=16)})")


def _schedule(conn: Connection, w: World, key: str, tenant: UUID, lobs: list[UUID], week: date,
              segments: list[tuple[UUID, UUID, int]], admin: UUID, withdrawn: bool = False) -> None:
    """A schedule with a day shift per ``(employee, lob, weekday offset)``, published (and
    then unpublished if ``withdrawn``) by ``admin``; its id is ``w.ids[key]``."""
    schedule = insert(conn, "schedule", tenant_id=tenant, lob_ids=lobs, week_start=week, solver_status="optimal")
    w.ids[key] = schedule
    for employee, lob, day in segments:
        conn.execute(text(
            "INSERT INTO schedule_segment (tenant_id, client_id, lob_id, schedule_id, employee_id, assignment_id,"
            " activity, starts_at, ends_at)"
            " SELECT a.tenant_id, a.client_id, a.lob_id, :s, a.employee_id, a.id, 'work', :start, :end"
            " FROM assignment a WHERE a.employee_id = :e AND a.lob_id = :l"),
            {"s": schedule, "e": employee, "l": lob, "start": at(week + timedelta(days=day), 9),
             "end": at(week + timedelta(days=day), 17)})
    conn.execute(text("SELECT set_config('app.user_id', :u, false)"), {"u": str(admin)})
    for state in ("published", "draft") if withdrawn else ("published",):  # the trigger checks the permission
        conn.execute(text("UPDATE schedule SET state = :st WHERE id = :s"), {"st": state, "s": schedule})
    conn.execute(text("SELECT set_config('app.user_id', '', false)"))
