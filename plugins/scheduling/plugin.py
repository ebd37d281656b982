"""Hook implementations of the scheduling plugin."""

from __future__ import annotations

from pathlib import Path

from switchboard.core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent
# adherence compares schedules with the ledger
requires = ("timekeeping",)


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"
