"""``switchboard scheduling …``: import interval volume history from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from switchboard.core import cli as core_cli
from switchboard.core.cli import one_line_errors
from switchboard.core.imports.command import AsUser, CleanRowsOnly, csv_file, import_command


def add_commands(app: typer.Typer) -> None:
    """Add the ``scheduling`` command group to the ``switchboard`` application."""
    group = typer.Typer(help="Volumes, forecasts and schedules.", no_args_is_help=True)
    app.add_typer(group, name="scheduling")

    @group.command("import-volumes")
    @one_line_errors
    def import_volumes_file(file: Annotated[Path, csv_file("importIntervalVolumes")], as_user: AsUser,
                            clean_rows_only: CleanRowsOnly = False) -> None:
        """Import interval volume history from FILE as a user; prints the report, exits 1 when any row is refused."""
        from switchboard.plugins.scheduling.forecasts.volume_import import import_volumes

        import_command(core_cli.load_runtime(), as_user, file, "scheduling import-volumes",
                       lambda db, caller, stream: import_volumes(db, caller, stream, clean_rows_only))
