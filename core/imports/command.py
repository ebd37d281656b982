"""An import from the command line: run as a user (their grants, row security, audit), print the report.

``switchboard timekeeping import`` and ``switchboard scheduling import-volumes`` are the
command-line twins of their mutations: they import the file directly (a command is not a
request: nothing to queue), committed unless refused, and exit 1 when any row is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from sqlalchemy.exc import DBAPIError

from switchboard.core.db.session import DbSession
from switchboard.core.errors import AccessError, SwitchboardError, UserError
from switchboard.core.identity.caller import Caller
from switchboard.core.identity.operator import acting_as

from .report import ImportReport, report_lines

Run = Callable[[DbSession, Caller, IO[bytes]], Awaitable[ImportReport]]
# the options every import command takes
AsUser = Annotated[str, typer.Option("--as", help="E-mail of the user the import acts as (their scope).")]
CleanRowsOnly = Annotated[bool, typer.Option("--clean-rows-only",
                                             help="Apply the clean rows even when others are bad.")]


def csv_file(mutation: str) -> Any:
    """The FILE argument of an import command whose columns ``mutation`` documents."""
    return typer.Argument(exists=True, dir_okay=False, readable=True,
                          help=f"The CSV file (columns: see the {mutation} mutation).")


async def import_as(runtime: Any, email: str, file: Path, name: str, run: Run) -> tuple[ImportReport, str]:
    """``run(db, caller, stream)`` on ``file`` as the active user ``email`` (committed unless refused);
    the report and the user's language. A refusal is one line: ``CODE: message``."""
    async with acting_as(runtime, email, name=name) as (db, caller):
        with file.open("rb") as stream:
            try:
                return await run(db, caller, stream), caller.locale
            except (UserError, AccessError, DBAPIError) as exc:
                error = runtime.constraint_errors.user_error(exc) if isinstance(exc, DBAPIError) else exc
                if error is None:
                    raise
                message = runtime.messages.render(error.code, caller.locale, error.params)
                raise SwitchboardError(f"{error.code}: {message}") from exc


def import_command(runtime: Any, email: str, file: Path, name: str, run: Run) -> None:
    """Run the import, print its report in the user's language, exit 1 when any row is refused."""
    report, lang = asyncio.run(import_as(runtime, email, file, name, run))
    for line in report_lines(report, lambda code, **p: runtime.messages.render(code, lang, p)):
        typer.echo(line)
    if report.errors:
        raise typer.Exit(1)
