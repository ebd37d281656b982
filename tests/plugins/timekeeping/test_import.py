"""Importing ACD and punch files: over HTTP (multipart upload) and the command line.

A clean file imports and imports only once; every bad row comes back with its line
and a coded, localized reason and nothing is written (the owner's fingerprint of the
ledger and the audit log is unchanged) unless only the clean rows were asked for; a
malformed file is one error naming its line; a caller imports only into their scope.
"""

from __future__ import annotations

import asyncio
import io
import itertools
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql
from sqlalchemy import text

from switchboard.core.errors import UserError
from switchboard.core.identity.operator import acting_as
from switchboard.core.platform import problems
from switchboard.plugins.timekeeping import plugin
from switchboard.plugins.timekeeping.import_file import (
    ImportRow,
    natural_key,
    write_import_csv,
)
from switchboard.plugins.timekeeping.imports import (
    FILE_CODES,
    ROW_CODES,
    import_entries,
)
from tests import factories as f
from tests.commands import plugin_commands
from tests.conftest import examples
from tests.jobs import outcome
from tests.plugins.timekeeping.test_isolation import refused_insert

IMPORT = """mutation($file: Upload!, $source: ImportSource!, $clean: Boolean) {
  importTimeEntries(file: $file, source: $source, cleanRowsOnly: $clean) {
    job { id: databaseId kind state } errors { code field message }
  }
}"""
REPORT = ("report { source rowsRead inserted alreadyImported rejected errorCount applied"
          " errors { line code field message } }")
LEDGER = ("time_entry", f.AUDIT_OUTSIDE_JOBS)
EST = timezone(timedelta(hours=-5))


@pytest.fixture
def numbers(world, owner) -> dict[str, str]:
    """Employee numbers of the world's employees, by name."""
    return dict(owner.execute(text("SELECT preferred_name, employee_number FROM employee")).all())


def at(day: int, hour: float) -> str:
    """A time ``day`` days into March 2026 (1: 1 March; UTC-5), ISO 8601 with its offset."""
    return (datetime(2026, 3, 1, tzinfo=EST) + timedelta(days=day - 1, hours=hour)).isoformat()


def row(employee: str, client="RETAILCO", lob="L1-EN", activity="handling", day=2, start=9.0, hours=1.0,
        key=None, started=None, ended=None) -> ImportRow:
    started = at(day, start) if started is None else started
    ended = at(day, start + hours) if ended is None else ended
    return ImportRow(employee, client, lob, activity, started, ended, key)


def csv_bytes(rows, with_key=None) -> bytes:
    out = io.StringIO(newline="")
    write_import_csv(rows, out, with_key=with_key)
    return out.getvalue().encode()


def upload(gql, token: str | None, data: bytes, source="ACD", clean=None, lang=None):
    """POST a multipart request (GraphQL multipart request specification); returns the response."""
    operations = {"query": IMPORT, "variables": {"file": None, "source": source, "clean": clean}}
    headers = {"authorization": f"Bearer {token}"} if token else {}
    if lang:
        headers["accept-language"] = lang
    return gql.http.post("/graphql", headers=headers, files={"0": ("entries.csv", data, "text/csv")},
                         data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})})


def imported(gql, world, data: bytes, who="admin", lang=None, **kw) -> dict:
    """The report of the job an upload queued, once a worker ran it."""
    response = upload(gql, world.tokens[who], data, lang=lang, **kw)
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    payload = body["data"]["importTimeEntries"]
    assert payload["errors"] == [] and payload["job"]["state"] == "QUEUED", payload
    assert payload["job"]["kind"] == "timekeeping.import"
    return outcome(gql, world.tokens[who], payload["job"]["id"], "TimeEntryImportResult", REPORT, lang)["report"]


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e["line"], e["code"], e["field"]) for e in report["errors"]]


def ledger(owner) -> set[tuple]:
    return set(owner.execute(text(
        "SELECT e.employee_number, l.code, t.activity, t.started_at, t.source FROM time_entry t"
        " JOIN employee e ON e.id = t.employee_id JOIN lob l ON l.id = t.lob_id")).all())


def test_a_clean_file_imports_once_and_again_inserts_nothing(gql, world, owner, numbers):
    rows = [row(numbers["e1"], start=9), row(numbers["e1"], activity="break", start=10, hours=0.25),
            row(numbers["e3"], client="laurier", lob="cards", activity="HANDLING", start=9, hours=8),
            row(numbers["e2"], lob="L1-FR", activity="sick", start=9, hours=8),
            row(numbers["e2"], client="LAURIER", lob="CARDS", start=12)]   # sick time may overlap work
    data = csv_bytes(rows)
    report = imported(gql, world, data)
    assert report == {"source": "ACD", "rowsRead": 5, "inserted": 5, "alreadyImported": 0, "rejected": 0,
                      "errorCount": 0, "applied": True, "errors": []}
    stored = owner.execute(text(
        "SELECT t.import_key, t.source, t.work_date, t.timezone, t.recorded_by, t.state FROM time_entry t"
        " JOIN employee e ON e.id = t.employee_id WHERE e.preferred_name = 'e3'")).one()
    assert stored.import_key == natural_key(numbers["e3"], "LAURIER", "CARDS", "handling",
                                            datetime(2026, 3, 2, 9, tzinfo=EST), datetime(2026, 3, 2, 17, tzinfo=EST))
    assert (stored.source, stored.work_date, stored.timezone, stored.recorded_by, stored.state) == (
        "acd", date(2026, 3, 2), "America/Montreal", world.admin, "recorded")
    before = f.fingerprint(owner, LEDGER)
    again = imported(gql, world, data)
    assert (again["inserted"], again["alreadyImported"], again["rejected"], again["applied"]) == (0, 5, 0, True)
    assert f.fingerprint(owner, LEDGER) == before
    # an overlapping file: the rows already there are skipped, the new ones inserted
    overlapping = csv_bytes([rows[0], rows[2], row(numbers["e1"], day=3)])
    report = imported(gql, world, overlapping)
    assert (report["inserted"], report["alreadyImported"]) == (1, 2)
    # the same row from another source is another record (an absence, which may overlap)
    punch = imported(gql, world, csv_bytes(rows[3:4]), source="PUNCH")
    assert punch["inserted"] == 1
    assert len(ledger(owner)) == 7


def test_source_keys_make_rows_idempotent_and_repeats_in_a_file_count_once(gql, world, owner, numbers):
    rows = [row(numbers["e1"], key="acd-1"), row(numbers["e1"], start=11, key="acd-2"),
            row(numbers["e1"], start=11, key="acd-2")]
    report = imported(gql, world, csv_bytes(rows))
    assert (report["inserted"], report["alreadyImported"], report["rejected"]) == (2, 1, 0)
    keys = owner.execute(text("SELECT import_key FROM time_entry ORDER BY import_key")).scalars().all()
    assert keys == ["acd-1", "acd-2"]
    assert imported(gql, world, csv_bytes(rows[:2]))["alreadyImported"] == 2


def test_the_upload_is_kept_with_its_job_for_its_uploader_only_until_the_job_ends(gql, world, owner, numbers,
                                                                                 as_runtime, runtime):
    data = csv_bytes([row(numbers["e1"], day=1 + d % 28, start=d // 28) for d in range(400)])
    body = upload(gql, world.tokens["admin"], data).json()
    job = body["data"]["importTimeEntries"]["job"]
    assert job["state"] == "QUEUED" and ledger(owner) == set()  # queued: nothing imported yet
    parts = owner.execute(text("SELECT string_agg(data, '' ORDER BY part) FROM job_file WHERE job_id = :j"),
                          {"j": job["id"]}).scalar()
    assert bytes(parts) == data
    with as_runtime.caller(world.admin) as conn:
        assert conn.execute(text("SELECT count(*) FROM job_file")).scalar() == 1
    for who in ("supervisor", "adminB", "planner"):
        with as_runtime.caller(world.ids[who]) as conn:
            assert conn.execute(text("SELECT count(*) FROM job_file")).scalar() == 0
            with pytest.raises(Exception, match="row-level security"):  # nor adds a part to another's job
                conn.execute(text("INSERT INTO job_file (tenant_id, job_id, part, data) VALUES (:t, :j, 9, 'x')"),
                             {"t": world.tA, "j": job["id"]})
    report = outcome(gql, world.tokens["admin"], job["id"], "TimeEntryImportResult", REPORT)["report"]
    assert report["inserted"] == 400
    assert owner.execute(text("SELECT count(*) FROM job_file")).scalar() == 0  # gone once the job ended


@pytest.fixture
def troubles(world, owner, numbers):
    """A ledger entry and a closed period for the error file to run into."""
    a = owner.execute(text("SELECT id FROM assignment WHERE employee_id = :e"), {"e": world.e1}).scalar_one()
    owner.execute(text(
        "INSERT INTO time_entry (tenant_id, client_id, lob_id, employee_id, assignment_id, activity, started_at,"
        " ended_at, source, import_key, work_date, timezone, booked_on) VALUES (:t, :c, :l, :e, :a, 'handling',"
        " :s, :end, 'acd', 'k-ledger', NULL, NULL, NULL)"),
        {"t": world.tA, "c": world.A1, "l": world.A1a, "e": world.e1, "a": a, "s": at(20, 9), "end": at(20, 12)})
    owner.execute(text("INSERT INTO period_close (tenant_id, client_id, closed_through, closed_by)"
                       " VALUES (:t, :c, '2026-03-05', :u)"), {"t": world.tA, "c": world.A2, "u": world.admin})
    return numbers


def error_file(n: dict[str, str]) -> tuple[bytes, list[tuple[int, str, str]]]:
    """One bad row per expected error (line, code, column), among clean rows."""
    e1, e3 = n["e1"], n["e3"]
    rows = [
        (row(e1, day=9, key="clean-1"), []),                                                            # line 2
        (row("", day=9, start=11, key="k3"), [("REQUIRED", "employee")]),
        (row("E-NOBODY", day=9, start=11, key="k4"), [("NOT_FOUND", "employee")]),
        (row(e1, client="NOPE", day=9, start=11, key="k5"), [("NOT_FOUND", "client")]),
        (row(e1, lob="NOPE", day=9, start=11, key="k6"), [("NOT_FOUND", "lob")]),
        (row(e1, activity="napping", day=9, start=11, key="k7"), [("INVALID_ACTIVITY", "activity")]),
        (row(e1, started="2026-03-09 at nine", day=9, key="k8"), [("INVALID_TIMESTAMP", "started_at")]),
        (row(e1, started="2026-02-30T09:00:00-05:00", day=9, key="k9"), [("INVALID_TIMESTAMP", "started_at")]),
        (row(e1, ended="2026-03-09T13:00:00", day=9, start=12, key="k10"), [("TIMEZONE_REQUIRED", "ended_at")]),
        (row(e1, day=9, start=14, hours=-1, key="k11"), [("END_BEFORE_START", "ended_at")]),
        (row(e1, day=10, start=1, hours=16.5, key="k12"), [("TIME_ENTRY_TOO_LONG", "ended_at")]),
        (row(e1, day=11, key="k" * 201), [("TOO_LONG", "key")]),
        (row(e1, lob="L1-FR", day=11, start=11, key="k14"), [("TIME_ENTRY_NOT_ASSIGNED", "lob")]),
        (row(e3, client="LAURIER", lob="CARDS", day=4, key="k15"), [("PERIOD_CLOSED", "started_at")]),
        (row(e1, day=12, start=9, hours=2, key="k16"), [("IMPORT_OVERLAP_IN_FILE", "started_at")]),
        (row(e1, day=12, start=10, hours=2, key="k17"), [("IMPORT_OVERLAP_IN_FILE", "started_at")]),
        (row(e1, day=20, start=11, key="k18"), [("TIME_ENTRY_OVERLAP", "started_at")]),
        (row(e1, day=13, start=9, key="dup"), [("IMPORT_DUPLICATE_KEY", "key")]),
        (row(e1, day=13, start=11, key="dup"), [("IMPORT_DUPLICATE_KEY", "key")]),
        (row(e1, day=21, start=9, key="k-ledger"), [("IMPORT_KEY_CONFLICT", "key")]),
        (row("", client="", lob="", activity="", started="", ended="", key="k22"),
         [("REQUIRED", "employee"), ("REQUIRED", "client"), ("REQUIRED", "lob"), ("REQUIRED", "activity"),
          ("REQUIRED", "started_at"), ("REQUIRED", "ended_at")]),
        (row(e1, client="LAURIER", lob="CARDS", activity="vacation", day=9, start=11, key="k23"),
         [("TIME_ENTRY_NOT_ASSIGNED", "lob")]),
    ]
    expected = [(line, code, column) for line, (_, errs) in enumerate(rows, start=2) for code, column in errs]
    return csv_bytes([r for r, _ in rows]), expected


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(gql, world, owner, troubles):
    data, expected = error_file(troubles)
    before = f.fingerprint(owner, LEDGER)
    report = imported(gql, world, data, lang="fr")
    assert errors_of(report) == expected
    assert {code for _, code, _ in expected} == set(ROW_CODES)  # every row code is exercised
    assert (report["rowsRead"], report["inserted"], report["applied"]) == (22, 0, False)
    assert report["rejected"] == len({line for line, _, _ in expected}) and report["errorCount"] == len(expected)
    messages = {(e["line"], e["code"]): e["message"] for e in report["errors"]}
    overlap = "Chevauche le temps de travail de l'employé à la ligne {} de ce fichier."
    assert messages[16, "IMPORT_OVERLAP_IN_FILE"] == overlap.format(17)
    assert messages[17, "IMPORT_OVERLAP_IN_FILE"] == overlap.format(16)
    assert messages[12, "TIME_ENTRY_TOO_LONG"] == "Une saisie de temps dure au plus 16 heures."
    assert all(e["message"] and e["message"] != e["code"] for e in report["errors"])
    assert f.fingerprint(owner, LEDGER) == before


def test_clean_rows_only_applies_the_clean_ones_and_reports_the_others(gql, world, owner, troubles):
    data, expected = error_file(troubles)
    before = ledger(owner)
    report = imported(gql, world, data, clean=True, lang="en")
    assert errors_of(report) == expected
    assert (report["inserted"], report["applied"]) == (1, True)
    assert ledger(owner) - before == {(troubles["e1"], "L1-EN", "handling", datetime(2026, 3, 9, 14, tzinfo=UTC),
                                       "acd")}
    events = owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'time_entry'"
                                " AND actor_user_id = :u"), {"u": world.admin}).scalar()
    assert events == 1


@pytest.mark.parametrize(("data", "line", "code", "message"), [
    (b"", 1, "IMPORT_EMPTY", "The file is empty: it needs a header row, then one row per entry."),
    (b"employee,client,lob,activity,started_at,ended_at,colour\n", 1, "IMPORT_UNKNOWN_COLUMN",
     "Unknown column colour: the header names employee, client, lob, activity, started_at, ended_at"
     " and optionally key."),
    (b"employee,client,lob,activity,started_at\nE1,A,B,handling,x\n", 1, "IMPORT_MISSING_COLUMN",
     "The header lacks column ended_at."),
    (b"employee,client,lob,lob,activity,started_at,ended_at\n", 1, "IMPORT_DUPLICATE_COLUMN",
     "The header names column lob twice."),
    (b"employee,client,lob,activity,started_at,ended_at\nE1,A,B,handling,x,y\nE1,A,B,handling,x\n", 3,
     "IMPORT_MALFORMED_ROW", None),
    (b"employee,client,lob,activity,started_at,ended_at\nE1,A,B,handling,x,y\nE1,A,B,handling,x,y,z\n", 3,
     "IMPORT_MALFORMED_ROW", None),
    (b"employee,client,lob,activity,started_at,ended_at\nE1,A,B,handling,x,y\nE1,A,B,handling,x,y\nE\xff1,A,B,h,x,y\n",
     4, "IMPORT_BAD_ENCODING", "This line is not valid UTF-8 text."),
    (b"employ\xe9,client\n", 1, "IMPORT_BAD_ENCODING", None),
])
def test_a_malformed_file_is_one_error_naming_its_line(gql, world, owner, numbers, data, line, code, message):
    if code == "IMPORT_MALFORMED_ROW":  # with a good row before it, that is not applied either
        data = data.replace(b"E1,A,B,handling,x,y\n", csv_bytes([row(numbers["e1"])]).split(b"\n", 1)[1], 1)
    before = f.fingerprint(owner, LEDGER)
    report = imported(gql, world, data)
    assert errors_of(report) == [(line, code, "file")]
    assert (report["applied"], report["inserted"], report["errorCount"]) == (False, 0, 1)
    if message:
        assert report["errors"][0]["message"] == message
    assert f.fingerprint(owner, LEDGER) == before


def test_a_supervisor_imports_into_their_lob_only(gql, world, owner, numbers):
    """The supervisor of LAURIER/CARDS: another client's LOB is unknown, like a LOB that does not exist."""
    rows = [row(numbers["e3"], client="LAURIER", lob="CARDS"),
            row(numbers["e2"], client="RETAILCO", lob="L1-FR"),
            row(numbers["e1"], client="RETAILCO", lob="L1-EN", start=13),
            row(numbers["e3"], client="LAURIER", lob="OTHER", start=13)]
    before = f.fingerprint(owner, LEDGER)
    report = imported(gql, world, csv_bytes(rows), who="supervisor")
    assert errors_of(report) == [(3, "NOT_FOUND", "client"), (4, "NOT_FOUND", "employee"),
                                 (4, "NOT_FOUND", "client"), (5, "NOT_FOUND", "lob")]
    assert f.fingerprint(owner, LEDGER) == before
    report = imported(gql, world, csv_bytes(rows), who="supervisor", clean=True)
    assert report["inserted"] == 1
    assert {(r[0], r[1]) for r in ledger(owner)} == {(numbers["e3"], "CARDS")}


def test_another_tenant_sees_none_of_it(gql, world, owner, numbers):
    rows = [row(numbers["e1"]), row(numbers["eB"], client="OTHER", lob="SUP")]
    report = imported(gql, world, csv_bytes(rows), who="adminB", clean=True)
    assert errors_of(report) == [(2, "NOT_FOUND", "employee"), (2, "NOT_FOUND", "client")]
    assert {r[1] for r in ledger(owner)} == {"SUP"}


@pytest.mark.parametrize("who", ["agent", "planner"])
def test_callers_without_the_import_permission_are_refused(gql, world, owner, numbers, who):
    before = f.fingerprint(owner, LEDGER)
    body = upload(gql, world.tokens[who], csv_bytes([row(numbers["e1"])])).json()
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN" and body["data"] is None
    assert f.fingerprint(owner, LEDGER) == before


def test_uploads_need_a_bearer_token_and_respect_the_size_limit(gql, world, runtime, numbers):
    data = csv_bytes([row(numbers["e1"])])
    anonymous = upload(gql, None, data)  # what a cross-site form could send
    assert anonymous.status_code == 401 and anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    runtime.settings = replace(runtime.settings, max_upload_bytes=1024 * 1024)
    big = upload(gql, world.tokens["admin"], data + data.split(b"\n", 1)[1] * 20000)
    assert big.status_code == 413
    assert big.json()["errors"][0] == {"message": "The upload exceeds the limit of 1 MB.",
                                       "extensions": {"code": "UPLOAD_TOO_LARGE"}}
    not_a_file = gql(IMPORT, {"file": "a,b", "source": "ACD"}, token=world.tokens["admin"])
    assert not_a_file["data"]["importTimeEntries"]["errors"][0]["code"] == "REQUIRED"


def test_a_stream_past_the_limit_is_refused_while_it_is_read(runtime, world, owner, numbers):
    email = owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": world.admin}).scalar()
    data = csv_bytes([row(numbers["e1"], day=1 + d % 28, start=d // 28) for d in range(400)])

    async def run():
        async with acting_as(runtime, email, name="test") as (db, caller):
            return await import_entries(db, caller, io.BytesIO(data), "acd", max_bytes=len(data) - 1)

    with pytest.raises(UserError) as refused:
        asyncio.run(run())
    assert refused.value.code == "UPLOAD_TOO_LARGE"
    assert owner.execute(text("SELECT count(*) FROM time_entry")).scalar() == 0


def test_every_import_code_has_a_message_in_each_language(runtime):
    for lang in ("en", "fr"):
        missing = {*ROW_CODES, *FILE_CODES, "INVALID_SOURCE", "UPLOAD_TOO_LARGE"} - runtime.messages.codes(lang)
        assert not missing, (lang, missing)


def test_the_runtime_role_cannot_write_outside_scope_nor_stage_its_own_tables(as_runtime, world, owner, runtime):
    refused_insert(as_runtime, owner, world, "supervisor", "e2", "A1", "A1b")  # LAURIER/CARDS only
    with as_runtime.caller(world.supervisor) as conn:
        with pytest.raises(Exception) as raised:
            conn.execute(text("CREATE TEMPORARY TABLE role_grant (role text)"))
        assert "permission denied" in str(raised.value)
    owner.execute(text("INSERT INTO period_close (tenant_id, client_id, closed_through, closed_by)"
                       " VALUES (:t, :c, '2026-03-05', :u)"), {"t": world.tA, "c": world.A1, "u": world.admin})
    with as_runtime.caller(world.supervisor) as conn:  # reaches LAURIER, not RETAILCO
        assert conn.execute(text("SELECT count(*) FROM timekeeping.closed_days(:c)"),
                            {"c": [world.A1, world.A2]}).scalar() == 0
    with as_runtime.caller(world.admin) as conn:
        assert conn.execute(text("SELECT closed_through FROM timekeeping.closed_days(:c)"),
                            {"c": [world.A1]}).scalar() == date(2026, 3, 5)
    granted = set(owner.execute(text(
        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname = 'timekeeping' AND has_function_privilege(:r, p.oid, 'EXECUTE')"),
        {"r": runtime.database.runtime_role}).scalars())
    assert granted == {"import_stage", "import_analyze", "closed_days", "is_timestamptz"}


def test_the_self_check_refuses_a_runtime_role_that_can_create_temporary_tables(runtime):
    db = runtime.database
    grant = sql.SQL("{} TEMPORARY ON DATABASE {} {} {}")
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        conn.execute(grant.format(sql.SQL("GRANT"), sql.Identifier(db.name), sql.SQL("TO"),
                                  sql.Identifier(db.runtime_role)))
        try:
            found = problems(runtime)
        finally:
            conn.execute(grant.format(sql.SQL("REVOKE"), sql.Identifier(db.name), sql.SQL("FROM"),
                                      sql.Identifier(db.runtime_role)))
    assert f"runtime role {db.runtime_role} can create temporary tables" in found
    assert problems(runtime) == []


# --- the command line --------------------------------------------------------------------------


@pytest.fixture
def switchboard(runtime, monkeypatch):
    """``switchboard`` with the timekeeping commands, acting on the test's database."""
    return plugin_commands(runtime, monkeypatch, plugin)


def ledger_events(owner) -> int:
    return owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'time_entry'")).scalar()


def email_of(owner, user) -> str:
    return owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": user}).scalar()


def test_the_cli_imports_as_a_user_and_prints_the_report(switchboard, world, owner, numbers, tmp_path):
    path = tmp_path / "punch.csv"
    path.write_bytes(csv_bytes([row(numbers["e3"], client="LAURIER", lob="CARDS"),
                                row(numbers["e3"], client="LAURIER", lob="CARDS", start=11)]))
    supervisor = email_of(owner, world.supervisor)
    result = switchboard("timekeeping", "import", str(path), "--as", supervisor, "--source", "punch")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["rows read: 2", "inserted: 2", "already imported: 0", "rejected: 0",
                                          "applied: yes"]
    stored = owner.execute(text("SELECT DISTINCT source, recorded_by FROM time_entry")).all()
    assert stored == [("punch", world.supervisor)]
    again = switchboard("timekeeping", "import", str(path), "--as", supervisor, "--source", "punch")
    assert again.exit_code == 0 and "already imported: 2" in again.output
    tokens = owner.execute(text("SELECT count(*), count(revoked_at) FROM auth_token WHERE name = 'timekeeping import'"
                                )).one()
    assert tokens == (2, 2)  # the operator tokens it acted through are revoked


def test_the_cli_exits_non_zero_when_rows_are_refused(switchboard, world, owner, numbers, tmp_path):
    path = tmp_path / "acd.csv"
    path.write_bytes(csv_bytes([row(numbers["e3"], client="LAURIER", lob="CARDS"), row(numbers["e1"])]))
    supervisor = email_of(owner, world.supervisor)
    before = f.fingerprint(owner, ("time_entry",)), ledger_events(owner)
    result = switchboard("timekeeping", "import", str(path), "--as", supervisor, "--source", "acd")
    assert result.exit_code == 1
    assert "line 3: employee: NOT_FOUND: Not found." in result.output and "applied: no" in result.output
    # (the audit log records the operator token issued and revoked, and nothing of the ledger)
    assert (f.fingerprint(owner, ("time_entry",)), ledger_events(owner)) == before
    clean = switchboard("timekeeping", "import", str(path), "--as", supervisor, "--source", "acd",
                        "--clean-rows-only")
    assert clean.exit_code == 1 and "inserted: 1" in clean.output and "applied: yes" in clean.output


def test_the_cli_refuses_an_unknown_user_and_one_without_the_permission(switchboard, world, owner, numbers,
                                                                        tmp_path):
    path = tmp_path / "acd.csv"
    path.write_bytes(csv_bytes([row(numbers["e1"])]))
    unknown = switchboard("timekeeping", "import", str(path), "--as", "nobody@nowhere.example", "--source", "acd")
    assert unknown.exit_code == 1 and "no active user with e-mail nobody@nowhere.example" in unknown.output
    agent = switchboard("timekeeping", "import", str(path), "--as", email_of(owner, world.agent), "--source", "acd")
    assert agent.exit_code == 1 and "FORBIDDEN" in agent.output and "Traceback" not in agent.output
    assert owner.execute(text("SELECT count(*) FROM time_entry")).scalar() == 0


# --- any file: the rejected lines are exactly the corrupted ones ---------------------------------

CORRUPTIONS = {
    "employee": lambda r: replace(r, employee="E-NOBODY"),
    "lob": lambda r: replace(r, lob="NOPE"),
    "activity": lambda r: replace(r, activity="napping"),
    "start": lambda r: replace(r, started_at=r.started_at[:19]),
    "order": lambda r: replace(r, started_at=r.ended_at, ended_at=r.started_at),
    "length": lambda r: replace(r, ended_at=(datetime.fromisoformat(r.started_at) + timedelta(hours=17)).isoformat()),
}
_week = itertools.count()


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(slots=st.lists(st.tuples(st.sampled_from(["e1", "e3"]), st.integers(0, 4), st.integers(0, 7)),
                      min_size=1, max_size=14, unique=True),
       corrupt=st.data(), clean_only=st.booleans())
def test_rejected_lines_are_exactly_the_corrupted_ones(gql, world, owner, numbers, slots, corrupt, clean_only):
    week = next(_week)  # each example in weeks of its own: earlier examples never interfere
    rows = []
    for who, day, slot in slots:
        lob = ("RETAILCO", "L1-EN") if who == "e1" else ("LAURIER", "CARDS")
        rows.append(row(numbers[who], *lob, day=2 + 7 * week + day, start=8 + slot))
    bad = corrupt.draw(st.dictionaries(st.integers(0, len(rows) - 1), st.sampled_from(sorted(CORRUPTIONS))))
    rows = [CORRUPTIONS[bad[i]](r) if i in bad else r for i, r in enumerate(rows)]
    before = ledger(owner)
    report = imported(gql, world, csv_bytes(rows), clean=clean_only)
    assert {e["line"] for e in report["errors"]} == {i + 2 for i in bad}
    assert report["rejected"] == len(bad)
    gained = ledger(owner) - before
    expected = len(rows) - len(bad) if clean_only or not bad else 0
    assert report["inserted"] == len(gained) == expected
    if expected:
        assert {(g[0], g[3]) for g in gained} == {
            (r.employee, datetime.fromisoformat(r.started_at)) for i, r in enumerate(rows) if i not in bad}
