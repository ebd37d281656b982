"""The audit chain against its design, and forgeries that only one of its checks can catch.

The design (core_0001_foundation, ``app.audit_hash``): an event's hash is
``sha256(prev_hash || the JSON array [tenant_id, seq, epoch of at, actor_user_id, db_role,
table_name, row_id, client_id, lob_id, op, changed])``; each event's ``prev_hash`` is the
previous event's hash of its tenant, the first one's ``sha256('switchboard:' || tenant_id)``;
the chain head records the last event's seq and hash.

The hashes are recomputed here in Python from that formula, not by the database
function. Forgeries are written as the superuser with the log's triggers off
(the only way to edit the log), each built so that exactly one check is left to
catch it; ``switchboard audit verify`` must report every one.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from psycopg.rows import namedtuple_row
from sqlalchemy import text
from typer.testing import CliRunner

from switchboard.core import cli
from switchboard.core.audit.verify import verify

EVENT = ("SELECT tenant_id, seq, at, actor_user_id, db_role, table_name, row_id, client_id, lob_id, op,"
         " changed::text AS changed_text, prev_hash, hash FROM audit_event")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _json(value) -> str:
    """A scalar as PostgreSQL's jsonb prints it (a uuid is a string; NULL is null)."""
    return "null" if value is None else json.dumps(str(value), ensure_ascii=False)


def _epoch(at: datetime) -> str:
    """``extract(epoch FROM at)``: seconds since 1970 as a numeric with six decimals."""
    micros = (at - EPOCH) // timedelta(microseconds=1)
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def event_hash(prev: bytes, e) -> bytes:
    """The documented formula: sha256(prev || the JSON array of the event's fields)."""
    fields = [_json(e.tenant_id), str(e.seq), _epoch(e.at), _json(e.actor_user_id), _json(e.db_role),
              _json(e.table_name), _json(e.row_id), _json(e.client_id), _json(e.lob_id), _json(e.op),
              e.changed_text]
    return hashlib.sha256(bytes(prev) + f"[{', '.join(fields)}]".encode()).digest()


def genesis(tenant) -> bytes:
    return hashlib.sha256(f"switchboard:{tenant}".encode()).digest()


@contextmanager
def log_unlocked(runtime):
    """A superuser connection with the log's triggers (append-only, immutable scope) off,
    on again afterwards."""
    with psycopg.connect(runtime.database.admin_db_url, autocommit=True, row_factory=namedtuple_row) as conn:
        conn.execute("ALTER TABLE audit_event DISABLE TRIGGER USER")
        try:
            yield conn
        finally:
            conn.execute("ALTER TABLE audit_event ENABLE TRIGGER USER")


def chain(conn, tenant) -> list:
    return conn.execute(f"{EVENT} WHERE tenant_id = %s ORDER BY seq", (tenant,)).fetchall()


def rehash(conn, tenant, first: int, *, relink: bool = True) -> None:
    """Recompute the hash of every event of ``tenant`` from seq ``first`` on, as a forger
    would; ``relink``: also point each one's prev_hash at the (new) hash before it."""
    prev = None
    for e in chain(conn, tenant):
        if e.seq < first:
            prev = e.hash
            continue
        if relink and e.seq > first:
            conn.execute("UPDATE audit_event SET prev_hash = %s WHERE tenant_id = %s AND seq = %s",
                         (prev, tenant, e.seq))
            e = e._replace(prev_hash=prev)
        prev = event_hash(e.prev_hash, e)
        conn.execute("UPDATE audit_event SET hash = %s WHERE tenant_id = %s AND seq = %s", (prev, tenant, e.seq))


def move_head(conn, tenant) -> None:
    """Point the chain head at the (forged) last event, as a forger would."""
    last = chain(conn, tenant)[-1]
    conn.execute("UPDATE audit_chain_head SET seq = %s, hash = %s WHERE tenant_id = %s", (last.seq, last.hash, tenant))


def verify_cli(runtime, monkeypatch) -> tuple[int, str]:
    monkeypatch.setattr(cli, "load_runtime", lambda: runtime)
    result = CliRunner().invoke(cli.app, ["audit", "verify"])
    return result.exit_code, result.output


@pytest.fixture
def logged(world, as_runtime, owner):
    """The world, and in tenant A an update by the admin (so an event with an actor) followed
    by more writes (so it is not the last event). Returns (world, that event's seq)."""
    with as_runtime.caller(world.admin) as conn:
        conn.execute(text("UPDATE lob SET name = 'Renamed' WHERE id = :A1a"), world.ids)
        conn.commit()
    seq = owner.execute(text("SELECT max(seq) FROM audit_event WHERE tenant_id = :tA"), world.ids).scalar_one()
    with as_runtime.caller(world.admin) as conn:
        conn.execute(text("UPDATE lob SET name = 'Renamed again' WHERE id = :A1b"), world.ids)
        conn.execute(text("UPDATE client SET name = 'RetailCo Canada' WHERE id = :A1"), world.ids)
        conn.commit()
    return world, seq


def test_every_stored_hash_is_the_documented_formula_over_every_field(logged, runtime):
    world, seq = logged
    with psycopg.connect(runtime.database.admin_db_url, row_factory=namedtuple_row) as conn:
        for tenant in (world.tA, world.tB):
            events = chain(conn, tenant)
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            prev = genesis(tenant)
            for e in events:
                assert bytes(e.prev_hash) == prev, (tenant, e.seq)
                assert bytes(e.hash) == event_hash(prev, e), (tenant, e.seq)
                prev = bytes(e.hash)
            head = conn.execute("SELECT seq, hash FROM audit_chain_head WHERE tenant_id = %s", (tenant,)).fetchone()
            assert (head.seq, bytes(head.hash)) == (events[-1].seq, prev)
        actor = conn.execute("SELECT actor_user_id FROM audit_event WHERE tenant_id = %s AND seq = %s",
                             (world.tA, seq)).fetchone()
    assert actor.actor_user_id == world.admin  # the formula was checked on an event with an actor


# One edit per column of audit_event, each to a plausible other value.
EDITS = {
    "tenant_id": "tenant_id = %(tB)s",
    "seq": "seq = seq + 1000",
    "at": "at = at + interval '1 microsecond'",
    "actor_user_id": "actor_user_id = %(planner)s",  # blame someone else
    "db_role": "db_role = db_role || '_x'",
    "table_name": "table_name = 'client'",
    "row_id": "row_id = %(A1b)s",
    "client_id": "client_id = %(A2)s",
    "lob_id": "lob_id = %(A2a)s",
    "op": "op = 'INSERT'",
    "changed": "changed = jsonb_set(changed, '{name,1}', '\"Forged\"')",
    "prev_hash": "prev_hash = sha256(prev_hash)",
    "hash": "hash = sha256(hash)",
}
# Not covered by the hash: the writing transaction's id, read only by audit sinks in the
# transaction that wrote the event.
UNHASHED = {"xact"}


def test_the_edits_cover_every_column(runtime, owner):
    columns = set(owner.execute(text(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'audit_event'::regclass AND attnum > 0"
        " AND NOT attisdropped")).scalars())
    assert columns == set(EDITS) | UNHASHED


@pytest.mark.parametrize("column", list(EDITS))
def test_an_edit_of_any_single_column_is_reported(logged, runtime, monkeypatch, column):
    world, seq = logged
    assert verify_cli(runtime, monkeypatch)[0] == 0
    with log_unlocked(runtime) as conn:
        edited = conn.execute(f"UPDATE audit_event SET {EDITS[column]} WHERE tenant_id = %(tA)s AND seq = %(seq)s",
                              {**world.ids, "seq": seq}).rowcount
    assert edited == 1
    code, output = verify_cli(runtime, monkeypatch)
    assert code == 1 and output.startswith("TAMPERED") and str(world.tA) in output, output


def test_a_rewrite_rehashed_to_the_end_is_caught_by_the_head(logged, runtime):
    """The forger rewrites an event and re-hashes it and every later one, links included:
    every event checks out, only the head (which still holds the true last hash) disagrees."""
    world, seq = logged
    with log_unlocked(runtime) as conn:
        last = chain(conn, world.tA)[-1].seq
        conn.execute("UPDATE audit_event SET changed = '{\"name\": [\"L1 retail EN\", \"Forged\"]}'"
                     " WHERE tenant_id = %s AND seq = %s", (world.tA, seq))
        rehash(conn, world.tA, seq)
    assert verify(runtime.owner).problems == [
        f"tenant {world.tA}: head's hash is not that of the event at seq {last} (events rewritten)"]


def test_a_rewritten_last_event_is_caught_by_the_head(logged, runtime):
    world, _ = logged
    with log_unlocked(runtime) as conn:
        last = chain(conn, world.tA)[-1].seq
        conn.execute("UPDATE audit_event SET actor_user_id = %s WHERE tenant_id = %s AND seq = %s",
                     (world.planner, world.tA, last))
        rehash(conn, world.tA, last)
    assert verify(runtime.owner).problems == [
        f"tenant {world.tA}: head's hash is not that of the event at seq {last} (events rewritten)"]


def test_one_broken_link_is_caught_when_every_hash_and_the_head_check_out(logged, runtime):
    """An event whose prev_hash is not the previous event's hash, though its own hash is
    right for it and every later event and the head are consistent with it."""
    world, seq = logged
    with log_unlocked(runtime) as conn:
        conn.execute("UPDATE audit_event SET prev_hash = sha256(prev_hash) WHERE tenant_id = %s AND seq = %s",
                     (world.tA, seq))
        rehash(conn, world.tA, seq)
        move_head(conn, world.tA)
    assert verify(runtime.owner).problems == [
        f"tenant {world.tA}: chain broken (removed or reordered events) near seq [{seq}]"]


def test_a_removed_event_is_caught_when_the_rest_is_renumbered_and_rehashed(logged, runtime):
    """The forger deletes an event, closes the gap, re-hashes each later event over its stored
    prev_hash and moves the head: no gap, no wrong hash, no head mismatch; only the links."""
    world, seq = logged
    with log_unlocked(runtime) as conn:
        conn.execute("DELETE FROM audit_event WHERE tenant_id = %s AND seq = %s", (world.tA, seq))
        for e in chain(conn, world.tA):
            if e.seq > seq:
                conn.execute("UPDATE audit_event SET seq = seq - 1 WHERE tenant_id = %s AND seq = %s",
                             (world.tA, e.seq))
        rehash(conn, world.tA, seq, relink=False)
        move_head(conn, world.tA)
        moved = [e.seq for e in chain(conn, world.tA) if e.seq >= seq]
    assert verify(runtime.owner).problems == [
        f"tenant {world.tA}: chain broken (removed or reordered events) near seq {moved[:5]}"]
