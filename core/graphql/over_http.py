"""GraphQL over HTTP: the response media type a client asked for, and the status of each answer.

Switchboard follows the GraphQL over HTTP specification. A client chooses the response's
media type with ``Accept``: ``application/graphql-response+json`` (the specification's,
also the default when ``Accept`` is missing) or ``application/json`` (legacy clients; the
answer to ``*/*``). Equal preferences go to the type the header lists first. Every error
carries ``extensions.code``. Errors reach a client at one of three stages (:data:`ERRORS`):

* **refused** before GraphQL runs (the method, the media types, the body, the bearer
  token): an HTTP status of its own, whatever the media type;
* a **request error** (the document does not parse or validate, is over a limit, names
  no operation it holds, a variable does not coerce): nothing executes and the answer has
  no ``data``; 400 with ``application/graphql-response+json``, 200 with ``application/json``;
* a **field error** (raised while executing: no token, a missing permission, a statement
  timeout…): the answer has ``data`` (``null`` where the field failed) and is 200.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import mimeparse

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
# On an equal preference (``*/*``, ``application/*``) the later type wins: legacy JSON.
MEDIA_TYPES = (GRAPHQL_RESPONSE, JSON)
REQUEST_TYPES = {("application", "json"), ("multipart", "form-data")}
ALLOW = "GET, POST, OPTIONS"

# Answers refused before GraphQL runs, the same for both media types.
REFUSAL_STATUS = {
    "BAD_REQUEST": 400,
    "UNAUTHENTICATED": 401,
    "TOKEN_EXPIRED": 401,
    "TOKEN_REVOKED": 401,
    "WRONG_ENDPOINT": 403,
    "METHOD_NOT_ALLOWED": 405,
    "NOT_ACCEPTABLE": 406,
    "BODY_TOO_LARGE": 413,
    "UPLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "INTERNAL_ERROR": 500,
}


@dataclass(frozen=True)
class ErrorCase:
    """One row of the table of errors: a code, the stage it is reported at, and when."""

    code: str
    stage: str  # "refused" | "request" | "field"
    when: str

    def status(self, media: str) -> int:
        """The HTTP status of an answer carrying this error, in ``media``."""
        if self.stage == "refused":
            return REFUSAL_STATUS[self.code]
        if self.stage == "request":
            return request_error_status(media, [self.code])
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
                                           "date; `TOO_LONG`, `INVALID_CHARACTER`… for the argument rules)"),
    ErrorCase("UNAUTHENTICATED", "field", "no bearer token, on a field that needs a caller"),
    ErrorCase("FORBIDDEN", "field", "the caller lacks the permission on that scope"),
    ErrorCase("MFA_REQUIRED", "field", "a sensitive operation without a recent second factor (`stepUp`)"),
    ErrorCase("STATEMENT_TIMEOUT", "field", "a statement ran past `SWITCHBOARD_STATEMENT_TIMEOUT_MS`"),
    ErrorCase("INTERNAL_ERROR", "field", "a fault while resolving a field (masked; logged with its traceback)"),
)


def response_media(accept: str | None) -> str | None:
    """The media type to answer in for an ``Accept`` header (None: neither is acceptable).

    A media type takes the quality of the most specific range matching it; the higher
    quality wins, then the more specific range, then the range listed first, then JSON.
    """
    if accept is None or not accept.strip():
        return GRAPHQL_RESPONSE
    ranges = list(_ranges(accept))
    best, best_key = None, None
    for preference, media in enumerate(MEDIA_TYPES):
        kind, subtype = media.split("/")
        matching = [(specificity, quality, index) for (k, s, quality, index) in ranges
                    for specificity in [_specificity(k, s, kind, subtype)] if specificity >= 0]
        if not matching:
            continue
        specificity, quality, index = max(matching, key=lambda m: (m[0], m[1], -m[2]))
        key = (quality, specificity, -index, preference)
        if quality > 0 and (best_key is None or key > best_key):
            best, best_key = media, key
    return best


def _ranges(accept: str) -> Iterable[tuple[str, str, float, int]]:
    for index, part in enumerate(p for p in accept.split(",") if p.strip()):
        try:
            kind, subtype, params = mimeparse.parse_media_range(part)
        except ValueError:
            continue  # a range that does not parse matches nothing
        yield kind.strip().lower(), subtype.strip().lower(), float(params["q"]), index


def _specificity(kind: str, subtype: str, media_kind: str, media_subtype: str) -> int:
    """2 for ``type/subtype``, 1 for ``type/*``, 0 for ``*/*``; -1 when the range does not match."""
    if kind == media_kind and subtype == media_subtype:
        return 2
    if kind == media_kind and subtype == "*":
        return 1
    return 0 if kind == "*" and subtype == "*" else -1


def request_body_supported(content_type: str | None) -> bool:
    """Whether a POST body of ``content_type`` can hold a GraphQL request (JSON, or a multipart upload)."""
    try:
        kind, subtype, _ = mimeparse.parse_mime_type(content_type or "")
    except ValueError:
        return False
    return (kind.strip().lower(), subtype.strip().lower()) in REQUEST_TYPES


def request_error_status(media: str, codes: Iterable[str]) -> int:
    """The status of an answer whose errors came before execution (it has no ``data``)."""
    if media == JSON:
        return 200
    return 500 if "INTERNAL_ERROR" in codes else 400


def content_type(media: str) -> str:
    """The ``Content-Type`` header of an answer in ``media``."""
    return f"{media}; charset=utf-8" if media == GRAPHQL_RESPONSE else media
