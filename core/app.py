"""The ASGI application: ``/graphql`` (staff; subscriptions over WebSocket on the same path),
``/portal/graphql`` (client users), ``/healthz``
(liveness: the process answers) and ``/readyz`` (readiness: the database answers and its
migrations are current, else 503 with the reasons; see :mod:`.health`); ``/`` lists them and
``/static`` serves GraphiQL's files (:mod:`.graphql.graphiql`).

Browsers on the origins of ``SWITCHBOARD_CORS_ORIGINS`` may call both endpoints from their
own site (CORS: preflight answered, ``Authorization`` and ``Content-Type`` allowed); every
other origin's preflight is refused. Tokens travel in the ``Authorization`` header, never
in cookies, so no credentials mode is offered."""

from __future__ import annotations

from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route, WebSocketRoute

from .db.notifications import Notifications
from .graphql.graphiql import STATIC_PATH, static_files
from .graphql.view import SwitchboardGraphQL
from .health import Readiness
from .home import home
from .runtime import Runtime


def create_app(runtime: Runtime) -> Starlette:
    """Build the application for an already-migrated, already-checked database."""
    schemas = runtime.schemas
    notifications = Notifications(runtime.database)
    internal = SwitchboardGraphQL(schemas.internal, runtime, portal=False, notifications=notifications)
    portal = SwitchboardGraphQL(schemas.portal, runtime, portal=True)
    readiness = Readiness(runtime)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "plugins": runtime.host.names()})

    async def readyz(request: Request) -> JSONResponse:
        problems = await readiness.problems()
        if problems:
            return JSONResponse({"status": "unavailable", "reasons": problems}, status_code=503)
        return JSONResponse({"status": "ready"})

    @asynccontextmanager
    async def lifespan(app: Starlette):
        yield
        await notifications.close()
        await runtime.close()

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            # Routes, not mounts: a mount would redirect POST /graphql to /graphql/.
            Route("/portal/graphql", portal),
            Route("/graphql", internal),
            WebSocketRoute("/graphql", internal),
            Mount(STATIC_PATH, app=static_files(), name="static"),
        ],
        middleware=[Middleware(CORSMiddleware, allow_origins=list(runtime.settings.cors_origins),
                               allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type"],
                               max_age=600)],
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    return app
