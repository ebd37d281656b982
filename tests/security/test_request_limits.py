"""Request limits over real HTTP: validation cost, query cost, body size, statement time.

Each test sends what an attacker (or a careless client) sent and checks the request
is refused with a code before it costs the server: fragment fan-outs that froze
every request in validation, page sizes multiplied through nested lists, oversize
and endless bodies, statements left running after the client hung up.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import graphql.validation.rules.overlapping_fields_can_be_merged as overlapping
import httpx2
import psycopg
import pytest
import strawberry
from graphql import get_introspection_query, parse, validate
from graphql.validation import validation_context
from sqlalchemy import text
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.config import Settings
from switchboard.core.db.server import locate
from switchboard.core.errors import ConfigurationError
from switchboard.core.graphql.limits import measure
from switchboard.core.hookspecs import hookimpl
from switchboard.core.identity.operator import acting_as
from switchboard.schema.compose import checked_documents
from tests import factories as f
from tests.conftest import TEMPLATE, GraphQLClient, cloned_runtime
from tests.live import served


@pytest.fixture
def admin(owner) -> str:
    """A tenant admin's token, in a tenant with a client, a LOB and a site."""
    tenant = f.tenant(owner)
    client = f.client(owner, tenant)
    f.lob(owner, tenant, client)
    f.site(owner, tenant)
    return f.token(owner, f.user(owner, tenant, "tenant_admin"))


def fan_out(levels: int, leaf: str = "email", prefix: str = "F", on: str = "Me") -> str:
    """Fragments that each spread the previous one three times: small, but 3^levels fields expanded."""
    fragments = [f"fragment {prefix}0 on {on} {{ {leaf} }}"]
    fragments += [f"fragment {prefix}{n} on {on} {{ ...{prefix}{n - 1} ...{prefix}{n - 1} ...{prefix}{n - 1} }}"
                  for n in range(1, levels + 1)]
    return " ".join(fragments)


def timed(gql, query: str, variables: dict | None = None, **kw) -> tuple[dict, float]:
    started = time.perf_counter()
    body = gql(query, variables, **kw)
    return body, time.perf_counter() - started


def code(body: dict) -> str:
    return body["errors"][0]["extensions"]["code"]


# -- validation cost ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("leaf, expected", [("email", "QUERY_TOO_COSTLY"), ("a: email", "TOO_MANY_ALIASES")])
def test_a_fragment_fan_out_is_refused_in_milliseconds(admin, gql, leaf, expected):
    """Under 1 KB and 200 tokens, 3^13 fields expanded: Strawberry's depth and alias rules
    walked every expansion (seconds per request); the linear pass refuses it at once."""
    query = "{ me { ...F13 } } " + fan_out(13, leaf)
    assert len(query) < 1024
    body, seconds = timed(gql, query, token=admin)
    assert code(body) == expected
    assert body.get("data") is None
    assert seconds < 0.5


def test_renamed_fragments_are_refused_as_fast_as_a_cached_document(admin, gql):
    """Renaming the fragments makes every document new to the cache: each is still cheap."""
    started = time.perf_counter()
    for n in range(20):
        body = gql(f"{{ me {{ ...R{n}_13 }} }} " + fan_out(13, prefix=f"R{n}_"), token=admin)
        assert code(body) == "QUERY_TOO_COSTLY"
    assert time.perf_counter() - started < 2.0


def test_depth_through_fragments_is_measured(admin, gql):
    """Each fragment nests one level: the depth counts through every spread."""
    fragments = ["fragment D0 on Lob { name }"] + [f"fragment D{n} on Lob {{ client {{ lobs {{ ...D{n - 1} }} }} }}"
                                                    for n in range(1, 7)]
    body = gql("{ lobs(first: 1) { edges { node { ...D6 } } } } " + " ".join(fragments), token=admin, lang="fr")
    assert code(body) == "QUERY_TOO_DEEP"
    assert body["errors"][0]["message"] == "La requête est trop imbriquée (limite 10)."


def test_a_fragment_chain_past_the_interpreter_stack_is_refused_not_crashed(runtime):
    """With a token limit raised, a chain of nested fragments would recurse past Python's
    stack in the linear pass: it is refused as too complex, not an internal error."""
    chain = " ".join(f"fragment C{n} on Lob {{ client {{ lobs {{ ...C{n + 1} }} }} }}" for n in range(600))
    document = parse("{ lobs { edges { node { ...C0 } } } } " + chain + " fragment C600 on Lob { name }")
    checked = measure(runtime.schemas.internal._schema, document, runtime.settings)
    assert [e.original_error.code for e in checked.refusal] == ["QUERY_TOO_COMPLEX"]


def test_repeated_fields_beyond_the_validation_budget_are_refused(runtime, admin, gql):
    """490 copies of one field with a sub-selection: graphql-core compares every pair
    (1.1 s under its default budget); past the platform's budget it stops and says so."""
    query = "{ me { " + " ".join(["grants { role }"] * 490) + " } }"
    body, seconds = timed(gql, query, token=admin)
    assert code(body) == "QUERY_TOO_COMPLEX"
    assert body["errors"][0]["message"] == "The query repeats fields or fragments too often to be checked: simplify it."
    # against graphql-core's own budget on the same document, timed now (the machine is shared)
    assert seconds < uncapped_validation_seconds(runtime, query) / 2


def uncapped_validation_seconds(runtime, query: str) -> float:
    """How long graphql-core's validation of ``query`` takes under its default budgets."""
    schema = runtime.schemas.internal._schema
    saved = overlapping.MAX_COMPLEXITY_BUDGET, validation_context.MAX_FRAGMENT_WORK
    overlapping.MAX_COMPLEXITY_BUDGET, validation_context.MAX_FRAGMENT_WORK = 500_000, 50_000
    try:
        started = time.perf_counter()
        validate(schema, parse(query))
        return time.perf_counter() - started
    finally:
        overlapping.MAX_COMPLEXITY_BUDGET, validation_context.MAX_FRAGMENT_WORK = saved


def test_other_requests_are_served_while_attack_documents_are_checked(admin, gql):
    """A trivial request's latency while one client sends a stream of new costly documents."""
    stop = threading.Event()

    def attack() -> None:
        n = 0
        while not stop.is_set():
            gql(f"{{ me {{ ...X{n}_13 }} }} " + fan_out(13, prefix=f"X{n}_"), token=admin)
            n += 1

    attacker = threading.Thread(target=attack)
    attacker.start()
    try:
        latencies = []
        for _ in range(20):
            body, seconds = timed(gql, "{ __typename }")
            assert body["data"] == {"__typename": "Query"}
            latencies.append(seconds)
    finally:
        stop.set()
        attacker.join()
    assert max(latencies) < 0.5


def test_a_repeated_query_is_measured_and_validated_once(runtime, admin, gql):
    cache = checked_documents(runtime.schemas.internal)
    query = "query Repeated { me { email } clients(first: 5) { edges { node { name } } } }"
    assert "errors" not in gql(query, token=admin)
    misses, hits = cache.misses, cache.hits
    for _ in range(3):
        assert "errors" not in gql(query, token=admin)
    assert cache.misses == misses
    assert cache.hits == hits + 3


# -- query cost ---------------------------------------------------------------------------------------------------

NESTED = """query($n: Int) { clients(first: $n) { edges { node { name lobs { name client { name lobs {
  name client { name lobs { name } } } } } } } } }"""


@pytest.mark.parametrize("lang, message", [
    ("en", "The query would cost 144401, over the limit of 100000: ask for smaller pages or fewer fields."),
    ("fr", "La requête coûterait 144401, au-delà de la limite de 100000 : "
           "demandez des pages plus petites ou moins de champs."),
])
def test_page_sizes_multiply_the_cost_of_what_they_page(admin, gql, lang, message):
    """The same document is cheap for a page of one and refused for a page of 100."""
    assert "errors" not in gql(NESTED, {"n": 1}, token=admin)
    body = gql(NESTED, {"n": 100}, token=admin, lang=lang)
    assert "data" not in body  # refused before execution
    assert body["errors"][0]["extensions"] == {"code": "QUERY_TOO_COSTLY"}
    assert body["errors"][0]["message"] == message


def test_a_costly_mutation_is_refused_before_it_runs(owner, admin, gql):
    """The payload's fragments push the cost over the limit: the site is never created."""
    before = owner.execute(text("SELECT count(*) FROM site")).scalar()
    query = ('mutation { createSite(input: {name: "Halifax", country: "CA", region: "CA-NS", '
             'timezone: "America/Halifax"}) { ...P12 } } ' + fan_out(12, "site { name }", "P", "SitePayload"))
    body = gql(query, token=admin)
    assert code(body) == "QUERY_TOO_COSTLY"
    assert owner.execute(text("SELECT count(*) FROM site")).scalar() == before


def test_the_cost_limit_is_a_setting(template):
    """Limit 350: a page of 50 clients with five fields costs 1 + 50 × 7 = 351, of 49 costs 344."""
    page = "{ clients(first: %d) { edges { node { id name code active timezone } } } }"
    with cloned_runtime(replace(template, max_query_cost=350)) as runtime, TestClient(create_app(runtime)) as http:
        gql = GraphQLClient(http)
        with runtime.owner.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            token = f.token(conn, f.user(conn, f.tenant(conn), "tenant_admin"))
        assert gql(page % 50, token=token)["errors"][0]["message"].startswith("The query would cost 351,")
        assert "errors" not in gql(page % 49, token=token)


def test_the_limits_are_read_from_the_environment():
    assert Settings.from_env({}).max_query_cost == 100_000
    env = {"SWITCHBOARD_MAX_QUERY_COST": "5000", "SWITCHBOARD_MAX_BODY_KB": "64",
           "SWITCHBOARD_STATEMENT_TIMEOUT_MS": "0", "SWITCHBOARD_UPLOAD_STATEMENT_TIMEOUT_MS": "1000"}
    settings = Settings.from_env(env)
    assert (settings.max_query_cost, settings.max_body_bytes, settings.statement_timeout_ms,
            settings.upload_statement_timeout_ms) == (5000, 64 * 1024, 0, 1000)
    defaults = Settings.from_env({})
    assert (defaults.max_body_bytes, defaults.statement_timeout_ms) == (1024 * 1024, 15_000)
    for name, value in (("SWITCHBOARD_MAX_BODY_KB", "0"), ("SWITCHBOARD_STATEMENT_TIMEOUT_MS", "15s"),
                        ("SWITCHBOARD_MAX_QUERY_COST", "-1")):
        with pytest.raises(ConfigurationError):
            Settings.from_env({name: value})


def test_graphiql_and_the_heaviest_legitimate_queries_fit_the_default_limit(admin, gql):
    introspection = gql(get_introspection_query(descriptions=True), token=admin)
    assert "errors" not in introspection
    assert introspection["data"]["__schema"]["queryType"]["name"] == "Query"
    heavy = """{ clients { edges { node { name lobs { name client { code } } } } }
      employees(first: 100) { edges { node { preferredName homeSite { name }
        assignments { role validTo lob { code client { code } } client { name } supervisor { preferredName } }
        credentials { kind status client { code } } } } } }"""
    assert "errors" not in gql(heavy, token=admin)


# -- body size ----------------------------------------------------------------------------------------------------


class Endless:
    """A valid JSON request body of exactly ``total`` bytes, sent in 64 KB chunks; counts
    what the client had to send."""

    HEAD, TAIL = b'{"query": "{ __typename }", "variables": {"pad": "', b'"}}'

    def __init__(self, total: int) -> None:
        self.total, self.sent = total, 0

    def __iter__(self) -> Iterator[bytes]:
        self.sent = len(self.HEAD)
        yield self.HEAD
        while self.sent < self.total - len(self.TAIL):
            chunk = b"x" * min(65536, self.total - len(self.TAIL) - self.sent)
            self.sent += len(chunk)
            yield chunk
        self.sent += len(self.TAIL)
        yield self.TAIL


@pytest.mark.parametrize("lang, message", [("en", "The request body exceeds the limit of 1024 KB."),
                                           ("fr", "Le corps de la requête dépasse la limite de 1024 Ko.")])
def test_a_body_declared_over_the_cap_is_refused_unread(gql, lang, message):
    pad = "x" * (1024 * 1024)
    response = gql.http.post("/graphql", content=json.dumps({"query": "{ __typename }", "variables": {"p": pad}}),
                             headers={"content-type": "application/json", "accept-language": lang})
    assert response.status_code == 413
    assert response.json()["errors"] == [{"message": message, "extensions": {"code": "BODY_TOO_LARGE"}}]
    assert response.headers["connection"] == "close"


def test_a_body_just_under_the_cap_is_served(gql):
    pad = "x" * (1024 * 1024 - 100)
    response = gql.http.post("/graphql", json={"query": "{ __typename }", "variables": {"p": pad}})
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_100_mb_body_is_cut_at_the_cap_not_read(runtime, declared):
    """An anonymous 100 MB body (declared, or chunked with no length): refused after at
    most the cap and the socket buffers, the connection closed, the rest never sent."""
    body = Endless(100 * 1024 * 1024)
    headers = {"content-type": "application/json"}
    if declared:
        headers["content-length"] = str(body.total)
    with served(runtime) as url, httpx2.Client(timeout=30) as http:
        response = http.post(f"{url}/graphql", content=iter(body), headers=headers)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"] == {"code": "BODY_TOO_LARGE"}
    assert body.sent < 16 * 1024 * 1024


def multipart(size: int = 0, file: bytes | None = None) -> dict:
    """A GraphQL multipart request carrying a file the operation ignores: ``file``, or
    ``size`` bytes of x."""
    operations = {"query": "{ __typename }", "variables": {"f": None}}
    return {"files": {"0": ("big.csv", b"x" * size if file is None else file, "text/csv")},
            "data": {"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.f"]})}}


def test_uploads_keep_their_own_cap(runtime, admin, gql):
    bearer = {"authorization": f"Bearer {admin}"}
    response = gql.http.post("/graphql", headers=bearer, **multipart(3 * 1024 * 1024))
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"__typename": "Query"}


def test_a_chunked_upload_over_its_cap_is_cut_while_it_streams(runtime, admin):
    """The upload cap was only checked against Content-Length: a chunked upload was
    spooled whole before anything looked at its size. The file here is 64 times the cap and
    generated as it is sent; the refusal must come long before its end (loopback socket
    buffers hold a few megabytes, so "long before" is a quarter of the body)."""
    runtime.settings = replace(runtime.settings, max_upload_bytes=1024 * 1024)
    body = 64 * 1024 * 1024
    marker = b"\x00file\x00"
    request = httpx2.Request("POST", "http://x/graphql", **multipart(file=marker))
    head, tail = request.read().split(marker)
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield head
        for _ in range(body // 65536):
            sent += 65536
            yield b"x" * 65536
        yield tail

    headers = {"authorization": f"Bearer {admin}", "content-type": request.headers["content-type"]}
    with served(runtime) as url, httpx2.Client(timeout=30) as http:
        response = http.post(f"{url}/graphql", content=chunks(), headers=headers)
    assert response.status_code == 413
    assert response.json()["errors"][0] == {"message": "The upload exceeds the limit of 1 MB.",
                                            "extensions": {"code": "UPLOAD_TOO_LARGE"}}
    assert sent < body // 4


# -- statement timeout and disconnects ----------------------------------------------------------------------------


@strawberry.type
class SlowQuery:
    @strawberry.field(description="Sleeps in PostgreSQL (tests only).")
    async def sleep(self, info: strawberry.Info, seconds: float) -> bool:
        return await info.context.db.scalar("SELECT true FROM pg_sleep(:s)", {"s": seconds})

    @strawberry.field(description="The statement timeout of the request's transaction (tests only).")
    async def statement_timeout(self, info: strawberry.Info) -> str:
        return await info.context.db.scalar("SELECT current_setting('statement_timeout')")


class Slow:
    """A test-only plugin whose query fields sleep in PostgreSQL."""

    @hookimpl
    def switchboard_graphql_query(self):
        return SlowQuery


@contextmanager
def slow_runtime(template, **settings) -> Iterator:
    with cloned_runtime(replace(template, **settings), TEMPLATE, ("slow", Slow())) as runtime:
        yield runtime


@pytest.fixture
def slow(template):
    """A runtime with the sleeping fields, whose request statements may run 500 ms."""
    with slow_runtime(template, statement_timeout_ms=500) as runtime:
        yield runtime


@pytest.mark.parametrize("lang, message", [
    ("en", "The request took longer than 0.5 s in the database and was stopped: narrow it down."),
    ("fr", "La requête a duré plus de 0,5 s dans la base de données et a été interrompue : restreignez-la."),
])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "token"])
def test_a_slow_statement_is_cut_by_the_timeout_with_a_code(slow, signed_in, lang, message):
    with slow.owner.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        token = f.token(conn, f.user(conn, f.tenant(conn), "tenant_admin")) if signed_in else None
    with TestClient(create_app(slow)) as http:
        body, seconds = timed(GraphQLClient(http), "{ sleep(seconds: 5) }", token=token, lang=lang)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "STATEMENT_TIMEOUT"}
    assert body["errors"][0]["message"] == message
    assert seconds < 3


def test_the_timeout_is_local_to_the_request_transaction(slow):
    """The next transaction on the same pooled connection has the server's default again;
    a job's (or a command's) transaction has none of the requests' timeout."""
    with TestClient(create_app(slow)) as http:
        gql = GraphQLClient(http)
        assert gql("{ statementTimeout }")["data"] == {"statementTimeout": "500ms"}
        assert gql("{ sleep(seconds: 5) }")["errors"][0]["extensions"]["code"] == "STATEMENT_TIMEOUT"
        slow.settings = replace(slow.settings, statement_timeout_ms=0)  # no timeout: nothing set
        assert gql("{ statementTimeout }")["data"] == {"statementTimeout": "0"}
    with slow.owner.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT")
        email = conn.execute(text("SELECT email FROM app_user WHERE id = :u"),
                             {"u": f.user(conn, f.tenant(conn), "tenant_admin")}).scalar()

    async def in_a_job() -> str:
        async with acting_as(slow, email, name="test") as (db, _caller):
            return await db.scalar("SELECT current_setting('statement_timeout')")

    import asyncio

    assert asyncio.run(in_a_job()) == "0"


def test_concurrent_first_statements_share_one_connection(slow):
    """Two root fields reach the database at once before anything opened the transaction
    (no token): both used to open a connection, one of them never returned to the pool."""
    with TestClient(create_app(slow)) as http:
        for _ in range(3):
            body = GraphQLClient(http)("{ a: statementTimeout b: statementTimeout }")
            assert body["data"] == {"a": "500ms", "b": "500ms"}
        assert slow.engine.pool.checkedout() == 0


def sleeping_backends(runtime) -> list[tuple[int, str]]:
    """Backends of the app running ``pg_sleep`` in the runtime's database (as the superuser, who sees them all)."""
    with psycopg.connect(locate(runtime.settings).admin_url, autocommit=True) as conn:
        return conn.execute("SELECT pid, state FROM pg_stat_activity WHERE datname = %s"
                            " AND application_name = 'switchboard' AND query LIKE '%%pg_sleep%%'"
                            " AND state <> 'idle'", (runtime.database.name,)).fetchall()


def wait_for(predicate, seconds: float) -> float:
    """Seconds until ``predicate()`` held (raises when it did not within ``seconds``)."""
    started = time.monotonic()
    while not predicate():
        assert time.monotonic() - started < seconds, "not within the time allowed"
        time.sleep(0.05)
    return time.monotonic() - started


def test_a_client_that_hangs_up_leaves_no_statement_running(template):
    """The client gives up after 1 s on a 60 s statement: the server cancels the statement,
    the transaction and its pooled connection, and serves the next request normally."""
    with slow_runtime(template, statement_timeout_ms=120_000) as runtime, served(runtime) as url:
        def hang_up() -> None:
            with httpx2.Client(timeout=1.5) as http, pytest.raises(httpx2.ReadTimeout):
                http.post(f"{url}/graphql", json={"query": "{ sleep(seconds: 60) }"})

        client = threading.Thread(target=hang_up)
        client.start()
        wait_for(lambda: [state for _, state in sleeping_backends(runtime)] == ["active"], 5)
        client.join()
        assert wait_for(lambda: not sleeping_backends(runtime), 2) < 2  # PostgreSQL logs: canceled by user request
        with httpx2.Client(timeout=10) as http:
            for _ in range(3):
                answer = http.post(f"{url}/graphql", json={"query": "{ sleep(seconds: 0) statementTimeout }"})
                assert answer.json()["data"] == {"sleep": True, "statementTimeout": "2min"}
