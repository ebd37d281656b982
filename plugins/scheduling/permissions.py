"""Permission keys of the scheduling plugin (volumes, forecasts, schedules, time off,
availability, reports), and who holds them by default.

Casbin decides what a caller may do with these keys; row security decides on which
rows (an agent holding ``scheduling.time_off.request`` reaches only their own).
"""

from __future__ import annotations

SCHEDULE_READ = "scheduling.schedule.read"
TEMPLATE_MANAGE = "scheduling.template.manage"
PUBLISH = "scheduling.schedule.publish"
AVAILABILITY_READ = "scheduling.availability.read"
AVAILABILITY_MANAGE = "scheduling.availability.manage"
TIME_OFF_REQUEST = "scheduling.time_off.request"
TIME_OFF_APPROVE = "scheduling.time_off.approve"
SETTINGS_MANAGE = "scheduling.settings.manage"
VOLUME_READ = "scheduling.volume.read"
VOLUME_IMPORT = "scheduling.volume.import"
FORECAST_READ = "scheduling.forecast.read"
FORECAST_MANAGE = "scheduling.forecast.manage"
REPORT_READ = "scheduling.report.read"
SOLVE = "scheduling.schedule.solve"
STAFFING_MANAGE = "scheduling.staffing.manage"

PERMISSIONS = {
    SCHEDULE_READ: "Read shift templates, schedules and their segments in scope (agents: their own published segments)",
    TEMPLATE_MANAGE: "Create, change and delete the shift templates of a LOB",
    PUBLISH: "Publish and unpublish schedules of LOBs",
    AVAILABILITY_READ: "Read the availability and time off of employees in scope (agents: their own)",
    AVAILABILITY_MANAGE: "Set the weekly availability of employees in scope (agents: their own)",
    TIME_OFF_REQUEST: "Request and cancel time off (agents: their own)",
    TIME_OFF_APPROVE: "Approve and reject time off of employees in scope",
    SETTINGS_MANAGE: "Change the tenant's scheduling settings (legal weekly maximum)",
    VOLUME_READ: "Read interval volume history of LOBs in scope",
    VOLUME_IMPORT: "Import interval volume history files",
    FORECAST_READ: "Read forecasts and their accuracy",
    FORECAST_MANAGE: "Create forecasts and override their intervals",
    REPORT_READ: "Read adherence, coverage, SLA scorecards and coverage-gap explanations of LOBs in scope",
    SOLVE: "Solve a week's schedule for LOBs (a background job writing a draft schedule)",
    STAFFING_MANAGE: "Set the staffing parameters of a LOB (shrinkage, occupancy cap, patience, priority)",
}

# Planners own forecasts; account managers and supervisors read them; agents see none.

GRANTS = {
    "tenant_admin": list(PERMISSIONS),
    "workforce_planner": [SCHEDULE_READ, TEMPLATE_MANAGE, PUBLISH, AVAILABILITY_READ, AVAILABILITY_MANAGE,
                          TIME_OFF_REQUEST, VOLUME_READ, VOLUME_IMPORT, FORECAST_READ, FORECAST_MANAGE, REPORT_READ,
                          SOLVE, STAFFING_MANAGE],
    "supervisor": [SCHEDULE_READ, AVAILABILITY_READ, AVAILABILITY_MANAGE, TIME_OFF_REQUEST, TIME_OFF_APPROVE,
                   VOLUME_READ, FORECAST_READ, REPORT_READ],
    "account_manager": [SCHEDULE_READ, AVAILABILITY_READ, VOLUME_READ, FORECAST_READ, REPORT_READ],
    "agent": [SCHEDULE_READ, AVAILABILITY_READ, AVAILABILITY_MANAGE, TIME_OFF_REQUEST],
}
