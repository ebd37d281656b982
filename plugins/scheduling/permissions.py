"""Permission keys of the scheduling plugin (volumes, forecasts, schedules, time off,
availability, reports), and who holds them by default.

Casbin decides what a caller may do with these keys; row security decides on which
rows (an agent holding ``scheduling.time_off.request`` reaches only their own).
"""

from __future__ import annotations

from switchboard.core.authz.permission import Permission

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

# Planners own forecasts; account managers and supervisors read them; agents see none.
PERMISSIONS = [
    Permission(SCHEDULE_READ, "Read shift templates, schedules and their segments in scope"
                              " (agents: their own published segments)",
               roles=("tenant_admin", "workforce_planner", "supervisor", "account_manager", "agent")),
    Permission(TEMPLATE_MANAGE, "Create, change and delete the shift templates of a LOB",
               roles=("tenant_admin", "workforce_planner")),
    Permission(PUBLISH, "Publish and unpublish schedules of LOBs",
               roles=("tenant_admin", "workforce_planner")),
    Permission(AVAILABILITY_READ, "Read the availability and time off of employees in scope (agents: their own)",
               roles=("tenant_admin", "workforce_planner", "supervisor", "account_manager", "agent")),
    Permission(AVAILABILITY_MANAGE, "Set the weekly availability of employees in scope (agents: their own)",
               roles=("tenant_admin", "workforce_planner", "supervisor", "agent")),
    Permission(TIME_OFF_REQUEST, "Request and cancel time off (agents: their own)",
               roles=("tenant_admin", "workforce_planner", "supervisor", "agent")),
    Permission(TIME_OFF_APPROVE, "Approve and reject time off of employees in scope",
               roles=("tenant_admin", "supervisor")),
    Permission(SETTINGS_MANAGE, "Change the tenant's scheduling settings (legal weekly maximum)",
               roles=("tenant_admin",)),
    Permission(VOLUME_READ, "Read interval volume history of LOBs in scope",
               roles=("tenant_admin", "workforce_planner", "supervisor", "account_manager")),
    Permission(VOLUME_IMPORT, "Import interval volume history files",
               roles=("tenant_admin", "workforce_planner")),
    Permission(FORECAST_READ, "Read forecasts and their accuracy",
               roles=("tenant_admin", "workforce_planner", "supervisor", "account_manager")),
    Permission(FORECAST_MANAGE, "Create forecasts and override their intervals",
               roles=("tenant_admin", "workforce_planner")),
    Permission(REPORT_READ, "Read adherence, coverage, SLA scorecards and coverage-gap explanations of LOBs in scope",
               roles=("tenant_admin", "workforce_planner", "supervisor", "account_manager")),
    Permission(SOLVE, "Solve a week's schedule for LOBs (a background job writing a draft schedule)",
               roles=("tenant_admin", "workforce_planner")),
    Permission(STAFFING_MANAGE, "Set the staffing parameters of a LOB (shrinkage, occupancy cap, patience, priority)",
               roles=("tenant_admin", "workforce_planner")),
]
