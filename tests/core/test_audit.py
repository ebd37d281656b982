"""The audit log: who changed what, PII redacted, append-only for everyone, tamper-evident."""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from switchboard.core import cli
from switchboard.core.audit.verify import verify


def events(owner, table):
    return owner.execute(text(
        "SELECT op, actor_user_id, changed, client_id, lob_id FROM audit_event"
        " WHERE table_name = :t ORDER BY seq"), {"t": table}).all()


def test_writes_by_a_caller_are_recorded_with_who_and_what(world, as_runtime, owner):
    with as_runtime.caller(world.admin) as conn:
        conn.execute(text("UPDATE lob SET name = 'Renamed' WHERE id = :A1a"), world.ids)
        conn.commit()
    update = [e for e in events(owner, "lob") if e.op == "UPDATE"]
    assert len(update) == 1
    assert update[0].actor_user_id == world.admin
    assert update[0].changed == {"name": ["L1 retail EN", "Renamed"]}
    assert (update[0].client_id, update[0].lob_id) == (world.A1, world.A1a)


def test_pii_values_are_redacted(world, owner):
    inserted = [e for e in events(owner, "employee") if e.op == "INSERT"]
    assert inserted and all(e.changed["legal_name"] == "[redacted]" and e.changed["email"] == "[redacted]"
                            and e.changed["phone"] == "[redacted]" for e in inserted)
    assert inserted[0].changed["preferred_name"] in {"e1", "e2", "e3", "eB"}
    owner.execute(text("UPDATE employee SET email = 'new@example.com' WHERE id = :e1"), world.ids)
    update = [e for e in events(owner, "employee") if e.op == "UPDATE"][-1]
    assert update.changed == {"email": ["[redacted]", "[redacted]"]}
    users = [e for e in events(owner, "app_user") if e.op == "INSERT"]
    assert all(e.changed["password_hash"] == "[redacted]" for e in users)


def test_each_tenant_has_its_own_contiguous_chain(world, owner):
    chains = owner.execute(text(
        "SELECT tenant_id, count(*), min(seq), max(seq) FROM audit_event GROUP BY tenant_id")).all()
    assert {c.tenant_id for c in chains} == {world.tA, world.tB}
    assert all(c.min == 1 and c.max == c.count for c in chains)
    assert verify(owner.engine).ok


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET op = 'DELETE'", "DELETE FROM audit_event",
                                       "TRUNCATE audit_event", "DELETE FROM pii_access"])
def test_logs_are_append_only_even_for_the_owner(world, owner, statement):
    owner.execute(text("INSERT INTO pii_access (tenant_id, user_id, employee_id, fields)"
                       " VALUES (:tA, :admin, :e1, '{email}')"), world.ids)
    with pytest.raises(DBAPIError, match="append-only|permission denied"):
        owner.execute(text(statement))


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET op = 'DELETE'", "DELETE FROM audit_event",
                                       "INSERT INTO audit_event SELECT * FROM audit_event LIMIT 1"])
def test_runtime_role_cannot_touch_the_log(world, as_runtime, statement):
    with as_runtime.caller(world.admin) as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text(statement))


@pytest.mark.parametrize("statement", [
    "INSERT INTO audit_event (tenant_id, seq, at, db_role, table_name, op, changed, prev_hash, hash)"
    " VALUES (app.tenant_id(), 999, now(), 'x', 'lob', 'DELETE', '{}', '', '')",
    "UPDATE audit_chain_head SET seq = seq + 1",
    "SELECT app.audit_rows()",
])
def test_runtime_role_cannot_forge_or_skip_events(world, as_runtime, statement):
    with as_runtime.caller(world.admin) as conn:
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text(statement))


def test_one_statement_over_many_rows_and_tenants_chains_every_row(world, owner, runtime):
    before = dict(owner.execute(text("SELECT tenant_id, seq FROM audit_chain_head")).all())
    changed = owner.execute(text("UPDATE lob SET name = name || ' *'")).rowcount  # both tenants at once
    after = dict(owner.execute(text("SELECT tenant_id, seq FROM audit_chain_head")).all())
    assert changed == 4
    assert after[world.tA] - before[world.tA] == 3 and after[world.tB] - before[world.tB] == 1
    assert verify(runtime.owner).ok


def superuser(runtime):
    return psycopg.connect(runtime.database.admin_db_url, autocommit=True)


def test_verify_finds_an_edited_event(world, runtime, monkeypatch):
    with superuser(runtime) as conn:  # only a superuser can switch the append-only trigger off
        conn.execute("ALTER TABLE audit_event DISABLE TRIGGER append_only")
        conn.execute("UPDATE audit_event SET changed = '{\"name\": \"forged\"}' WHERE seq = 3 AND tenant_id = %s",
                     (world.tA,))
        conn.execute("ALTER TABLE audit_event ENABLE TRIGGER append_only")
    report = verify(runtime.owner)
    assert not report.ok and any("1 edited event(s)" in p for p in report.problems)
    monkeypatch.setattr(cli, "load_runtime", lambda: runtime)
    result = CliRunner().invoke(cli.app, ["audit", "verify"])
    assert result.exit_code == 1 and result.output.startswith("TAMPERED")


def test_verify_finds_a_removed_event_and_a_removed_tail(world, runtime):
    with superuser(runtime) as conn:
        conn.execute("ALTER TABLE audit_event DISABLE TRIGGER append_only")
        conn.execute("DELETE FROM audit_event WHERE seq = 2 AND tenant_id = %s", (world.tA,))
        last = conn.execute("SELECT max(seq) FROM audit_event WHERE tenant_id = %s", (world.tB,)).fetchone()[0]
        conn.execute("DELETE FROM audit_event WHERE seq = %s AND tenant_id = %s", (last, world.tB))
        conn.execute("ALTER TABLE audit_event ENABLE TRIGGER append_only")
    problems = verify(runtime.owner).problems
    assert any(str(world.tA) in p and "chain broken" in p for p in problems)
    assert any(str(world.tB) in p and "head says" in p for p in problems)


def test_verify_finds_a_removed_chain_head(world, runtime, owner):
    owner.execute(text("DELETE FROM audit_chain_head WHERE tenant_id = :tB"), world.ids)
    assert verify(runtime.owner).problems == [f"tenant {world.tB}: events but no chain head"]


def test_verify_passes_an_untouched_log(world, runtime, monkeypatch):
    monkeypatch.setattr(cli, "load_runtime", lambda: runtime)
    result = CliRunner().invoke(cli.app, ["audit", "verify"])
    assert result.exit_code == 0 and result.output.startswith("ok:")


class Writers:
    """Threads writing through the runtime role as fast as they can, each its own rows, until stopped."""

    def __init__(self, as_runtime, jobs: list[tuple]) -> None:
        self.stop = threading.Event()
        self.commits = 0
        self.failures: list[BaseException] = []
        self.threads = [threading.Thread(target=self._write, args=job, daemon=True) for job in jobs]

    def _write(self, as_runtime, user, lob) -> None:
        n = 0
        try:
            while not self.stop.is_set():
                n += 1
                with as_runtime.caller(user) as conn:
                    conn.execute(text("UPDATE lob SET name = :n WHERE id = :id"), {"n": f"renamed {n}", "id": lob})
                    conn.commit()
                self.commits += 1
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.failures.append(exc)

    def __enter__(self) -> Writers:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()


def test_verify_never_cries_wolf_while_the_app_writes_and_still_finds_an_edit(world, runtime, as_runtime):
    jobs = [(as_runtime, world.admin, world.A1a), (as_runtime, world.admin, world.A2a),
            (as_runtime, world.adminB, world.B1a)]
    with Writers(as_runtime, jobs) as writers:
        while writers.commits < 20:  # the writers are under way
            time.sleep(0.01)
        before = writers.commits
        reports = [verify(runtime.owner) for _ in range(40)]
        during = writers.commits - before
        assert [r.problems for r in reports if not r.ok] == []
        with superuser(runtime) as conn:
            conn.execute("ALTER TABLE audit_event DISABLE TRIGGER append_only")
            conn.execute("UPDATE audit_event SET changed = '{\"name\": \"forged\"}' WHERE seq = 3 AND tenant_id = %s",
                         (world.tA,))
            conn.execute("ALTER TABLE audit_event ENABLE TRIGGER append_only")
        found = [verify(runtime.owner) for _ in range(5)]
    assert writers.failures == [] and during >= 20, (writers.failures, during)  # verify ran while they wrote
    assert all(r.problems == [f"tenant {world.tA}: 1 edited event(s), first at seq [3]"] for r in found), found
    assert verify(runtime.owner).problems == found[0].problems
