"""GraphQL errors as clients see them: every one coded, its message localized.

:func:`format_error` turns a GraphQL error into the error of an answer (a stable
``extensions.code``, the message in the caller's language); :func:`coded_answer` is an
answer holding one coded error, for a refusal before GraphQL runs;
:func:`coded_socket_message` codes the errors of a ``graphql-transport-ws`` message.
Faults are masked as ``INTERNAL_ERROR`` (:func:`should_mask`, used by the schema's
``MaskErrors``). :data:`ERRORS` is the table of codes a request may get outside a
mutation's payload, the table the README shows.

Nothing here imports the HTTP server: composing a schema imports this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError

from switchboard.core.errors import AccessError, CodedError, InputError, LimitError, SwitchboardError, UserError
from switchboard.core.i18n import Messages, localized_fractions

from . import over_http

INTERNAL_ERROR = "INTERNAL_ERROR"
TOO_MANY_TOKENS = re.compile(r"Document contains more than (\d+) tokens")


def should_mask(error: GraphQLError) -> bool:
    """Mask every error that is not one Switchboard raised on purpose."""
    original = error.original_error
    return original is not None and not isinstance(original, SwitchboardError)


def format_error(error: GraphQLError, messages: Messages, lang: str) -> dict[str, Any]:
    """A GraphQL error with a stable ``extensions.code`` and its message in ``lang``."""
    original = error.original_error
    body = error.formatted
    if isinstance(original, InputError):
        params = {"argument": original.argument, **original.params}
        body["message"] = messages.render(original.code, lang, params)
        body["extensions"] = {"code": original.code, **params}
        return body
    if isinstance(original, (CodedError, UserError)):
        extensions: dict[str, Any] = {"code": original.code}
        if isinstance(original, UserError) and original.field:
            extensions["field"] = original.field
        if isinstance(original, AccessError) and "permission" in original.params:
            extensions["permission"] = original.params["permission"]  # the key the caller lacks
        params = localized_fractions(original.params, lang) if isinstance(original, LimitError) else original.params
        body["message"] = messages.render(original.code, lang, params)
        body["extensions"] = extensions
        return body
    if original is None and error.message == INTERNAL_ERROR:
        body["message"] = messages.render(INTERNAL_ERROR, lang)
        body["extensions"] = {"code": INTERNAL_ERROR}
        return body
    match = TOO_MANY_TOKENS.search(error.message)
    if match:
        body["message"] = messages.render("TOO_MANY_TOKENS", lang, {"limit": match.group(1)})
        body["extensions"] = {"code": "TOO_MANY_TOKENS"}
        return body
    code = "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else "GRAPHQL_VALIDATION_FAILED"
    body["extensions"] = {"code": code}
    return body


def coded_answer(code: str, params: dict[str, Any], messages: Messages, lang: str) -> dict[str, Any]:
    """An answer without ``data`` holding one coded error, its message in ``lang``."""
    return {"errors": [{"message": messages.render(code, lang, params), "extensions": {"code": code}}]}


def coded_socket_message(message: Mapping[str, Any], messages: Messages, lang: str) -> Mapping[str, Any]:
    """A socket message whose errors all carry ``extensions.code`` (masked faults: ``INTERNAL_ERROR``,
    localized; anything else Strawberry refused before running: ``GRAPHQL_VALIDATION_FAILED``)."""
    payload = message.get("payload")
    errors = payload if message.get("type") == "error" else isinstance(payload, dict) and payload.get("errors")
    for error in errors or ():
        if not isinstance(error, dict) or "code" in (error.get("extensions") or {}):
            continue
        if error.get("message") == INTERNAL_ERROR:
            error["message"] = messages.render(INTERNAL_ERROR, lang)
            error["extensions"] = {"code": INTERNAL_ERROR}
        else:
            error["extensions"] = {**(error.get("extensions") or {}), "code": "GRAPHQL_VALIDATION_FAILED"}
    return message


@dataclass(frozen=True)
class ErrorCase:
    """One row of the table of errors: a code, the stage it is reported at, and when."""

    code: str
    stage: str  # "refused" | "request" | "field"
    when: str

    def status(self, media: str) -> int:
        """The HTTP status of an answer carrying this error, in ``media``."""
        if self.stage == "refused":
            return over_http.REFUSAL_STATUS[self.code]
        if self.stage == "request":
            return over_http.request_error_status(media, [self.code])
        return 200


ERRORS = (
    ErrorCase("METHOD_NOT_ALLOWED", "refused", "a method other than POST (GET serves GraphiQL to browsers, "
                                               "OPTIONS lists the methods)"),
    ErrorCase("NOT_ACCEPTABLE", "refused", "`Accept` allows neither response media type"),
    ErrorCase("UNSUPPORTED_MEDIA_TYPE", "refused", "a body that is neither `application/json` nor "
                                                   "`multipart/form-data` (uploads)"),
    ErrorCase("BODY_TOO_LARGE", "refused", "a JSON body over `SWITCHBOARD_MAX_BODY_KB`"),
    ErrorCase("UPLOAD_TOO_LARGE", "refused", "a multipart body over `SWITCHBOARD_MAX_UPLOAD_MB`"),
    ErrorCase("UNAUTHENTICATED", "refused", "an `Authorization` header that is not `Bearer <token>`, a token "
                                            "that does not exist, an upload without a token"),
    ErrorCase("TOKEN_EXPIRED", "refused", "the bearer token has expired"),
    ErrorCase("TOKEN_REVOKED", "refused", "the bearer token was revoked (logout, password change)"),
    ErrorCase("WRONG_ENDPOINT", "refused", "a client user's token on `/graphql`, a staff token on "
                                           "`/portal/graphql`"),
    ErrorCase("BAD_REQUEST", "refused", "a body that is not a GraphQL request (not JSON, not an object, no "
                                        "`query` string, `variables` not an object)"),
    ErrorCase("INTERNAL_ERROR", "refused", "a fault before GraphQL runs (logged with its traceback)"),
    ErrorCase("GRAPHQL_PARSE_FAILED", "request", "the document does not parse"),
    ErrorCase("GRAPHQL_VALIDATION_FAILED", "request", "the document does not validate against the schema"),
    ErrorCase("OPERATION_RESOLUTION_FAILURE", "request", "the operation to run cannot be determined "
                                                         "(`operationName`)"),
    ErrorCase("TOO_MANY_TOKENS", "request", "a document over 2,000 tokens"),
    ErrorCase("QUERY_TOO_DEEP", "request", "selections nested deeper than 10"),
    ErrorCase("TOO_MANY_ALIASES", "request", "more than 30 aliases"),
    ErrorCase("QUERY_TOO_COSTLY", "request", "a cost over `SWITCHBOARD_MAX_QUERY_COST`"),
    ErrorCase("QUERY_TOO_COMPLEX", "request", "validating the document would take too much work"),
    ErrorCase("BAD_USER_INPUT", "request", "an argument or variable that cannot be right (wrong type, bad id or "
                                           "date; `TOO_LONG`, `TOO_MANY_IDS`, `TOO_MANY_ITEMS`, `INVALID_CHARACTER`… "
                                           "for the argument rules)"),
    ErrorCase("UNAUTHENTICATED", "field", "no bearer token, on a field that needs a caller"),
    ErrorCase("FORBIDDEN", "field", "the caller lacks the permission on that scope (`extensions.permission` names it)"),
    ErrorCase("MFA_REQUIRED", "field",
              "a sensitive operation without a recent second factor (`stepUp`; `extensions.permission` names it)"),
    ErrorCase("STATEMENT_TIMEOUT", "field", "a statement ran past `SWITCHBOARD_STATEMENT_TIMEOUT_MS`"),
    ErrorCase("INTERNAL_ERROR", "field", "a fault while resolving a field (masked; logged with its traceback)"),
)
