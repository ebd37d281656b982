"""GraphQL conventions: cursor pages with a cap, query limits, coded localized errors."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.fixture
def many_clients(owner):
    tenant = f.tenant(owner)
    for n in range(7):
        f.client(owner, tenant, name=f"Client {n:02d}", code=f"CL{n:02d}")
    return f.token(owner, f.user(owner, tenant, "tenant_admin"))


PAGE = """query($first: Int, $after: String) { clients(first: $first, after: $after) {
  edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }"""


def test_cursor_pages_walk_every_row_once(many_clients, gql):
    seen, after = [], None
    while True:
        page = gql(PAGE, {"first": 3, "after": after}, token=many_clients)["data"]["clients"]
        seen += [e["node"]["name"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [f"Client {n:02d}" for n in range(7)]


@pytest.mark.parametrize("lang, message", [
    ("en", "At most 100 items per page."),
    ("fr", "Au plus 100 éléments par page."),
])
def test_page_size_over_the_cap_is_refused(many_clients, gql, lang, message):
    body = gql(PAGE, {"first": 101}, token=many_clients, lang=lang)
    assert body["data"] is None
    assert body["errors"][0]["extensions"] == {"code": "PAGE_SIZE_OVER_CAP", "field": "first"}
    assert body["errors"][0]["message"] == message


def test_a_forged_cursor_is_refused(many_clients, gql):
    body = gql(PAGE, {"first": 3, "after": "not-a-cursor"}, token=many_clients)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


def test_over_deep_queries_are_refused_before_execution(many_clients, gql):
    deep = ("{ clients { edges { node { lobs { client { lobs { client { lobs { client { lobs { client { name }"
            " } } } } } } } } } } }")
    body = gql(deep, token=many_clients, lang="fr")
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert body["errors"][0]["message"] == "La requête est trop imbriquée (limite 10)."
    assert "data" not in body or body["data"] is None


def test_alias_bombs_are_refused(many_clients, gql):
    bomb = "{ " + " ".join(f"a{n}: me {{ email }}" for n in range(40)) + " }"
    body = gql(bomb, token=many_clients)
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"


def test_oversized_documents_are_refused(many_clients, gql):
    huge = "{ me { " + " ".join(["email"] * 2100) + " } }"
    body = gql(huge, token=many_clients)
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_TOKENS"


def test_syntax_and_validation_errors_carry_codes(many_clients, gql):
    assert gql("{ me { ", token=many_clients)["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert gql("{ nope }", token=many_clients)["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_a_request_with_an_error_writes_nothing(owner, gql):
    """The first mutation succeeds, the second raises FORBIDDEN: the whole request rolls back."""
    from sqlalchemy import text

    tenant = f.tenant(owner)
    client = f.client(owner, tenant)
    planner = f.user(owner, tenant, ("workforce_planner", client, None))
    token = f.token(owner, planner, kind="session")
    before = owner.execute(text("SELECT count(*) FROM auth_token")).scalar()
    body = gql(f"""mutation {{
      a: createApiToken(name: "etl", current: {{password: "{f.PASSWORD}"}}) {{ token errors {{ code }} }}
      b: createSite(input: {{name: "Halifax", country: "CA", region: "CA-NS", timezone: "America/Halifax"}}) {{
      site {{ name }} }} }}""", token=token)
    # mutation fields run in order: a created its token before b failed, and the
    # failure (a non-null root field) nulls the whole result
    assert body["data"] is None and body["errors"][0]["path"] == ["b"]
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert owner.execute(text("SELECT count(*) FROM auth_token")).scalar() == before
    assert owner.execute(text("SELECT count(*) FROM audit_event WHERE table_name = 'auth_token'"
                              " AND actor_user_id = :u"), {"u": planner}).scalar() == 0


def test_a_refused_mutation_leaves_nothing_and_its_siblings_land(many_clients, gql, owner):
    from sqlalchemy import text

    body = gql("""mutation { ok: createSite(input: {name: "Halifax", country: "CA", region: "CA-NS",
      timezone: "America/Halifax"}) { site { name } errors { code } }
      bad: createSite(input: {name: "Nowhere", country: "CA", region: "CA-NS", timezone: "Mars/Base"}) {
      site { name } errors { code field } } }""", token=many_clients)
    assert body["data"]["ok"] == {"site": {"name": "Halifax"}, "errors": []}
    assert body["data"]["bad"] == {"site": None, "errors": [{"code": "INVALID_TIMEZONE", "field": "timezone"}]}
    names = owner.execute(text("SELECT name FROM site")).scalars().all()
    assert names == ["Halifax"]
