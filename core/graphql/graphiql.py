"""The GraphiQL page of each endpoint, served from the package's own files (works offline).

``GET /graphql`` and ``GET /portal/graphql`` from a browser (``Accept: text/html``) get a
page that loads GraphiQL, React and the explorer plugin from ``/static`` (vendored in
``static/graphiql``, see its README) and points GraphiQL at the endpoint that served it.
Its Content-Security-Policy lets the page load and connect to this server only.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/static"
POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
SCRIPTS = ("graphiql/react.production.min.js", "graphiql/react-dom.production.min.js", "graphiql/graphiql.min.js",
           "graphiql/plugin-explorer.umd.js", "switchboard-graphiql.js")
STYLES = ("graphiql/graphiql.min.css", "graphiql/plugin-explorer.css")


def static_files() -> StaticFiles:
    """The app mounts these at :data:`STATIC_PATH`."""
    return StaticFiles(directory=STATIC)


def graphiql_page(endpoint: str, *, portal: bool, root_path: str = "") -> HTMLResponse:
    """GraphiQL for the endpoint at ``endpoint`` (its path), with storage of its own."""
    title = "client portal" if portal else "staff API"
    static = escape(root_path + STATIC_PATH)
    links = "".join(f'<link rel="stylesheet" href="{static}/{name}">' for name in STYLES)
    scripts = "".join(f'<script src="{static}/{name}"></script>' for name in SCRIPTS)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>Switchboard GraphiQL · {title}</title><link rel="icon" href="data:,">{links}'
        "<style>body { margin: 0; } #graphiql { height: 100vh; }</style></head><body>"
        f'<div id="graphiql" data-endpoint="{escape(root_path + endpoint)}" data-title="{title}"'
        f' data-storage="switchboard:{"portal" if portal else "graphql"}">Loading…</div>'
        f"{scripts}</body></html>"
    )
    return HTMLResponse(page, headers={"content-security-policy": POLICY, "x-content-type-options": "nosniff"})
