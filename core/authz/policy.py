"""Permission keys, default role grants, and the casbin enforcer built from them.

Plugins declare their keys with ``switchboard_permission_declarations`` (typed
:class:`~switchboard.core.authz.permission.Permission` entries: key, description,
default roles, sensitive); the three deprecated dict hooks still count. The role →
permission table in the database mirrors the same grants, so policy helpers such as
``app.employee_contacts`` and casbin answer from one source.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path
from uuid import UUID

import casbin
from casbin.model import Model
from casbin.util import key_match

from switchboard.core.errors import ConfigurationError
from switchboard.core.plugin_host import PluginHost

from .permission import Permission

MODEL_TEXT = (Path(__file__).resolve().parent / "model.conf").read_text()


def scope_path(tenant_id: UUID, client_id: UUID | None = None, lob_id: UUID | None = None) -> str:
    """The casbin domain of a scope: ``t/<tenant>/[c/<client>/[l/<lob>/]]``."""
    path = f"t/{tenant_id}/"
    if client_id is not None:
        path += f"c/{client_id}/"
        if lob_id is not None:
            path += f"l/{lob_id}/"
    return path


class UnknownPermission(LookupError):
    """A check names a permission key no enabled plugin declares (a programming error)."""


@dataclass(frozen=True, eq=False)  # hashed by identity: one per process
class Policy:
    """Every permission key, which roles hold it, and which keys are sensitive."""

    permissions: dict[str, str]
    grants: dict[str, frozenset[str]]
    sensitive: frozenset[str]

    @classmethod
    def from_host(cls, host: PluginHost) -> Policy:
        """Gather the plugins' declarations; a key declared twice, or a grant of an unknown key,
        is a ``ConfigurationError``."""
        declared = [(plugin, permission) for plugin, permissions in
                    host.owned(host.hook.switchboard_permission_declarations) for permission in permissions]
        declared += [(plugin, Permission(key, description))  # the deprecated hooks
                     for plugin, keys in host.owned(host.hook.switchboard_permissions)
                     for key, description in keys.items()]
        owners: dict[str, str] = {}
        grants: dict[str, set[str]] = {}
        for plugin, permission in declared:
            if permission.key in owners:
                raise ConfigurationError(f"permission {permission.key!r} is declared by both"
                                         f" {owners[permission.key]!r} and {plugin!r}")
            owners[permission.key] = plugin
            for role in permission.roles:
                grants.setdefault(role, set()).add(permission.key)
        for plugin, mapping in host.owned(host.hook.switchboard_default_grants):
            for role, keys in mapping.items():
                unknown = set(keys) - set(owners)
                if unknown:
                    raise ConfigurationError(f"plugin {plugin!r} grants unknown permissions {sorted(unknown)}")
                grants.setdefault(role, set()).update(keys)
        sensitive = {p.key for _, p in declared if p.sensitive}
        sensitive.update(chain.from_iterable(host.hook.switchboard_sensitive_permissions()))
        return cls({p.key: p.description for _, p in declared}, {r: frozenset(k) for r, k in grants.items()},
                   frozenset(sensitive))

    def known(self, permission: str) -> str:
        """``permission``, if a plugin declares it; else ``UnknownPermission``."""
        if permission not in self.permissions:
            raise UnknownPermission(f"no enabled plugin declares the permission {permission!r}")
        return permission

    def rows(self) -> list[tuple[str, str]]:
        """``(role, permission)`` rows for the database mirror."""
        return sorted((role, key) for role, keys in self.grants.items() for key in keys)

    def allows(self, subject: str, grants: tuple[tuple[str, str], ...], domain: str, permission: str) -> bool:
        """Does a caller holding ``(role, scope path)`` grants have ``permission`` on ``domain``?

        ``grants`` must be sorted (one caller's grants, one cache key). Casbin evaluates
        its matcher once per policy line; decisions are cached by subject, grants,
        domain and permission. Grants are read afresh each request, so a changed grant
        is a new key and never meets a stale decision.
        """
        return self._decide(subject, grants, domain, permission)

    @lru_cache(maxsize=65536)  # noqa: B019 (one Policy per process; its cache lives as long)
    def _decide(self, subject: str, grants: tuple[tuple[str, str], ...], domain: str, permission: str) -> bool:
        return bool(self._enforcer(subject, grants).enforce(subject, domain, permission))

    @lru_cache(maxsize=1024)  # noqa: B019
    def _enforcer(self, subject: str, grants: tuple[tuple[str, str], ...]) -> casbin.Enforcer:
        """An enforcer for one caller: role policies plus ``(role, scope path)`` grants."""
        model = Model()
        model.load_model_from_text(MODEL_TEXT)
        enforcer = casbin.Enforcer(model)
        enforcer.add_named_domain_matching_func("g", key_match)
        enforcer.add_policies([[role, key] for role, key in self.rows()])
        enforcer.add_grouping_policies([[subject, role, path + "*"] for role, path in grants])
        return enforcer
