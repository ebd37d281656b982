"""The composed schemas match their committed snapshots; the portal schema carries no PII."""

from __future__ import annotations

import re

import pytest
from graphql import GraphQLObjectType, get_named_type

from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose, sdl, snapshot_path

PII_FIELD = re.compile(
    r"^(legalName|preferredName|firstName|lastName|fullName|displayName|email|phone|address|birthDate|"
    r"dateOfBirth|hireDate|terminationDate|employeeNumber|payRate|sin|ssn|contact)$", re.IGNORECASE)
PERSON_TYPES = {"Employee", "EmployeeContact", "User", "Me", "Assignment"}


@pytest.fixture(scope="module")
def schemas(template):
    return compose(PluginHost(template, builtin_only=True), template)


@pytest.mark.parametrize("portal", [False, True], ids=["internal", "portal"])
def test_composed_schema_matches_the_committed_snapshot(schemas, portal):
    composed = sdl(schemas.portal if portal else schemas.internal)
    committed = snapshot_path(portal).read_text()
    assert composed == committed, "schema drifted: review, then run `switchboard schema export --write" + (
        " --portal`" if portal else "`")


def reachable_types(schema):
    graphql_schema = schema._schema
    seen, stack = {}, [graphql_schema.query_type, graphql_schema.mutation_type]
    while stack:
        t = stack.pop()
        if t is None or t.name in seen or not isinstance(t, GraphQLObjectType):
            continue
        seen[t.name] = t
        for field in t.fields.values():
            stack.append(get_named_type(field.type))
    return seen


def test_portal_types_expose_no_pii(schemas):
    types = reachable_types(schemas.portal)
    assert "Query" in types and not (PERSON_TYPES & set(types))
    for name, t in types.items():
        for field in t.fields:
            assert not PII_FIELD.match(field), f"portal type {name} exposes {field}"


def test_the_pii_check_would_catch_the_internal_schema(schemas):
    """The same walk over the internal schema does find person types: the check has teeth."""
    assert {"Me", "User"} <= set(reachable_types(schemas.internal))
