"""Every string a request passes is capped and NUL-free, in both schemas, before anything runs.

The places are read from the composed schemas: every ``String`` or ``ID`` argument and
every such field of a nested input object (through lists). At each, a value one
character over its cap is ``TOO_LONG`` with that cap, and a NUL character is
``INVALID_CHARACTER``, both naming the place; the cap is the argument's ``@maxLength``
or, where it declares none, the ``max_string_length`` setting (small here).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import pytest
import strawberry
from graphql import get_named_type, get_nullable_type, is_list_type

from switchboard.core.graphql.caps import capped, capped_field, declared_cap
from switchboard.core.hookspecs import hookimpl
from tests.security.operations import Place
from tests.security.running import Platform, audience, built_in_platform, places

DEFAULT_CAP = 40


@strawberry.input
class EchoNote:
    title: str = capped_field(12)
    lines: list[str] = strawberry.field(default_factory=list)


@strawberry.type
class EchoQuery:
    @strawberry.field
    def echo(self, text: str, short: Annotated[str | None, capped(5)] = None, note: EchoNote | None = None) -> str:
        return text


class Echo:
    """A plugin giving the portal schema string arguments (the built-in portal fields take none)."""

    @staticmethod
    @hookimpl
    def switchboard_portal_query():
        return EchoQuery


@pytest.fixture
def platform(template, plugins_template) -> Iterator[Platform]:
    with built_in_platform(template, plugins_template, ("echo", Echo), max_string_length=DEFAULT_CAP) as running:
        yield running


def is_single_string(place: Place) -> bool:
    """A place of one string (not of a list of them)."""
    return get_named_type(place.type).name in ("String", "ID") and not is_list_type(get_nullable_type(place.type))


@pytest.mark.parametrize("portal", [False, True], ids=["internal", "portal"])
def test_every_string_argument_is_capped_and_refuses_nul(platform, portal):
    schema, token = audience(platform, portal)
    checked = []
    for operation, place in places(schema, is_single_string):
        cap = declared_cap(place.definition) or DEFAULT_CAP
        for value, expected in (("x" * (cap + 1), {"code": "TOO_LONG", "argument": place.path, "max": cap}),
                                ("a\x00b", {"code": "INVALID_CHARACTER", "argument": place.path})):
            body = platform.gql(operation.document(), operation.put(place, value), token=token, portal=portal)
            assert body["_status"] == 200 and "data" not in body, (place.path, body)  # a request error
            assert [e["extensions"] for e in body["errors"]] == [expected], (operation.name, body)
        checked.append(f"{operation.name}:{place.path}")
    must = {"echo:text", "echo:note.title", "echo:note.lines[0]"} if portal else {
        "employees:search", "createApiToken:name", "createClient:input.name", "createClient:input.languages[0]",
        "hireEmployee:input.languages[0].language", "login:password"}
    assert must <= set(checked)


def test_a_value_at_its_cap_passes(platform):
    body = platform.gql("query($s: String) { employees(search: $s) { edges { cursor } } }", {"s": "x" * 100},
                        token=platform.world.tokens["admin"])
    assert "errors" not in body and body["data"]["employees"]["edges"] == []


@pytest.mark.parametrize("query, argument, cap", [
    ('{ employees(search: "%s") { edges { cursor } } }' % ("x" * 101), "search", 100),
    ('mutation { createSite(input: {name: "%s", country: "CA", region: "CA-NS", timezone: "America/Halifax"})'
     ' { site { id } } }' % ("y" * (DEFAULT_CAP + 1)), "input.name", DEFAULT_CAP),
    ('mutation { createClient(input: {name: "A", code: "AB", jurisdiction: "CA", timezone: "America/Toronto",'
     ' languages: ["en", "%s"], currency: "CAD", holidayRegion: "CA-ON"}) { client { id } } }'
     % ("z" * (DEFAULT_CAP + 1)), "input.languages[1]", DEFAULT_CAP),
])
def test_literals_are_capped_too(platform, query, argument, cap):
    body = platform.gql(query, token=platform.world.tokens["admin"], lang="fr")
    assert [e["extensions"] for e in body["errors"]] == [{"code": "TOO_LONG", "argument": argument, "max": cap}]
    assert body["errors"][0]["message"] == f"{cap} caractères au maximum."


def test_the_portal_schema_caps_literals_and_nested_inputs(platform):
    body = platform.gql('{ echo(text: "ok", short: "123456", note: {title: "%s", lines: ["a", "b\\u0000"]}) }'
                        % ("t" * 13), token=platform.world.tokens["portal"], portal=True)
    assert [e["extensions"] for e in body["errors"]] == [
        {"code": "TOO_LONG", "argument": "short", "max": 5},
        {"code": "TOO_LONG", "argument": "note.title", "max": 12},
        {"code": "INVALID_CHARACTER", "argument": "note.lines[1]"},
    ]


def test_a_huge_search_never_reaches_the_database(platform):
    """A 500 kB search term (once 9.3 s for 1 MB) is refused at the argument, before any resolver."""
    body = platform.gql("query($s: String) { employees(search: $s) { edges { cursor } } }", {"s": "%" * 500_000},
                        token=platform.world.tokens["admin"])
    assert [e["extensions"] for e in body["errors"]] == [{"code": "TOO_LONG", "argument": "search", "max": 100}]
    assert "locations" in body["errors"][0]
