"""A permission key as a plugin declares it (``switchboard_permission_declarations``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace


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


def from_legacy(keys: dict[str, str], grants: Iterable[dict[str, list[str]]],
                sensitive: Iterable[str]) -> list[Permission]:
    """The declarations the deprecated three hooks describe: one plugin's ``{key: description}``,
    then every plugin's ``{role: [key, ...]}`` and sensitive keys, applied to these keys."""
    sensitive = set(sensitive)
    declared = [Permission(key, description, sensitive=key in sensitive) for key, description in keys.items()]
    return [replace(p, roles=tuple(role for mapping in grants for role, held in mapping.items() if p.key in held))
            for p in declared]
