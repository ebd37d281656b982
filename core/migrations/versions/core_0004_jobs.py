"""Background jobs: a queue in PostgreSQL that workers claim with ``SKIP LOCKED``.

A job is requested by a user (the runtime role inserts it, naming only what to do;
the requester is always the caller) and run by a worker as that user. Its requester, tenant-wide staff and whoever sees
every LOB it is about read it; its requester and tenant-wide staff may ask to
cancel it. Everything else about it (state, progress, result) only the worker,
as the owner, writes; progress and heartbeats are not audited (they change every
second), every other change is.

Revision ID: core_0004
Revises: core_0003
Create Date: 2026-11-23
"""

from alembic import op

from switchboard.core.db.scoped import (
    STAFF,
    TENANT,
    TENANT_WIDE,
    ScopedTable,
    create_scoped_table,
    drop_scoped_table,
    execute_for_runtime,
)

revision = "core_0004"
down_revision = "core_0003"
branch_labels = None
depends_on = None

MINE = "requested_by = (SELECT app.user_id())"
JOB = ScopedTable(
    name="job",
    scope="tenant",
    columns="""
        kind text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.]{0,62}$'),
        lob_ids uuid[] NOT NULL DEFAULT '{}',
        params jsonb NOT NULL DEFAULT '{}',
        requested_by uuid NOT NULL DEFAULT app.user_id(),
        time_limit_seconds integer NOT NULL CHECK (time_limit_seconds BETWEEN 1 AND 86400),
        state text NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        cancel_requested boolean NOT NULL DEFAULT false,
        progress jsonb NOT NULL DEFAULT '{}',
        result jsonb,
        error_code text,
        error_params jsonb,
        worker text,
        started_at timestamptz,
        heartbeat_at timestamptz,
        finished_at timestamptz""",
    references={"requested_by": "app_user"},
    constraints=[
        "CONSTRAINT job_finished CHECK ((state IN ('succeeded', 'failed', 'cancelled')) = (finished_at IS NOT NULL))",
        "CONSTRAINT job_started CHECK (state IN ('queued', 'cancelled') OR started_at IS NOT NULL)",
        "CONSTRAINT job_error CHECK ((state = 'failed') = (error_code IS NOT NULL))",
    ],
    read=f"{TENANT} AND {STAFF} AND ({MINE} OR {TENANT_WIDE}"
         " OR (cardinality(lob_ids) > 0 AND lob_ids <@ (SELECT app.lob_ids())))",
    write=f"{TENANT} AND {STAFF} AND ({MINE} OR {TENANT_WIDE})",
    quiet=("progress", "heartbeat_at"),
    commands=(),
)

GRANTS = r"""
GRANT SELECT ON job TO {runtime};
GRANT INSERT (tenant_id, kind, lob_ids, params, time_limit_seconds) ON job TO {runtime};
GRANT UPDATE (cancel_requested) ON job TO {runtime};

-- What workers claim: the oldest queued job first.
CREATE INDEX job_queued_idx ON job (created_at) WHERE state = 'queued';
CREATE INDEX job_running_idx ON job (heartbeat_at) WHERE state = 'running';

-- A new job wakes the workers (LISTEN switchboard_job).
CREATE FUNCTION app.job_notify() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('switchboard_job', ''); RETURN NULL; END $$;
CREATE TRIGGER job_notify AFTER INSERT ON job FOR EACH STATEMENT EXECUTE FUNCTION app.job_notify();
"""


def upgrade() -> None:
    create_scoped_table(op, JOB)
    execute_for_runtime(op, GRANTS)


def downgrade() -> None:
    drop_scoped_table(op, "job")
    op.execute("DROP FUNCTION IF EXISTS app.job_notify()")
