"""Searches match what the caller typed, literally: LIKE wildcards in a search are text.

``search: "%"`` matched every row: ``%``, ``_`` and ``\\`` in a search were pattern
syntax. Every search that PostgreSQL answers with ``LIKE``/``ILIKE`` escapes them with
one shared helper; these tests ask over HTTP, for generated strings, that a search
finds exactly the rows whose text contains it (case aside).
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from graphql import GraphQLSchema, GraphQLString, get_named_type, get_nullable_type, is_object_type
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests import factories as f
from tests.conftest import examples

NAMES = ["100% sure", "50_50", "back\\slash", "plain", "a%b", "x_y", "Under_Score", "per%cent", "[brackets]",
         "caret^$", "star*dot.", "quote's", "Zoé", "ALLCAPS", "%_\\", "  padded  "]
ALPHABET = string.ascii_letters + string.digits + " %_\\[]^$*.'\"-+?(){}|é€"
EMPLOYEES = "query($q: String) { employees(first: 100, search: $q) { edges { node { preferredName } } } }"
USERS = "query($q: String) { users(first: 100, search: $q) { edges { node { email } } } }"
PROPERTY = settings(max_examples=examples(150), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def substring(value: str) -> st.SearchStrategy[str]:
    return st.tuples(st.integers(0, len(value)), st.integers(0, len(value))).map(lambda ij: value[min(ij):max(ij)])


SEARCHES = st.one_of(st.text(alphabet=ALPHABET, max_size=4), st.sampled_from(NAMES).flatmap(substring))


@pytest.fixture
def tenant(owner) -> dict:
    """A tenant whose employees and users have names full of pattern characters; its admin's token,
    and a token of one of its client users (the portal)."""
    tenant_id = f.tenant(owner)
    client_id = f.client(owner, tenant_id)
    for n, name in enumerate(NAMES):
        f.employee(owner, tenant_id, preferred_name=name, employee_number=f"N{n:03d}")
        user = f.user(owner, tenant_id, email=f"u{n}{name.replace(' ', '')}@example.com")
        owner.execute(text("UPDATE app_user SET display_name = :d WHERE id = :u"), {"d": name, "u": user})
    admin = f.user(owner, tenant_id, "tenant_admin")
    viewer = f.user(owner, tenant_id, ("client_viewer", client_id, None), kind="client", bound_client=client_id)
    return {"id": tenant_id, "token": f.token(owner, admin), "portal_token": f.token(owner, viewer)}


def literally(needle: str, *values: str) -> bool:
    return any(needle.lower() in v.lower() for v in values)


@given(search=SEARCHES)
@PROPERTY
def test_an_employee_search_finds_exactly_the_names_that_contain_it(owner, gql, tenant, search):
    rows = owner.execute(text("SELECT preferred_name, employee_number FROM employee WHERE tenant_id = :t"),
                         {"t": tenant["id"]}).all()
    needle = search.strip()
    expected = sorted(r.preferred_name for r in rows if not needle or literally(needle, *r))
    body = gql(EMPLOYEES, {"q": search}, token=tenant["token"])
    assert sorted(e["node"]["preferredName"] for e in body["data"]["employees"]["edges"]) == expected


@given(search=SEARCHES)
@PROPERTY
def test_a_user_search_finds_exactly_the_users_whose_email_or_name_contains_it(owner, gql, tenant, search):
    rows = owner.execute(text("SELECT email, display_name FROM app_user WHERE tenant_id = :t"),
                         {"t": tenant["id"]}).all()
    expected = sorted(r.email for r in rows if not search or literally(search, *r))
    body = gql(USERS, {"q": search}, token=tenant["token"])
    assert sorted(e["node"]["email"] for e in body["data"]["users"]["edges"]) == expected


@pytest.mark.parametrize("query, key", [(EMPLOYEES, "employees"), (USERS, "users")], ids=["employees", "users"])
@pytest.mark.parametrize("wildcard", ["%", "_", "\\", "%%", "a%b"])
def test_a_wildcard_is_not_a_pattern(gql, tenant, query, key, wildcard):
    """``search: "%"`` listed every row; now only the rows that contain a ``%``."""
    body = gql(query, {"q": wildcard}, token=tenant["token"])
    assert len(body["data"][key]["edges"]) == sum(wildcard in name for name in NAMES)


WILDCARDS = ("%", "_", "\\")


def searchable_lists(schema: GraphQLSchema) -> tuple[list[str], list[str]]:
    """The root query fields that take ``search`` (connections), and any other field that does."""
    roots, nested = [], []
    for named in schema.type_map.values():
        if named.name.startswith("__") or not is_object_type(named):
            continue
        for name, field in named.fields.items():
            if "search" in field.args:
                (roots if named is schema.query_type else nested).append(f"{named.name}.{name}")
    return roots, nested


def text_fields(schema: GraphQLSchema, connection_field: str) -> list[str]:
    """The text fields (``String``, no arguments) of a connection's nodes."""
    connection = get_named_type(schema.query_type.fields[connection_field].type)
    node = get_named_type(connection.fields["nodes"].type)
    return [name for name, field in node.fields.items()
            if not field.args and get_nullable_type(field.type) is GraphQLString]


def test_every_search_matches_wildcards_literally(runtime, gql, tenant):
    """Walks both schemas: every list that takes ``search``, asked for ``%``, ``_`` and ``\\``,
    answers exactly the rows of the whole list whose text holds that character (some, not all)."""
    failures, searched = [], 0
    for portal, schema in ((False, runtime.schemas.internal), (True, runtime.schemas.portal)):
        roots, nested = searchable_lists(schema._schema)
        assert not nested, f"searches below the root: extend this test to reach them: {nested}"
        token = tenant["portal_token" if portal else "token"]
        for name in (r.split(".")[1] for r in roots):
            searched += 1
            fields = text_fields(schema._schema, name)
            query = f"query($q: String) {{ {name}(first: 100, search: $q) {{ nodes {{ {' '.join(fields)} }} }} }}"
            every = gql(query, {"q": None}, token=token, portal=portal)["data"][name]["nodes"]
            for wildcard in WILDCARDS:
                found = gql(query, {"q": wildcard}, token=token, portal=portal)["data"][name]["nodes"]
                holding = [n for n in every if any(wildcard in (n[k] or "") for k in fields)]
                if not 0 < len(holding) < len(every):
                    failures.append(f"{name}: seed rows with and without {wildcard!r} in the fixture")
                elif found != holding:
                    failures.append(f"{name}({wildcard!r}): {len(found)} rows, not the {len(holding)} holding it")
    assert searched and failures == []


def test_the_pattern_escapes_what_like_would_read_as_syntax():
    from switchboard.core.db.like import ilike_pattern

    assert ilike_pattern("100%_\\") == "%100\\%\\_\\\\%"
    assert ilike_pattern("plain") == "%plain%"


# A pattern operator whose right side is (or is built from) a bind parameter.
PATTERN_OPERATOR = re.compile(r"\b(I?LIKE|SIMILAR\s+TO)\s+(\S*:\w+\b|'[^']*'\s*\|\|)(?!\s+ESCAPE\b)|~\*?\s+:\w+")
SOURCES = Path(__file__).resolve().parents[2]


def test_no_pattern_is_built_from_a_parameter_without_its_escape():
    """Every LIKE/ILIKE/SIMILAR TO over a bound value names its escape character (the value
    comes from :func:`~switchboard.core.db.like.ilike_pattern`); no regular expression is matched
    against a bound value."""
    offenders = [f"{path.relative_to(SOURCES)}: {match.group(0)}"
                 for folder in ("core", "plugins") for path in (SOURCES / folder).rglob("*.py")
                 for match in PATTERN_OPERATOR.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
