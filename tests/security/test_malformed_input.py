"""Malformed input never gets INTERNAL_ERROR or a 5xx: a coded, localized client error, nothing written.

Hypothesis draws a real operation of either composed schema (read from the schema,
not listed by hand), a place in its arguments (nested input fields and list items
included) and a value that place cannot take: the wrong JSON type, an id, date,
date-time or time that does not parse, a date outside the supported range, a NUL
character, a string over its cap, garbage nested where an object belongs, a cursor
holding garbage. Every other argument gets a valid value. The answer must be HTTP < 500
with errors only, each with a code other than INTERNAL_ERROR and the message of that
code in the language asked for; the audit log (which every write extends) is unchanged.
Bodies that are not a GraphQL request get a coded 400.
"""

from __future__ import annotations

import base64
import json
import os
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    get_named_type,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from switchboard.core.graphql.caps import declared_cap
from switchboard.core.graphql.pagination import SEPARATOR
from tests import factories as f
from tests.conftest import examples
from tests.security.operations import Operation, Place, operations
from tests.security.running import Platform, built_in_platform

DEFAULT_CAP = 300
EXAMPLES = int(os.environ.get("MALFORMED_EXAMPLES", 250))  # more for a longer hunt
PLACEHOLDER = re.compile(r"\{[^}]*\}")
NOT_PARSABLE = st.sampled_from(["", "x", "not a value", "12:00:00:00", "2026-13-01", "--", "true", "{}", "été"])


@pytest.fixture
def platform(template, plugins_template) -> Iterator[Platform]:
    with built_in_platform(template, plugins_template, max_string_length=DEFAULT_CAP) as running:
        yield running


def nul_text() -> st.SearchStrategy[str]:
    return st.tuples(st.text(max_size=8), st.text(max_size=8)).map(lambda p: f"{p[0]}\x00{p[1]}")


def oversize(cap: int) -> st.SearchStrategy[str]:
    return st.integers(cap + 1, cap + 2_000).flatmap(lambda n: st.text(min_size=1, max_size=1).map(lambda c: c * n))


def cursor_garbage() -> st.SearchStrategy[str]:
    """Cursors as a client might make them by hand: base64 of key values (none a key could
    hold), without the check digits of the cursors we issue."""
    values = st.lists(st.text(max_size=12).map(lambda t: "~" + t), min_size=1, max_size=3)
    return values.map(lambda vs: base64.urlsafe_b64encode(SEPARATOR.join(vs).encode()).decode())


def wrong_json(*allowed: type) -> st.SearchStrategy[Any]:
    """JSON values of none of the ``allowed`` types."""
    kinds = {
        str: st.text(max_size=10), int: st.integers(-10, 10), float: st.just(1.5), bool: st.booleans(),
        dict: st.dictionaries(st.text(max_size=5), st.integers(), min_size=1, max_size=2),
        list: st.lists(st.dictionaries(st.text(max_size=3), st.none(), min_size=1), min_size=1, max_size=2),
    }
    return st.one_of([strategy for kind, strategy in kinds.items() if kind not in allowed])


SCALAR_GARBAGE: dict[str, st.SearchStrategy[Any]] = {
    "Int": st.one_of(wrong_json(int), st.integers(2**31, 2**63), st.integers(-(2**63), -(2**31) - 1)),
    "Float": wrong_json(int, float),
    "Boolean": wrong_json(bool),
    "UUID": st.one_of(wrong_json(str), NOT_PARSABLE, st.uuids().map(lambda u: str(u)[:-1] + "g")),
    "Date": st.one_of(wrong_json(str), NOT_PARSABLE, st.sampled_from(["2026-02-30", "26-03-02", "2026-03-02T09:00"]),
                      st.dates(max_value=date(1899, 12, 31)).map(str),
                      st.dates(min_value=date(2201, 1, 1)).map(str)),
    "DateTime": st.one_of(wrong_json(str), NOT_PARSABLE,
                          st.sampled_from(["2026-03-02T09:00:00+25:00", "2026-03-02T25:00:00Z", "9999-12-31T23:59:59Z",
                                           "0001-01-01T00:00:00Z", "1899-12-31T23:00:00-05:00", "2026-03-02 09h"])),
    "Time": st.one_of(wrong_json(str), st.sampled_from(["25:00:00", "12:61", "noon", "", "12:00:00+99:00"])),
    "Decimal": st.one_of(wrong_json(str, int, float), st.sampled_from(["NaN", "Infinity", "-Infinity", "sNaN", "1e999",
                                                                       "abc", "1" * 40, "1e15", ""])),
    "Percent": st.one_of(wrong_json(int, float), st.sampled_from([-0.01, 100.5, 1e300, -1e300])),
    "Fraction": st.one_of(wrong_json(int, float), st.sampled_from([-0.01, 1.0001, 85, 1e300])),
    "JSON": st.just({"note": "a\x00b"}),
    "Upload": st.one_of(st.text(max_size=10), st.dictionaries(st.text(max_size=3), st.text(max_size=3))),
}


def garbage(type_: GraphQLInputType, cap: int, cursor: bool) -> st.SearchStrategy[Any]:
    """Values ``type_`` cannot take (``cap``: a string place's cap; ``cursor``: a paging cursor)."""
    if isinstance(type_, GraphQLNonNull):
        return st.one_of(st.none(), garbage(type_.of_type, cap, cursor))
    if isinstance(type_, GraphQLList):
        item = garbage(type_.of_type, cap, cursor)  # alone, it is coerced as a list of one
        return st.one_of(item.filter(lambda bad: bad is not None), item.map(lambda bad: [bad]))
    if isinstance(type_, GraphQLEnumType):
        return st.one_of(wrong_json(str), st.text(max_size=8).map(lambda t: "NOT_" + t.upper()))
    if isinstance(type_, GraphQLInputObjectType):
        unknown = st.text(min_size=1, max_size=6).map(lambda k: {"zz" + k: 1})
        return st.one_of(wrong_json(dict), unknown)
    if type_.name in ("String", "ID"):
        strategies = [nul_text(), oversize(cap), wrong_json(str, int) if type_.name == "ID" else wrong_json(str)]
        if cursor:
            strategies.append(cursor_garbage())
        return st.one_of(strategies)
    return SCALAR_GARBAGE[type_.name]


def malformed_calls(platform: Platform) -> st.SearchStrategy[tuple[bool, Operation, Place, Any]]:
    """(portal?, operation, place, value) for every place of every operation of both schemas."""
    calls = []
    for portal, schema in ((False, platform.runtime.schemas.internal), (True, platform.runtime.schemas.portal)):
        for operation in operations(schema._schema):
            for place in operation.places():
                calls.append((portal, operation, place))

    def with_value(call: tuple[bool, Operation, Place]) -> st.SearchStrategy[tuple[bool, Operation, Place, Any]]:
        portal, operation, place = call
        cap = declared_cap(place.definition) or DEFAULT_CAP
        cursor = place.keys[-1] in ("after", "before") and get_named_type(place.type).name == "String"
        return garbage(place.type, cap, cursor).map(lambda value: (portal, operation, place, value))

    return st.sampled_from(calls).flatmap(with_value)


def assert_coded_and_localized(platform: Platform, response: Any, lang: str, context: Any) -> None:
    """Errors only (GraphQL errors, or a mutation payload's own refusals), each with a code
    other than INTERNAL_ERROR and that code's message in ``lang``."""
    assert response.status_code < 500, (context, response.text)
    body = response.json()
    if body.get("errors"):
        assert body.get("data") is None, (context, body)
        refusals = [(e.get("extensions", {}).get("code"), e["message"]) for e in body["errors"]]
    else:  # refused in the payload (a JSON value where a file belongs is REQUIRED there)
        payloads = list(body["data"].values())
        assert all(p and p.get("errors") for p in payloads), (context, body)
        refusals = [(e["code"], e["message"]) for p in payloads for e in p["errors"]]
    for code, message in refusals:
        assert code and code != "INTERNAL_ERROR", (context, body)
        template = platform.runtime.messages._by_lang[lang].get(code)
        assert template is not None, (context, code)
        at = 0
        for chunk in PLACEHOLDER.split(template):
            found = message.find(chunk, at)
            assert found >= 0, (context, message, template)
            at = found + len(chunk)


def writes(platform: Platform) -> tuple:
    return tuple(f.fingerprint(platform.owner, ("audit_event", "pii_access", "job")).values())


def test_malformed_variables_get_coded_localized_errors_and_write_nothing(platform):
    before = writes(platform)
    tokens = {False: platform.world.tokens["admin"], True: platform.world.tokens["portal"]}

    @settings(max_examples=examples(EXAMPLES), deadline=None, suppress_health_check=list(HealthCheck))
    @given(call=malformed_calls(platform), lang=st.sampled_from(["en", "fr"]))
    def check(call: tuple[bool, Operation, Place, Any], lang: str) -> None:
        portal, operation, place, value = call
        variables = operation.put(place, value)
        response = platform.gql.post(operation.document(), variables, token=tokens[portal], lang=lang, portal=portal)
        assert_coded_and_localized(platform, response, lang, (operation.name, place.path, value))

    check()
    assert writes(platform) == before


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                           max_leaves=6)


def non_requests() -> st.SearchStrategy[bytes]:
    """Bodies that are not a GraphQL request: not JSON, JSON that is not an object, or an
    object whose query, variables, operation name or extensions have the wrong type."""
    not_object = JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode())
    wrong_member = st.one_of(
        st.fixed_dictionaries({"query": JSON_VALUES.filter(lambda v: v is not None and not isinstance(v, str))}),
        st.fixed_dictionaries({"query": st.just("{ __typename }"),
                               "variables": JSON_VALUES.filter(lambda v: v is not None and not isinstance(v, dict))}),
        st.fixed_dictionaries({"query": st.just("{ __typename }"),
                               "extensions": JSON_VALUES.filter(lambda v: v is not None and not isinstance(v, dict))}),
    ).map(lambda v: json.dumps(v).encode())
    not_json = st.binary(max_size=30).filter(lambda b: not _is_json(b))
    return st.one_of(not_object, wrong_member, not_json)


def _is_json(data: bytes) -> bool:
    try:
        json.loads(data)
    except ValueError:
        return False
    return True


def test_bodies_that_are_not_graphql_requests_get_a_coded_400(platform):
    @settings(max_examples=examples(80), deadline=None, suppress_health_check=list(HealthCheck))
    @given(body=non_requests(), path=st.sampled_from(["/graphql", "/portal/graphql"]),
           lang=st.sampled_from(["en", "fr"]))
    def check(body: bytes, path: str, lang: str) -> None:
        response = platform.gql.http.post(path, content=body, headers={"content-type": "application/json",
                                                                       "accept-language": lang})
        assert response.status_code == 400, (body, response.text)
        assert_coded_and_localized(platform, response, lang, body)
        assert response.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}

    check()


def test_the_sample_covers_both_schemas_and_nested_places(platform):
    internal = operations(platform.runtime.schemas.internal._schema)
    portal = operations(platform.runtime.schemas.portal._schema)
    paths = {f"{o.name}:{p.path}" for o in internal for p in o.places()}
    assert {"hireEmployee:input.languages[0].proficiency", "employees:after", "billableHours:to",
            "importTimeEntries:file"} <= paths
    assert {f"{o.name}:{p.path}" for o in portal for p in o.places()} >= {"scheduleAdherence:from"}
