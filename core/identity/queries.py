"""Identity queries: the caller, users, tokens, roles."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires, signed_in
from switchboard.core.graphql.caps import SEARCH, capped
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field
from switchboard.core.scope.permissions import READ

from . import users
from .permissions import USER_MANAGE
from .types import Me, Role, Token, User, UserKind


@strawberry.type
class IdentityQuery:
    @strawberry.field(description="The authenticated caller, their grants and second-factor state.",
                      extensions=[signed_in()])
    def me(self, info: strawberry.Info) -> Me:
        return Me.of(info.context.me)

    @connection_field(description="Users of the tenant, by e-mail (tenant admins).",
                      extensions=[requires(USER_MANAGE)])
    async def users(
        self, info: strawberry.Info, window: Window, search: Annotated[str | None, capped(SEARCH)] = None,
    ) -> Connection[User]:
        ctx = info.context
        rows = await users.users_page(ctx.db, ctx.me, window, ctx.runtime.settings.page_size_cap, search)
        return connection(rows, lambda r: (r.email, r.id), User.from_row)

    @strawberry.field(description="Tokens: your own, or a user's (tenant admins). Secrets are never shown.",
                      extensions=[signed_in()])
    async def tokens(self, info: strawberry.Info, user_id: UUID | None = None) -> list[Token]:
        ctx = info.context
        return [Token.from_row(r) for r in await users.tokens_of(ctx.db, ctx.me, user_id)]

    @strawberry.field(description="Every role and the permission keys it holds.", extensions=[requires(READ)])
    async def roles(self, info: strawberry.Info) -> list[Role]:
        ctx = info.context
        grants = ctx.runtime.policy.grants
        return [Role(name=r.name, kind=UserKind(r.kind), description=r.description,
                     permissions=sorted(grants.get(r.name, ())))
                for r in await users.roles(ctx.db, ctx.me)]
