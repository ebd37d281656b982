"""Bad input gets a coded, localized client error naming the argument, never INTERNAL_ERROR.

Each case is a request a careless client sends: a variable of the wrong type, an id
or a date that does not parse, a cursor holding a bad value, a NUL byte, a date past
the supported range, a token name or locale the database would refuse, a body that
is not a JSON object. The answer names the argument at fault and writes nothing.
"""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.graphql.pagination import SEPARATOR, encode_cursor
from tests import factories as f

EMPLOYEE = "query($id: UUID!) { employee(id: $id) { id } }"
CLIENTS = "query($first: Int, $after: String) { clients(first: $first, after: $after) { edges { cursor } } }"
EMPLOYEES = "query($after: String) { employees(after: $after) { edges { cursor } } }"
ELIGIBLE = ("query($lob: UUID!, $start: DateTime!, $end: DateTime!) {"
            " eligibleAgents(lobId: $lob, start: $start, end: $end) { edges { cursor } } }")
CREATE_USER = "mutation($input: UserInput!) { createUser(input: $input) { user { id } errors { code field } } }"
END = "mutation($id: UUID!, $d: Date!) { endAssignment(id: $id, lastDay: $d) { assignment { id } errors { code } } }"
TOKEN = """mutation($name: String!) {
  createApiToken(name: $name, current: {password: "x"}) { token errors { code field } } }"""
HIRE = "mutation($input: EmployeeInput!) { hireEmployee(input: $input) { employee { id } errors { code field } } }"


def only_error(body: dict) -> dict:
    assert body["_status"] < 500, body
    assert len(body.get("errors") or []) == 1, body
    return body["errors"][0]


def hire(**kw) -> dict:
    values = {"employeeNumber": "E99001", "legalName": "Nadia Roy", "preferredName": "Nadia",
              "hireDate": "2026-03-02", "workRegion": "CA-ON"}
    return {"input": {**values, **kw}}


@pytest.mark.parametrize("query, variables, argument", [
    (EMPLOYEE, {"id": "not-a-uuid"}, "$id"),
    (EMPLOYEE, {"id": 12}, "$id"),
    (EMPLOYEE, {}, "$id"),
    (CLIENTS, {"first": "ten"}, "$first"),
    (CLIENTS, {"first": 1.5}, "$first"),
    (CLIENTS, {"first": 10 ** 20}, "$first"),
    (CLIENTS, {"after": {"nested": ["garbage"]}}, "$after"),
    (ELIGIBLE, {"lob": "00000000-0000-0000-0000-000000000000", "start": "yesterday",
                "end": "2026-03-02T00:00:00Z"}, "$start"),
    (ELIGIBLE, {"lob": "00000000-0000-0000-0000-000000000000", "start": "2026-03-02T00:00:00+25:00",
                "end": "2026-03-03T00:00:00Z"}, "$start"),
    (HIRE, hire(hireDate="2026-02-30"), "$input.hireDate"),
    (HIRE, hire(languages=[{"language": "fr", "proficiency": "FLUENTISH"}]), "$input.languages[0].proficiency"),
    (HIRE, hire(homeSiteId=["nested", {"garbage": None}]), "$input.homeSiteId"),
])
@pytest.mark.parametrize("lang, message", [("en", "Invalid value for {}."), ("fr", "Valeur invalide pour {}.")])
def test_variables_that_do_not_coerce_are_bad_user_input(world, gql, owner, query, variables, argument, lang,
                                                         message):
    before = f.fingerprint(owner)
    error = only_error(gql(query, variables, token=world.tokens["admin"], lang=lang))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert error["message"] == message.format(argument)
    assert f.fingerprint(owner) == before


@pytest.mark.parametrize("query, argument", [
    ('{ employee(id: "not-a-uuid") { id } }', "id"),
    ("{ clients(first: \"ten\") { edges { cursor } } }", "first"),
    ('mutation { hireEmployee(input: {employeeNumber: "E1", legalName: "A", preferredName: "A",'
     ' hireDate: "2026-02-30", workRegion: "CA-ON"}) { employee { id } } }', "input.hireDate"),
    ('mutation { hireEmployee(input: {employeeNumber: "E1", legalName: "A", preferredName: "A",'
     ' hireDate: "2026-02-02", workRegion: "CA-ON", languages: [{language: "fr", proficiency: NOPE}]})'
     ' { employee { id } } }', "input.languages[0].proficiency"),
])
def test_literals_that_do_not_coerce_are_bad_user_input(world, gql, query, argument):
    error = only_error(gql(query, token=world.tokens["admin"], lang="fr"))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "argument": argument}
    assert error["message"] == f"Valeur invalide pour {argument}."


def cursor(*values: str) -> str:
    """A cursor that passes the check digits, so that its values reach the database."""
    return encode_cursor(values)


@pytest.mark.parametrize("query, after", [
    (CLIENTS, cursor("RetailCo", "not-a-uuid")),
    (CLIENTS, cursor("RetailCo", "")),
    (CLIENTS, cursor("Retail\x00Co", "00000000-0000-0000-0000-000000000000")),
    (EMPLOYEES, cursor("e1", "0" * 200)),
    # a cursor of another connection: a name where a timestamp is expected
    ("query($after: String) { auditEvents(after: $after) { edges { cursor } } }", cursor("RetailCo")),
])
def test_a_cursor_holding_a_bad_value_is_invalid_cursor(world, gql, query, after):
    body = gql(query, {"after": after}, token=world.tokens["admin"], lang="fr")
    error = only_error(body)
    assert error["extensions"] == {"code": "INVALID_CURSOR", "field": "after"}
    assert error["message"] == "Ce curseur n'est pas valide."


def test_a_bad_cursor_does_not_spoil_the_other_fields_of_the_request(world, gql):
    """The refused page statement must not abort the request's transaction for its siblings."""
    body = gql("query($after: String) { bad: clients(after: $after) { edges { cursor } }"
               " good: clients(first: 1) { edges { node { name } } } }",
               {"after": cursor("RetailCo", "not-a-uuid")}, token=world.tokens["admin"])
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_CURSOR"]
    assert body["data"] is None or body["data"]["good"]["edges"]


@pytest.mark.parametrize("edit", [
    lambda c: base64.urlsafe_b64encode(SEPARATOR.join(("Banque Laurier", "x")).encode()).decode(),  # hand-made
    lambda c: c[:-4],  # cut short
    lambda c: base64.urlsafe_b64encode(base64.urlsafe_b64decode(c).replace(b"Banque", b"Banqui")).decode(),
])
def test_a_cursor_edited_or_made_by_hand_is_invalid_cursor(world, gql, edit):
    """Even where its values would read as a position (the in-memory lists page by text)."""
    issued = gql(CLIENTS, {"first": 1}, token=world.tokens["admin"])["data"]["clients"]["edges"][0]["cursor"]
    error = only_error(gql(CLIENTS, {"after": edit(issued)}, token=world.tokens["admin"]))
    assert error["extensions"] == {"code": "INVALID_CURSOR", "field": "after"}


def test_a_cursor_we_issued_still_pages(world, gql):
    first = gql(CLIENTS, {"first": 1}, token=world.tokens["admin"])["data"]["clients"]["edges"]
    after = gql(CLIENTS, {"first": 5, "after": first[0]["cursor"]}, token=world.tokens["admin"])
    assert "errors" not in after and len(after["data"]["clients"]["edges"]) == 1
    assert first[0]["cursor"] == encode_cursor(("Banque Laurier", world.A2))


@pytest.mark.parametrize("query, variables, argument", [
    (END, lambda w: {"id": "00000000-0000-0000-0000-000000000000", "d": "9999-12-31"}, "lastDay"),
    (END, lambda w: {"id": "00000000-0000-0000-0000-000000000000", "d": "0001-01-01"}, "lastDay"),
    (HIRE, lambda w: hire(hireDate="9999-12-31"), "input.hireDate"),
    (ELIGIBLE, lambda w: {"lob": str(w.A1a), "start": "9999-12-31T00:00:00Z", "end": "2026-03-03T00:00:00Z"},
     "start"),
])
def test_dates_outside_the_supported_range_are_refused(world, gql, owner, query, variables, argument):
    before = f.fingerprint(owner)
    error = only_error(gql(query, variables(world), token=world.tokens["admin"], lang="fr"))
    assert error["extensions"] == {"code": "DATE_OUT_OF_RANGE", "argument": argument,
                                   "min": "1900-01-01", "max": "2200-12-31"}
    assert error["message"] == "Les dates doivent être comprises entre 1900-01-01 et 2200-12-31."
    assert f.fingerprint(owner) == before


def test_nul_bytes_are_refused_in_variables_and_literals(world, gql, owner):
    before = f.fingerprint(owner)
    for body in (gql(TOKEN, {"name": "etl\x00"}, token=world.tokens["admin"], lang="fr"),
                 gql('mutation { createApiToken(name: "etl\\u0000", current: {password: "x"}) { token } }',
                     token=world.tokens["admin"], lang="fr"),
                 gql(HIRE, hire(legalName="Nadia\x00Roy"), token=world.tokens["admin"], lang="fr")):
        error = only_error(body)
        assert error["extensions"]["code"] == "INVALID_CHARACTER"
        assert error["message"] == "Le texte ne peut pas contenir le caractère NUL (U+0000)."
    assert error["extensions"]["argument"] == "input.legalName"
    assert f.fingerprint(owner) == before


def test_a_token_name_over_its_cap_is_too_long(world, gql, owner):
    before = f.fingerprint(owner, ("auth_token", "audit_event"))
    error = only_error(gql(TOKEN, {"name": "x" * 5000}, token=world.tokens["admin"], lang="fr"))
    assert error["extensions"] == {"code": "TOO_LONG", "argument": "name", "max": 200}
    assert error["message"] == "200 caractères au maximum."
    assert f.fingerprint(owner, ("auth_token", "audit_event")) == before


def test_an_unsupported_locale_is_refused_in_the_payload(world, gql, owner):
    before = f.fingerprint(owner, ("app_user", "audit_event"))
    body = gql(CREATE_USER, {"input": {"email": "new@example.com", "kind": "STAFF", "displayName": "New",
                                       "locale": "de"}}, token=world.tokens["admin"], lang="fr")
    assert "errors" not in body, body
    assert body["data"]["createUser"] == {"user": None, "errors": [{"code": "UNSUPPORTED_LOCALE", "field": "locale"}]}
    assert f.fingerprint(owner, ("app_user", "audit_event")) == before


@pytest.mark.parametrize("content", [b"null", b'"query"', b"3", b"true", b"[]", b"[1]", b'{"query": 3}',
                                     b'{"query": "{ me { email } }", "variables": 3}', b"{not json",
                                     b'{"query": "{ me { email } }", "operationName": ["x"]}'])
@pytest.mark.parametrize("path", ["/graphql", "/portal/graphql"])
def test_a_malformed_body_is_a_coded_400(runtime, content, path):
    with TestClient(create_app(runtime), raise_server_exceptions=False) as http:
        response = http.post(path, content=content, headers={"content-type": "application/json",
                                                              "accept-language": "fr"})
    assert response.status_code == 400, response.text
    assert response.json() == {"errors": [{  # refused before GraphQL ran: no data entry
        "message": "Le corps de la requête n'est pas une requête GraphQL valide.",
        "extensions": {"code": "BAD_REQUEST"}}]}
