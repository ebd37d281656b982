"""A plugin's command-line group, run in-process against a test's database."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer
from typer.testing import CliRunner, Result

from switchboard.core import cli as core_cli


def plugin_commands(runtime: Any, monkeypatch: Any, plugin: Any) -> Callable[..., Result]:
    """``switchboard`` with ``plugin``'s commands only, acting on ``runtime``'s database:
    call it with the command's arguments."""
    monkeypatch.setattr(core_cli, "load_runtime", lambda: runtime)
    app = typer.Typer()
    app.command("noop")(lambda: None)  # a group of one command would make it the default
    plugin.switchboard_cli(app=app)
    return lambda *args: CliRunner().invoke(app, list(args))
