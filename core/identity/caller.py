"""The authenticated caller of one request and the checks made against it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from uuid import UUID

from switchboard.core.authz.policy import Policy, scope_path
from switchboard.core.errors import AccessError


@dataclass(frozen=True)
class Grant:
    """One role held on one scope (client and LOB None: the whole tenant)."""

    role: str
    client_id: UUID | None = None
    lob_id: UUID | None = None


@dataclass
class Caller:
    """Who is calling, through which token, holding which grants."""

    user_id: UUID
    tenant_id: UUID
    kind: str  # staff | client
    email: str
    display_name: str
    locale: str
    employee_id: UUID | None
    token_id: UUID
    token_kind: str  # session | api
    mfa_at: datetime | None
    grants: list[Grant]
    bound_client_id: UUID | None
    policy: Policy
    mfa_window: timedelta = timedelta(minutes=15)

    @property
    def roles(self) -> set[str]:
        """Every role the caller holds somewhere."""
        return {g.role for g in self.grants}

    @property
    def is_tenant_admin(self) -> bool:
        return any(g.role == "tenant_admin" and g.client_id is None for g in self.grants)

    def mfa_recent(self) -> bool:
        """A second factor was given on this token within the step-up window."""
        return self.mfa_at is not None and datetime.now(UTC) - self.mfa_at <= self.mfa_window

    def can(self, permission: str, client_id: UUID | None = None, lob_id: UUID | None = None) -> bool:
        """May the caller use ``permission`` on this scope (the tenant when no client)?

        A key no enabled plugin declares raises ``UnknownPermission`` (as do the other checks).
        """
        self.policy.known(permission)
        domain = scope_path(self.tenant_id, client_id, lob_id)
        return self.policy.allows(str(self.user_id), self.grant_paths, domain, permission)

    @cached_property
    def grant_paths(self) -> tuple[tuple[str, str], ...]:
        """The caller's grants as sorted ``(role, scope path)`` pairs (fixed for the request)."""
        return tuple(sorted((g.role, scope_path(self.tenant_id, g.client_id, g.lob_id)) for g in self.grants))

    def can_somewhere(self, permission: str) -> bool:
        """Does any grant of the caller carry ``permission`` (on any scope)?"""
        self.policy.known(permission)
        return any(permission in self.policy.grants.get(g.role, ()) for g in self.grants)

    def require(self, permission: str, client_id: UUID | None = None, lob_id: UUID | None = None) -> None:
        """Raise ``FORBIDDEN`` or ``MFA_REQUIRED`` unless the caller may act here now."""
        self.policy.known(permission)
        self.require_mfa_if_needed(permission)
        if not self.can(permission, client_id, lob_id):
            raise AccessError("FORBIDDEN", permission=permission)

    def require_somewhere(self, permission: str) -> None:
        """Like :meth:`require`, for reads whose rows RLS narrows to the caller's scopes."""
        self.policy.known(permission)
        self.require_mfa_if_needed(permission)
        if not self.can_somewhere(permission):
            raise AccessError("FORBIDDEN", permission=permission)

    def require_mfa_if_needed(self, permission: str) -> None:
        """Tenant admins act only on a second-factor token; sensitive keys need a recent one."""
        if self.is_tenant_admin and self.mfa_at is None:
            raise AccessError("MFA_REQUIRED", permission=permission)
        if permission in self.policy.sensitive and not self.mfa_recent():
            raise AccessError("MFA_REQUIRED", permission=permission)
