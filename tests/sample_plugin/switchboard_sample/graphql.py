"""The sample plugin's GraphQL types and resolvers (imported by its hooks when the schema is built)."""

from __future__ import annotations

from uuid import UUID

import strawberry

from switchboard.core.errors import NotFound, UserError
from switchboard.core.graphql.access import requires
from switchboard.core.graphql.payload import UserErrorType, mutate

from .permissions import NOTE_READ, NOTE_WRITE


@strawberry.type
class SampleNote:
    id: UUID
    lob_id: UUID
    body: str


@strawberry.type
class SampleNotePayload:
    note: SampleNote | None
    errors: list[UserErrorType]


@strawberry.type
class SampleQuery:
    @strawberry.field(description="Notes on LOBs the caller can see.", extensions=[requires(NOTE_READ)])
    async def sample_notes(self, info: strawberry.Info) -> list[SampleNote]:
        rows = await info.context.db.all("SELECT id, lob_id, body FROM sample_note ORDER BY created_at, id")
        return [SampleNote(id=r.id, lob_id=r.lob_id, body=r.body) for r in rows]


async def add_note(ctx, lob_id: UUID, body: str):
    lob = await ctx.db.first("SELECT id, client_id FROM lob WHERE id = :id", {"id": lob_id})
    if lob is None:
        raise NotFound("lobId")
    ctx.me.require(NOTE_WRITE, lob.client_id, lob.id)
    if not body.strip():
        raise UserError("SAMPLE_NOTE_EMPTY", "body")
    return await ctx.db.first(
        "INSERT INTO sample_note (tenant_id, client_id, lob_id, body, author_id)"
        " VALUES (:t, :c, :l, :b, :a) RETURNING id, lob_id, body",
        {"t": ctx.me.tenant_id, "c": lob.client_id, "l": lob.id, "b": body.strip(), "a": ctx.me.user_id},
    )


@strawberry.type
class SampleMutation:
    @strawberry.mutation(description="Add a note to a LOB.", extensions=[requires(NOTE_WRITE)])
    async def add_sample_note(self, info: strawberry.Info, lob_id: UUID, body: str) -> SampleNotePayload:
        return await mutate(info, SampleNotePayload, lambda: add_note(info.context, lob_id, body),
                            lambda row: SampleNote(id=row.id, lob_id=row.lob_id, body=row.body))
