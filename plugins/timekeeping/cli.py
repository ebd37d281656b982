"""``switchboard timekeeping …``: import ACD and punch files from the command line."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from switchboard.core import cli as core_cli
from switchboard.core.cli import one_line_errors

if TYPE_CHECKING:
    from switchboard.core.imports.report import ImportReport


class Source(str, Enum):
    acd = "acd"
    punch = "punch"


def add_commands(app: typer.Typer) -> None:
    """Add the ``timekeeping`` command group to the ``switchboard`` application."""
    group = typer.Typer(help="The time ledger.", no_args_is_help=True)
    app.add_typer(group, name="timekeeping")

    @group.command("import")
    @one_line_errors
    def import_file(
        file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                             help="The CSV file (columns: see the importTimeEntries mutation).")],
        as_user: Annotated[str, typer.Option("--as", help="E-mail of the user the import acts as (their scope).")],
        source: Annotated[Source, typer.Option("--source", help="Where the file comes from.")],
        clean_rows_only: Annotated[bool, typer.Option("--clean-rows-only",
                                                      help="Apply the clean rows even when others are bad.")] = False,
    ) -> None:
        """Import FILE into the ledger as a user; prints the report, exits 1 when any row is refused."""
        import asyncio

        from switchboard.core.imports.report import report_lines

        runtime = core_cli.load_runtime()
        report, lang = asyncio.run(_import(runtime, file, as_user, source.value, clean_rows_only))
        for line in report_lines(report, lambda code, **p: runtime.messages.render(code, lang, p)):
            typer.echo(line)
        if report.errors:
            raise typer.Exit(1)


async def _import(runtime, file: Path, email: str, source: str, clean_rows_only: bool) -> tuple[ImportReport, str]:
    """Run the import as ``email`` (committed unless refused); the report and the user's language."""
    from sqlalchemy.exc import DBAPIError
    from switchboard.core.db.constraints import user_error_from_db
    from switchboard.core.errors import AccessError, SwitchboardError, UserError
    from switchboard.core.identity.operator import acting_as

    from .imports import import_entries

    async with acting_as(runtime, email, name="timekeeping import") as (db, caller):
        with file.open("rb") as stream:
            try:
                return await import_entries(db, caller, stream, source, clean_rows_only), caller.locale
            except (UserError, AccessError, DBAPIError) as exc:
                error = user_error_from_db(exc) if isinstance(exc, DBAPIError) else exc
                if error is None:
                    raise
                message = runtime.messages.render(error.code, caller.locale, error.params)
                raise SwitchboardError(f"{error.code}: {message}") from exc
