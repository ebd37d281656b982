"""Hook implementations of the sample plugin."""

from __future__ import annotations

from pathlib import Path
from uuid import UUID

import strawberry

from switchboard.core.errors import NotFound, UserError
from switchboard.core.graphql.payload import UserErrorType, atomically
from switchboard.core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent


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
    @strawberry.field(description="Notes on LOBs the caller can see.")
    async def sample_notes(self, info: strawberry.Info) -> list[SampleNote]:
        info.context.me.require_somewhere("sample.note.read")
        rows = await info.context.db.all("SELECT id, lob_id, body FROM sample_note ORDER BY created_at, id")
        return [SampleNote(id=r.id, lob_id=r.lob_id, body=r.body) for r in rows]


async def add_note(ctx, lob_id: UUID, body: str):
    lob = await ctx.db.one("SELECT id, client_id FROM lob WHERE id = :id", {"id": lob_id})
    if lob is None:
        raise NotFound("lobId")
    ctx.me.require("sample.note.write", lob.client_id, lob.id)
    if not body.strip():
        raise UserError("SAMPLE_NOTE_EMPTY", "body")
    return await ctx.db.one(
        "INSERT INTO sample_note (tenant_id, client_id, lob_id, body, author_id)"
        " VALUES (:t, :c, :l, :b, :a) RETURNING id, lob_id, body",
        {"t": ctx.me.tenant_id, "c": lob.client_id, "l": lob.id, "b": body.strip(), "a": ctx.me.user_id},
    )


@strawberry.type
class SampleMutation:
    @strawberry.mutation
    async def add_sample_note(self, info: strawberry.Info, lob_id: UUID, body: str) -> SampleNotePayload:
        row, errors = await atomically(info, lambda: add_note(info.context, lob_id, body))
        return SampleNotePayload(note=row and SampleNote(id=row.id, lob_id=row.lob_id, body=row.body), errors=errors)


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_graphql_query():
    return SampleQuery


@hookimpl
def switchboard_graphql_mutation():
    return SampleMutation


@hookimpl
def switchboard_permissions():
    return {"sample.note.read": "Read sample notes", "sample.note.write": "Write sample notes"}


@hookimpl
def switchboard_default_grants():
    return {
        "tenant_admin": ["sample.note.read", "sample.note.write"],
        "supervisor": ["sample.note.read", "sample.note.write"],
        "workforce_planner": ["sample.note.read"],
    }


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"


@hookimpl
def switchboard_cli(app):
    import typer

    @app.command("sample-hello")
    def hello(name: str = typer.Option("world", help="Who to greet.")) -> None:
        """Greet (a command contributed by the sample plugin)."""
        typer.echo(f"hello {name}, from the sample plugin")
