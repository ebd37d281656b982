"""The ASGI application: ``/graphql`` (staff), ``/portal/graphql`` (client users), ``/healthz``."""

from __future__ import annotations

from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from .graphql.view import SwitchboardGraphQL
from .runtime import Runtime


def create_app(runtime: Runtime) -> Starlette:
    """Build the application for an already-migrated, already-checked database."""
    schemas = runtime.schemas

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "plugins": runtime.host.names()})

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await runtime.close()

    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            # Routes, not mounts: a mount would redirect POST /graphql to /graphql/.
            Route("/portal/graphql", SwitchboardGraphQL(schemas.portal, runtime, portal=True)),
            Route("/graphql", SwitchboardGraphQL(schemas.internal, runtime, portal=False)),
        ],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
