"""A permission key as a plugin declares it (``switchboard_permission_declarations``)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Permission:
    """One permission key: what it allows, which roles hold it by default, whether it is sensitive.

    ``key`` is dotted lowercase (``billing.invoice.issue``). ``roles`` are role names
    (``tenant_admin``, ``supervisor`` …); a grant of one of them on a scope carries the key
    there. ``sensitive`` keys need a recent TOTP step-up on the caller's token.
    """

    key: str
    description: str
    roles: tuple[str, ...] = field(default=())
    sensitive: bool = False

