"""GraphQL over HTTP: the response media type a client asked for, and the status of each answer.

Switchboard follows the GraphQL over HTTP specification. A client chooses the response's
media type with ``Accept``: ``application/graphql-response+json`` (the specification's,
also the default when ``Accept`` is missing) or ``application/json`` (legacy clients; the
answer to ``*/*``). Equal preferences go to the type the header lists first. Every error
carries ``extensions.code``. Errors reach a client at one of three stages (the table of
:data:`switchboard.core.graphql.errors.ERRORS`):

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
