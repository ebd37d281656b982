"""``GET /``: where things are, as a small page for a browser and as JSON for anything else."""

from __future__ import annotations

from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

LINKS = {
    "graphql": ("/graphql", "GraphQL for staff (GraphiQL in a browser)"),
    "portalGraphql": ("/portal/graphql", "GraphQL for client users (GraphiQL in a browser)"),
    "healthz": ("/healthz", "liveness: the process answers"),
    "readyz": ("/readyz", "readiness: the database answers and its migrations are current"),
}


async def home(request: Request) -> Response:
    """The endpoints of this server."""
    root = request.scope.get("root_path", "")
    if "text/html" in request.headers.get("accept", ""):
        items = "".join(f'<li><a href="{escape(root + path)}">{escape(path)}</a>: {escape(what)}</li>'
                        for path, what in LINKS.values())
        return HTMLResponse('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard</title>'
                            f"</head><body><h1>Switchboard</h1><ul>{items}</ul></body></html>")
    return JSONResponse({"service": "switchboard", **{name: root + path for name, (path, _) in LINKS.items()}})
