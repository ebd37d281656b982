"""Permission keys of volume history and forecasts, and the roles holding them by default."""

from __future__ import annotations

VOLUME_READ = "scheduling.volume.read"
VOLUME_IMPORT = "scheduling.volume.import"
FORECAST_READ = "scheduling.forecast.read"
FORECAST_MANAGE = "scheduling.forecast.manage"

PERMISSIONS = {
    VOLUME_READ: "Read interval volume history of LOBs in scope",
    VOLUME_IMPORT: "Import interval volume history files",
    FORECAST_READ: "Read forecasts and their accuracy",
    FORECAST_MANAGE: "Create forecasts and override their intervals",
}

# Planners own forecasts; account managers and supervisors read them; agents see none.
GRANTS = {
    "tenant_admin": list(PERMISSIONS),
    "workforce_planner": list(PERMISSIONS),
    "account_manager": [VOLUME_READ, FORECAST_READ],
    "supervisor": [VOLUME_READ, FORECAST_READ],
}
