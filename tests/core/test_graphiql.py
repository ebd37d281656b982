"""GraphiQL works without the internet: each endpoint's page, driven in headless Chromium whose
network reaches the test server only, renders the editor with the explorer, runs a typed query
with the token typed in its headers editor, and remembers the token per endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from switchboard.core.app import create_app
from switchboard.core.graphql.graphiql import STATIC
from tests.browser import Browser, Page, chromium_binary
from tests.live import served

QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror')"
HEADERS_EDITOR = "document.querySelectorAll('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror')[0]"
RESULT = "document.querySelector('.result-window .CodeMirror')"
EXPLORER = "document.querySelector('[aria-label=\"Show GraphiQL Explorer\"]')"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, installed by apt-get when the machine lacks it."""
    binary = chromium_binary()
    if binary is None:
        pytest.skip("Chromium is not installed and `apt-get install -y chromium` could not install it")
    return binary


@pytest.fixture
def browser(chromium, tmp_path) -> Iterator[Browser]:
    browser = Browser(chromium, tmp_path / "profile")  # a fresh profile: no storage from another run
    try:
        yield browser
    finally:
        browser.close()


def type_into(page: Page, editor: str, text: str) -> None:
    """Empty ``editor`` and type ``text`` into it."""
    page.evaluate(f"(() => {{ const cm = {editor}.CodeMirror; cm.focus(); cm.execCommand('selectAll'); }})()")
    page.type(text)
    assert page.evaluate(f"{editor}.CodeMirror.getValue()") == text


def run(page: Page, query: str) -> dict:
    """Type ``query``, press the execute button, and return the answer GraphiQL shows."""
    type_into(page, QUERY_EDITOR, query)
    page.evaluate(f"{RESULT}.CodeMirror.setValue('')")
    page.evaluate("document.querySelector('.graphiql-execute-button').click()")
    return json.loads(page.wait_for(f"{RESULT}.CodeMirror.getValue()"))


def open_graphiql(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for(f"{QUERY_EDITOR} !== null && {HEADERS_EDITOR} !== undefined && {EXPLORER} !== null")
    # the schema arrived: the documentation explorer is no longer waiting for it
    page.wait_for("!document.querySelector('[aria-label=\"Re-fetch GraphQL schema\"]').disabled")


def test_graphiql_runs_queries_offline_on_both_endpoints(browser, runtime, world):
    with served(runtime) as url, browser.page(url) as page:
        open_graphiql(page, f"{url}/graphql")
        assert "login(" in page.evaluate(f"{QUERY_EDITOR}.CodeMirror.getValue()")  # the welcome shows how to log in
        anonymous = run(page, "{ me { email } }")
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

        type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {world.tokens['planner']}"}))
        answer = run(page, "{ me { email grants { role } } }")
        assert answer["data"]["me"]["grants"] == [{"role": "workforce_planner"}]

        token = world.tokens["planner"]
        page.wait_for(f"(localStorage.getItem('switchboard:graphql:graphiql:tabState') || '').includes('{token}')")
        open_graphiql(page, f"{url}/graphql")  # a reload: the token is remembered
        assert world.tokens["planner"] in page.evaluate(f"{HEADERS_EDITOR}.CodeMirror.getValue()")
        assert run(page, "{ me { email } }")["data"]["me"]["email"] == answer["data"]["me"]["email"]

        open_graphiql(page, f"{url}/portal/graphql")  # the portal's own GraphiQL, pointed at itself
        assert world.tokens["planner"] not in page.evaluate(f"{HEADERS_EDITOR}.CodeMirror.getValue()")
        type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {world.tokens['portal']}"}))
        assert run(page, "{ account { name } }")["data"] == {"account": {"name": "RetailCo"}}

        assert page.blocked == [] and page.errors == []
        assert {u.split("?")[0].removeprefix(url) for u in page.requested} >= {
            "/graphql", "/portal/graphql", "/static/graphiql/graphiql.min.js", "/static/switchboard-graphiql.js"}
        assert all(u.startswith(url) for u in page.requested)


def test_the_internet_is_out_of_reach_twice(browser, runtime):
    """The page's policy refuses a request to a CDN; a navigation there is refused by the closed network."""
    cdn = "https://unpkg.com/react@18/umd/react.production.min.js"
    with served(runtime) as url, browser.page(url) as page:
        open_graphiql(page, f"{url}/graphql")
        assert page.evaluate(f"fetch('{cdn}').then(() => 'fetched', () => 'refused')") == "refused"
        assert page.blocked == [] and any("Content Security Policy" in e for e in page.errors)
        page.goto(cdn)
        page.wait_for("document.readyState === 'complete' && location.href.startsWith('chrome-error')")
        assert page.blocked == [cdn]


def test_the_page_loads_only_packaged_files(runtime):
    with TestClient(create_app(runtime)) as http:
        page = http.get("/portal/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "connect-src 'self'" in page.headers["content-security-policy"]
        assert "http" not in page.text.replace('content="width=device-width', "")  # no absolute URL anywhere
        assert 'data-endpoint="/portal/graphql"' in page.text
        for asset in ("graphiql/graphiql.min.js", "graphiql/react.production.min.js", "switchboard-graphiql.js",
                      "graphiql/plugin-explorer.umd.js", "graphiql/graphiql.min.css"):
            assert f"/static/{asset}" in page.text
            served_file = http.get(f"/static/{asset}")
            assert served_file.status_code == 200 and served_file.content == (STATIC / asset).read_bytes()


def test_the_vendored_files_keep_their_licences_and_their_readme_names_them():
    folder = Path(STATIC) / "graphiql"
    readme = (folder / "README.md").read_text()
    for name in ("LICENSE.graphiql", "LICENSE.plugin-explorer", "LICENSE.react"):
        assert "MIT" in (folder / name).read_text()
    for package in ("graphiql@4.1.2", "@graphiql/plugin-explorer@4.0.6", "react@18.3.1", "react-dom@18.3.1"):
        assert package in readme
    assert "npm pack" in readme


def test_the_root_points_to_both_endpoints(runtime):
    with TestClient(create_app(runtime)) as http:
        index = http.get("/")
        assert index.status_code == 200 and index.json() == {
            "service": "switchboard", "graphql": "/graphql", "portalGraphql": "/portal/graphql",
            "healthz": "/healthz", "readyz": "/readyz"}
        page = http.get("/", headers={"accept": "text/html"})
        assert page.status_code == 200 and 'href="/portal/graphql"' in page.text and 'href="/readyz"' in page.text
