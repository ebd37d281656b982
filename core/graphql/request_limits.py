"""How large a request's body may be, and the refusal of one over its cap.

A multipart body (a file upload, Strawberry's ``Upload``) may reach
``Settings.max_upload_bytes`` (``UPLOAD_TOO_LARGE``), any other body
``Settings.max_body_bytes`` (``BODY_TOO_LARGE``). A multipart request must carry a bearer
token: browsers never attach an ``Authorization`` header on their own and adding one forces
a CORS preflight, so a cross-site form cannot forge an upload (the multipart specification's
CSRF warning). :mod:`.channel` enforces the cap while the body streams.
"""

from __future__ import annotations

from typing import Any

from switchboard.core.config import Settings

from .channel import declared_over

MULTIPART = "multipart/form-data"
Refusal = tuple[str, dict[str, Any]]  # an error code and its message's parameters


def is_multipart(headers: Any) -> bool:
    """Whether the request's body is ``multipart/form-data``."""
    return headers.get("content-type", "").lower().startswith(MULTIPART)


def body_limit(settings: Settings, multipart: bool) -> int:
    """The largest body, in bytes, of a request of that kind."""
    return settings.max_upload_bytes if multipart else settings.max_body_bytes


def too_large(settings: Settings, multipart: bool) -> Refusal:
    """The refusal of a body over its cap, the cap in the unit of its setting."""
    if multipart:
        return "UPLOAD_TOO_LARGE", {"limit": body_limit(settings, True) // (1024 * 1024)}
    return "BODY_TOO_LARGE", {"limit": body_limit(settings, False) // 1024}


def refused_before_reading(headers: Any, settings: Settings) -> Refusal | None:
    """The refusal of a multipart request without a bearer token, or of a request declaring a
    body over its cap; None to go on and read the body."""
    multipart = is_multipart(headers)
    if multipart and not headers.get("authorization", "").strip():
        return "UNAUTHENTICATED", {}
    if declared_over(headers, body_limit(settings, multipart)):
        return too_large(settings, multipart)
    return None
