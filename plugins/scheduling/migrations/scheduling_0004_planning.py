"""Planning: each LOB's staffing parameters, and what a solve could not cover.

``lob_staffing``: at most one row per LOB with its shrinkage, occupancy cap, optional
Erlang A patience and the SLA priority weight of its under-coverage (defaults apply
to a LOB without a row). ``schedule.coverage_gaps``: the under-covered intervals of
a solved schedule with the reasons the solver found, and ``under_coverage_minutes``
its total shortfall in agent-minutes.

Revision ID: scheduling_0004
Revises: scheduling_0003
Create Date: 2026-11-24
"""

from alembic import op

from switchboard.core.db.scoped import ScopedTable, create_scoped_table, drop_scoped_table, execute_for_runtime

revision = "scheduling_0004"
down_revision = "scheduling_0003"
branch_labels = None
depends_on = None

LOB_STAFFING = ScopedTable(
    name="lob_staffing",
    scope="lob",
    columns="""
        shrinkage numeric(5,4) NOT NULL CONSTRAINT lob_staffing_shrinkage CHECK (shrinkage >= 0 AND shrinkage < 1),
        occupancy_cap numeric(5,4) NOT NULL
            CONSTRAINT lob_staffing_occupancy CHECK (occupancy_cap > 0 AND occupancy_cap <= 1),
        patience_seconds numeric(10,1) CONSTRAINT lob_staffing_patience CHECK (patience_seconds > 0),
        priority numeric(6,2) NOT NULL CONSTRAINT lob_staffing_priority CHECK (priority > 0 AND priority <= 100)""",
    constraints=["CONSTRAINT lob_staffing_one UNIQUE (tenant_id, lob_id)"],
    commands=("SELECT", "INSERT", "UPDATE"),
)

GRANTS = """
ALTER TABLE schedule ADD COLUMN coverage_gaps jsonb NOT NULL DEFAULT '[]'::jsonb,
    ADD COLUMN under_coverage_minutes numeric NOT NULL DEFAULT 0
        CONSTRAINT schedule_under_coverage CHECK (under_coverage_minutes >= 0);
GRANT INSERT (coverage_gaps, under_coverage_minutes) ON schedule TO {runtime};
"""


def upgrade() -> None:
    create_scoped_table(op, LOB_STAFFING)
    execute_for_runtime(op, GRANTS)


def downgrade() -> None:
    op.execute("ALTER TABLE schedule DROP COLUMN coverage_gaps, DROP COLUMN under_coverage_minutes")
    drop_scoped_table(op, LOB_STAFFING.name)
