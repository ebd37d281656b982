"""Hook implementations of the scheduling plugin."""

from __future__ import annotations

from pathlib import Path

from switchboard.core.db.constraints import register_constraints
from switchboard.core.graphql.merge import merge
from switchboard.core.hookspecs import hookimpl

from . import forecast_permissions
from .forecast_mutations import ForecastMutation
from .forecast_queries import ForecastQuery

HERE = Path(__file__).resolve().parent
# adherence compares schedules with the ledger
requires = ("timekeeping",)

register_constraints([
    ("interval_volume_length", "INVALID_INTERVAL_LENGTH", "intervalMinutes"),
    ("interval_volume_aligned", "INTERVAL_NOT_ALIGNED", "intervalStart"),
    ("interval_volume_counts", "INVALID_COUNT", "offered"),
    ("interval_volume_outcomes", "VOLUME_OUTCOMES_EXCEED_OFFERED", "handled"),
    ("interval_volume_aht", "INVALID_NUMBER", "ahtSeconds"),
    ("interval_volume_service_level", "INVALID_SERVICE_LEVEL", "serviceLevel"),
    ("interval_volume_unique", "VOLUME_CONFLICT", "intervalStart"),
    ("interval_volume_overlap", "VOLUME_OVERLAP", "intervalStart"),
    ("forecast_version_unique", "FORECAST_VERSION_TAKEN", "lobIds"),
    ("forecast_interval_override", "REQUIRED", "reason"),
])


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"


@hookimpl
def switchboard_graphql_query():
    return merge("SchedulingQuery", [("forecasts", ForecastQuery)])


@hookimpl
def switchboard_graphql_mutation():
    return merge("SchedulingMutation", [("forecasts", ForecastMutation)])


@hookimpl
def switchboard_permissions():
    return dict(forecast_permissions.PERMISSIONS)


@hookimpl
def switchboard_default_grants():
    return {role: list(keys) for role, keys in forecast_permissions.GRANTS.items()}


@hookimpl
def switchboard_demo_data(conn, demo):
    from .volume_demo import add_demo_volumes

    add_demo_volumes(conn, demo)
