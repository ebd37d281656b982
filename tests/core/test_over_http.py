"""GraphQL over HTTP: the table of errors walked row by row, in both response media types.

Each row of :data:`switchboard.core.graphql.errors.ERRORS` (the table the README shows)
has a trigger here that makes the endpoint answer with that code at that stage; the
answer must carry the row's status for the media type the client asked for, in that
media type, with ``data`` exactly when the error is a field error, and a code on every
error. A row without a trigger fails the suite.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

import orjson
import pytest
from sqlalchemy import Connection, text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.graphql.errors import ERRORS, ErrorCase
from switchboard.core.graphql.over_http import GRAPHQL_RESPONSE, JSON, MEDIA_TYPES, content_type, response_media
from tests import factories as f
from tests.conftest import TEMPLATE, cloned_runtime
from tests.core.test_plugins import Broken
from tests.security.test_request_limits import Slow, fan_out
from tests.world import World, build_world

RECOMMENDED = "application/graphql-response+json; charset=utf-8, application/json; charset=utf-8"


@dataclass
class Probe:
    http: TestClient
    world: World
    owner: Connection
    runtime_role: str

    def post(self, media: str, query: str, variables: dict | None = None, *, token: str | None = None,
             path: str = "/graphql", **headers: str) -> Any:
        headers = {"accept": media, **headers}
        if token:
            headers["authorization"] = f"Bearer {token}"
        return self.http.post(path, json={"query": query, "variables": variables or {}}, headers=headers)


@pytest.fixture(scope="module")
def probe(template) -> Iterator[Probe]:
    """One app for the module: the two-tenant world, fields that sleep and fail, small upload cap."""
    settings = replace(template, statement_timeout_ms=500, max_upload_bytes=1024 * 1024)
    with cloned_runtime(settings, TEMPLATE, ("slow", Slow()), ("broken", Broken)) as runtime:
        with runtime.owner.connect() as owner:
            owner.execution_options(isolation_level="AUTOCOMMIT")
            world = build_world(owner)
            with TestClient(create_app(runtime), raise_server_exceptions=False) as http:
                yield Probe(http, world, owner, runtime.database.runtime_role)


def _revoked_token(p: Probe) -> str:
    token = f.token(p.owner, p.world.planner)
    p.owner.execute(text("UPDATE auth_token SET revoked_at = now() WHERE token_hash = sha256(convert_to(:t, 'UTF8'))"),
                    {"t": token})
    return token


def _fault_before_graphql(p: Probe, media: str) -> Any:
    """A real fault while authenticating: the runtime role loses the right to look tokens up."""
    function = "app.authenticate(bytea)"
    p.owner.execute(text(f"REVOKE EXECUTE ON FUNCTION {function} FROM {p.runtime_role}"))
    try:
        return p.post(media, "{ me { email } }", token=p.world.tokens["planner"])
    finally:
        p.owner.execute(text(f"GRANT EXECUTE ON FUNCTION {function} TO {p.runtime_role}"))


def _upload(p: Probe, media: str) -> Any:
    operations = {"query": "{ __typename }", "variables": {"f": None}}
    form = {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})}
    return p.http.post("/graphql", data=form, files={"0": ("big.csv", b"x" * (1024 * 1024 + 1), "text/csv")},
                       headers={"accept": media, "authorization": f"Bearer {p.world.tokens['admin']}"})


DEPTH = ("{ lobs(first: 1) { edges { node { ...D6 } } } } fragment D0 on Lob { name } "
         + " ".join(f"fragment D{n} on Lob {{ client {{ lobs {{ ...D{n - 1} }} }} }}" for n in range(1, 7)))
CREATE_CLIENT = """mutation { createClient(input: {name: "New", code: "NEW", jurisdiction: "CA-ON",
  timezone: "America/Toronto", languages: ["en"], currency: "CAD", holidayRegion: "CA-ON"}) { client { code } } }"""

Trigger = Callable[[Probe, str], Any]
TRIGGERS: dict[tuple[str, str], Trigger] = {
    ("METHOD_NOT_ALLOWED", "refused"): lambda p, m: p.http.get("/graphql", params={"query": "{ __typename }"},
                                                                headers={"accept": m}),
    ("NOT_ACCEPTABLE", "refused"): lambda p, m: p.post("text/plain", "{ __typename }"),
    ("UNSUPPORTED_MEDIA_TYPE", "refused"): lambda p, m: p.http.post(
        "/graphql", content=b"{ __typename }", headers={"accept": m, "content-type": "application/graphql"}),
    ("BODY_TOO_LARGE", "refused"): lambda p, m: p.post(m, "{ __typename }", {"pad": "x" * (1024 * 1024)}),
    ("UPLOAD_TOO_LARGE", "refused"): _upload,
    ("UNAUTHENTICATED", "refused"): lambda p, m: p.http.post(
        "/graphql", json={"query": "{ me { email } }"}, headers={"accept": m, "authorization": "Basic abc"}),
    ("TOKEN_EXPIRED", "refused"): lambda p, m: p.post(m, "{ me { email } }",
                                                      token=f.token(p.owner, p.world.planner, hours=-1)),
    ("TOKEN_REVOKED", "refused"): lambda p, m: p.post(m, "{ me { email } }", token=_revoked_token(p)),
    ("WRONG_ENDPOINT", "refused"): lambda p, m: p.post(m, "{ me { email } }", token=p.world.tokens["portal"]),
    ("BAD_REQUEST", "refused"): lambda p, m: p.http.post("/graphql", json={"qeury": "{ __typename }"},
                                                         headers={"accept": m}),
    ("INTERNAL_ERROR", "refused"): _fault_before_graphql,
    ("GRAPHQL_PARSE_FAILED", "request"): lambda p, m: p.post(m, "{"),
    ("GRAPHQL_VALIDATION_FAILED", "request"): lambda p, m: p.post(m, "{ nope }"),
    ("OPERATION_RESOLUTION_FAILURE", "request"): lambda p, m: p.post(m, "query A { __typename } "
                                                                        "query B { __typename }"),
    ("TOO_MANY_TOKENS", "request"): lambda p, m: p.post(m, "{ " + "__typename " * 2100 + "}"),
    ("QUERY_TOO_DEEP", "request"): lambda p, m: p.post(m, DEPTH),
    ("TOO_MANY_ALIASES", "request"): lambda p, m: p.post(m, "{ me { ...F13 } } " + fan_out(13, "a: email")),
    ("QUERY_TOO_COSTLY", "request"): lambda p, m: p.post(m, "{ me { ...F13 } } " + fan_out(13)),
    ("QUERY_TOO_COMPLEX", "request"): lambda p, m: p.post(m, "{ me { " + "grants { role } " * 490 + "} }"),
    ("BAD_USER_INPUT", "request"): lambda p, m: p.post(m, "query($id: UUID!) { client(id: $id) { name } }",
                                                       {"id": "not a uuid"}, token=p.world.tokens["planner"]),
    ("UNAUTHENTICATED", "field"): lambda p, m: p.post(m, "{ me { email } }"),
    ("FORBIDDEN", "field"): lambda p, m: p.post(m, "{ users { nodes { id } } }", token=p.world.tokens["planner"]),
    ("MFA_REQUIRED", "field"): lambda p, m: p.post(m, CREATE_CLIENT,
                                                   token=f.token(p.owner, p.world.admin, mfa=False)),
    ("STATEMENT_TIMEOUT", "field"): lambda p, m: p.post(m, "{ sleep(seconds: 5) }", token=p.world.tokens["planner"]),
    ("INTERNAL_ERROR", "field"): lambda p, m: p.post(m, "{ broken }", token=p.world.tokens["planner"]),
}


def test_every_row_of_the_table_has_a_trigger():
    assert [(c.code, c.stage) for c in ERRORS if (c.code, c.stage) not in TRIGGERS] == []
    assert len(TRIGGERS) == len(ERRORS)


@pytest.mark.parametrize("media", MEDIA_TYPES, ids=["graphql-response", "json"])
@pytest.mark.parametrize("case", ERRORS, ids=[f"{c.code}-{c.stage}" for c in ERRORS])
def test_each_error_has_its_status_media_type_and_shape(probe, case: ErrorCase, media):
    response = TRIGGERS[(case.code, case.stage)](probe, media)
    answered_in = JSON if case.code == "NOT_ACCEPTABLE" else media  # neither was acceptable: JSON all the same
    assert response.status_code == case.status(answered_in), response.text
    assert response.headers["content-type"] == content_type(answered_in)
    body = orjson.loads(response.content)
    assert case.code in [e["extensions"]["code"] for e in body["errors"]], body
    assert all(e["message"] and e["extensions"]["code"] for e in body["errors"]), body
    assert ("data" in body) == (case.stage == "field"), body  # a request never executed has no data entry
    if case.stage == "field":
        assert all(e["path"] for e in body["errors"])


def test_the_statuses_are_the_specifications():
    """Request errors: 400 in the specification's media type, 200 for legacy JSON clients;
    field errors 200 in both; refusals their own status in both."""
    by_key = {(c.code, c.stage): c for c in ERRORS}
    assert by_key[("GRAPHQL_VALIDATION_FAILED", "request")].status(GRAPHQL_RESPONSE) == 400
    assert by_key[("GRAPHQL_VALIDATION_FAILED", "request")].status(JSON) == 200
    assert {by_key[("FORBIDDEN", "field")].status(m) for m in MEDIA_TYPES} == {200}
    assert {by_key[("TOKEN_EXPIRED", "refused")].status(m) for m in MEDIA_TYPES} == {401}


def test_a_good_request_is_200_in_either_media_type(probe):
    for media in MEDIA_TYPES:
        response = probe.post(media, "{ me { email } }", token=probe.world.tokens["planner"])
        assert response.status_code == 200 and response.headers["content-type"] == content_type(media)
        assert orjson.loads(response.content)["data"]["me"]["email"]
    recommended = probe.post(RECOMMENDED, "{ __typename }")
    assert recommended.headers["content-type"] == content_type(GRAPHQL_RESPONSE)
    bare = probe.http.post("/graphql", json={"query": "{"}, headers={"accept": ""})
    assert bare.status_code == 400 and bare.headers["content-type"] == content_type(GRAPHQL_RESPONSE)


def test_refusals_carry_the_headers_http_asks_for(probe):
    unauthorized = probe.post(JSON, "{ me { email } }", token="sb_not_a_token")
    assert unauthorized.status_code == 401 and unauthorized.headers["www-authenticate"].startswith("Bearer")
    put = probe.http.put("/graphql", json={"query": "{ __typename }"})
    assert put.status_code == 405 and put.headers["allow"] == "GET, POST, OPTIONS"
    options = probe.http.options("/portal/graphql")
    assert options.status_code == 204 and options.headers["allow"] == "GET, POST, OPTIONS"


def test_messages_that_are_ours_are_localized(probe):
    answer = probe.post(JSON, "query A { __typename } query B { __typename }", **{"accept-language": "fr"})
    assert orjson.loads(answer.content)["errors"][0]["message"].startswith("Impossible de déterminer l'opération")
    refused = probe.http.post("/graphql", content=b"{}", headers={"content-type": "text/plain",
                                                                   "accept-language": "fr"})
    assert orjson.loads(refused.content)["errors"][0]["message"].startswith("Envoyez le corps de la requête")


@pytest.mark.parametrize("accept, media", [
    (None, GRAPHQL_RESPONSE),
    ("", GRAPHQL_RESPONSE),
    ("*/*", JSON),
    ("application/*", JSON),
    ("application/json", JSON),
    (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
    (RECOMMENDED, GRAPHQL_RESPONSE),
    ("application/json, application/graphql-response+json", JSON),
    ("application/graphql-response+json;q=0.5, application/json", JSON),
    ("application/json;q=0, */*", GRAPHQL_RESPONSE),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", JSON),
    ("text/html", None),
    ("application/json;q=0", None),
    ("garbage", None),
])
def test_the_media_type_follows_accept(accept, media):
    assert response_media(accept) == media


def test_the_readme_shows_the_table_of_errors_as_it_is():
    """Every row of ERRORS, with its statuses in both media types, is a row of the README's
    table (in order), and the table holds no other row."""
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text()
    shown = [line for line in readme.splitlines() if line.startswith("| `") and line.count("|") == 4
             and line.split("|")[1].strip().strip("`") in {e.code for e in ERRORS}]
    expected = []
    for e in ERRORS:
        strict, legacy = e.status(GRAPHQL_RESPONSE), e.status(JSON)
        statuses = f"{strict}" if strict == legacy else f"{strict} / {legacy}"
        expected.append(f"| `{e.code}` | {statuses} | {e.when} |")
    assert shown == expected
