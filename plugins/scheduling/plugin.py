"""Hook implementations of the scheduling plugin.

Each hook imports what it returns: loading the plugin imports neither the GraphQL layer
nor OR-Tools, statsmodels, SciPy or pandas (those load where a solve, a forecast or a
report needs them).
"""

from __future__ import annotations

from pathlib import Path

from switchboard.core.db.constraints import ConstraintError
from switchboard.core.hookspecs import hookimpl
from switchboard.plugins.scheduling import permissions

HERE = Path(__file__).resolve().parent
# adherence compares schedules with the ledger
requires = ("timekeeping",)

CONSTRAINT_ERRORS = [
    ConstraintError("interval_volume_length", "INVALID_INTERVAL_LENGTH", "intervalMinutes"),
    ConstraintError("interval_volume_aligned", "INTERVAL_NOT_ALIGNED", "intervalStart"),
    ConstraintError("interval_volume_counts", "INVALID_COUNT", "offered"),
    ConstraintError("interval_volume_outcomes", "VOLUME_OUTCOMES_EXCEED_OFFERED", "handled"),
    ConstraintError("interval_volume_aht", "INVALID_NUMBER", "ahtSeconds"),
    ConstraintError("interval_volume_service_level", "INVALID_SERVICE_LEVEL", "serviceLevel"),
    ConstraintError("interval_volume_unique", "VOLUME_CONFLICT", "intervalStart"),
    ConstraintError("interval_volume_overlap", "VOLUME_OVERLAP", "intervalStart"),
    ConstraintError("forecast_version_unique", "FORECAST_VERSION_TAKEN", "lobIds"),
    ConstraintError("forecast_interval_override", "REQUIRED", "reason"),
    ConstraintError("shift_template_name", "REQUIRED", "name"),
    ConstraintError("shift_template_name_unique", "NAME_TAKEN", "name"),
    ConstraintError("shift_template_length", "SHIFT_LENGTH_INVALID", "lengthMinutes"),
    ConstraintError("shift_template_step", "START_STEP_INVALID", "startStepMinutes"),
    ConstraintError("shift_template_weekdays", "WEEKDAYS_INVALID", "weekdays"),
    ConstraintError("shift_template_start_window", "LATEST_BEFORE_EARLIEST", "latestStart"),
    ConstraintError("shift_template_start_alignment", "START_NOT_ON_STEP", "earliestStart"),
    ConstraintError("shift_template_break", "BREAK_OUT_OF_RANGE", "unpaidBreakMinutes"),
    ConstraintError("availability_weekday", "WEEKDAY_INVALID", "windows"),
    ConstraintError("availability_timezone", "INVALID_TIMEZONE", "timezone"),
    ConstraintError("availability_order", "END_BEFORE_START", "windows"),
    ConstraintError("availability_overlap", "AVAILABILITY_OVERLAP", "windows"),
    ConstraintError("time_off_kind", "TIME_OFF_KIND_INVALID", "kind"),
    ConstraintError("time_off_note", "TOO_LONG", "note"),
    ConstraintError("time_off_bounds", "END_BEFORE_START", "endsAt"),
    ConstraintError("time_off_length", "TIME_OFF_TOO_LONG", "endsAt"),
    ConstraintError("time_off_overlap", "TIME_OFF_OVERLAP", "startsAt"),
    ConstraintError("time_off_transition", "TIME_OFF_FINAL", "id"),
    ConstraintError("time_off_self_decision", "TIME_OFF_SELF_DECISION", "id"),
    ConstraintError("time_off_decider", "TIME_OFF_DECISION_NOT_PERMITTED", "id"),
    ConstraintError("scheduling_settings_legal_max", "LEGAL_MAX_OUT_OF_RANGE", "hours"),
    ConstraintError("schedule_lobs", "SCHEDULE_LOBS_INVALID", "lobIds"),
    ConstraintError("schedule_lobs_given", "SCHEDULE_LOBS_INVALID", "lobIds"),
    ConstraintError("schedule_week_start", "WEEK_START_NOT_MONDAY", "weekStart"),
    ConstraintError("schedule_publish_permission", "PUBLISH_NOT_PERMITTED", "id"),
    ConstraintError("schedule_segment_assignment_active", "SCHEDULE_ASSIGNMENT_INACTIVE", "id"),
    ConstraintError("schedule_segment_published_overlap", "SCHEDULE_CONFLICT", "id"),
    ConstraintError("schedule_segment_overlap", "SEGMENT_OVERLAP", "startsAt"),
    ConstraintError("schedule_segment_order", "END_BEFORE_START", "endsAt"),
    ConstraintError("schedule_segment_length", "SEGMENT_TOO_LONG", "endsAt"),
    ConstraintError("schedule_segment_draft", "SCHEDULE_PUBLISHED", "scheduleId"),
    ConstraintError("schedule_segment_lob", "SEGMENT_LOB_OUTSIDE_SCHEDULE", "lobId"),
    ConstraintError("schedule_segment_assignment", "SEGMENT_ASSIGNMENT_MISMATCH", "assignmentId"),
    ConstraintError("lob_staffing_shrinkage", "SHRINKAGE_OUT_OF_RANGE", "shrinkage"),
    ConstraintError("lob_staffing_occupancy", "OCCUPANCY_CAP_OUT_OF_RANGE", "occupancyCap"),
    ConstraintError("lob_staffing_patience", "PATIENCE_NOT_POSITIVE", "patienceSeconds"),
    ConstraintError("lob_staffing_priority", "PRIORITY_OUT_OF_RANGE", "priority"),
]


@hookimpl
def switchboard_migrations():
    return HERE / "migrations"


@hookimpl
def switchboard_constraint_errors():
    return CONSTRAINT_ERRORS


@hookimpl
def switchboard_locale_dirs():
    return HERE / "locale"


@hookimpl
def switchboard_graphql_query():
    from switchboard.core.graphql.merge import merge
    from switchboard.plugins.scheduling.forecasts.queries import ForecastQuery
    from switchboard.plugins.scheduling.planning.graphql import PlanningQuery
    from switchboard.plugins.scheduling.reports.queries import ReportQuery
    from switchboard.plugins.scheduling.schedules.queries import ScheduleQuery

    return merge("SchedulingQuery", [("forecasts", ForecastQuery), ("schedules", ScheduleQuery),
                                      ("reports", ReportQuery), ("planning", PlanningQuery)])


@hookimpl
def switchboard_node_types():
    from switchboard.core.graphql.node import guarded
    from switchboard.plugins.scheduling.forecasts.types import forecast_by_id
    from switchboard.plugins.scheduling.schedules.types import schedule_by_id

    return {"Forecast": guarded(permissions.FORECAST_READ, forecast_by_id),
            "Schedule": guarded(permissions.SCHEDULE_READ, schedule_by_id)}


@hookimpl
def switchboard_portal_query():
    from switchboard.plugins.scheduling.reports.portal import PortalReportQuery

    return PortalReportQuery


@hookimpl
def switchboard_graphql_mutation():
    from switchboard.core.graphql.merge import merge
    from switchboard.plugins.scheduling.forecasts.mutations import ForecastMutation
    from switchboard.plugins.scheduling.planning.graphql import PlanningMutation
    from switchboard.plugins.scheduling.schedules.mutations import ScheduleMutation

    return merge("SchedulingMutation", [("forecasts", ForecastMutation), ("schedules", ScheduleMutation),
                                            ("planning", PlanningMutation)])


@hookimpl
def switchboard_permission_declarations():
    return permissions.PERMISSIONS


@hookimpl
def switchboard_job_handlers():
    from switchboard.plugins.scheduling.forecasts import forecast_job, volume_import
    from switchboard.plugins.scheduling.planning import solve_job

    return {solve_job.KIND: solve_job.solve_schedule, forecast_job.KIND: forecast_job.forecast,
            volume_import.KIND: volume_import.import_job}


@hookimpl
def switchboard_job_results():
    from switchboard.plugins.scheduling.forecasts import forecast_job, volume_import
    from switchboard.plugins.scheduling.forecasts.types import ForecastJobResult, VolumeImportResult
    from switchboard.plugins.scheduling.planning import solve_job
    from switchboard.plugins.scheduling.planning.types import ScheduleSolveResult

    return {solve_job.KIND: ScheduleSolveResult, forecast_job.KIND: ForecastJobResult,
            volume_import.KIND: VolumeImportResult}


@hookimpl
def switchboard_webhook_event_types():
    from switchboard.plugins.scheduling.schedules.service import SCHEDULE_PUBLISHED

    return {SCHEDULE_PUBLISHED: "A schedule was published: its id, week and the client's LOBs in it (one event per"
                                " client)."}


@hookimpl
def switchboard_cli(app):
    from switchboard.plugins.scheduling.cli import add_commands

    add_commands(app)


@hookimpl
def switchboard_eligibility_rules():
    from switchboard.plugins.scheduling.schedules.eligibility import RULES

    return list(RULES)


@hookimpl
def switchboard_demo_data(conn, demo):
    from switchboard.plugins.scheduling.forecasts.demo import add_demo_volumes
    from switchboard.plugins.scheduling.planning.demo import add_demo_planning

    add_demo_volumes(conn, demo)
    add_demo_planning(conn, demo)
