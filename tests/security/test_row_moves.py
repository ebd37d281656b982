"""No row ever moves to another tenant, client or LOB, whoever asks.

The tables come from the live catalog of a database with core, every built-in plugin
and the sample plugin migrated (every table that carries ``tenant_id``), so a table a
module adds later is covered without naming it here. For each scope level a table
has (tenant: ``tenant_id``; client: ``client_id`` or ``lob_ids``; LOB: ``lob_id`` or
``lob_ids``) a row of tenant A is moved coherently — to tenant B with its client and
LOB, to the other client of tenant A with one of its LOBs, to another LOB of the same
client — so that no foreign key objects and only the scope rule can refuse:

* as the runtime role with tenant A's admin as the caller (who may write most rows):
  refused (an error, or no row reached) and nothing changed;
* as the owner (who bypasses row security and column privileges): refused with
  ``SCOPE_IMMUTABLE`` and the row as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from alembic import command
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.db.constraints import ConstraintErrors
from switchboard.core.db.migrate import alembic_config
from switchboard.core.db.scope_guard import SCOPE_COLUMNS, TRIGGER, scope_guard_ddl
from switchboard.core.platform import migrate_all, problems
from tests import factories as f
from tests.conftest import GraphQLClient, RuntimeSQL, cloned_runtime
from tests.security.conftest import EVERY_PLUGIN

TABLES = """
SELECT c.relname AS name,
       array(SELECT a.attname::text FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attname = ANY (:scope)
              ORDER BY a.attnum) AS scope,
       array(SELECT a.attname::text FROM pg_index i JOIN pg_attribute a
                 ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
              WHERE i.indrelid = c.oid AND i.indisprimary ORDER BY a.attnum) AS key
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
   AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id')
 ORDER BY c.relname
"""
# the columns that put a row at each level
LEVELS = {"tenant": ("tenant_id",), "client": ("client_id", "lob_ids"), "lob": ("lob_id", "lob_ids")}


def placed(column: str) -> str:
    """The SQL condition that a row has a value in ``column``."""
    return "cardinality(lob_ids) > 0" if column == "lob_ids" else f"{column} IS NOT NULL"


@dataclass(frozen=True)
class Move:
    """One row of ``table`` (``key``: its primary key) and the scope values to give it."""

    table: str
    level: str
    key: dict[str, str]
    values: dict[str, Any]

    def statement(self) -> str:
        sets = ", ".join(f"{c} = CAST(:set_{c} AS {'uuid[]' if c == 'lob_ids' else 'uuid'})" for c in self.values)
        where = " AND ".join(f"{c}::text = :key_{c}" for c in self.key)
        return f"UPDATE {self.table} SET {sets} WHERE {where}"

    def params(self) -> dict[str, Any]:
        return {**{f"set_{c}": v for c, v in self.values.items()}, **{f"key_{c}": v for c, v in self.key.items()}}

    def row(self, conn: Connection) -> Any:
        where = " AND ".join(f"{c}::text = :key_{c}" for c in self.key)
        return conn.execute(text(f"SELECT to_jsonb(t) FROM {self.table} t WHERE {where}"), self.params()).scalar()

    def __str__(self) -> str:
        return f"{self.table} to another {self.level}"


@dataclass(frozen=True)
class Graph:
    """Tenants, clients and LOBs of the world, to pick where a row moves."""

    lobs: dict[str, tuple[str, str]]  # lob → (tenant, client)
    clients: dict[str, str]  # client → tenant

    @classmethod
    def read(cls, conn: Connection) -> Graph:
        lobs = {str(r.id): (str(r.tenant_id), str(r.client_id))
                for r in conn.execute(text("SELECT id, tenant_id, client_id FROM lob ORDER BY code"))}
        clients = {str(r.id): str(r.tenant_id)
                   for r in conn.execute(text("SELECT id, tenant_id FROM client ORDER BY code"))}
        return cls(lobs, clients)

    def lob_of(self, client: str, other_than: str | None = None) -> str:
        return next(lob for lob, (_, c) in self.lobs.items() if c == client and lob != other_than)

    def other_client(self, client: str) -> str:
        return next(c for c, t in self.clients.items() if t == self.clients[client] and c != client)


def target(graph: Graph, level: str, row: dict, tenant_b: str) -> dict[str, Any]:
    """Coherent new scope values for ``row`` at ``level`` (only the columns it has)."""
    lob = row.get("lob_id") or (row.get("lob_ids") or [None])[0]
    client = row.get("client_id") or (graph.lobs[lob][1] if lob else None)
    if level == "tenant":
        client_b = next(c for c, t in graph.clients.items() if t == tenant_b)
        new_client, new_lob, new_tenant = client_b, graph.lob_of(client_b), tenant_b
    elif level == "client":
        new_client = graph.other_client(client)
        new_lob, new_tenant = graph.lob_of(new_client), row["tenant_id"]
    else:
        new_client, new_lob, new_tenant = client, graph.lob_of(client, other_than=lob), row["tenant_id"]
    new = {"tenant_id": new_tenant, "client_id": new_client, "lob_id": new_lob, "lob_ids": [new_lob]}
    return {c: new[c] for c in SCOPE_COLUMNS if c in row and row[c] not in (None, [], new[c])}


def moves(owner: Connection, tenant_a: UUID, tenant_b: UUID) -> tuple[list[Move], list[str]]:
    """A move per table and scope level it has; and the levels without a row to move."""
    graph, found, missing = Graph.read(owner), [], []
    for table in owner.execute(text(TABLES), {"scope": list(SCOPE_COLUMNS)}).all():
        for level, columns in LEVELS.items():
            present = [c for c in columns if c in table.scope]
            if not present:
                continue
            wanted = " AND ".join(placed(c) for c in present)
            row = owner.execute(text(
                f"SELECT to_jsonb(t) FROM {table.name} t WHERE tenant_id = :t AND {wanted}"
                f" ORDER BY {', '.join(f'{k}::text' for k in table.key)} LIMIT 1"), {"t": tenant_a}).scalar()
            if row is None:
                missing.append(f"{table.name} ({level})")
                continue
            found.append(Move(table.name, level, {k: str(row[k]) for k in table.key},
                              target(graph, level, row, str(tenant_b))))
    return found, missing


def attempt(conn: Connection, move: Move, errors: ConstraintErrors, *, reads_rows: bool = True) -> tuple[str, bool]:
    """Try ``move`` in the caller's open transaction: its outcome (the refusal's code, or how
    many rows it reached) and whether the row stayed as it was. For a caller who may not
    read the whole row (``reads_rows`` false), a refused statement or one that reached no
    row is what changed nothing."""
    before = move.row(conn) if reads_rows else None
    try:
        with conn.begin_nested():
            reached = conn.execute(text(move.statement()), move.params()).rowcount
    except DBAPIError as exc:
        mapped = errors.user_error(exc)
        reached = 0
        outcome = mapped.code if mapped else f"{type(exc.orig).__name__}: {exc.orig}".splitlines()[0]
    else:
        outcome = f"moved {reached} row(s)" if reached else "no row reached"
    return outcome, (move.row(conn) == before) if reads_rows else not reached


@pytest.fixture(scope="module")
def every_move(populated) -> list[Move]:
    with populated.runtime.owner.connect() as owner:
        found, missing = moves(owner, populated.world.tA, populated.world.tB)
    assert not missing, f"no row of tenant A to move in {missing}: add rows in tests/security/populated.py"
    return found


def fingerprint(runtime) -> dict:
    with runtime.owner.connect() as owner:
        tables = owner.execute(text(TABLES), {"scope": list(SCOPE_COLUMNS)}).scalars().all()
        return f.fingerprint(owner, tuple(tables))


def test_the_catalog_covers_core_and_every_plugin(every_move):
    tables = {m.table for m in every_move}
    assert {"lob", "credential", "job", "audit_chain_head", "time_entry", "invoice_line", "schedule",
            "schedule_segment", "sample_note"} <= tables
    assert {(m.table, m.level) for m in every_move} >= {
        ("lob", "tenant"), ("lob", "client"), ("credential", "client"), ("role_grant", "lob"),
        ("job", "client"), ("job", "lob"), ("billing_terms", "lob"), ("invoice_line", "lob")}


def test_no_row_moves_as_the_runtime_role_for_a_tenant_admin(populated, every_move):
    before = fingerprint(populated.runtime)
    moved = []
    for move in every_move:
        with populated.sql.caller(populated.world.admin) as conn:
            outcome, stayed = attempt(conn, move, populated.runtime.constraint_errors, reads_rows=False)
        if outcome.startswith("moved") or not stayed:
            moved.append(f"{move}: {outcome}")
    assert moved == [], "\n".join(moved)
    assert fingerprint(populated.runtime) == before


def test_no_row_moves_as_the_owner(populated, every_move):
    before = fingerprint(populated.runtime)
    wrong = []
    with populated.runtime.owner.connect() as conn:
        for move in every_move:
            trans = conn.begin()
            try:
                outcome, stayed = attempt(conn, move, populated.runtime.constraint_errors)
            finally:
                trans.rollback()
            if outcome != "SCOPE_IMMUTABLE" or not stayed:
                wrong.append(f"{move}: {outcome}{'' if stayed else ', row changed'}")
    assert wrong == [], "\n".join(wrong)
    assert fingerprint(populated.runtime) == before


def test_a_client_scoped_planner_cannot_move_a_lob_of_their_client_to_another(populated, gql_for):
    """The planner holds a grant on client A1; A1c is a LOB of A1 nothing refers to. The LOB
    policy's check accepts the row because ``app.lob_ids()`` still lists it."""
    w = populated.world
    with populated.sql.caller(w.planner) as conn:
        assert conn.execute(text("SELECT count(*) FROM lob WHERE id = :l"), {"l": w.A1c}).scalar() == 1
        with pytest.raises(DBAPIError) as refused:
            conn.execute(text("UPDATE lob SET client_id = :c WHERE id = :l"), {"c": w.A2, "l": w.A1c})
    assert populated.runtime.constraint_errors.user_error(refused.value).code == "SCOPE_IMMUTABLE"
    with populated.runtime.owner.connect() as owner:
        assert owner.execute(text("SELECT client_id FROM lob WHERE id = :l"), {"l": w.A1c}).scalar() == w.A1
    # no mutation takes a new client for a LOB; its other changes still go through
    assert "clientId" not in gql_for.input_fields("LobPatch")
    renamed = gql_for("mutation($id: UUID!) { updateLob(id: $id, patch: {name: \"Spare queue\"}) {"
                      " lob { name } errors { code } } }", {"id": str(w.A1c)}, token=w.tokens["admin"])
    assert renamed["data"]["updateLob"] == {"lob": {"name": "Spare queue"}, "errors": []}


class Introspecting(GraphQLClient):
    def input_fields(self, name: str) -> set[str]:
        body = self("query($n: String!) { __type(name: $n) { inputFields { name } } }", {"n": name})
        return {f["name"] for f in body["data"]["__type"]["inputFields"]}


@pytest.fixture(scope="module")
def gql_for(populated) -> Iterator[Introspecting]:
    with TestClient(create_app(populated.runtime)) as http:
        yield Introspecting(http)


def test_switchboard_check_reports_a_table_whose_scope_may_change(runtime, owner):
    assert problems(runtime) == []
    owner.execute(text("CREATE TABLE rogue (tenant_id uuid, client_id uuid, id uuid PRIMARY KEY)"))
    assert f"table rogue: scope columns may change (no {TRIGGER} trigger)" in problems(runtime)
    owner.execute(text(f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON rogue FOR EACH ROW"
                       " WHEN (OLD.tenant_id IS DISTINCT FROM NEW.tenant_id)"
                       " EXECUTE FUNCTION app.refuse_scope_change()"))
    assert f"table rogue: the {TRIGGER} trigger does not cover client_id" in problems(runtime)
    owner.execute(text(f"ALTER TABLE lob DISABLE TRIGGER {TRIGGER}"))
    assert f"table lob: the {TRIGGER} trigger is disabled" in problems(runtime)


def test_the_migration_gives_every_existing_table_the_trigger(template, populated_template):
    """An existing database (core at core_0005, the plugins' tables there) gets the trigger
    on every table, including one a plugin's migration already gave it."""
    name, world = populated_template
    with cloned_runtime(template, name, *EVERY_PLUGIN) as runtime:
        config = alembic_config(runtime.database, runtime.host)
        command.downgrade(config, "core_0005")
        missing = [p for p in problems(runtime) if "scope columns may change" in p]
        assert len(missing) >= 30
        assert f"table sample_note: scope columns may change (no {TRIGGER} trigger)" in missing
        with runtime.owner.begin() as owner:  # a plugin migrated before core_0006, with today's helper
            for statement in scope_guard_ddl("sample_note", ["tenant_id", "client_id", "lob_id"]):
                owner.execute(text(statement))
        migrate_all(runtime)
        assert problems(runtime) == []
        with runtime.owner.connect() as owner:
            found, _ = moves(owner, world.tA, world.tB)
        sql = RuntimeSQL(runtime)
        try:
            with sql.caller(world.admin) as conn:
                lob = next(m for m in found if (m.table, m.level) == ("lob", "client"))
                assert attempt(conn, lob, runtime.constraint_errors, reads_rows=False) == ("SCOPE_IMMUTABLE", True)
        finally:
            sql.engine.dispose()
