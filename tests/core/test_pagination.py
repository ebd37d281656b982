"""Connections both ways: ``first``/``after`` and ``last``/``before`` over one keyset, ``totalCount``
and the far page-info flag counted only when asked."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests import factories as f

NAMES = ["Alder", "Birch", "Birch", "Cedar", "Dogwood", "Dogwood", "Dogwood", "Elm", "Fir", "Ginkgo", "Hazel"]

PAGE = """query($first: Int, $after: String, $last: Int, $before: String) {
  clients(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id: databaseId name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


@pytest.fixture
def trees(owner):
    """A tenant admin's token and the tenant's clients in the order ``clients`` lists them
    (name, then id: equal names make the id decide)."""
    tenant = f.tenant(owner)
    ids = [f.client(owner, tenant, name=name, code=f"T{n:02d}") for n, name in enumerate(NAMES)]
    expected = sorted(zip(NAMES, ids, strict=True), key=lambda pair: (pair[0], UUID(str(pair[1]))))
    return f.token(owner, f.user(owner, tenant, "tenant_admin")), [str(i) for _, i in expected]


def page(gql, token, **arguments):
    body = gql(PAGE, arguments, token=token)
    assert "errors" not in body, body
    return body["data"]["clients"]


def ids_of(found):
    return [e["node"]["id"] for e in found["edges"]]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.integers(1, 5))
def test_forward_and_backward_walks_return_every_row_once_in_order(trees, gql, size):
    token, expected = trees
    forward, after = [], None
    while True:
        found = page(gql, token, first=size, after=after)
        forward += ids_of(found)
        assert found["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]
    backward, before = [], None
    while True:
        found = page(gql, token, last=size, before=before)
        backward = ids_of(found) + backward
        assert found["pageInfo"]["hasNextPage"] is (before is not None)
        if not found["pageInfo"]["hasPreviousPage"]:
            break
        before = found["pageInfo"]["startCursor"]
    assert forward == expected
    assert backward == expected


MOVES = st.lists(st.tuples(st.sampled_from(["next", "previous"]), st.integers(1, 4)), min_size=1, max_size=8)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(1, 4), moves=MOVES)
def test_any_walk_back_and_forth_shows_the_rows_next_to_the_page(trees, gql, start, moves):
    """From any page, the next ``k`` after its end cursor and the ``k`` before its start cursor
    are exactly the neighbouring rows of the list, and the flags say whether more lie beyond."""
    token, expected = trees
    found, low, high = page(gql, token, first=start), 0, min(start, len(expected))
    for move, k in moves:
        assert ids_of(found) == expected[low:high]
        assert found["pageInfo"]["hasPreviousPage"] is (low > 0)
        assert found["pageInfo"]["hasNextPage"] is (high < len(expected))
        if low == high:  # an empty page has no cursor to move from
            break
        if move == "next":
            found = page(gql, token, first=k, after=found["pageInfo"]["endCursor"])
            low, high = high, min(high + k, len(expected))
        else:
            found = page(gql, token, last=k, before=found["pageInfo"]["startCursor"])
            low, high = max(low - k, 0), low
    assert ids_of(found) == expected[low:high]


def test_both_cursors_bound_a_window(trees, gql):
    token, expected = trees
    after = page(gql, token, first=2)["pageInfo"]["endCursor"]  # after the 2nd row
    before = page(gql, token, last=2)["pageInfo"]["startCursor"]  # before the 2nd-to-last row
    inside = expected[2:-2]
    assert ids_of(page(gql, token, first=3, after=after, before=before)) == inside[:3]
    assert ids_of(page(gql, token, last=3, after=after, before=before)) == inside[-3:]
    assert ids_of(page(gql, token, first=100, after=after, before=before)) == inside


COUNTED = """query($first: Int, $last: Int, $before: String, $clientId: UUID) {
  all: clients(first: $first, last: $last, before: $before) { totalCount edges { node { id: databaseId } } }
  lobs(clientId: $clientId, first: 1) { totalCount }
}"""


def test_total_count_counts_the_whole_list_whatever_the_page(trees, gql, owner):
    token, expected = trees
    body = gql(COUNTED, {"first": 2}, token=token)
    assert body["data"]["all"]["totalCount"] == len(expected)
    assert len(body["data"]["all"]["edges"]) == 2
    before = page(gql, token, last=1)["pageInfo"]["startCursor"]
    body = gql(COUNTED, {"last": 3, "before": before}, token=token)
    assert body["data"]["all"]["totalCount"] == len(expected)
    assert [e["node"]["id"] for e in body["data"]["all"]["edges"]] == expected[-4:-1]


def test_total_count_follows_the_filter_and_row_security(world, gql, owner):
    query = "query($c: UUID) { lobs(clientId: $c, first: 1) { totalCount } clients { totalCount } }"
    admin = gql(query, {"c": str(world.A1)}, token=world.tokens["admin"])["data"]
    lobs_of_a1 = owner.execute(text("SELECT count(*) FROM lob WHERE client_id = :c"), {"c": world.A1}).scalar()
    assert admin["lobs"]["totalCount"] == lobs_of_a1 > 1
    clients_of_tenant = owner.execute(text("SELECT count(*) FROM client WHERE tenant_id = :t"),
                                      {"t": world.tA}).scalar()
    assert admin["clients"]["totalCount"] == clients_of_tenant
    scoped = gql(query, {"c": str(world.A1)}, token=world.tokens["planner"])["data"]  # granted on client A1 only
    assert scoped["clients"]["totalCount"] == 1
    outside = gql(query, {"c": str(world.A1)}, token=world.tokens["adminB"])["data"]  # another tenant's admin
    assert outside["lobs"]["totalCount"] == 0


@pytest.fixture
def counted(runtime):
    """Responses report their SQL statement count (extensions.sqlStatements)."""
    runtime.settings = replace(runtime.settings, expose_statement_count=True)
    return runtime


def statements(gql, token, selection, **arguments):
    body = gql("query($first: Int, $after: String, $last: Int, $before: String) {"
               " clients(first: $first, after: $after, last: $last, before: $before) { " + selection + " } }",
               arguments, token=token)
    assert "errors" not in body, body
    return body["extensions"]["sqlStatements"]


def test_extra_statements_run_only_when_their_field_is_selected(trees, gql, counted):
    token, _ = trees
    cursor = page(gql, token, first=3)["pageInfo"]["endCursor"]
    plain = statements(gql, token, "edges { node { id } }", first=3, after=cursor)
    assert statements(gql, token, "edges { node { id } } pageInfo { hasNextPage endCursor }",
                      first=3, after=cursor) == plain
    assert statements(gql, token, "totalCount", first=3, after=cursor) == plain + 1
    assert statements(gql, token, "a: totalCount b: totalCount", first=3, after=cursor) == plain + 1
    assert statements(gql, token, "pageInfo { hasPreviousPage }", first=3, after=cursor) == plain + 1
    assert statements(gql, token, "pageInfo { hasPreviousPage }", first=3) == plain  # no cursor: nothing before
    assert statements(gql, token, "pageInfo { hasPreviousPage hasNextPage }", last=3) == plain
    assert statements(gql, token, "pageInfo { hasNextPage }", last=3, before=cursor) == plain + 1


@pytest.mark.parametrize("lang, message", [
    ("en", "Give either first or last, not both."),
    ("fr", "Indiquez first ou last, pas les deux."),
])
def test_first_and_last_together_are_refused(trees, gql, lang, message):
    token, _ = trees
    body = gql(PAGE, {"first": 2, "last": 2}, token=token, lang=lang)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "PAGE_DIRECTION_CONFLICT", "field": "last"}
    assert body["errors"][0]["message"] == message


def test_backward_page_size_and_cursor_are_checked_like_forward_ones(trees, gql):
    token, _ = trees
    assert gql(PAGE, {"last": 101}, token=token)["errors"][0]["extensions"] == {
        "code": "PAGE_SIZE_OVER_CAP", "field": "last"}
    assert gql(PAGE, {"last": 0}, token=token)["errors"][0]["extensions"] == {
        "code": "PAGE_SIZE_INVALID", "field": "last"}
    assert gql(PAGE, {"last": 2, "before": "bm90LWEtY3Vyc29y"}, token=token)["errors"][0]["extensions"] == {
        "code": "INVALID_CURSOR", "field": "before"}


def test_a_filter_joins_only_when_given_and_binds_what_it_names():
    """``Where``: a None filter adds nothing, a falsy one (0, "") still filters, an empty search
    does not; the search binds an escaped pattern to every column it names."""
    from switchboard.core.db.pages import Where

    where = (Where().equal("v.lob_id", None).equal("status", "").equal("i.version", 0, "v")
             .given("d >= :d", d=None).overlapping(("s", "e"), None, 5).search(["a", "b"], ""))
    assert where.sql == "status = :status AND i.version = :v AND s < :span_end"
    assert where.params == {"status": "", "v": 0, "span_end": 5}
    where.search(["a", "b"], "5%_\\")
    assert where.conditions[-1] == "(a ILIKE :pattern ESCAPE '\\' OR b ILIKE :pattern ESCAPE '\\')"
    assert where.params["pattern"] == "%5\\%\\_\\\\%"
    assert Where().sql == "true"
