"""Live progress and events: job progress notifications, files a job owns, webhooks.

* A job row that changes state, progress or cancellation notifies
  ``switchboard_job_progress`` with its id, so subscriptions wake at once (heartbeats
  do not notify).
* ``job_file``: the parts of a file uploaded for a job (an import), written in the
  request that queues the job and read by the job as its requester; only the uploader
  reads or writes them, only for their own queued job. They are deleted when the job
  ends. Their bytes are redacted in the audit log.
* Webhooks. ``webhook_endpoint``: a tenant's receivers (URL, event types, optionally
  one client), with the signing secret encrypted under the installation's keys (the
  runtime role may write it, never read it). ``webhook_event``: the outbox, written by
  the change's own transaction (the runtime role inserts events of the clients it acts
  on; the worker, as the owner, those of jobs); an event no endpoint wants is not kept.
  Each event fans out at insert to one
  ``webhook_delivery`` per active endpoint that wants its type and may receive its
  client (a client's endpoint never gets another client's events, nor tenant-level
  ones). The worker delivers and records attempts (not audited: the delivery is the
  log); a replay is a new delivery. Tenant-wide staff read all three; the resolvers
  check ``webhooks.manage``.

Revision ID: core_0007
Revises: core_0006
Create Date: 2026-12-14
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

revision = "core_0007"
down_revision = "core_0006"
branch_labels = None
depends_on = None

EVENT_TYPE = "'^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)+$'"
ADMINS = f"{TENANT} AND {TENANT_WIDE}"
UPLOADER = f"{TENANT} AND uploaded_by = (SELECT app.user_id())"
# a client the caller works on: tenant-wide staff, or staff who see one of its LOBs
ACTS_ON_CLIENT = (f"{TENANT} AND {STAFF} AND ({TENANT_WIDE} OR client_id IN (SELECT l.client_id FROM lob l"
                  " WHERE l.tenant_id = (SELECT app.tenant_id())"
                  " AND l.id = ANY ((SELECT app.lob_ids(false))::uuid[])))")

JOB_FILE = ScopedTable(
    name="job_file",
    scope="tenant",
    columns="""
        job_id uuid NOT NULL,
        part integer NOT NULL CHECK (part >= 0),
        data bytea NOT NULL,
        uploaded_by uuid NOT NULL DEFAULT app.user_id()""",
    references={"job_id": "job", "uploaded_by": "app_user"},
    constraints=["CONSTRAINT job_file_part UNIQUE (tenant_id, job_id, part)"],
    read=UPLOADER,
    write=f"{UPLOADER} AND EXISTS (SELECT 1 FROM job j WHERE j.tenant_id = job_file.tenant_id"
          " AND j.id = job_file.job_id AND j.requested_by = (SELECT app.user_id()) AND j.state = 'queued')",
    pii=("data",),
    commands=(),
)

WEBHOOK_ENDPOINT = ScopedTable(
    name="webhook_endpoint",
    scope="tenant",
    columns="""
        url text NOT NULL CHECK (url ~ '^https?://' AND length(url) <= 2000),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
        event_types text[] NOT NULL
            CHECK (cardinality(event_types) BETWEEN 1 AND 100 AND array_position(event_types, NULL) IS NULL),
        client_id uuid,
        secret_enc text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by uuid NOT NULL DEFAULT app.user_id()""",
    references={"client_id": "client", "created_by": "app_user"},
    read=ADMINS,
    write=ADMINS,
    pii=("secret_enc",),
    commands=(),
)

WEBHOOK_EVENT = ScopedTable(
    name="webhook_event",
    scope="tenant",
    columns=f"""
        event_type text NOT NULL CHECK (event_type ~ {EVENT_TYPE} AND length(event_type) <= 100),
        client_id uuid,
        payload jsonb NOT NULL DEFAULT '{{}}'""",
    references={"client_id": "client"},
    read=ADMINS,
    write=f"({ACTS_ON_CLIENT}) OR ({ADMINS} AND client_id IS NULL)",
    write_command="INSERT",  # who writes an event does not thereby read the outbox
    commands=(),
)

ATTEMPT_COLUMNS = ("state", "attempts", "next_attempt_at", "last_attempt_at", "last_status", "last_error",
                   "delivered_at", "attempt_log")
WEBHOOK_DELIVERY = ScopedTable(
    name="webhook_delivery",
    scope="tenant",
    columns="""
        endpoint_id uuid NOT NULL,
        event_id uuid NOT NULL,
        replay_of uuid,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        last_status integer,
        last_error text,
        delivered_at timestamptz,
        attempt_log jsonb NOT NULL DEFAULT '[]'""",
    references={"endpoint_id": "webhook_endpoint", "event_id": "webhook_event", "replay_of": "webhook_delivery"},
    constraints=["CONSTRAINT webhook_delivery_done CHECK ((state = 'delivered') = (delivered_at IS NOT NULL))"],
    read=ADMINS,
    write=ADMINS,
    quiet=ATTEMPT_COLUMNS,
    commands=(),
)

SQL = r"""
-- A job's visible changes wake its subscribers (LISTEN switchboard_job_progress).
CREATE FUNCTION app.job_progress_notify() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('switchboard_job_progress', NEW.id::text); RETURN NULL; END $$;
CREATE TRIGGER job_progress_notify AFTER UPDATE ON job FOR EACH ROW
  WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.progress IS DISTINCT FROM NEW.progress
        OR OLD.cancel_requested IS DISTINCT FROM NEW.cancel_requested)
  EXECUTE FUNCTION app.job_progress_notify();

-- A job's files go when it ends (the worker ends it, as the owner).
CREATE FUNCTION app.job_files_drop() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN
  DELETE FROM job_file WHERE tenant_id = NEW.tenant_id AND job_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER job_files_drop AFTER UPDATE OF state ON job FOR EACH ROW
  WHEN (NEW.state IN ('succeeded', 'failed', 'cancelled')) EXECUTE FUNCTION app.job_files_drop();

GRANT SELECT (id, tenant_id, job_id, part, data, uploaded_by, created_at) ON job_file TO {runtime};
GRANT INSERT (tenant_id, job_id, part, data) ON job_file TO {runtime};

GRANT SELECT (id, tenant_id, url, description, event_types, client_id, active, created_by, created_at)
  ON webhook_endpoint TO {runtime};
GRANT INSERT (tenant_id, url, description, event_types, client_id, secret_enc) ON webhook_endpoint TO {runtime};
GRANT UPDATE (active) ON webhook_endpoint TO {runtime};
GRANT SELECT ON webhook_event TO {runtime};
GRANT INSERT (tenant_id, event_type, client_id, payload) ON webhook_event TO {runtime};
GRANT SELECT ON webhook_delivery TO {runtime};
GRANT INSERT (tenant_id, endpoint_id, event_id, replay_of) ON webhook_delivery TO {runtime};

-- What the dispatcher claims: pending deliveries by due time.
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX webhook_delivery_newest_idx ON webhook_delivery (tenant_id, created_at DESC, id DESC);

-- An event no active endpoint wants is not kept (the writer cannot read endpoints: the
-- checks below run as the owner).
CREATE FUNCTION app.webhook_wanted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF EXISTS (SELECT 1 FROM webhook_endpoint p
              WHERE p.tenant_id = NEW.tenant_id AND p.active AND NEW.event_type = ANY (p.event_types)
                AND (p.client_id IS NULL OR p.client_id = NEW.client_id)) THEN
    RETURN NEW;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_wanted BEFORE INSERT ON webhook_event FOR EACH ROW EXECUTE FUNCTION app.webhook_wanted();

-- An event fans out to the endpoints that want it, in the transaction that wrote it.
CREATE FUNCTION app.webhook_fan_out() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  INSERT INTO webhook_delivery (tenant_id, endpoint_id, event_id)
  SELECT e.tenant_id, p.id, e.id
    FROM new_events e
    JOIN webhook_endpoint p ON p.tenant_id = e.tenant_id AND p.active AND e.event_type = ANY (p.event_types)
                           AND (p.client_id IS NULL OR p.client_id = e.client_id);
  IF FOUND THEN
    PERFORM pg_notify('switchboard_webhook', '');
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER webhook_fan_out AFTER INSERT ON webhook_event REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION app.webhook_fan_out();

-- A replay wakes the dispatcher too.
CREATE FUNCTION app.webhook_wake() RETURNS trigger
LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('switchboard_webhook', ''); RETURN NULL; END $$;
CREATE TRIGGER webhook_wake AFTER INSERT ON webhook_delivery FOR EACH STATEMENT
  EXECUTE FUNCTION app.webhook_wake();
"""


def upgrade() -> None:
    for table in (JOB_FILE, WEBHOOK_ENDPOINT, WEBHOOK_EVENT, WEBHOOK_DELIVERY):
        create_scoped_table(op, table)
    execute_for_runtime(op, SQL)


def downgrade() -> None:
    for name in ("webhook_delivery", "webhook_event", "webhook_endpoint", "job_file"):
        drop_scoped_table(op, name)
    op.execute("DROP TRIGGER IF EXISTS job_files_drop ON job")
    op.execute("DROP TRIGGER IF EXISTS job_progress_notify ON job")
    for fn in ("webhook_wanted", "webhook_fan_out", "webhook_wake", "job_files_drop", "job_progress_notify"):
        op.execute(f"DROP FUNCTION IF EXISTS app.{fn}()")
