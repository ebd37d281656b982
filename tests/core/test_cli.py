"""The command line as users run it: `switchboard serve --demo`, tokens, users, one-line errors."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:  # urllib does not follow POST redirects
        return response.status, json.loads(response.read())


def authorized(url: str, token: str, query: str, variables: dict | None = None) -> dict:
    """The data of a GraphQL request made with ``token`` (no errors allowed)."""
    request = urllib.request.Request(url, method="POST", data=json.dumps({"query": query, "variables": variables or {}})
                                     .encode(), headers={"content-type": "application/json",
                                                         "authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=120) as response:
        body = json.loads(response.read())
    assert "errors" not in body, body
    return body["data"]


def ended(url: str, token: str, job_id: str, seconds: float = 180) -> str:
    """The state a job ends in, run by the server's worker thread."""
    deadline, state = time.monotonic() + seconds, "QUEUED"
    while state in ("QUEUED", "RUNNING") and time.monotonic() < deadline:
        time.sleep(0.5)
        state = authorized(url, token, "query($id: UUID!) { job(id: $id) { state } }", {"id": job_id})["job"]["state"]
    return state


@pytest.fixture
def cli_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWITCHBOARD_") and k != "DATABASE_URL"}
    return {**env, "SWITCHBOARD_DATA_DIR": str(tmp_path / "data"), "SWITCHBOARD_PLUGINS_DISABLED": "sample"}


def test_serve_demo_loads_the_demo_prints_logins_and_serves(cli_env):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "switchboard.core.cli", "serve", "--demo", "--port", str(port)],
                            env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    banner = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line and proc.poll() is not None:
                break
            banner.append(line)
            if "Uvicorn running on" in line:  # the banner and logins are printed before
                break
        text = "".join(banner)
        assert f"GraphiQL: http://127.0.0.1:{port}/graphql" in text, text
        assert "planner@" in text and "switchboard-demo" in text
        status, body = post(f"http://127.0.0.1:{port}/graphql", {"query": (
            'mutation { login(email: "planner@northwind.example", password: "switchboard-demo")'
            ' { token errors { code } } }')})
        assert status == 200 and body["data"]["login"]["errors"] == [], body
        token = body["data"]["login"]["token"]
        request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", method="POST",
                                         data=json.dumps({"query": "{ clients { edges { node { name } } } }"}).encode(),
                                         headers={"content-type": "application/json",
                                                  "authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            clients = json.loads(response.read())["data"]["clients"]["edges"]
        assert clients  # the planner sees the client(s) they were granted
        # serve runs background jobs too: a planner's schedule solve is picked up by its worker thread
        url = f"http://127.0.0.1:{port}/graphql"
        lobs = [e["node"]["id"] for e in authorized(url, token, "{ lobs(first: 100) { edges { node { id } } } }")
                ["lobs"]["edges"]][:2]
        made = authorized(url, token, """mutation($input: ForecastInput!) { createForecast(input: $input) {
            job { id } errors { code } } }""", {"input": {"lobIds": lobs, "horizonStart": "2026-11-23T00:00:00Z",
                                                          "horizonEnd": "2026-11-30T06:00:00Z",
                                                          "method": "SEASONAL_NAIVE"}})
        assert made["createForecast"]["errors"] == []
        assert ended(url, token, made["createForecast"]["job"]["id"]) == "SUCCEEDED"
        job = authorized(url, token, """mutation($lobs: [UUID!]!) { solveSchedule(lobIds: $lobs,
            weekStart: "2026-11-23", timeLimitSeconds: 20) { job { id } errors { code } } }""", {"lobs": lobs})
        assert ended(url, token, job["solveSchedule"]["job"]["id"]) == "SUCCEEDED"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_errors_are_one_line_without_traceback(cli_env):
    result = subprocess.run([sys.executable, "-m", "switchboard.core.cli", "demo", "--size", "huge"],
                            env=cli_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == ["error: unknown size 'huge': choose one of small, mid, large"]
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def cli_runtime(world, runtime, monkeypatch):
    from switchboard.core import cli

    monkeypatch.setattr(cli, "load_runtime", lambda: runtime)
    monkeypatch.setattr(cli, "load_database", lambda: runtime.database)
    return world


def test_token_create_prints_a_token_that_works(cli_runtime, owner, gql):
    from sqlalchemy import text
    from typer.testing import CliRunner

    from switchboard.core import cli

    email = owner.execute(text("SELECT email FROM app_user WHERE id = :u"), {"u": cli_runtime.planner}).scalar()
    result = CliRunner().invoke(cli.app, ["token", "create", email, "--ttl", "2"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert token.startswith("sb_") and gql("{ me { email } }", token=token)["data"]["me"]["email"] == email
    unknown = CliRunner().invoke(cli.app, ["token", "create", "nobody@nowhere.example"])
    assert unknown.exit_code == 1 and "no active user with e-mail nobody@nowhere.example" in unknown.output


def test_users_list_shows_kinds_roles_and_scopes(cli_runtime):
    from typer.testing import CliRunner

    from switchboard.core import cli

    result = CliRunner().invoke(cli.app, ["users", "list", "--json"])
    assert result.exit_code == 0, result.output
    users = json.loads(result.output)
    assert len(users) == 6
    assert all(set(u) == {"email", "kind", "displayName", "active", "totpEnabled", "grants", "boundClient"}
               for u in users), users[0]  # camelCase, like the API
    portal = [u for u in users if u["kind"] == "client"][0]
    assert portal["boundClient"] == "RETAILCO" and portal["grants"] == [{"role": "client_viewer", "scope": "RETAILCO"}]
    supervisor = [u for u in users if u["grants"] and u["grants"][0]["role"] == "supervisor"][0]
    assert supervisor["grants"] == [{"role": "supervisor", "scope": "LAURIER/CARDS"}]
    plain = CliRunner().invoke(cli.app, ["users", "list"])
    assert plain.exit_code == 0 and "supervisor@LAURIER/CARDS" in plain.output


def test_plugins_add_commands(cli_env):
    env = {k: v for k, v in cli_env.items() if k != "SWITCHBOARD_PLUGINS_DISABLED"}
    result = subprocess.run([sys.executable, "-m", "switchboard.core.cli", "sample-hello", "--name", "Northwind"],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "hello Northwind, from the sample plugin"
    disabled = subprocess.run([sys.executable, "-m", "switchboard.core.cli", "sample-hello"],
                              env=cli_env, capture_output=True, text=True, timeout=60)
    assert disabled.returncode != 0


def test_secrets_rotate_key_reencrypts_every_totp_secret_under_a_new_file_key(cli_runtime, runtime, owner, tmp_path,
                                                                              monkeypatch):
    from dataclasses import replace

    from cryptography.fernet import Fernet
    from sqlalchemy import text
    from typer.testing import CliRunner

    from switchboard.core import cli
    from switchboard.core.identity.keys import KeyRing
    from tests import factories as f

    user = f.user(owner, cli_runtime.tA, "agent", totp_secret="JBSWY3DPEHPK3PXP")

    def stored():
        return owner.execute(text("SELECT totp_secret_enc FROM app_user WHERE id = :u"), {"u": user}).scalar()

    keys = tmp_path / "secret.keys"
    keys.write_text(f.SECRET_KEY + "\n")
    # the keys come from the data directory's key file, as on an installation without the variable
    monkeypatch.setattr(cli, "load_runtime", lambda: replace(
        runtime, settings=replace(runtime.settings, secret_keys=(), data_dir=tmp_path)))
    before = stored()
    result = CliRunner().invoke(cli.app, ["secrets", "rotate-key"])
    assert result.exit_code == 0 and "re-encrypted 1 secret(s)" in result.output, result.output
    (new_key,) = keys.read_text().split()
    assert new_key != f.SECRET_KEY and stored() != before
    assert KeyRing((new_key,)).decrypt(stored()) == "JBSWY3DPEHPK3PXP"
    # keys that open nothing: refused, nothing changed
    keys.write_text(Fernet.generate_key().decode() + "\n")
    after = stored()
    refused = CliRunner().invoke(cli.app, ["secrets", "rotate-key"])
    assert refused.exit_code == 1 and "opens with none of the keys" in refused.output and stored() == after


def test_secrets_rotate_portal_ids_names_the_tenant(cli_runtime, owner):
    from sqlalchemy import text
    from typer.testing import CliRunner

    from switchboard.core import cli

    slug = owner.execute(text("SELECT slug FROM tenant WHERE id = :t"), {"t": cli_runtime.tA}).scalar()

    def key():
        return owner.execute(text("SELECT key FROM app.tenant_key WHERE tenant_id = :t"),
                             {"t": cli_runtime.tA}).scalar()

    before = key()
    result = CliRunner().invoke(cli.app, ["secrets", "rotate-portal-ids", "--tenant", slug])
    assert result.exit_code == 0 and "for 1 tenant(s)" in result.output and key() != before
    unknown = CliRunner().invoke(cli.app, ["secrets", "rotate-portal-ids", "--tenant", "no-such-bpo"])
    assert unknown.exit_code == 1 and "no tenant with slug no-such-bpo" in unknown.output
