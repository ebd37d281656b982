"""``mutate``: a mutation's result or its coded errors, and nothing written when refused."""

from __future__ import annotations

import ast
import asyncio
import inspect
import textwrap
from collections.abc import Iterator
from enum import Enum
from types import SimpleNamespace

import pytest
import strawberry
from sqlalchemy import text

from switchboard.core.errors import UserError, ValidationErrors
from switchboard.core.graphql.access import signed_in
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.hookspecs import hookimpl
from switchboard.core.plugin_host import PluginHost
from switchboard.schema.compose import compose
from tests.conftest import TEMPLATE, cloned_runtime, graphql_client
from tests.world import build_world


@strawberry.enum
class ProbeOutcome(Enum):
    RETURN = "return"
    REFUSE = "refuse"
    REFUSE_SEVERAL = "refuse_several"
    VIOLATE = "violate"
    FAIL = "fail"


@strawberry.type
class ProbeCodesPayload:
    codes: list[str]
    errors: list[UserErrorType]


@strawberry.type
class ProbePairPayload:
    first: str | None
    done: bool
    errors: list[UserErrorType]


async def write_then(ctx, codes: list[str], outcome: ProbeOutcome) -> list[str]:
    """Add a client per code, then end as ``outcome`` says."""
    for code in [*codes, *codes[:1]] if outcome is ProbeOutcome.VIOLATE else codes:
        await ctx.db.execute(
            "INSERT INTO client (tenant_id, name, code, jurisdiction, timezone, languages, currency, holiday_region)"
            " VALUES (:t, :code, :code, 'CA-ON', 'America/Toronto', '{en}', 'CAD', 'CA-ON')",
            {"t": ctx.me.tenant_id, "code": code})
    if outcome is ProbeOutcome.REFUSE:
        raise UserError("CODE_TAKEN", "codes")
    if outcome is ProbeOutcome.REFUSE_SEVERAL:
        raise ValidationErrors([UserError("REQUIRED", "codes.0"), UserError("CODE_TAKEN", "codes.1")])
    if outcome is ProbeOutcome.FAIL:
        await ctx.db.execute("SELECT 1 / 0")
    return codes


@strawberry.type
class ProbeMutation:
    @strawberry.mutation(extensions=[signed_in()])
    async def probe_codes(self, info: strawberry.Info, codes: list[str], outcome: ProbeOutcome) -> ProbeCodesPayload:
        return await mutate(info, ProbeCodesPayload, lambda: write_then(info.context, codes, outcome),
                            lambda written: [c.lower() for c in written])

    @strawberry.mutation(extensions=[signed_in()])
    async def probe_pair(self, info: strawberry.Info, codes: list[str], outcome: ProbeOutcome,
                         keep_writes: bool = False) -> ProbePairPayload:
        return await mutate(info, ProbePairPayload, lambda: write_then(info.context, codes, outcome),
                            fields={"first": lambda written: written[0], "done": lambda _: True},
                            keep_writes=keep_writes)


class ProbePlugin:
    @hookimpl
    def switchboard_graphql_mutation(self):
        return ProbeMutation


CODES = "mutation($c: [String!]!, $o: ProbeOutcome!) { probeCodes(codes: $c, outcome: $o) {" \
        " codes errors { code field message } } }"
PAIR = "mutation($c: [String!]!, $o: ProbeOutcome!, $k: Boolean!) { probePair(codes: $c, outcome: $o," \
       " keepWrites: $k) { first done errors { code field } } }"
TAKEN = {"code": "CODE_TAKEN", "field": "codes", "message": "This code is already used."}


@pytest.fixture(scope="module")
def probe(template) -> Iterator[SimpleNamespace]:
    with cloned_runtime(template, TEMPLATE, ("probe", ProbePlugin())) as runtime, graphql_client(runtime) as gql:
        with runtime.owner.begin() as conn:
            admin = build_world(conn).tokens["admin"]

        def call(query: str, codes: list[str], outcome: str, lang: str | None = None, **more) -> dict:
            return gql(query, {"c": codes, "o": outcome, **more}, token=admin, lang=lang)

        def written(prefix: str) -> list[str]:
            with runtime.owner.connect() as conn:
                return list(conn.execute(text("SELECT code FROM client WHERE code LIKE :p ORDER BY code"),
                                         {"p": f"{prefix}%"}).scalars())

        yield SimpleNamespace(call=call, written=written)


def test_a_result_fills_the_payloads_one_result_field_and_is_kept(probe):
    body = probe.call(CODES, ["RET-1", "RET-2"], "RETURN")
    assert body["data"]["probeCodes"] == {"codes": ["ret-1", "ret-2"], "errors": []}
    assert probe.written("RET-") == ["RET-1", "RET-2"]


def test_a_user_error_answers_coded_and_localized_and_writes_nothing(probe):
    assert probe.call(CODES, ["REF-1"], "REFUSE")["data"]["probeCodes"] == {"codes": [], "errors": [TAKEN]}
    french = probe.call(CODES, ["REF-2"], "REFUSE", lang="fr")["data"]["probeCodes"]["errors"]
    assert french == [{**TAKEN, "message": "Ce code est déjà utilisé."}]
    assert probe.written("REF-") == []


def test_validation_errors_answer_every_error_in_order_and_write_nothing(probe):
    body = probe.call(CODES, ["SEV-1", "SEV-2"], "REFUSE_SEVERAL")
    assert body["data"]["probeCodes"] == {"codes": [], "errors": [
        {"code": "REQUIRED", "field": "codes.0", "message": "This field is required."},
        {**TAKEN, "field": "codes.1"}]}
    assert probe.written("SEV-") == []


def test_a_declared_constraint_violation_answers_its_code_and_writes_nothing(probe):
    body = probe.call(CODES, ["VIO-1", "VIO-2"], "VIOLATE")  # VIO-1 twice: client_tenant_id_code_key
    assert body["data"]["probeCodes"] == {"codes": [], "errors": [{**TAKEN, "field": "code"}]}
    assert probe.written("VIO-") == []


def test_any_other_failure_fails_the_request_and_writes_nothing(probe):
    body = probe.call(CODES, ["FAIL-1"], "FAIL")
    assert body["data"] is None and body["errors"][0]["extensions"] == {"code": "INTERNAL_ERROR"}
    assert probe.written("FAIL-") == []


def test_fields_builds_each_result_field_and_a_refusal_empties_them(probe):
    done = probe.call(PAIR, ["PAIR-1", "PAIR-2"], "RETURN", k=False)["data"]["probePair"]
    assert done == {"first": "PAIR-1", "done": True, "errors": []}
    refused = probe.call(PAIR, ["PAIR-3"], "REFUSE", k=False)["data"]["probePair"]
    assert refused == {"first": None, "done": False, "errors": [{"code": "CODE_TAKEN", "field": "codes"}]}
    assert probe.written("PAIR-") == ["PAIR-1", "PAIR-2"]


def test_keep_writes_keeps_a_refused_actions_writes_but_not_a_database_error(probe):
    refused = probe.call(PAIR, ["KEEP-1"], "REFUSE", k=True)["data"]["probePair"]
    assert refused == {"first": None, "done": False, "errors": [{"code": "CODE_TAKEN", "field": "codes"}]}
    assert probe.written("KEEP-") == ["KEEP-1"]
    violated = probe.call(PAIR, ["KEPT-1"], "VIOLATE", k=True)
    assert violated["data"] is None and violated["errors"][0]["extensions"] == {"code": "INTERNAL_ERROR"}
    assert probe.written("KEPT-") == []


@strawberry.type
class CountPayload:
    count: int
    errors: list[UserErrorType]


async def nothing() -> None:
    """Never awaited: each call below is refused before the action runs."""


@pytest.mark.parametrize(("payload", "kwargs", "message"), [
    (ProbePairPayload, {}, r"ProbePairPayload has result fields \['done', 'first'\]: pass fields="),
    (ProbePairPayload, {"fields": {"first": str}}, r"fields= names \['first'\]"),
    (CountPayload, {}, r"CountPayload.count must be nullable, a list or a Boolean"),
])
def test_a_payload_that_mutate_cannot_fill_is_a_programming_error(payload, kwargs, message):
    with pytest.raises(TypeError, match=message):
        asyncio.run(mutate(None, payload, nothing, **kwargs))


def calls_mutate(resolver) -> bool:
    tree = ast.parse(textwrap.dedent(inspect.getsource(resolver)))
    return any(isinstance(n, ast.Call) and getattr(n.func, "id", None) == "mutate" for n in ast.walk(tree))


def test_every_mutation_of_every_module_answers_through_mutate(template):
    schemas = compose(PluginHost(template), template)
    mutations = {(audience, field.name): field.base_resolver.wrapped_func
                 for audience, schema in (("internal", schemas.internal), ("portal", schemas.portal))
                 for field in schema.get_type_by_name("Mutation").fields}
    assert ("internal", "add_sample_note") in mutations and ("portal", "login") in mutations
    assert [name for name, resolver in mutations.items() if not calls_mutate(resolver)] == []
