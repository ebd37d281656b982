"""Identity mutations.

:class:`SessionMutation` — logging in and out, step-up and one's own password, TOTP and
recovery codes — is contributed to both schemas: staff use it on ``/graphql``, client
users on ``/portal/graphql``, through the same resolvers. :class:`IdentityMutation`
(API tokens, users and grants) is staff only. Whatever checks a password, a factor or a ticket
answers with ``keep_writes``: a refusal keeps what it wrote, so failed attempts count and a spent
ticket stays spent.
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import anyone, requires, signed_in
from switchboard.core.graphql.caps import NAME, capped
from switchboard.core.graphql.payload import UserErrorType, mutate

from . import credentials, login, service, users
from .permissions import TOKEN_CREATE, USER_MANAGE
from .tickets import Factors
from .types import GrantPayload, RoleGrant, User, UserKind, UserPayload


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
class TotpConfirmationPayload:
    ok: bool
    recovery_codes: list[str] = strawberry.field(
        description="One-time recovery codes, shown once: issued when the user had none left, else empty.")
    errors: list[UserErrorType]


@strawberry.type
class RecoveryCodesPayload:
    recovery_codes: list[str] = strawberry.field(description="The new one-time codes, shown once.")
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


@strawberry.input
class UserInput:
    email: str
    kind: UserKind
    display_name: str
    locale: str = "en"
    password: str | None = strawberry.field(default=None, description="Initial password (10+ characters).")
    employee_id: UUID | None = strawberry.field(default=None, description="Staff only: the employee this user is.")
    client_id: UUID | None = strawberry.field(default=None, description="Client users only: their client.")


@strawberry.input(description="Proof, in the same request, that the caller is the user: the current password "
                              "and, when the user has TOTP, a current code or an unused recovery code.")
class CurrentCredentials:
    password: str
    totp_code: str | None = None
    recovery_code: str | None = None

    def factors(self) -> Factors:
        """The offered factors, blamed as ``current.<field>`` when refused."""
        return Factors(self.password, self.totp_code, self.recovery_code, prefix="current.")


def _ok(_: object) -> bool:
    return True


@strawberry.type
class SessionMutation:
    @strawberry.mutation(description="Exchange e-mail, password and, when the user has TOTP, a current code "
                                     "or a recovery code for a session token. Staff log in on /graphql, client "
                                     "users on /portal/graphql; an account of the other endpoint is refused like "
                                     "a wrong password.", extensions=[anyone()])
    async def login(self, info: strawberry.Info, email: str, password: str, totp_code: str | None = None,
                    recovery_code: str | None = None) -> LoginPayload:
        ctx = info.context
        factors = Factors(password, totp_code, recovery_code)
        kind = "client" if ctx.portal else "staff"
        return await mutate(info, LoginPayload,
                            lambda: login.login(ctx.db, ctx.runtime, email, factors, ctx.address, kind),
                            fields={"token": itemgetter(0), "expires_at": itemgetter(1), "mfa": itemgetter(2)},
                            keep_writes=True)

    @strawberry.mutation(description="Log out: revoke the token this request carries.", extensions=[signed_in()])
    async def logout(self, info: strawberry.Info) -> OkPayload:
        ctx = info.context
        return await mutate(info, OkPayload, lambda: service.revoke_token(ctx.db, ctx.me, ctx.me.token_id), _ok)

    @strawberry.mutation(description="Step up: a current TOTP code (or a recovery code) unlocks sensitive "
                                     "operations on this token for a while.", extensions=[signed_in()])
    async def step_up(self, info: strawberry.Info, totp_code: str | None = None,
                      recovery_code: str | None = None) -> OkPayload:
        ctx = info.context
        factors = Factors(None, totp_code, recovery_code)
        return await mutate(info, OkPayload,
                            lambda: credentials.step_up(ctx.db, ctx.runtime, ctx.me, factors, ctx.address), _ok,
                            keep_writes=True)

    @strawberry.mutation(description="Start enrolling a TOTP authenticator (or replacing yours): returns its "
                                     "secret. Needs an interactive session and your current credentials.",
                         extensions=[signed_in()])
    async def begin_totp_enrolment(self, info: strawberry.Info, current: CurrentCredentials) -> TotpEnrolmentPayload:
        ctx = info.context
        return await mutate(info, TotpEnrolmentPayload, lambda: credentials.begin_totp(
            ctx.db, ctx.runtime, ctx.me, current.factors(), ctx.address),
            fields={"secret": itemgetter(0), "otpauth_uri": itemgetter(1)}, keep_writes=True)

    @strawberry.mutation(description="Finish TOTP enrolment with a code of the new secret, in the session "
                                     "that began it.", extensions=[signed_in()])
    async def confirm_totp(self, info: strawberry.Info, code: str) -> TotpConfirmationPayload:
        ctx = info.context
        return await mutate(info, TotpConfirmationPayload,
                            lambda: credentials.confirm_totp(ctx.db, ctx.runtime, ctx.me, code),
                            fields={"ok": _ok, "recovery_codes": list}, keep_writes=True)

    @strawberry.mutation(description="Remove your TOTP factor and recovery codes (tenant admins must keep one).",
                         extensions=[signed_in()])
    async def disable_totp(self, info: strawberry.Info, current: CurrentCredentials) -> OkPayload:
        ctx = info.context
        return await mutate(info, OkPayload, lambda: credentials.disable_totp(
            ctx.db, ctx.runtime, ctx.me, current.factors(), ctx.address), _ok, keep_writes=True)

    @strawberry.mutation(description="Replace your recovery codes with new ones (the old ones stop working).",
                         extensions=[signed_in()])
    async def regenerate_recovery_codes(self, info: strawberry.Info,
                                        current: CurrentCredentials) -> RecoveryCodesPayload:
        ctx = info.context
        return await mutate(info, RecoveryCodesPayload, lambda: credentials.regenerate_recovery_codes(
            ctx.db, ctx.runtime, ctx.me, current.factors(), ctx.address), list, keep_writes=True)

    @strawberry.mutation(description="Change your own password; your other sessions end.", extensions=[signed_in()])
    async def change_password(self, info: strawberry.Info, current: CurrentCredentials,
                              new_password: str) -> OkPayload:
        ctx = info.context
        return await mutate(info, OkPayload, lambda: credentials.change_password(
            ctx.db, ctx.runtime, ctx.me, current.factors(), new_password, ctx.address), _ok, keep_writes=True)



@strawberry.type
class IdentityMutation:
    @strawberry.mutation(description="Create an API token for integrations acting as you (never second-factor "
                                     "verified). Needs an interactive session and your current credentials.",
                         extensions=[requires(TOKEN_CREATE)])
    async def create_api_token(self, info: strawberry.Info, name: Annotated[str, capped(NAME)],
                               current: CurrentCredentials, ttl_days: int = 90) -> ApiTokenPayload:
        ctx = info.context
        return await mutate(info, ApiTokenPayload, lambda: credentials.create_api_token(
            ctx.db, ctx.runtime, ctx.me, current.factors(), name, ttl_days, ctx.address),
            fields={"token": itemgetter(0), "expires_at": itemgetter(1)}, keep_writes=True)

    @strawberry.mutation(description="Revoke a token (your own; any of the tenant's, for tenant admins). "
                                     "An API token may revoke only itself.", extensions=[signed_in()])
    async def revoke_token(self, info: strawberry.Info, id: UUID) -> OkPayload:
        ctx = info.context
        return await mutate(info, OkPayload, lambda: service.revoke_token(ctx.db, ctx.me, id), _ok)

    @strawberry.mutation(description="Create a staff user or a client user bound to one client (tenant admins).",
                         extensions=[requires(USER_MANAGE)])
    async def create_user(self, info: strawberry.Info, input: UserInput) -> UserPayload:
        ctx = info.context
        data = {**vars(input), "kind": input.kind.value}
        return await mutate(info, UserPayload, lambda: users.create_user(ctx.db, ctx.me, data), User.from_row)

    @strawberry.mutation(description="Deactivate a user and revoke their tokens (tenant admins).",
                         extensions=[requires(USER_MANAGE)])
    async def deactivate_user(self, info: strawberry.Info, id: UUID) -> UserPayload:
        ctx = info.context
        return await mutate(info, UserPayload, lambda: users.deactivate_user(ctx.db, ctx.me, id), User.from_row)

    @strawberry.mutation(description="Give a user a role on the tenant, a client or a LOB.",
                         extensions=[requires(USER_MANAGE)])
    async def grant_role(
        self, info: strawberry.Info, user_id: UUID, role: str, client_id: UUID | None = None, lob_id: UUID | None = None
    ) -> GrantPayload:
        ctx = info.context
        return await mutate(info, GrantPayload,
                            lambda: users.grant_role(ctx.db, ctx.me, user_id, role, client_id, lob_id),
                            RoleGrant.from_row)

    @strawberry.mutation(description="Remove a grant.", extensions=[requires(USER_MANAGE)])
    async def revoke_grant(self, info: strawberry.Info, id: UUID) -> OkPayload:
        ctx = info.context
        return await mutate(info, OkPayload, lambda: users.revoke_grant(ctx.db, ctx.me, id), _ok)
