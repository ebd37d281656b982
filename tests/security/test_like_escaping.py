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
    """A tenant whose employees and users have names full of pattern characters; its admin's token."""
    tenant_id = f.tenant(owner)
    for n, name in enumerate(NAMES):
        f.employee(owner, tenant_id, preferred_name=name, employee_number=f"N{n:03d}")
        user = f.user(owner, tenant_id, email=f"u{n}{name.replace(' ', '')}@example.com")
        owner.execute(text("UPDATE app_user SET display_name = :d WHERE id = :u"), {"d": name, "u": user})
    admin = f.user(owner, tenant_id, "tenant_admin")
    return {"id": tenant_id, "token": f.token(owner, admin)}


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


def test_the_pattern_escapes_what_like_would_read_as_syntax():
    from switchboard.core.db.like import contains

    assert contains("100%_\\") == "%100\\%\\_\\\\%"
    assert contains("plain") == "%plain%"


# A pattern operator whose right side is (or is built from) a bind parameter.
PATTERN_OPERATOR = re.compile(r"\b(I?LIKE|SIMILAR\s+TO)\s+(\S*:\w+\b|'[^']*'\s*\|\|)(?!\s+ESCAPE\b)|~\*?\s+:\w+")
SOURCES = Path(__file__).resolve().parents[2]


def test_no_pattern_is_built_from_a_parameter_without_its_escape():
    """Every LIKE/ILIKE/SIMILAR TO over a bound value names its escape character (the value
    comes from :func:`contains`); no regular expression is matched against a bound value."""
    offenders = [f"{path.relative_to(SOURCES)}: {match.group(0)}"
                 for folder in ("core", "plugins") for path in (SOURCES / folder).rglob("*.py")
                 for match in PATTERN_OPERATOR.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []
