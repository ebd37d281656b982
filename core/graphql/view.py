"""The Starlette GraphQL view: authenticates, owns the request transaction, answers.

One view serves the internal schema (staff only) and one the portal schema (client
users only). The request's transaction commits only when the operation finished
without a GraphQL error; otherwise every write is rolled back.

Requests and answers follow the GraphQL over HTTP specification (:mod:`.over_http`):
the answer is in the media type ``Accept`` asks for, every error has
``extensions.code`` (:mod:`.errors`), and each refusal, request error and field error has
its status.
``POST`` runs GraphQL; ``GET`` from a browser gets the endpoint's GraphiQL page
(:mod:`.graphiql`), any other ``GET`` a 405; ``OPTIONS`` lists the methods.

File uploads follow the GraphQL multipart request specification (Strawberry's
``Upload`` scalar). A body over its cap (:mod:`.request_limits`) is refused unread when
declared longer, cut as soon as it passes the cap otherwise (:mod:`.channel`), with
HTTP 413 and the connection closed so the client stops sending.

The internal endpoint also serves subscriptions over WebSocket (``graphql-transport-ws``
only), authenticated at ``connection_init``: see :mod:`.live`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import orjson
from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter, GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET

from switchboard.core.audit.delivery import finish
from switchboard.core.db.notifications import Notifications
from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError
from switchboard.core.i18n import negotiate
from switchboard.core.identity.service import authenticate

from . import over_http
from .channel import BodyTooLarge, RequestChannel
from .context import Context
from .errors import INTERNAL_ERROR, coded_answer, coded_socket_message, format_error
from .graphiql import graphiql_page
from .live import LiveContext, bearer_token
from .request_limits import body_limit, is_multipart, refused_before_reading, too_large

SOCKET_REFUSED = 4403  # graphql-transport-ws: connection_init refused; the reason is the error's code
CONNECTION_INIT_SECONDS = 15
logger = logging.getLogger("switchboard.graphql")


class SocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages as text frames, every error coded; a refused
    ``connection_init`` closes with the refusal's code as the reason."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            lang = getattr(self.ws.state, "lang", "en")
            coded = coded_socket_message(message, self.view.runtime.messages, lang)
            await self.ws.send_text(orjson.dumps(coded).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc

    async def close(self, code: int, reason: str) -> None:
        refusal = getattr(self.ws.state, "refusal", None)
        await self.ws.close(code=code, reason=refusal if code == SOCKET_REFUSED and refusal else reason)


class SwitchboardGraphQL(GraphQL):
    """Strawberry's ASGI view with Switchboard's context, transaction and error codes; subscriptions
    over WebSocket (:mod:`.live`)."""

    websocket_adapter_class = SocketAdapter  # type: ignore[assignment]

    def __init__(self, schema: Any, runtime: Any, *, portal: bool, notifications: Notifications | None = None) -> None:
        # GraphiQL is served from the package (see run), not by Strawberry from a CDN
        super().__init__(schema, graphql_ide=None, allow_queries_via_get=False, multipart_uploads_enabled=True,
                         subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
                         connection_init_wait_timeout=timedelta(seconds=CONNECTION_INIT_SECONDS))
        self.runtime = runtime
        self.portal = portal
        self.notifications = notifications

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            receive = RequestChannel(receive, body_limit(self.runtime.settings, is_multipart(Headers(scope=scope))))
        await super().__call__(scope, receive, send)

    async def run(self, request: Request, context: Any = None, root_value: Any = None) -> Response:  # type: ignore[override]
        if request.scope["type"] == "websocket":
            lang = negotiate(request.headers.get("accept-language"))
            request.state.lang = lang
            socket = LiveContext(request=request, runtime=self.runtime, db=None, lang=lang,  # type: ignore[arg-type]
                                 portal=self.portal, notifications=self.notifications)
            return await super().run(request, context=socket)
        if request.scope["type"] != "http":
            return await super().run(request)
        if request.method == "OPTIONS":  # a CORS preflight never gets here (see the app's middleware)
            return Response(status_code=204, headers={"allow": over_http.ALLOW})
        if request.method == "GET" and "text/html" in request.headers.get("accept", ""):
            return graphiql_page("/portal/graphql" if self.portal else "/graphql", portal=self.portal,
                                 root_path=request.scope.get("root_path", ""))
        lang = negotiate(request.headers.get("accept-language"))
        media = over_http.response_media(request.headers.get("accept"))
        request.state.media = media or over_http.JSON
        try:
            response = await self._answer(request, lang, acceptable=media is not None)
        except Exception:
            logger.exception("fault before GraphQL ran")
            response = self._refusal(INTERNAL_ERROR, {}, lang)
        return self._in_media(request, response)

    async def _answer(self, request: Request, lang: str, *, acceptable: bool) -> Response:
        """Refuse what is not a GraphQL request this endpoint takes; else authenticate, open the
        request's transaction and run the operation."""
        if not acceptable:
            return self._refusal("NOT_ACCEPTABLE", {}, lang)
        if request.method != "POST":
            return self._refusal("METHOD_NOT_ALLOWED", {}, lang)
        if not over_http.request_body_supported(request.headers.get("content-type")):
            return self._refusal("UNSUPPORTED_MEDIA_TYPE", {}, lang)
        multipart = is_multipart(request.headers)
        refused = refused_before_reading(request.headers, self.runtime.settings)
        if refused is not None:
            return self._refusal(*refused, lang)
        settings = self.runtime.settings
        timeout = settings.upload_statement_timeout_ms if multipart else settings.statement_timeout_ms
        db = DbSession(self.runtime.engine, None, statement_timeout_ms=timeout)
        request.state.db = db
        try:
            ctx = await self._context(request, db, lang)
        except AccessError as exc:
            await db.finish(commit=False)
            return self._refusal(exc.code, exc.params, lang)
        except BaseException:
            await db.finish(commit=False)
            raise
        try:
            return await super().run(request, context=ctx)
        except BodyTooLarge:
            return self._refusal(*too_large(self.runtime.settings, multipart), lang)
        except HTTPException as exc:
            if isinstance(exc.__cause__, CannotGetOperationTypeError):  # a request error: GraphQL's answer
                return self._request_error(request, "OPERATION_RESOLUTION_FAILURE", lang)
            return self._refusal("BAD_REQUEST", {}, lang)  # a body that is not a GraphQL request
        except ClientDisconnect:  # the caller hung up: nothing to answer, nothing to log
            return Response(status_code=499)
        finally:
            await db.finish(commit=False)  # no-op when execute_operation already finished
            if multipart:
                await request.close()  # the uploaded files' temporary storage

    def decode_json(self, data: str | bytes) -> object:
        """A request body (orjson; its errors are ``json.JSONDecodeError`` too): an object
        (or a list, which Strawberry refuses as a batch) whose ``operationName`` is a string
        or null, else ``BAD_REQUEST``."""
        decoded = orjson.loads(data)
        if not isinstance(decoded, (dict, list)):
            raise HTTPException(400, "the body is not a JSON object")
        if isinstance(decoded, dict) and not isinstance(decoded.get("operationName"), (str, type(None))):
            raise HTTPException(400, "operationName is not a string")
        return decoded

    def encode_json(self, data: object) -> bytes:
        """A response body."""
        return orjson.dumps(data)

    async def _context(self, request: Request, db: DbSession, lang: str) -> Context:
        ctx = Context(request=request, runtime=self.runtime, db=db, lang=lang, portal=self.portal)
        token = bearer_token(request.headers.get("authorization", ""))
        if token is not None:
            ctx.caller = await self._caller(db, token)
            ctx.lang = negotiate(request.headers.get("accept-language"), ctx.caller.locale)
        request.state.lang = ctx.lang
        return ctx

    async def _caller(self, db: DbSession, token: str) -> Any:
        """The caller of ``token`` on this endpoint (``WRONG_ENDPOINT`` for the other audience)."""
        caller = await authenticate(db, token, self.runtime.policy, self.runtime.settings)
        if (caller.kind == "client") != self.portal:
            raise AccessError("WRONG_ENDPOINT")
        return caller

    async def on_ws_connect(self, context: LiveContext) -> Any:  # type: ignore[override]
        """Authenticate a WebSocket at ``connection_init`` (payload ``{"authorization": "Bearer …"}``);
        a refusal closes it with 4403 and the code as the reason."""
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        header = params.get("authorization") or params.get("Authorization") or ""
        db = DbSession(self.runtime.engine, None, statement_timeout_ms=self.runtime.settings.statement_timeout_ms)
        try:
            token = bearer_token(header if isinstance(header, str) else "")
            if token is None:
                raise AccessError("UNAUTHENTICATED")
            context.caller = await self._caller(db, token)
            await db.finish(commit=True)
        except AccessError as exc:
            context.request.state.refusal = exc.code
            raise ConnectionRejectionError({"code": exc.code}) from exc
        finally:
            await db.finish(commit=False)
        context.token = token
        context.lang = negotiate(context.request.headers.get("accept-language"), context.caller.locale)
        context.request.state.lang = context.lang
        return UNSET

    def _coded(self, code: str, params: dict[str, Any], lang: str) -> bytes:
        """An answer without ``data`` holding one coded, localized error."""
        return self.encode_json(coded_answer(code, params, self.runtime.messages, lang))

    def _refusal(self, code: str, params: dict[str, Any], lang: str) -> Response:
        """An answer refused before GraphQL runs, with the code's own status (:mod:`.over_http`)."""
        status = over_http.REFUSAL_STATUS[code]
        headers = {}
        if status == 413:  # past a body's cap, close the connection: the client stops sending the rest
            headers["connection"] = "close"
        elif status == 405:
            headers["allow"] = over_http.ALLOW
        elif status == 401:
            headers["www-authenticate"] = 'Bearer realm="switchboard"'
        return Response(self._coded(code, params, lang), status_code=status, headers=headers)

    def _request_error(self, request: Request, code: str, lang: str) -> Response:
        """A GraphQL request error raised outside the schema (no ``data``; status by media type)."""
        request.state.request_error = [code]
        return Response(self._coded(code, {}, lang))

    def _in_media(self, request: Request, response: Response) -> Response:
        """``response`` in the negotiated media type, with the status the specification gives it."""
        media = request.state.media
        codes = getattr(request.state, "request_error", None)
        if codes is not None:
            response.status_code = over_http.request_error_status(media, codes)
        response.headers["content-type"] = over_http.content_type(media)
        return response

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        context: Context = kwargs["context"]
        context.operation_named = getattr(kwargs["request_data"], "operation_name", None) is not None
        channel: RequestChannel = kwargs["request"].receive  # see __call__
        async with channel.cancelled_on_disconnect():  # the statement running then is cancelled too
            result = await super().execute_operation(*args, **kwargs)
        results = result if isinstance(result, list) else [result]
        ok = all(not getattr(r, "errors", None) for r in results)
        await finish(self.runtime, context.db, commit=ok)
        return result

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:  # type: ignore[override]
        """The answer's body. Errors before execution (none has a path, and there is no data) are
        a request error: the body has no ``data`` and its status depends on the media type."""
        data: GraphQLHTTPResponse = {}
        if result.data is not None or not result.errors or any(e.path for e in result.errors):
            data["data"] = result.data
        if result.errors:
            lang = getattr(request.state, "lang", None) or negotiate(request.headers.get("accept-language"))
            data["errors"] = [format_error(e, self.runtime.messages, lang) for e in result.errors]
            if "data" not in data:
                request.state.request_error = [e["extensions"]["code"] for e in data["errors"]]
        if result.extensions:
            data["extensions"] = result.extensions
        if self.runtime.settings.expose_statement_count:
            db = getattr(request.state, "db", None)
            data["extensions"] = {**data.get("extensions", {}), "sqlStatements": db.statements if db else 0}
        return data
