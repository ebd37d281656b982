"""Planned completion answers exactly what graphql-core's own completion answers.

A small schema with every shape a plan handles (non-null and nullable scalars, enums,
lists, nested objects, aliases, fragments, ``@skip``/``@include``, ``__typename``) and
every shape it must leave to graphql-core (a resolver field, an interface, a union).
Hypothesis draws the data — often wrong: nulls for non-null fields, values a scalar
cannot serialize, exceptions, tuples and strings where lists belong — and the query;
both execution contexts must give the same data and the same errors at the same paths.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from types import SimpleNamespace
from typing import Any, NewType

import pytest
import strawberry
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from switchboard.core.graphql.execution import PlannedExecutionContext
from tests import factories as f
from tests.conftest import examples


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


Even = NewType("Even", int)  # serialized to null when odd
Label = NewType("Label", str)  # serializes anything at all
SCALARS = StrawberryConfig(scalar_map={
    Even: strawberry.scalar(name="Even", serialize=lambda v: v if v % 2 == 0 else None, parse_value=int),
    Label: strawberry.scalar(name="Label", serialize=str, parse_value=str),
})


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Leaf(Named):
    count: int | None
    tags: list[str]
    colour: Colour


@strawberry.type
class Plain:
    code: str
    day: date | None
    words: list[str]
    even: Even | None
    label: Label


@strawberry.type
class Node:
    id: strawberry.ID
    label: str | None
    score: float
    ok: bool
    plain: Plain
    maybe_plain: Plain | None
    plains: list[Plain]
    loose_plains: list[Plain | None] | None
    leaf: Leaf
    either: Plain | Leaf | None

    @strawberry.field
    def shout(self) -> str:
        return str(self.label).upper()


@strawberry.type
class Query:
    @strawberry.field
    def nodes(self, info: strawberry.Info) -> list[Node]:
        return info.context["nodes"]


PLANNED = strawberry.Schema(query=Query, config=SCALARS, execution_context_class=PlannedExecutionContext)
STOCK = strawberry.Schema(query=Query, config=SCALARS, execution_context_class=StrawberryGraphQLCoreExecutionContext)

BROKEN = st.sampled_from([None, "text", 1.5, ValueError("boom"), object()])


def value(good: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Mostly a well-typed value, sometimes a broken one."""
    return st.one_of(good, good, good, BROKEN)


def plains() -> st.SearchStrategy[Any]:
    plain = st.builds(Plain, code=value(st.text(max_size=3)), day=value(st.dates()),
                      words=lists(value(st.text(max_size=2))), even=value(st.integers(0, 3)),
                      label=value(st.text(max_size=2)))
    return value(plain)


def lists(item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.lists(item, max_size=3), st.lists(item, max_size=3).map(tuple), BROKEN)


LEAVES = value(st.builds(Leaf, name=value(st.text(max_size=3)), count=value(st.integers(-5, 5)),
                         tags=lists(value(st.text(max_size=2))), colour=value(st.sampled_from(list(Colour)))))
LOOKALIKE = st.builds(SimpleNamespace, name=st.just("x"), count=st.just(1), tags=st.just([]),
                      colour=st.just(Colour.RED))  # every field of Leaf, but not a Leaf
NODES = st.lists(st.builds(
    Node, id=value(st.uuids().map(str)), label=value(st.text(max_size=3)), score=value(st.floats(-1, 1)),
    ok=value(st.booleans()), plain=plains(), maybe_plain=plains(), plains=lists(plains()),
    loose_plains=lists(plains()), leaf=st.one_of(LEAVES, LOOKALIKE), either=st.one_of(plains(), LEAVES)), max_size=4)

PLAIN_SEL = ["code", "day", "words", "even", "label", "__typename", "alias: code"]
LEAF_SEL = ["name", "count", "tags", "colour", "__typename", "... on Named { name }"]
NODE_FIELDS = {
    "id": None, "label": None, "score": None, "ok": None, "shout": None, "__typename": None,
    "plain": PLAIN_SEL, "maybePlain": PLAIN_SEL, "plains": PLAIN_SEL, "loosePlains": PLAIN_SEL, "leaf": LEAF_SEL,
}
EITHER = "either { __typename ... on Plain { code } ... on Leaf { name count } }"


@st.composite
def selections(draw: st.DrawFn, choices: list[str]) -> str:
    picked = draw(st.lists(st.sampled_from(choices), min_size=1, max_size=4))
    return " ".join(picked)


@st.composite
def queries(draw: st.DrawFn) -> str:
    """A valid query: its variable declared and its fragment defined only when used."""
    parts = []
    for name in draw(st.lists(st.sampled_from(sorted(NODE_FIELDS)), min_size=1, max_size=6, unique=True)):
        sub = NODE_FIELDS[name]
        alias = draw(st.sampled_from(["", f"{name}Again: "]))
        directive = draw(st.sampled_from(["", " @include(if: $on)", " @skip(if: $on)"]))
        body = f"{alias}{name}{directive}" + (f" {{ {draw(selections(sub))} }}" if sub else "")
        parts.append(draw(st.sampled_from(["{}", "... on Node {{ {} }}", "{} ...Extra"])).format(body))
    if draw(st.booleans()):
        parts.append(EITHER)
    query = " ".join(parts)
    variables = "($on: Boolean!)" if "$on" in query else ""
    fragment = " fragment Extra on Node { ok plain { code } }" if "...Extra" in query else ""
    return f"query{variables} {{ nodes {{ {query} }} }}{fragment}"


def answer(schema: strawberry.Schema, query: str, nodes: list[Node], on: bool) -> tuple[Any, list[Any]]:
    variables = {"on": on} if "$on" in query else None
    result = schema.execute_sync(query, variable_values=variables, context_value={"nodes": nodes})
    errors = sorted((e.message, tuple(e.path or ())) for e in result.errors or [])
    assert all(path for _, path in errors), errors  # execution errors only: the query itself is valid
    return result.data, errors


@settings(max_examples=examples(400), deadline=None)
@given(query=queries(), nodes=NODES, on=st.booleans())
def test_planned_completion_equals_graphql_cores(query, nodes, on):
    assert answer(PLANNED, query, nodes, on) == answer(STOCK, query, nodes, on)


def plain(**values: Any) -> Plain:
    return Plain(**{"code": "a", "day": None, "words": [], "even": 2, "label": "l", **values})


def node(**values: Any) -> Node:
    return Node(**{"id": "1", "label": "x", "score": 0.5, "ok": True, "plain": plain(), "maybe_plain": None,
                   "plains": [], "loose_plains": None, "leaf": Leaf(name="n", count=1, tags=[], colour=Colour.RED),
                   "either": None, **values})


@pytest.mark.parametrize("selection, bad", [
    ("plain { words }", node(plain=plain(words="text"))),  # a string is not a list of its letters
    ("plain { even }", node(plain=plain(even=3))),  # the scalar serializes it to null
    ("maybePlain { label }", node(maybe_plain=plain(label=ValueError("boom")))),  # an exception is an error
    ("plains { code }", node(plains=[plain(), None])),  # null in a list of non-null
    ("plains { code }", node(plains=None)),  # null for a non-null list
    ("leaf { name }", node(leaf=SimpleNamespace(name="x", count=1, tags=[], colour=Colour.RED))),  # not a Leaf
])
def test_values_a_plan_leaves_to_graphql_core(selection, bad):
    query = f"{{ nodes {{ id {selection} }} }}"
    stock = answer(STOCK, query, [node(), bad], True)
    assert stock[1], "the value is an error"
    assert answer(PLANNED, query, [node(), bad], True) == stock


def counted(execute_field: Any) -> Any:
    """``execute_field`` counting its calls in ``Counting.fields_executed``."""
    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        Counting.fields_executed += 1
        return execute_field(self, *args, **kwargs)

    return counting


class Counting(PlannedExecutionContext):
    """Counts the fields graphql-core executes one by one (a plan's are not)."""

    fields_executed = 0
    execute_field = counted(PlannedExecutionContext.execute_field)


def test_a_plain_page_is_completed_by_its_plan_alone():
    schema = strawberry.Schema(query=Query, config=SCALARS, execution_context_class=Counting)
    nodes = [node(id=str(n), plains=[plain(day=date(2026, 1, 1), words=["w"], even=None)]) for n in range(50)]
    query = "{ nodes { id label plain { code __typename } plains { code day } maybePlain { code } } }"
    Counting.fields_executed = 0
    assert schema.execute_sync(query, context_value={"nodes": nodes}).data == \
        STOCK.execute_sync(query, context_value={"nodes": nodes}).data
    assert Counting.fields_executed == 1  # only the root field
    Counting.fields_executed = 0  # a resolver field
    schema.execute_sync("{ nodes { id shout } }", context_value={"nodes": nodes})
    assert Counting.fields_executed >= 1 + 2 * len(nodes)
    Counting.fields_executed = 0  # an interface's implementation: the plan runs Strawberry's type check
    schema.execute_sync("{ nodes { id leaf { name } } }", context_value={"nodes": nodes})
    assert Counting.fields_executed == 1


@pytest.mark.parametrize("endpoint", ["internal", "portal"])
def test_both_schemas_plan_their_completion(runtime, endpoint):
    schema = getattr(runtime.schemas, endpoint)
    assert schema.execution_context_class is PlannedExecutionContext


def test_an_eligibility_page_over_http_is_completed_by_its_plan_whatever_its_size(owner, gql, monkeypatch):
    """The edges of a page are completed by the plan: the fields graphql-core executes one by one
    (the root field and pageInfo's resolvers) do not grow with the page."""
    tenant = f.tenant(owner)
    client = f.client(owner, tenant)
    lob = f.lob(owner, tenant, client)
    token = f.token(owner, f.user(owner, tenant, "tenant_admin"))
    monkeypatch.setattr(PlannedExecutionContext, "execute_field", counted(PlannedExecutionContext.execute_field))
    executed = {}
    for size in (5, 20):
        while len(owner.execute(text("SELECT id FROM employee WHERE tenant_id = :t"), {"t": tenant}).all()) < size:
            f.employee(owner, tenant, preferred_name="Agent")
        Counting.fields_executed = 0
        body = gql("""query($lob: UUID!) { eligibleAgents(lobId: $lob, start: "2026-03-02T09:00:00Z",
                        end: "2026-03-02T17:00:00Z", first: 50) { edges { node { eligible employee { id preferredName }
                        reasons { code credentialKind date } } } pageInfo { hasNextPage } } }""",
                   {"lob": str(lob)}, token=token)
        assert len(body["data"]["eligibleAgents"]["edges"]) == size
        assert {r["code"] for e in body["data"]["eligibleAgents"]["edges"] for r in e["node"]["reasons"]} \
            == {"NO_ACTIVE_ASSIGNMENT"}
        executed[size] = Counting.fields_executed
    assert executed[5] == executed[20] <= 4, executed  # the root field and pageInfo's, never an edge's
