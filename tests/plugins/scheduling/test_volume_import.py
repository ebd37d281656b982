"""Importing interval volume history: over HTTP (multipart upload), validated like timekeeping's
imports: a clean file imports once; every bad row comes back with its line and a coded,
localized reason and nothing is written; a malformed file is one error; scope holds."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import text

from switchboard.core.imports.report import FILE_CODES
from switchboard.plugins.scheduling import plugin
from switchboard.plugins.scheduling.forecasts.volume_import import ROW_CODES
from tests import factories as f
from tests.commands import plugin_commands
from tests.jobs import outcome
from tests.plugins.scheduling.volume_helpers import VOLUME_TABLES

IMPORT = """mutation($file: Upload!, $clean: Boolean) {
  importIntervalVolumes(file: $file, cleanRowsOnly: $clean) { job { id kind state } errors { code field message } }
}"""
REPORT = "report { rowsRead inserted alreadyImported rejected errorCount applied errors { line code field message } }"
# what a refused import leaves unchanged (its job and the job's own bookkeeping aside)
VOLUME_TABLES = (*(t for t in VOLUME_TABLES if t != "audit_event"), f.AUDIT_OUTSIDE_JOBS)
HEADER = ("client", "lob", "interval_start", "interval_minutes", "offered", "handled", "abandoned", "aht_seconds",
          "service_level")


def line(start="2026-03-02T09:00:00-05:00", client="RETAILCO", lob="L1-EN", minutes="30", offered="40",
         handled="36", abandoned="4", aht="312.5", level="0.82") -> tuple[str, ...]:
    return (client, lob, start, minutes, offered, handled, abandoned, aht, level)


def csv_bytes(rows, header=HEADER) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(gql, token, data: bytes, clean=None, lang=None):
    operations = {"query": IMPORT, "variables": {"file": None, "clean": clean}}
    headers = {"authorization": f"Bearer {token}"}
    if lang:
        headers["accept-language"] = lang
    return gql.http.post("/graphql", headers=headers, files={"0": ("volumes.csv", data, "text/csv")},
                         data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})})


def imported(gql, world, data: bytes, who="admin", lang=None, **kw) -> dict:
    """The report of the job an upload queued, once a worker ran it."""
    body = upload(gql, world.tokens[who], data, lang=lang, **kw).json()
    assert "errors" not in body, body
    payload = body["data"]["importIntervalVolumes"]
    assert payload["errors"] == [] and payload["job"]["kind"] == "scheduling.volume_import", payload
    return outcome(gql, world.tokens[who], payload["job"]["id"], "VolumeImportResult", REPORT, lang)["report"]


def errors_of(report) -> list[tuple[int, str, str]]:
    return [(e["line"], e["code"], e["field"]) for e in report["errors"]]


def stored(owner) -> set[tuple]:
    return set(owner.execute(text(
        "SELECT l.code, v.interval_start, v.interval_minutes, v.offered, v.handled, v.abandoned, v.aht_seconds,"
        " v.service_level, v.imported_by IS NOT NULL FROM interval_volume v JOIN lob l ON l.id = v.lob_id")).all())


def test_a_clean_file_imports_once_and_again_inserts_nothing(gql, world, owner):
    rows = [line(), line(start="2026-03-02T14:30:00Z", lob="l1-fr", offered="0", handled="0", abandoned="0",
                         aht="", level=""),
            line(client="laurier", lob="CARDS", start="2026-03-02T09:15:00-05:00", minutes="15")]
    report = imported(gql, world, csv_bytes(rows))
    assert report == {"rowsRead": 3, "inserted": 3, "alreadyImported": 0, "rejected": 0, "errorCount": 0,
                      "applied": True, "errors": []}
    codes = {r[0]: r[1:] for r in stored(owner)}
    assert codes["L1-FR"][5:] == (None, None, True)
    assert codes["CARDS"][1] == 15
    again = imported(gql, world, csv_bytes([*rows, rows[0]]))
    assert (again["inserted"], again["alreadyImported"], again["applied"]) == (0, 4, True)
    assert len(stored(owner)) == 3
    listed = gql("""query($l: UUID!) { intervalVolumes(lobId: $l, from: "2026-03-01T00:00:00Z") {
        nodes { intervalStart localIntervalStart intervalMinutes offered handled abandoned ahtSeconds
                serviceLevel } } }""",
                 {"l": str(world.A1a)}, token=world.tokens["planner"])
    assert listed["data"]["intervalVolumes"]["nodes"] == [{
        "intervalStart": "2026-03-02T14:00:00+00:00", "localIntervalStart": "2026-03-02T09:00:00-05:00",
        "intervalMinutes": 30, "offered": 40, "handled": 36, "abandoned": 4, "ahtSeconds": 312.5,
        "serviceLevel": 0.82}]


def error_file(owner, world) -> tuple[bytes, list[tuple[int, str, str]]]:
    """One bad row per expected error (line, code, column), among clean rows; one interval stored."""
    owner.execute(text(
        "INSERT INTO interval_volume (tenant_id, client_id, lob_id, interval_start, interval_minutes, offered,"
        " handled, abandoned, aht_seconds) VALUES (:t, :c, :l, '2026-03-09T14:00Z', 30, 10, 10, 0, 300),"
        " (:t, :c, :l, '2026-03-09T16:00Z', 30, 10, 10, 0, 300)"), {"t": world.tA, "c": world.A1, "l": world.A1a})
    rows = [
        (line(start="2026-03-02T10:00:00Z"), []),                                                       # line 2
        (line(client=""), [("REQUIRED", "client")]),
        (line(client="NOPE"), [("NOT_FOUND", "client")]),
        (line(lob="NOPE"), [("NOT_FOUND", "lob")]),
        (line(start="2026-03-02 at nine"), [("INVALID_TIMESTAMP", "interval_start")]),
        (line(start="2026-03-02T09:00:00"), [("TIMEZONE_REQUIRED", "interval_start")]),
        (line(minutes="20"), [("INVALID_INTERVAL_LENGTH", "interval_minutes")]),
        (line(start="2026-03-02T09:15:00-05:00"), [("INTERVAL_NOT_ALIGNED", "interval_start")]),
        (line(offered="-3"), [("INVALID_COUNT", "offered")]),
        (line(handled="4.5"), [("INVALID_COUNT", "handled")]),
        (line(abandoned="", start="2026-03-02T11:00:00Z"), [("REQUIRED", "abandoned")]),
        (line(offered="10", handled="8", abandoned="3", start="2026-03-02T11:30:00Z"),
         [("VOLUME_OUTCOMES_EXCEED_OFFERED", "handled")]),
        (line(aht="", start="2026-03-02T12:00:00Z"), [("REQUIRED", "aht_seconds")]),
        (line(aht="long", start="2026-03-02T12:30:00Z"), [("INVALID_NUMBER", "aht_seconds")]),
        (line(level="85", start="2026-03-02T13:00:00Z"), [("INVALID_SERVICE_LEVEL", "service_level")]),
        (line(start="2026-03-03T10:00:00Z", offered="50"), [("IMPORT_DUPLICATE_INTERVAL", "interval_start")]),
        (line(start="2026-03-03T10:00:00Z", offered="60"), [("IMPORT_DUPLICATE_INTERVAL", "interval_start")]),
        (line(start="2026-03-03T12:00:00Z"), [("IMPORT_INTERVAL_OVERLAP_IN_FILE", "interval_start")]),
        (line(start="2026-03-03T12:15:00Z", minutes="15"), [("IMPORT_INTERVAL_OVERLAP_IN_FILE", "interval_start")]),
        (line(start="2026-03-09T14:00:00Z", offered="11", handled="11", abandoned="0"),
         [("VOLUME_CONFLICT", "interval_start")]),
        (line(start="2026-03-09T16:15:00Z", minutes="15"), [("VOLUME_OVERLAP", "interval_start")]),
        (line(start="2026-03-09T16:00:00Z", offered="10", handled="10", abandoned="0", aht="300", level=""), []),
    ]
    expected = [(n, code, column) for n, (_, errs) in enumerate(rows, start=2) for code, column in errs]
    return csv_bytes([r for r, _ in rows]), expected


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(gql, world, owner):
    data, expected = error_file(owner, world)
    before = f.fingerprint(owner, VOLUME_TABLES)
    report = imported(gql, world, data, lang="fr")
    assert errors_of(report) == expected
    assert {code for _, code, _ in expected} == set(ROW_CODES)  # every row code is exercised
    assert (report["rowsRead"], report["inserted"], report["alreadyImported"], report["applied"]) == (22, 0, 1, False)
    messages = {(e["line"], e["code"]): e["message"] for e in report["errors"]}
    assert messages[17, "IMPORT_DUPLICATE_INTERVAL"] == ("La ligne 18 de ce fichier porte la même ligne d'affaires"
                                                          " et le même intervalle avec d'autres chiffres.")
    assert messages[8, "INVALID_INTERVAL_LENGTH"] == "Un intervalle dure 15, 30 minutes."
    assert all(e["message"] and e["message"] != e["code"] for e in report["errors"])
    assert f.fingerprint(owner, VOLUME_TABLES) == before


def test_clean_rows_only_applies_the_clean_ones(gql, world, owner):
    data, expected = error_file(owner, world)
    report = imported(gql, world, data, clean=True, lang="en")
    assert errors_of(report) == expected and (report["inserted"], report["applied"]) == (1, True)
    assert owner.execute(text("SELECT count(*) FROM interval_volume")).scalar() == 3


@pytest.mark.parametrize(("data", "code", "message"), [
    (b"", "IMPORT_EMPTY", "The file is empty: it needs a header row, then one row per entry."),
    (b"client,lob,interval_start,colour\n", "IMPORT_UNKNOWN_COLUMN",
     "Unknown column colour: the header names client, lob, interval_start, interval_minutes, offered, handled,"
     " abandoned, aht_seconds and optionally service_level."),
    (b"client,lob,interval_start,interval_minutes,offered,handled,abandoned\n", "IMPORT_MISSING_COLUMN",
     "The header lacks column aht_seconds."),
])
def test_a_malformed_file_is_one_error(gql, world, owner, data, code, message):
    before = f.fingerprint(owner, VOLUME_TABLES)
    report = imported(gql, world, data)
    assert errors_of(report) == [(1, code, "file")] and report["errors"][0]["message"] == message
    assert f.fingerprint(owner, VOLUME_TABLES) == before


def test_a_malformed_row_refuses_the_file_at_its_line(gql, world, owner):
    data = csv_bytes([line(), line(start="2026-03-02T10:00:00Z")]) + b"RETAILCO,L1-EN,2026-03-02T11:00:00Z,30\n"
    report = imported(gql, world, data)
    assert errors_of(report) == [(4, "IMPORT_MALFORMED_ROW", "file")] and report["inserted"] == 0
    assert owner.execute(text("SELECT count(*) FROM interval_volume")).scalar() == 0


def test_callers_import_only_into_their_scope(gql, world, owner):
    rows = [line(), line(client="LAURIER", lob="CARDS")]
    report = imported(gql, world, csv_bytes(rows), who="planner")  # planner of RETAILCO
    assert errors_of(report) == [(3, "NOT_FOUND", "client")] and report["applied"] is False
    report = imported(gql, world, csv_bytes(rows), who="adminB", clean=True)
    assert errors_of(report) == [(2, "NOT_FOUND", "client"), (3, "NOT_FOUND", "client")]
    assert owner.execute(text("SELECT count(*) FROM interval_volume")).scalar() == 0
    for who in ("agent", "supervisor"):  # supervisors read volumes, they do not import them
        body = upload(gql, world.tokens[who], csv_bytes(rows)).json()
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_every_import_code_has_a_message_in_each_language(runtime):
    for lang in ("en", "fr"):
        assert not {*ROW_CODES, *FILE_CODES} - runtime.messages.codes(lang)


# --- the command line: switchboard scheduling import-volumes ---------------------------------------


@pytest.fixture
def switchboard(runtime, monkeypatch):
    """``switchboard`` with the scheduling commands, acting on the test's database."""
    return plugin_commands(runtime, monkeypatch, plugin)


def email_of(owner, user) -> str:
    return owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": user}).scalar()


def test_the_cli_imports_volumes_as_a_user_and_prints_the_report(switchboard, world, owner, tmp_path):
    path = tmp_path / "volumes.csv"
    path.write_bytes(csv_bytes([line(), line(start="2026-03-02T09:30:00-05:00")]))
    planner = email_of(owner, world.planner)
    result = switchboard("scheduling", "import-volumes", str(path), "--as", planner)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["rows read: 2", "inserted: 2", "already imported: 0", "rejected: 0",
                                          "applied: yes"]
    assert owner.execute(text("SELECT DISTINCT imported_by FROM interval_volume")).scalars().all() == [world.planner]
    again = switchboard("scheduling", "import-volumes", str(path), "--as", planner)
    assert again.exit_code == 0 and "already imported: 2" in again.output
    tokens = owner.execute(text("SELECT count(*), count(revoked_at) FROM auth_token"
                                " WHERE name = 'scheduling import-volumes'")).one()
    assert tokens == (2, 2)  # the operator tokens it acted through are revoked


def test_the_cli_exits_non_zero_when_rows_are_refused_and_refuses_outsiders(switchboard, world, owner, tmp_path):
    path = tmp_path / "volumes.csv"
    path.write_bytes(csv_bytes([line(), line(client="LAURIER", lob="CARDS")]))  # LAURIER: outside the planner's scope
    before = f.fingerprint(owner, ("interval_volume",))
    refused = switchboard("scheduling", "import-volumes", str(path), "--as", email_of(owner, world.planner))
    assert refused.exit_code == 1 and "line 3: client: NOT_FOUND: Not found." in refused.output
    assert "applied: no" in refused.output and f.fingerprint(owner, ("interval_volume",)) == before
    clean = switchboard("scheduling", "import-volumes", str(path), "--as", email_of(owner, world.planner),
                        "--clean-rows-only")
    assert clean.exit_code == 1 and "inserted: 1" in clean.output and "applied: yes" in clean.output
    unknown = switchboard("scheduling", "import-volumes", str(path), "--as", "nobody@nowhere.example")
    assert unknown.exit_code == 1 and "no active user with e-mail nobody@nowhere.example" in unknown.output
    agent = switchboard("scheduling", "import-volumes", str(path), "--as", email_of(owner, world.agent))
    assert agent.exit_code == 1 and "FORBIDDEN" in agent.output and "Traceback" not in agent.output
