"""Who sees and writes which scheduling rows, for every table the plugin adds: through
GraphQL and through raw SQL as the runtime role.

Seeded as the owner: a shift template per LOB; availability and time off per
employee; scheduling settings per tenant; schedules A1 (L1-EN, L1-FR), A2 (Cards),
mixed (L1-FR and Cards: e2 on both clients) and B; their segments.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.core.test_workforce import mutation
from tests.plugins.scheduling.schedule_helpers import PUBLISH, at, ok, refused, schedule, segment

EMPLOYEES = {"e1": "tA", "e2": "tA", "e3": "tA", "eB": "tB"}
LOBS = {"L1-EN": ("A1a", "A1", "tA"), "L1-FR": ("A1b", "A1", "tA"), "CARDS": ("A2a", "A2", "tA"),
        "SUP": ("B1a", "B1", "tB")}


def seed(owner, world) -> dict[str, dict]:
    """``table → {row id: label}`` for every row seeded."""
    w, labels = world.ids, {}

    def insert(table, sql, params):
        return owner.execute(text(f"INSERT INTO {table} {sql} RETURNING id"), params).scalar_one()

    labels["shift_template"] = {
        insert("shift_template", "(tenant_id, client_id, lob_id, name, length_minutes, earliest_start, latest_start,"
               " start_step_minutes, weekdays) VALUES (:t, :c, :l, 'Day', 480, '08:00', '10:00', 60, '{1,2,3}')",
               {"t": w[tenant], "c": w[client], "l": w[lob]}): code
        for code, (lob, client, tenant) in LOBS.items()}
    labels["availability"] = {
        insert("availability", "(tenant_id, employee_id, weekday, start_time, end_time, timezone)"
               " VALUES (:t, :e, 1, '08:00', '12:00', 'America/Toronto')", {"t": w[t], "e": w[e]}): e
        for e, t in EMPLOYEES.items()}
    labels["time_off"] = {
        insert("time_off", "(tenant_id, employee_id, during, kind, requested_by)"
               " VALUES (:t, :e, tstzrange(:s, :s + interval '1 day'), 'vacation', :by)",
               {"t": w[t], "e": w[e], "s": at(3, 0), "by": w["admin" if t == "tA" else "adminB"]}): e
        for e, t in EMPLOYEES.items()}
    labels["scheduling_settings"] = {
        insert("scheduling_settings", "(tenant_id, legal_weekly_max_minutes) VALUES (:t, :m)",
               {"t": w[t], "m": m}): t for t, m in (("tA", 2400), ("tB", 2880))}
    plans = {"A1": ("tA", ["A1a", "A1b"], [("e1", "A1a", 1), ("e2", "A1b", 1)]),
             "A2": ("tA", ["A2a"], [("e3", "A2a", 1)]),
             "mixed": ("tA", ["A1b", "A2a"], [("e2", "A1b", 2), ("e2", "A2a", 3)]),
             "B": ("tB", ["B1a"], [("eB", "B1a", 1)])}
    labels["schedule"], labels["schedule_segment"] = {}, {}
    for name, (tenant, lobs, segments) in plans.items():
        s = schedule(owner, w[tenant], [w[x] for x in lobs])
        labels["schedule"][s] = name
        for employee, lob, day in segments:
            code = next(c for c, (x, _, _) in LOBS.items() if x == lob)
            labels["schedule_segment"][segment(owner, s, w[employee], w[lob], at(day, 9))] = f"{employee}/{code}@{name}"
    return labels


SEES = {
    "shift_template": {"admin": {"L1-EN", "L1-FR", "CARDS"}, "planner": {"L1-EN", "L1-FR"},
                       "supervisor": {"CARDS"}, "agent": set(), "adminB": {"SUP"}, "portal": set()},
    "availability": {"admin": {"e1", "e2", "e3"}, "planner": {"e1", "e2"}, "supervisor": {"e2", "e3"},
                     "agent": {"e2"}, "adminB": {"eB"}, "portal": set()},
    "scheduling_settings": {"admin": {"tA"}, "planner": {"tA"}, "supervisor": {"tA"}, "agent": {"tA"},
                            "adminB": {"tB"}, "portal": set()},
    "schedule": {"admin": {"A1", "A2", "mixed"}, "planner": {"A1"}, "supervisor": {"A2"}, "agent": set(),
                 "adminB": {"B"}, "portal": set()},
    # a client's planner never sees the other client's segments of a shared agent; an agent sees
    # only published segments of their own (none yet)
    "schedule_segment": {"admin": {"e1/L1-EN@A1", "e2/L1-FR@A1", "e3/CARDS@A2", "e2/L1-FR@mixed", "e2/CARDS@mixed"},
                         "planner": {"e1/L1-EN@A1", "e2/L1-FR@A1", "e2/L1-FR@mixed"},
                         "supervisor": {"e3/CARDS@A2", "e2/CARDS@mixed"}, "agent": set(),
                         "adminB": {"eB/SUP@B"}, "portal": set()},
}
SEES["time_off"] = SEES["availability"]
CALLERS = sorted(SEES["schedule"])


def raw_labels(as_runtime, world, who: str, table: str, labels: dict) -> set[str]:
    with as_runtime.caller(world.ids[who]) as conn:
        return {labels[table][i] for i in conn.execute(text(f"SELECT id FROM {table}")).scalars()}


@pytest.mark.parametrize("table", sorted(SEES))
@pytest.mark.parametrize("who", CALLERS)
def test_raw_sql_reads_exactly_the_callers_scope(as_runtime, world, owner, table, who):
    labels = seed(owner, world)
    assert raw_labels(as_runtime, world, who, table, labels) == SEES[table][who]


GRAPHQL = {
    "shift_template": "{ shiftTemplates(first: 100) { nodes { id } } }",
    "time_off": "{ timeOff(first: 100) { nodes { id } } }",
    "schedule": "{ schedules(first: 100) { nodes { id: databaseId } } }",
    "schedule_segment": "{ scheduledSegments(first: 100) { nodes { id } } }",
}


@pytest.mark.parametrize("who", [c for c in CALLERS if c != "portal"])
def test_graphql_reads_exactly_the_callers_scope(gql, world, owner, who):
    labels = seed(owner, world)
    for table, query in GRAPHQL.items():
        nodes = ok(gql, world, query, who=who)["nodes"]
        assert {labels[table][UUID(n["id"])] for n in nodes} == SEES[table][who], table
    windows = {e for e in EMPLOYEES if ok(gql, world, "query($e: UUID!) { availability(employeeId: $e) { weekday } }",
                                          {"e": str(world.ids[e])}, who=who)}
    assert windows == SEES["availability"][who]
    hours = ok(gql, world, "{ legalWeeklyMaxHours }", who=who)
    assert hours == (40 if who != "adminB" else 48)
    assert ok(gql, world, "query($s: UUID!) { schedule(id: $s) { id: databaseId } }",
              {"s": str(next(i for i, n in labels["schedule"].items() if n == "mixed"))}, who=who) == (
        {"id": str(next(i for i, n in labels["schedule"].items() if n == "mixed"))} if who == "admin" else None)


def test_a_client_user_reaches_no_scheduling_data(gql, world, owner):
    seed(owner, world)
    for query in GRAPHQL.values():
        body = gql(query, token=world.tokens["portal"])
        assert body["errors"][0]["extensions"]["code"] == "WRONG_ENDPOINT"
        portal = gql(query, token=world.tokens["portal"], portal=True)
        assert "Cannot query field" in portal["errors"][0]["message"]


def test_an_agent_sees_their_own_segments_once_published_on_every_client(gql, world, owner, as_runtime):
    labels = seed(owner, world)
    for name in ("A1", "mixed"):
        ok(gql, world, PUBLISH, {"id": str(next(i for i, n in labels["schedule"].items() if n == name))})
    mine = {"e2/L1-FR@A1", "e2/L1-FR@mixed", "e2/CARDS@mixed"}
    assert raw_labels(as_runtime, world, "agent", "schedule_segment", labels) == mine
    nodes = ok(gql, world, "{ scheduledSegments { nodes { id localStartsAt lob { code } } } }", who="agent")["nodes"]
    assert {labels["schedule_segment"][UUID(n["id"])] for n in nodes} == mine
    assert {n["localStartsAt"][-6:] for n in nodes} == {"-05:00"}           # shown in the LOB's time zone
    assert raw_labels(as_runtime, world, "planner", "schedule_segment", labels) == SEES["schedule_segment"]["planner"]


# --- writes --------------------------------------------------------------------------------

INSERTS = {
    "shift_template": ("(tenant_id, client_id, lob_id, name, length_minutes, earliest_start, latest_start,"
                       " start_step_minutes, weekdays) VALUES (:t, :c, :l, 'Night', 480, '20:00', '22:00', 60, '{1}')"),
    "availability": ("(tenant_id, employee_id, weekday, start_time, end_time, timezone)"
                     " VALUES (:t, :e, 2, '08:00', '12:00', 'America/Toronto')"),
    "time_off": "(tenant_id, employee_id, during, kind) VALUES (:t, :e, tstzrange(:s, :s + interval '1 day'), 'sick')",
    "schedule": "(tenant_id, lob_ids, week_start) VALUES (:t, CAST(:lobs AS uuid[]), '2027-03-08')",
    "scheduling_settings": "(tenant_id, legal_weekly_max_minutes) VALUES (:t, 600)",
}
# who tries to write a row of which employee / LOB (outside their scope)
OUTSIDERS = [("planner", "e3", "CARDS"), ("supervisor", "e1", "L1-EN"), ("agent", "e1", "L1-EN"),
             ("adminB", "e1", "L1-EN")]


def _params(world, employee: str, code: str) -> dict:
    lob, client, tenant = LOBS[code]
    return {"t": world.ids[tenant], "c": world.ids[client], "l": world.ids[lob], "e": world.ids[employee],
            "s": at(10, 0), "lobs": [str(world.ids[lob])]}


@pytest.mark.parametrize(("who", "employee", "code"), OUTSIDERS)
def test_raw_sql_writes_outside_scope_are_refused(as_runtime, world, owner, who, employee, code):
    labels = seed(owner, world)
    before = {t: owner.execute(text(f"SELECT count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM {t} x")
                               ).one() for t in labels}
    params = _params(world, employee, code)
    for table in INSERTS:
        with as_runtime.caller(world.ids[who]) as conn:
            with pytest.raises(DBAPIError) as raised:
                conn.execute(text(f"INSERT INTO {table} {INSERTS[table]}"), params)
            assert "row-level security" in str(raised.value), table
    schedule_id = next(i for i, n in labels["schedule"].items() if n == ("A2" if code == "CARDS" else "A1"))
    assigned = owner.execute(text("SELECT id, employee_id FROM assignment WHERE lob_id = :l LIMIT 1"), params).one()
    with as_runtime.caller(world.ids[who]) as conn:
        with pytest.raises(DBAPIError) as raised:
            conn.execute(text(
                "INSERT INTO schedule_segment (tenant_id, client_id, lob_id, schedule_id, employee_id, assignment_id,"
                " activity, starts_at, ends_at) VALUES (:t, :c, :l, :s, :e, :a, 'work', :start, :end)"),
                {**params, "s": schedule_id, "e": assigned.employee_id, "a": assigned.id, "start": at(5, 9),
                 "end": at(5, 9) + timedelta(hours=4)})
        assert "row-level security" in str(raised.value)
    changes = [
        ("UPDATE shift_template SET name = 'Taken' WHERE lob_id = :l", params),
        ("DELETE FROM shift_template WHERE lob_id = :l", params),
        ("DELETE FROM availability WHERE employee_id = :e", params),
        ("UPDATE time_off SET status = 'cancelled' WHERE employee_id = :e", params),
        ("UPDATE schedule SET state = 'published' WHERE id = :s", {"s": schedule_id}),
        ("UPDATE scheduling_settings SET legal_weekly_max_minutes = 60 WHERE tenant_id = :t", params),
    ]
    for sql, values in changes:
        with as_runtime.caller(world.ids[who]) as conn:
            assert conn.execute(text(sql), values).rowcount == 0, sql
    after = {t: owner.execute(text(f"SELECT count(*), md5(string_agg(x::text, ',' ORDER BY x::text)) FROM {t} x")
                              ).one() for t in labels}
    assert after == before


def test_segments_are_never_changed_by_hand(as_runtime, world, owner):
    labels = seed(owner, world)
    some = next(iter(labels["schedule_segment"]))
    for sql in ("UPDATE schedule_segment SET published = true WHERE id = :i",
                "UPDATE schedule_segment SET starts_at = starts_at WHERE id = :i",
                "DELETE FROM schedule_segment WHERE id = :i"):
        with as_runtime.caller(world.admin) as conn:
            with pytest.raises(DBAPIError) as raised:
                conn.execute(text(sql), {"i": some})
            assert "permission denied" in str(raised.value)


TIME_OFF_ID = "query { timeOff(first: 100) { nodes { id employee { preferredName } } } }"
APPROVE = mutation("$id: UUID!", "approveTimeOff(id: $id)", "timeOff { id }")
CANCEL = mutation("$id: UUID!", "cancelTimeOff(id: $id)", "timeOff { id }")


@pytest.mark.parametrize(("who", "employee"), [("supervisor", "e1"), ("adminB", "e2")])
def test_graphql_decisions_outside_scope_find_nothing(gql, world, owner, who, employee):
    labels = seed(owner, world)
    target = next(i for i, e in labels["time_off"].items() if e == employee)
    for query in (APPROVE, CANCEL):
        refused(gql, world, owner, query, {"id": str(target)}, "NOT_FOUND", "id", who=who)
