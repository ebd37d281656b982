"""Why an answer is empty: a coded, localized reason beside a list that holds nothing.

A field whose answer can be empty for a reason the caller can act on (no forecast yet,
no LOB in scope) carries ``reason: EmptyReason``, null whenever the answer is not empty
for such a reason. The codes live in the message catalogs like error codes.
"""

from __future__ import annotations

from typing import Any

import strawberry


@strawberry.type(description="Why an answer holds nothing: a stable code and a message in the caller's language.")
class EmptyReason:
    code: str = strawberry.field(description="Stable machine-readable code, e.g. NO_FORECAST.")
    message: str = strawberry.field(description="Human-readable explanation in the caller's language.")


def empty_reason(info: strawberry.Info, code: str | None, **params: Any) -> EmptyReason | None:
    """The reason ``code`` localized for the caller (None: no reason)."""
    if code is None:
        return None
    return EmptyReason(code=code, message=info.context.message(code, **params))
