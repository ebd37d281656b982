"""GraphQL types of identity: the caller, users, grants, tokens, roles."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.payload import UserErrorType
from switchboard.core.graphql.rows import FromRow

from .users import users_by_ids


@strawberry.enum(description="Staff work in the BPO (/graphql); client users belong to a client account"
                             " (/portal/graphql).")
class UserKind(Enum):
    STAFF = "staff"
    CLIENT = "client"


@strawberry.enum(description="A session comes from logging in; an API token is created for a program; an operator"
                             " token is issued from the command line.")
class TokenKind(Enum):
    SESSION = "session"
    API = "api"
    OPERATOR = "operator"


@strawberry.type(description="A role held on a scope (no client: the whole tenant).")
class RoleGrant(FromRow):
    id: UUID | None
    role: str
    client_id: UUID | None
    lob_id: UUID | None


@strawberry.type(description="The authenticated caller.")
class Me:
    user_id: UUID
    tenant_id: UUID
    email: str
    display_name: str
    kind: UserKind
    locale: str
    employee_id: UUID | None
    grants: list[RoleGrant]
    mfa_recent: bool

    @classmethod
    def of(cls, caller: Any) -> Me:
        return cls(
            user_id=caller.user_id, tenant_id=caller.tenant_id, email=caller.email,
            display_name=caller.display_name, kind=UserKind(caller.kind), locale=caller.locale,
            employee_id=caller.employee_id,
            grants=[RoleGrant(id=None, role=g.role, client_id=g.client_id, lob_id=g.lob_id) for g in caller.grants],
            mfa_recent=caller.mfa_recent(),
        )

    @strawberry.field(description="Whether you have a TOTP authenticator.")
    async def totp_enabled(self, info: strawberry.Info) -> bool:
        enabled = await info.context.db.scalar("SELECT totp_enabled FROM app_user WHERE id = :u", {"u": self.user_id})
        return bool(enabled)

    @strawberry.field(description="How many of your one-time recovery codes are unused.")
    async def recovery_codes_left(self, info: strawberry.Info) -> int:
        return await info.context.db.scalar(
            "SELECT count(*) FROM recovery_code WHERE user_id = :u AND used_at IS NULL", {"u": self.user_id})


@strawberry.type(description="A bearer token (its secret is never shown again).")
class Token(FromRow):
    id: UUID
    user_id: UUID
    kind: TokenKind
    name: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


@strawberry.type(description="A staff member or a client user.")
class User(FromRow, Node):
    id: strawberry.Private[UUID]
    email: str
    kind: UserKind
    display_name: str
    locale: str
    active: bool
    totp_enabled: bool
    employee_id: UUID | None
    bound_client_id: UUID | None
    grants: list[RoleGrant]

    @classmethod
    def from_row(cls, r: Any) -> User:
        grants = [RoleGrant(id=UUID(g["id"]), role=g["role"], client_id=_uuid(g["client_id"]),
                            lob_id=_uuid(g["lob_id"])) for g in r.grants]
        return super().from_row(r, grants=grants)


@strawberry.type(description="A role and the permission keys it holds.")
class Role:
    name: str
    kind: UserKind = strawberry.field(description="The kind of user the role can be granted to.")
    description: str
    permissions: list[str]


def _uuid(value: str | None) -> UUID | None:
    return UUID(value) if value else None


@strawberry.type
class UserPayload:
    user: User | None
    errors: list[UserErrorType]


@strawberry.type
class GrantPayload:
    grant: RoleGrant | None
    errors: list[UserErrorType]


def user_by_id(ctx: Any):
    """The request's loader of users by id (None when not visible)."""
    return loaders.by_id(ctx, users_by_ids, User.from_row)
