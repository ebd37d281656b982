"""Both schemas follow the type conventions, by the names of their fields and arguments.

A field (or input field, or argument) whose name says what it holds must use the type
for it: percentages ``Percent``, shares and ratios ``Fraction``, minute counts ``Int``,
hours ``Float``, amounts and rates ``Money`` (plain ``Decimal`` beside a currency in
inputs), and a closed vocabulary an enum, never ``String``. A new module that names a
field ``…Pct`` and types it ``Decimal`` fails here. Exceptions are listed with their
reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

import pytest
import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    get_named_type,
    is_leaf_type,
)

from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose

# (what the name says, the pattern, the named types allowed for an output, for an input)
RULES = [
    ("a percentage", re.compile(r"(pct|percent|percentage)$", re.I), {"Percent"}, {"Percent"}),
    ("a share or ratio", re.compile(r"(fraction|share|ratio|shrinkage|occupancy|occupancyCap|adherence|conformance|"
                                    r"coverage|serviceLevel|utili[sz]ation|gap)$", re.I), {"Fraction"}, {"Fraction"}),
    ("a count of minutes", re.compile(r"minutes$", re.I), {"Int"}, {"Int"}),
    ("hours", re.compile(r"hours(cap)?$", re.I), {"Float"}, {"Float"}),
    ("seconds", re.compile(r"seconds$", re.I), {"Int", "Float"}, {"Int", "Float"}),
    ("an amount or a rate", re.compile(r"(amount|rate|total|creditable)$", re.I), {"Money"}, {"Decimal"}),
    ("a multiplier", re.compile(r"multiplier$", re.I), {"Decimal"}, {"Decimal"}),
    ("a closed vocabulary", re.compile(r"^(kind|status|state|op|operation|channel|method|role|class|activity|source|"
                                       r"category|grouping|solverStatus|hoursClass|premiumPayer|attribution)$", re.I),
     {"enum"}, {"enum"}),
]

EXCEPTIONS = {
    "GapParts.gap": "agent-hours short of the requirement, not a ratio (Float)",
    "InvoiceLine.hours": "hours billed exactly: minutes rounded to the terms' increment ÷ 60 (Decimal)",
    "Money.amount": "the amount of Money itself (Decimal)",
    "Job.kind": "a job kind is declared by any plugin: an open vocabulary",
    "JobUpdate.kind": "a job kind is declared by any plugin: an open vocabulary",
    "Query.jobs(kind)": "a job kind is declared by any plugin: an open vocabulary",
    "Credential.kind": "credential kinds are open (cert:<client>, …), checked by pattern",
    "CredentialInput.kind": "credential kinds are open (cert:<client>, …), checked by pattern",
    "RoleGrant.role": "a role is a row of the role table, listed by the roles query",
    "Mutation.grantRole(role)": "a role is a row of the role table, listed by the roles query",
    "WebhookAttempt.status": "the receiver's HTTP status code (Int)",
}


def named_slots(schema) -> Iterator[tuple[str, str, object, bool]]:
    """(where, name, type, is_input) of every field, input field and argument."""
    for type_name, t in schema._schema.type_map.items():
        if type_name.startswith("__"):
            continue
        if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType)):
            for name, field in t.fields.items():
                yield f"{type_name}.{name}", name, field.type, False
                for arg_name, arg in field.args.items():
                    yield f"{type_name}.{name}({arg_name})", arg_name, arg.type, True
        elif isinstance(t, GraphQLInputObjectType):
            for name, field in t.fields.items():
                yield f"{type_name}.{name}", name, field.type, True


def violations(schema) -> list[str]:
    """Every slot whose type breaks the rule its name falls under."""
    found = []
    for where, name, type_, is_input in named_slots(schema):
        named = get_named_type(type_)
        if not is_leaf_type(named):
            continue  # an object (Lob.serviceLevel: ServiceLevel) holds its own typed fields
        kind = "enum" if isinstance(named, GraphQLEnumType) else named.name
        for what, pattern, outputs, inputs in RULES:
            if pattern.search(name) and where not in EXCEPTIONS:
                allowed = inputs if is_input else outputs
                if kind not in allowed:
                    found.append(f"{where}: {named.name}, but its name says {what} ({' or '.join(sorted(allowed))})")
                break
    return found


@pytest.fixture(scope="module")
def schemas(template):
    return compose(PluginHost(template, builtin_only=True), template)


@pytest.mark.parametrize("portal", [False, True], ids=["internal", "portal"])
def test_fields_are_typed_as_their_names_say(schemas, portal):
    assert violations(schemas.portal if portal else schemas.internal) == []


def test_every_exception_still_exists(schemas):
    """An exception whose field went away is removed, so the list stays honest."""
    slots = {where for s in (schemas.internal, schemas.portal) for where, *_ in named_slots(s)}
    assert sorted(set(EXCEPTIONS) - slots) == []


@strawberry.type
class Careless:
    """What a module following today's habits would add."""

    target_pct: Decimal
    idle_minutes: str
    state: str
    shrinkage: float


@strawberry.type
class CarelessQuery:
    careless: Careless


def test_the_rule_catches_what_it_is_for():
    """A module typing a percentage as Decimal, minutes and a state as String, a share as Float fails."""
    found = violations(strawberry.Schema(query=CarelessQuery))
    assert [v.split(":")[0] for v in found] == ["Careless.targetPct", "Careless.idleMinutes", "Careless.state",
                                                "Careless.shrinkage"]
