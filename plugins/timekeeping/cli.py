"""``switchboard timekeeping …``: import ACD and punch files from the command line."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from switchboard.core import cli as core_cli
from switchboard.core.cli import one_line_errors
from switchboard.core.imports.command import AsUser, CleanRowsOnly, csv_file, import_command


class Source(StrEnum):
    acd = "acd"
    punch = "punch"


def add_commands(app: typer.Typer) -> None:
    """Add the ``timekeeping`` command group to the ``switchboard`` application."""
    group = typer.Typer(help="The time ledger.", no_args_is_help=True)
    app.add_typer(group, name="timekeeping")

    @group.command("import")
    @one_line_errors
    def import_file(
        file: Annotated[Path, csv_file("importTimeEntries")],
        as_user: AsUser,
        source: Annotated[Source, typer.Option("--source", help="Where the file comes from.")],
        clean_rows_only: CleanRowsOnly = False,
    ) -> None:
        """Import FILE into the ledger as a user; prints the report, exits 1 when any row is refused."""
        from .imports import import_entries

        import_command(core_cli.load_runtime(), as_user, file, "timekeeping import",
                       lambda db, caller, stream: import_entries(db, caller, stream, source.value, clean_rows_only))
