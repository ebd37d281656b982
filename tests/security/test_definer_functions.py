"""``SECURITY DEFINER`` functions answer only for the caller's own scope.

A definer function runs as the owner, past row security: whatever it returns, it
must decide itself whom it may tell. Every such function the runtime role may execute
is read from the catalog (core, every built-in plugin, the sample plugin) and called
as a client user of client A1 (``portal``), as a staff user scoped to client A1
(``planner``) and as one scoped to a LOB of client A2 (``supervisor``), with ids of
the other client of their tenant and of the other tenant (built per function by
:data:`CALLS` from the rows of :mod:`tests.security.populated`). A call about foreign
ids answers nothing (no row, no true, no value); no call returns an id of the foreign
scope. A definer function without an entry in :data:`CALLS` fails the suite: a new
one cannot slip in untested.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import RuntimeSQL, cloned_runtime
from tests.security.conftest import EVERY_PLUGIN
from tests.security.populated import WEEK, WITHDRAWN_WEEK, at

RUNTIME_DEFINERS = """
SELECT p.oid::regprocedure::text AS signature, n.nspname || '.' || p.proname AS name
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE p.prosecdef AND has_function_privilege(:runtime, p.oid, 'EXECUTE')
   AND n.nspname NOT IN ('pg_catalog', 'information_schema')
 ORDER BY 1
"""
UUID_TEXT = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SPAN = (at(WITHDRAWN_WEEK, 0), at(WEEK + timedelta(days=7), 0))


@dataclass(frozen=True)
class Scope:
    """Ids of a scope foreign to the caller: a client (its LOB, an employee who works only
    for it, a schedule of it that was published then withdrawn) and every id under it."""

    tenant: UUID
    client: UUID
    lob: UUID
    employee: UUID
    schedule: UUID
    ids: frozenset[str] = field(default=frozenset())
    email: str = ""  # a user of the scope: their e-mail, a token, and a ticket ready to spend per purpose
    token: UUID | None = None
    tickets: dict[str, UUID] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """How to call a function: SQL arguments from a foreign scope, and whether the call is
    about that scope (then it must answer nothing) or only about the caller."""

    args: Callable[[Scope, str], tuple[str, dict[str, Any]]] = lambda scope, permission: ("", {})
    about_foreign_ids: bool = False
    before: str | None = None


def own(*args: str, before: str | None = None) -> list[Call]:
    """Calls that name no row: the function answers about the caller alone."""
    return [Call(lambda scope, permission, a=a: (a, {}), before=before) for a in (args or ("",))]


def about(args: str, params: Callable[[Scope, str], dict[str, Any]]) -> list[Call]:
    """A call naming the foreign scope's rows."""
    return [Call(lambda scope, permission: (args, params(scope, permission)), about_foreign_ids=True)]


def anyone(args: str, params: Callable[[Scope, str], dict[str, Any]]) -> list[Call]:
    """A call naming a foreign user that answers alike for every e-mail, known or not, by
    design (logging in comes before there is a caller): it still returns no id of the scope."""
    return [Call(lambda scope, permission: (args, params(scope, permission)))]


def ticket(purpose: str) -> Callable[[Scope, str], dict[str, Any]]:
    """Parameters naming the foreign user's ticket of ``purpose``, ready to be spent."""
    return lambda s, _: {"ticket": s.tickets[purpose], "codes": RECOVERY_CODES}


EMPLOYEES = "CAST(:employees AS uuid[])"
TICKET = "CAST(:ticket AS uuid)"
RECOVERY_CODES = [f"ABCD-EFGH-JKLM-NP{n:02d}" for n in range(10)]
ARGON2 = "'$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA'"
CALLS: dict[str, list[Call]] = {
    "app.tenant_id()": own(),
    "app.is_staff()": own(),
    "app.employee_id()": own(),
    "app.tenant_wide()": own(),
    "app.client_ids(boolean)": own("false", "true"),
    "app.lob_ids(boolean)": own("false", "true"),
    "app.reach_lob_ids()": own(),
    "app.reach_client_ids()": own(),
    "app.employee_ids()": own(),
    "app.audit_events_of_xact()": own(),
    # credentials: a caller spends no ticket, token or e-mail of someone else
    "app.authenticate(bytea)": own("sha256(convert_to('no such token', 'UTF8'))"),
    "app.login_begin(text,text)": anyone("CAST(:email AS text), 'x'", lambda s, _: {"email": s.email}),
    "app.login_password(text,text,text,text)": [
        *about("CAST(:email AS text), 'not the digest', 'x', 'staff'", lambda s, _: {"email": s.email}),
        *about("CAST(:email AS text), 'not the digest', 'x', 'client'", lambda s, _: {"email": s.email})],
    "app.caller_ticket(text,uuid,text,text)": [
        *about("'credentials', CAST(:token AS uuid), 'not the digest', 'x'", lambda s, _: {"token": s.token}),
        *about("'step_up', CAST(:token AS uuid), NULL, 'x'", lambda s, _: {"token": s.token})],
    "app.ticket_second_factor(uuid,bigint,text,text)": about(f"{TICKET}, 1, 'no proof', 'AAAA-BBBB-CCCC-DDDD'",
                                                              ticket("fresh")),
    "app.login_finish(uuid,bytea,timestamp with time zone)": own("gen_random_uuid(), '\\x00', now()"),
    "app.step_up(uuid)": about(TICKET, ticket("step_up")),
    "app.set_password(uuid,text)": about(f"{TICKET}, {ARGON2}", ticket("credentials")),
    "app.begin_totp(uuid,text)": about(f"{TICKET}, repeat('x', 40)", ticket("credentials")),
    "app.enrol_ticket(uuid)": about("CAST(:token AS uuid)", lambda s, _: {"token": s.token}),
    "app.enable_totp(uuid,text[])": about(f"{TICKET}, CAST(:codes AS text[])", ticket("enrol")),
    "app.set_recovery_codes(uuid,text[])": about(f"{TICKET}, CAST(:codes AS text[])", ticket("credentials")),
    "app.disable_totp(uuid)": about(TICKET, ticket("credentials")),
    "app.issue_api_token(uuid,text,bytea,timestamp with time zone)": about(
        f"{TICKET}, 'x', '\\x01', now() + interval '1 day'", ticket("credentials")),
    "app.has_permission(text,uuid,uuid)": about(
        "CAST(:permission AS text), CAST(:client AS uuid), CAST(:lob AS uuid)",
        lambda s, permission: {"permission": permission, "client": s.client, "lob": s.lob}),
    "app.employee_contacts(uuid[])": about(EMPLOYEES, lambda s, _: {"employees": [s.employee]}),
    "billing.entry_hours(date,date,uuid,uuid,jsonb,jsonb)": about(
        "CAST(:first AS date), CAST(:last AS date), CAST(:client AS uuid), CAST(:lob AS uuid), '[]', '[]'",
        lambda s, _: {"first": WITHDRAWN_WEEK, "last": WEEK + timedelta(days=6), "client": s.client, "lob": s.lob}),
    "timekeeping.closed_days(uuid[])": about("CAST(:clients AS uuid[])", lambda s, _: {"clients": [s.client]}),
    "timekeeping.import_stage()": own(),
    "timekeeping.import_analyze()": own(before="SELECT timekeeping.import_stage()"),
    "scheduling.volume_import_stage()": own(),
    "scheduling.volume_import_analyze()": own(before="SELECT scheduling.volume_import_stage()"),
    "scheduling.legal_weekly_max_minutes()": own(),
    "scheduling.committed_minutes(uuid[],tstzmultirange)": about(
        f"{EMPLOYEES}, tstzmultirange(tstzrange(:start, :end))",
        lambda s, _: {"employees": [s.employee], "start": SPAN[0], "end": SPAN[1]}),
    "scheduling.published_shifts(uuid[],tstzrange)": about(
        f"{EMPLOYEES}, tstzrange(:start, :end)",
        lambda s, _: {"employees": [s.employee], "start": SPAN[0], "end": SPAN[1]}),
    "scheduling.was_unpublished(uuid)": about("CAST(:schedule AS uuid)", lambda s, _: {"schedule": s.schedule}),
    "scheduling.portal_lob_ids()": own(),
    "scheduling.portal_adherence(date,date)": own(f"DATE '{WITHDRAWN_WEEK}', DATE '{WEEK + timedelta(days=6)}'"),
}
CALLERS = {"portal": "A2", "planner": "A2", "supervisor": "A1"}  # caller → the other client of tenant A
# Outcomes of the credential functions that refuse: they say nothing.
REFUSALS = {"UNAUTHENTICATED", "INVALID_CREDENTIALS", "TICKET_INVALID", "TOTP_INVALID", "RECOVERY_CODE_INVALID"}
PURPOSES = {"fresh": ("step_up", None), "step_up": ("step_up", "totp"), "credentials": ("credentials", "totp"),
            "enrol": ("enrol", "totp")}


def runtime_definers(owner: Connection, runtime_role: str) -> dict[str, str]:
    """``signature → schema.name`` of every definer function the runtime role may execute."""
    return dict(owner.execute(text(RUNTIME_DEFINERS), {"runtime": runtime_role}).all())


def scope_ids(owner: Connection, column: str, value: UUID) -> frozenset[str]:
    """Every id of a row whose ``column`` (tenant_id or client_id) is ``value``, of a job or
    schedule only about that client's LOBs, and the value itself."""
    ids = {str(value)}
    tables = owner.execute(text(
        "SELECT c.relname, bool_or(a.attname = :column) AS scoped, bool_or(a.attname = 'lob_ids') AS about_lobs"
        " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid"
        " WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT a.attisdropped"
        " GROUP BY c.relname HAVING bool_or(a.attname = 'id') AND bool_or(a.attname = 'tenant_id')"),
        {"column": column}).all()
    lobs = [r for (r,) in owner.execute(text(f"SELECT id FROM lob WHERE {column} = :v"), {"v": value})]
    for table, scoped, about_lobs in tables:
        if scoped:
            ids |= {str(r) for (r,) in owner.execute(text(f"SELECT id FROM {table} WHERE {column} = :v"), {"v": value})}
        if about_lobs:
            ids |= {str(r) for (r,) in owner.execute(
                text(f"SELECT id FROM {table} WHERE cardinality(lob_ids) > 0 AND lob_ids <@ CAST(:l AS uuid[])"),
                {"l": lobs})}
    return frozenset(ids)


def only_for(owner: Connection, client: UUID) -> UUID:
    """An employee whose every assignment is on ``client``."""
    return owner.execute(text(
        "SELECT employee_id FROM assignment GROUP BY employee_id HAVING bool_and(client_id = :c) ORDER BY 1 LIMIT 1"),
        {"c": client}).scalar_one()


@pytest.fixture(scope="module")
def scopes(populated) -> dict[str, dict[str, Scope]]:
    """caller → {"client": the other client of their tenant, "tenant": the other tenant}."""
    w = populated.world
    with populated.runtime.owner.begin() as owner:
        def scope(tenant: UUID, client: str, lob: str, schedule: str, by_tenant: bool, user: str) -> Scope:
            c = w.ids[client]
            ids = scope_ids(owner, "tenant_id", tenant) if by_tenant else scope_ids(owner, "client_id", c)
            return Scope(tenant, c, w.ids[lob], only_for(owner, c), w.ids[schedule], ids,
                         *credentials_of(owner, w.ids[user]))

        tenant_b = scope(w.tB, "B1", "B1a", "S_B_withdrawn", True, "adminB")
        clients = {"A1": scope(w.tA, "A1", "A1a", "S_A1_withdrawn", False, "planner"),
                   "A2": scope(w.tA, "A2", "A2a", "S_A2_withdrawn", False, "supervisor")}
    return {caller: {"client": clients[other], "tenant": tenant_b} for caller, other in CALLERS.items()}


def credentials_of(owner: Connection, user: UUID) -> tuple[str, UUID, dict[str, UUID]]:
    """A user's e-mail, one of their tokens, and a ticket of theirs per purpose of
    :data:`PURPOSES` (opened by the owner, its second factor given where it says so)."""
    email, token = owner.execute(text("SELECT u.email, t.id FROM app_user u JOIN auth_token t ON t.user_id = u.id"
                                      " WHERE u.id = :u LIMIT 1"), {"u": user}).one()
    tickets = {}
    for name, (purpose, factor) in PURPOSES.items():
        tickets[name] = owner.execute(text(
            "SELECT app.open_ticket(u, :p, :t, 'test', repeat('x', 40), 60) FROM app_user u WHERE u.id = :u"),
            {"p": purpose, "t": token, "u": user}).scalar_one()
        owner.execute(text("UPDATE app.auth_ticket SET factor = :f, totp_step = 1 WHERE id = :id"),
                      {"f": factor, "id": tickets[name]})
    return email, token, tickets


def untested(found: dict[str, str]) -> list[str]:
    """The functions of :func:`runtime_definers` that no entry here calls."""
    return sorted(sig for sig in found if sig not in CALLS)


def test_every_definer_function_the_runtime_role_may_execute_is_called_here(populated):
    with populated.runtime.owner.connect() as owner:
        found = runtime_definers(owner, populated.runtime.database.runtime_role)
    assert untested(found) == [], f"add a CALLS entry for each new SECURITY DEFINER function: {untested(found)}"
    assert sorted(set(CALLS) - set(found)) == []  # entries of functions that are gone
    assert {"scheduling.was_unpublished(uuid)", "billing.entry_hours(date,date,uuid,uuid,jsonb,jsonb)",
            "timekeeping.closed_days(uuid[])"} <= set(found)


def answered(rows: list) -> list:
    """The rows that say something: any value but NULL, false, empty or void."""
    return [r for r in rows if any(v not in (None, False, "", [], 0) and v not in REFUSALS for v in r)]


def leaks(conn: Connection, signature: str, call: Call, scope: Scope, permission: str) -> list[str]:
    """What one call tells of ``scope`` (empty: nothing)."""
    args, params = call.args(scope, permission)
    if call.before:
        conn.execute(text(call.before))
    name = signature.split("(")[0]
    try:
        with conn.begin_nested():
            rows = conn.execute(text(f"SELECT * FROM {name}({args})"), params).all()
    except DBAPIError as exc:
        return [f"{signature}({args}): failed: {str(exc.orig).splitlines()[0]}"]
    found = []
    if call.about_foreign_ids and answered(rows):
        found.append(f"{signature}({args}) answered {answered(rows)[:3]}")
    foreign = set(UUID_TEXT.findall(repr(rows))) & scope.ids
    if foreign:
        found.append(f"{signature}({args}) returned {len(foreign)} id(s) of the other scope")
    return found


@pytest.mark.parametrize("caller", sorted(CALLERS))
def test_definer_functions_tell_a_caller_nothing_of_another_client_or_tenant(populated, scopes, caller):
    user = populated.world.ids[caller]
    with populated.runtime.owner.connect() as owner:
        permission = owner.execute(text(
            "SELECT min(p.permission) FROM role_grant g JOIN role_permission p ON p.role = g.role"
            " WHERE g.user_id = :u"), {"u": user}).scalar_one()
    found = []
    for signature, calls in CALLS.items():
        for call in calls:
            for kind, scope in scopes[caller].items():
                with populated.sql.caller(user) as conn:
                    found += [f"other {kind}: {leak}" for leak in leaks(conn, signature, call, scope, permission)]
    assert found == [], "\n".join(found)


def test_the_in_scope_answers_still_come(populated):
    """The same functions answer the caller's own scope (so the test above can fail)."""
    w = populated.world
    with populated.sql.caller(w.planner) as conn:
        assert conn.execute(text("SELECT scheduling.was_unpublished(:s)"), {"s": w.S_A1_withdrawn}).scalar() is True
        assert conn.execute(text("SELECT scheduling.was_unpublished(:s)"), {"s": w.S_A_live}).scalar() is False
        assert conn.execute(text("SELECT count(*) FROM timekeeping.closed_days(ARRAY[CAST(:c AS uuid)])"),
                            {"c": w.A1}).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM billing.entry_hours(:f, :t, :c, NULL, '[]', '[]')"),
                            {"f": WEEK, "t": WEEK + timedelta(days=6), "c": w.A1}).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM scheduling.published_shifts(ARRAY[CAST(:e AS uuid)],"
                                 " tstzrange(:s, :e2))"), {"e": w.e1, "s": SPAN[0], "e2": SPAN[1]}).scalar() == 1
    with populated.sql.caller(w.supervisor) as conn:
        assert conn.execute(text("SELECT scheduling.was_unpublished(:s)"), {"s": w.S_A2_withdrawn}).scalar() is True
        assert conn.execute(text("SELECT count(*) FROM app.employee_contacts(ARRAY[CAST(:e AS uuid)])"),
                            {"e": w.e3}).scalar() == 1
    with populated.sql.caller(w.admin) as conn:
        assert conn.execute(text("SELECT scheduling.was_unpublished(:s)"), {"s": w.S_A2_withdrawn}).scalar() is True
    with populated.sql.caller(w.portal) as conn:
        lobs = conn.execute(text("SELECT DISTINCT lob_id FROM scheduling.portal_adherence(:f, :t)"),
                            {"f": WITHDRAWN_WEEK, "t": WEEK + timedelta(days=6)}).scalars().all()
        assert lobs == [w.A1a]


def test_the_checks_report_a_leaking_function_and_a_new_one(template, populated_template, scopes):
    """A definer function stripped of its scope condition is caught, and so is a new one."""
    name, world = populated_template
    with cloned_runtime(template, name, *EVERY_PLUGIN) as runtime:
        with runtime.owner.begin() as owner:
            role = runtime.database.runtime_role
            owner.execute(text("CREATE FUNCTION app.rogue() RETURNS uuid LANGUAGE sql STABLE SECURITY DEFINER"
                               f" AS $$ SELECT NULL::uuid $$; GRANT EXECUTE ON FUNCTION app.rogue() TO {role}"))
            assert untested(runtime_definers(owner, role)) == ["app.rogue()"]
            owner.execute(text(
                "CREATE OR REPLACE FUNCTION timekeeping.closed_days(p_clients uuid[])"
                " RETURNS TABLE (client_id uuid, closed_through date)"
                " LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public"
                " AS $$ SELECT p.client_id, max(p.closed_through) FROM period_close p"
                " WHERE p.tenant_id = app.tenant_id() AND p.client_id = ANY (p_clients) GROUP BY p.client_id $$"))
        sql = RuntimeSQL(runtime)
        try:
            with sql.caller(world.planner) as conn:
                found = leaks(conn, "timekeeping.closed_days(uuid[])", CALLS["timekeeping.closed_days(uuid[])"][0],
                              scopes["planner"]["client"], "scope.read")
        finally:
            sql.engine.dispose()
    assert len(found) == 2 and "answered" in found[0] and "1 id(s) of the other scope" in found[1]
