"""Interval volume history per LOB, versioned forecasts with their intervals and planners' overrides.

``interval_volume``: one row per LOB and interval (15 or 30 minutes, starting on a
UTC multiple of its length): offered, handled, abandoned, AHT and the service level
achieved. Two intervals of a LOB never overlap (a 30-minute and a 15-minute row
included). Rows are only added (the import skips what it already holds).

``forecast``: version n of a LOB's forecast (numbered per LOB), its method, horizon
and interval length, who made it, and its backtest on the LOB's last weeks of
history. ``forecast_interval``: its intervals (offered, AHT) and a planner's override
of either (with who, when and why); the runtime role may change only the override
columns, and every change lands in the audit log.

The volume import stages its file like timekeeping's (see ``timekeeping_0002``):
``scheduling.volume_import_stage()`` and ``scheduling.volume_import_analyze()``.

Revision ID: scheduling_0002
Revises: scheduling_0001
Create Date: 2026-11-24
"""

from alembic import op

from switchboard.core.db.scoped import (
    ScopedTable,
    create_scoped_table,
    drop_scoped_table,
    execute_for_runtime,
)
from switchboard.core.imports.staging import staging_functions

revision = "scheduling_0002"
down_revision = "scheduling_0001"
branch_labels = None
depends_on = ("core_0003", "timekeeping_0002")

METHODS = "('seasonal_naive', 'mstl_ets')"
IMPORT_COLUMNS = ("client", "lob", "interval_start", "interval_minutes", "offered", "handled", "abandoned",
                  "aht_seconds", "service_level")

TABLES = [
    ScopedTable(
        name="interval_volume",
        scope="lob",
        columns="""
            interval_start timestamptz NOT NULL,
            interval_minutes smallint NOT NULL,
            offered integer NOT NULL,
            handled integer NOT NULL,
            abandoned integer NOT NULL,
            aht_seconds numeric(9, 1),
            service_level numeric(5, 4),
            imported_by uuid""",
        references={"imported_by": "app_user"},
        constraints=[
            "CONSTRAINT interval_volume_length CHECK (interval_minutes IN (15, 30))",
            ("CONSTRAINT interval_volume_aligned CHECK"
             " (extract(epoch FROM interval_start)::bigint % (interval_minutes * 60) = 0)"),
            "CONSTRAINT interval_volume_counts CHECK (offered >= 0 AND handled >= 0 AND abandoned >= 0)",
            "CONSTRAINT interval_volume_outcomes CHECK (handled + abandoned <= offered)",
            "CONSTRAINT interval_volume_aht CHECK (aht_seconds >= 0 AND (aht_seconds IS NOT NULL OR handled = 0))",
            "CONSTRAINT interval_volume_service_level CHECK (service_level BETWEEN 0 AND 1)",
            "CONSTRAINT interval_volume_unique UNIQUE (tenant_id, lob_id, interval_start)",
            # in UTC wall-clock time: a timestamptz sum is not immutable, a timestamp one is
            ("CONSTRAINT interval_volume_overlap EXCLUDE USING gist (tenant_id WITH =, lob_id WITH =,"
             " tsrange(interval_start AT TIME ZONE 'UTC',"
             " (interval_start AT TIME ZONE 'UTC') + interval_minutes * interval '1 minute') WITH &&)"),
        ],
        commands=("SELECT", "INSERT"),
    ),
    ScopedTable(
        name="forecast",
        scope="lob",
        columns=f"""
            version integer NOT NULL,
            method text NOT NULL CHECK (method IN {METHODS}),
            horizon_start timestamptz NOT NULL,
            horizon_end timestamptz NOT NULL,
            interval_minutes smallint NOT NULL CHECK (interval_minutes IN (15, 30)),
            history_start timestamptz NOT NULL,
            history_end timestamptz NOT NULL,
            holiday_factor numeric(6, 4) NOT NULL CHECK (holiday_factor > 0),
            backtest_weeks smallint NOT NULL CHECK (backtest_weeks > 0),
            backtest_wape numeric(8, 4) CHECK (backtest_wape >= 0),
            backtest_bias numeric(8, 4),
            baseline_wape numeric(8, 4) CHECK (baseline_wape >= 0),
            baseline_bias numeric(8, 4),
            created_by uuid NOT NULL""",
        references={"created_by": "app_user"},
        constraints=[
            "CONSTRAINT forecast_version CHECK (version > 0)",
            "CONSTRAINT forecast_version_unique UNIQUE (tenant_id, lob_id, version)",
            "CONSTRAINT forecast_horizon CHECK (horizon_end > horizon_start AND horizon_start >= history_end)",
            "CONSTRAINT forecast_history CHECK (history_end > history_start)",
            "CONSTRAINT forecast_lob_unique UNIQUE (tenant_id, lob_id, id)",
        ],
        commands=("SELECT", "INSERT"),
    ),
    ScopedTable(
        name="forecast_interval",
        scope="lob",
        columns="""
            forecast_id uuid NOT NULL,
            interval_start timestamptz NOT NULL,
            offered numeric(12, 3) NOT NULL CHECK (offered >= 0),
            aht_seconds numeric(9, 1) NOT NULL CHECK (aht_seconds >= 0),
            override_offered numeric(12, 3) CHECK (override_offered >= 0),
            override_aht_seconds numeric(9, 1) CHECK (override_aht_seconds >= 0),
            override_by uuid,
            override_at timestamptz,
            override_reason text CHECK (length(override_reason) BETWEEN 1 AND 500)""",
        references={"override_by": "app_user"},
        constraints=[
            # an interval belongs to a forecast of its own LOB
            ("CONSTRAINT forecast_interval_forecast FOREIGN KEY (tenant_id, lob_id, forecast_id)"
             " REFERENCES forecast (tenant_id, lob_id, id) ON DELETE CASCADE"),
            "CONSTRAINT forecast_interval_unique UNIQUE (tenant_id, forecast_id, interval_start)",
            ("CONSTRAINT forecast_interval_override CHECK ("
             " (override_offered IS NULL AND override_aht_seconds IS NULL)"
             " = (override_by IS NULL) AND (override_by IS NULL) = (override_at IS NULL)"
             " AND (override_by IS NULL) = (override_reason IS NULL))"),
        ],
        commands=("SELECT", "INSERT"),
    ),
]

GRANTS = """
GRANT UPDATE (override_offered, override_aht_seconds, override_by, override_at, override_reason)
    ON forecast_interval TO {runtime};
GRANT USAGE ON SCHEMA scheduling TO {runtime};
"""


def upgrade() -> None:
    for table in TABLES:
        create_scoped_table(op, table)
    execute_for_runtime(op, GRANTS)
    execute_for_runtime(op, staging_functions("scheduling", "volume_import", IMPORT_COLUMNS))


def downgrade() -> None:
    op.execute("DROP FUNCTION IF EXISTS scheduling.volume_import_stage(), scheduling.volume_import_analyze()")
    for table in reversed(TABLES):
        drop_scoped_table(op, table.name)
    execute_for_runtime(op, "REVOKE USAGE ON SCHEMA scheduling FROM {runtime}")
