"""Hook implementations of the sample plugin. Each hook imports what it returns, so loading
the plugin (as ``switchboard --help`` does) imports no GraphQL code."""

from __future__ import annotations

from pathlib import Path

from switchboard.core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_graphql_query():
    from .graphql import SampleQuery

    return SampleQuery


@hookimpl
def switchboard_graphql_mutation():
    from .graphql import SampleMutation

    return SampleMutation


@hookimpl
def switchboard_permission_declarations():
    from .permissions import PERMISSIONS

    return PERMISSIONS


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
