"""Hook implementations of the timekeeping plugin.

Each hook imports what it returns: loading the plugin (as ``switchboard --help`` does)
imports neither the GraphQL layer nor the database one.
"""

from __future__ import annotations

from pathlib import Path

from switchboard.core.db.constraints import ConstraintError
from switchboard.core.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent

CONSTRAINT_ERRORS = [
    ConstraintError("time_entry_order", "END_BEFORE_START", "endedAt"),
    ConstraintError("time_entry_length", "TIME_ENTRY_TOO_LONG", "endedAt"),
    ConstraintError("time_entry_overlap", "TIME_ENTRY_OVERLAP", "startedAt"),
    ConstraintError("time_entry_assignment", "TIME_ENTRY_NOT_ASSIGNED", "lobId"),
    ConstraintError("time_entry_closed", "PERIOD_CLOSED", "startedAt"),
    ConstraintError("time_entry_final", "TIME_ENTRY_FINAL", "id"),
    ConstraintError("time_entry_self_approval", "SELF_APPROVAL", "ids"),
    ConstraintError("time_entry_supersedes_once", "TIME_ENTRY_FINAL", "id"),
    ConstraintError("period_close_forward", "PERIOD_ALREADY_CLOSED", "through"),
    ConstraintError("period_close_unique", "PERIOD_ALREADY_CLOSED", "through"),
]


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_constraint_errors():
    return CONSTRAINT_ERRORS


@hookimpl
def switchboard_demo_data(conn, demo):
    from .demo import add_demo_entries

    add_demo_entries(conn, demo)


@hookimpl
def switchboard_graphql_query():
    from .queries import TimekeepingQuery

    return TimekeepingQuery


@hookimpl
def switchboard_node_types():
    from switchboard.core.graphql.node import guarded

    from .permissions import READ
    from .types import entry_by_id

    return {"TimeEntry": guarded(READ, entry_by_id)}


@hookimpl
def switchboard_graphql_mutation():
    from .mutations import TimekeepingMutation

    return TimekeepingMutation


@hookimpl
def switchboard_permission_declarations():
    from .permissions import PERMISSIONS

    return PERMISSIONS


@hookimpl
def switchboard_job_handlers():
    from . import imports

    return {imports.KIND: imports.import_job}


@hookimpl
def switchboard_job_results():
    from . import imports
    from .types import TimeEntryImportResult

    return {imports.KIND: TimeEntryImportResult}


@hookimpl
def switchboard_webhook_event_types():
    from . import service

    return {service.PERIOD_CLOSED: "A client's timekeeping days were closed through a date (the client, the date"
                                   " and who closed them)."}


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"


@hookimpl
def switchboard_cli(app):
    from .cli import add_commands

    add_commands(app)
