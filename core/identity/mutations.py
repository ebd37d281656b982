"""Identity mutations: login, TOTP enrolment and step-up, tokens, users and grants."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from enum import Enum
from typing import Annotated
from uuid import UUID

import strawberry

from ..errors import UserError
from ..graphql.caps import NAME, capped
from ..graphql.payload import UserErrorType, atomically
from . import secrets, service, users
from .types import GrantPayload, RoleGrant, User, UserPayload


@strawberry.type
class LoginPayload:
    token: str | None
    expires_at: datetime | None
    mfa: bool = strawberry.field(description="Whether the session was opened with a second factor.")
    errors: list[UserErrorType]


@strawberry.type
class TotpEnrolmentPayload:
    secret: str | None
    otpauth_uri: str | None
    errors: list[UserErrorType]


@strawberry.type
class OkPayload:
    ok: bool
    errors: list[UserErrorType]


@strawberry.type
class ApiTokenPayload:
    token: str | None = strawberry.field(description="Shown once; only its hash is stored.")
    expires_at: datetime | None
    errors: list[UserErrorType]


@strawberry.enum
class UserKind(Enum):
    STAFF = "staff"
    CLIENT = "client"


@strawberry.input
class UserInput:
    email: str
    kind: UserKind
    display_name: str
    locale: str = "en"
    password: str | None = strawberry.field(default=None, description="Initial password (10+ characters).")
    employee_id: UUID | None = strawberry.field(default=None, description="Staff only: the employee this user is.")
    client_id: UUID | None = strawberry.field(default=None, description="Client users only: their client.")


async def _refusal(info: strawberry.Info, action) -> list[UserErrorType]:
    """Run ``action`` keeping its writes even when it refuses (failed attempts must count)."""
    try:
        await action()
    except UserError as exc:
        return [info.context.user_error(exc)]
    return []


@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Exchange e-mail, password (and TOTP code when enrolled) for a session token.")
    async def login(self, info: strawberry.Info, email: str, password: str, totp_code: str | None = None) -> LoginPayload:
        ctx = info.context
        result: list = []

        async def act() -> None:
            result.append(await service.login(ctx.db, email, password, totp_code, ctx.runtime.settings))

        errors = await _refusal(info, act)
        if errors:
            return LoginPayload(token=None, expires_at=None, mfa=False, errors=errors)
        token, expires, mfa = result[0]
        return LoginPayload(token=token, expires_at=expires, mfa=mfa, errors=[])

    @strawberry.mutation(description="Start TOTP enrolment: returns a secret to load into an authenticator.")
    async def begin_totp_enrolment(self, info: strawberry.Info) -> TotpEnrolmentPayload:
        ctx = info.context
        secret, uri = await service.begin_totp(ctx.db, ctx.me)
        return TotpEnrolmentPayload(secret=secret, otpauth_uri=uri, errors=[])

    @strawberry.mutation(description="Finish TOTP enrolment with a current code.")
    async def confirm_totp(self, info: strawberry.Info, code: str) -> OkPayload:
        ctx = info.context
        errors = await _refusal(info, lambda: service.confirm_totp(ctx.db, ctx.me, code, ctx.runtime.settings))
        return OkPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Step up: give a current TOTP code to unlock sensitive operations for a while.")
    async def step_up(self, info: strawberry.Info, code: str) -> OkPayload:
        ctx = info.context
        errors = await _refusal(info, lambda: service.step_up(ctx.db, ctx.me, code, ctx.runtime.settings))
        return OkPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Create an API token for integrations acting as the caller.")
    async def create_api_token(self, info: strawberry.Info, name: Annotated[str, capped(NAME)],
                               ttl_days: int = 90) -> ApiTokenPayload:
        ctx = info.context

        async def act():
            caller = ctx.me
            caller.require_somewhere("identity.token.create")
            if not 1 <= ttl_days <= 366:
                raise UserError("TTL_OUT_OF_RANGE", "ttlDays", min=1, max=366)
            token = secrets.new_token()
            expires = datetime.now(timezone.utc) + timedelta(days=ttl_days)
            await service.issue(ctx.db, caller.user_id, "api", name.strip() or "api", token, expires, False)
            return token, expires

        result, errors = await atomically(info, act)
        token, expires = result if result else (None, None)
        return ApiTokenPayload(token=token, expires_at=expires, errors=errors)

    @strawberry.mutation(description="Revoke a token (your own; any of the tenant's, for tenant admins).")
    async def revoke_token(self, info: strawberry.Info, id: UUID) -> OkPayload:
        ctx = info.context
        _, errors = await atomically(info, lambda: service.revoke_token(ctx.db, id))
        return OkPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Change your own password.")
    async def change_password(self, info: strawberry.Info, current_password: str, new_password: str) -> OkPayload:
        ctx = info.context
        _, errors = await atomically(info, lambda: users.change_password(ctx.db, ctx.me, current_password, new_password))
        return OkPayload(ok=not errors, errors=errors)

    @strawberry.mutation(description="Create a staff user or a client user bound to one client (tenant admins).")
    async def create_user(self, info: strawberry.Info, input: UserInput) -> UserPayload:
        ctx = info.context
        data = {**vars(input), "kind": input.kind.value}
        row, errors = await atomically(info, lambda: users.create_user(ctx.db, ctx.me, data))
        return UserPayload(user=row and User.from_row(row), errors=errors)

    @strawberry.mutation(description="Deactivate a user and revoke their tokens (tenant admins).")
    async def deactivate_user(self, info: strawberry.Info, id: UUID) -> UserPayload:
        ctx = info.context
        row, errors = await atomically(info, lambda: users.deactivate_user(ctx.db, ctx.me, id))
        return UserPayload(user=row and User.from_row(row), errors=errors)

    @strawberry.mutation(description="Give a user a role on the tenant, a client or a LOB.")
    async def grant_role(
        self, info: strawberry.Info, user_id: UUID, role: str, client_id: UUID | None = None, lob_id: UUID | None = None
    ) -> GrantPayload:
        ctx = info.context
        row, errors = await atomically(info, lambda: users.grant_role(ctx.db, ctx.me, user_id, role, client_id, lob_id))
        return GrantPayload(grant=row and RoleGrant.from_row(row), errors=errors)

    @strawberry.mutation(description="Remove a grant.")
    async def revoke_grant(self, info: strawberry.Info, id: UUID) -> OkPayload:
        ctx = info.context
        _, errors = await atomically(info, lambda: users.revoke_grant(ctx.db, ctx.me, id))
        return OkPayload(ok=not errors, errors=errors)
