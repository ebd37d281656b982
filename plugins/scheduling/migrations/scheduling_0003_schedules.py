"""Schedules: shift templates, availability, time off, schedules and their segments.

Availability and time off are employee data: staff read and write them while the
employee is visible to them (core's ``app.employee_ids()``: an assignment in their
scope), and so does the employee themself (time off: only requesting and
cancelling). A schedule is one solve's outcome for a set of LOBs and a week, read
like core's ``job``; its segments are LOB-scoped, so a planner of one client never
sees another client's segments of a shared agent. Publishing is checked by the
database: the caller holds ``scheduling.schedule.publish`` on every LOB, every
segment's assignment is active on its local date, and no segment overlaps a
published segment of the same employee in any other schedule (an exclusion
constraint over published segments). ``scheduling.committed_minutes`` tells the
minutes already published for employees the caller sees, without saying for which
other client.

Revision ID: scheduling_0003
Revises: scheduling_0001
Create Date: 2026-11-24
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
    scope_predicate,
)

revision = "scheduling_0003"
down_revision = "scheduling_0002"
branch_labels = None
depends_on = "core_0004"

# Literal copies (a migration never changes); tests/core/test_vocabularies.py checks that the
# live ones agree with the head schema. Permission keys: switchboard.plugins.scheduling.permissions.
PUBLISH = "scheduling.schedule.publish"
TIME_OFF_APPROVE = "scheduling.time_off.approve"
# Vocabularies: switchboard.plugins.scheduling.schedules.vocabulary.
SEGMENT_ACTIVITIES = "('work', 'break', 'lunch', 'training', 'coaching', 'meeting')"
UNPAID_ACTIVITIES = "('lunch')"
TIME_OFF_KINDS = "('vacation', 'sick', 'personal', 'training', 'other')"
TIME_OFF_STATUSES = "('requested', 'approved', 'rejected', 'cancelled')"
SCHEDULE_STATES = "('draft', 'published')"
DEFAULT_LEGAL_WEEKLY_MAX_MINUTES = 2880  # 48 hours

# core's employee visibility (the employee table's own policy), keyed by employee_id
VISIBLE_EMPLOYEE = f"{TENANT} AND ({TENANT_WIDE} OR employee_id = ANY ((SELECT app.employee_ids())::uuid[]))"
MYSELF = f"{TENANT} AND employee_id = (SELECT app.employee_id())"
COVERS_ALL_LOBS = "(cardinality(lob_ids) > 0 AND lob_ids <@ (SELECT app.lob_ids()))"

TABLES = [
    ScopedTable(
        name="shift_template",
        scope="lob",
        columns="""
            name text NOT NULL CONSTRAINT shift_template_name CHECK (length(btrim(name)) BETWEEN 1 AND 100),
            length_minutes integer NOT NULL
                CONSTRAINT shift_template_length CHECK (length_minutes BETWEEN 60 AND 960 AND length_minutes % 15 = 0),
            earliest_start time NOT NULL,
            latest_start time NOT NULL,
            start_step_minutes integer NOT NULL
                CONSTRAINT shift_template_step CHECK (start_step_minutes IN (15, 30, 60)),
            unpaid_break_minutes integer NOT NULL DEFAULT 0,
            weekdays smallint[] NOT NULL CONSTRAINT shift_template_weekdays
                CHECK (cardinality(weekdays) BETWEEN 1 AND 7 AND weekdays <@ ARRAY[1, 2, 3, 4, 5, 6, 7]::smallint[])""",
        constraints=[
            "CONSTRAINT shift_template_start_window CHECK (latest_start >= earliest_start)",
            "CONSTRAINT shift_template_start_alignment CHECK ("
            " extract(epoch FROM earliest_start)::integer % (start_step_minutes * 60) = 0"
            " AND extract(epoch FROM latest_start)::integer % (start_step_minutes * 60) = 0)",
            "CONSTRAINT shift_template_break CHECK (unpaid_break_minutes BETWEEN 0 AND 120"
            " AND unpaid_break_minutes < length_minutes)",
            "CONSTRAINT shift_template_name_unique UNIQUE (tenant_id, lob_id, name)",
        ],
        commands=("SELECT", "INSERT", "UPDATE", "DELETE"),
    ),
    ScopedTable(
        name="availability",
        scope="tenant",
        columns="""
            employee_id uuid NOT NULL,
            weekday smallint NOT NULL CONSTRAINT availability_weekday CHECK (weekday BETWEEN 1 AND 7),
            start_time time NOT NULL,
            end_time time NOT NULL,
            timezone text NOT NULL CONSTRAINT availability_timezone CHECK (app.is_timezone(timezone))""",
        references={"employee_id": "employee"},
        constraints=[
            "CONSTRAINT availability_order CHECK (end_time > start_time)",
            # a day's windows never overlap (times put on one fixed date to compare them)
            "CONSTRAINT availability_overlap EXCLUDE USING gist (tenant_id WITH =, employee_id WITH =,"
            " weekday WITH =, tsrange(DATE '2000-01-03' + start_time, DATE '2000-01-03' + end_time) WITH &&)",
        ],
        read=VISIBLE_EMPLOYEE,
        self_column="employee_id",
        write=f"({VISIBLE_EMPLOYEE}) OR ({MYSELF})",
        commands=("SELECT", "INSERT", "DELETE"),
    ),
    ScopedTable(
        name="time_off",
        scope="tenant",
        columns=f"""
            employee_id uuid NOT NULL,
            during tstzrange NOT NULL,
            kind text NOT NULL CONSTRAINT time_off_kind CHECK (kind IN {TIME_OFF_KINDS}),
            status text NOT NULL DEFAULT 'requested'
                CONSTRAINT time_off_status CHECK (status IN {TIME_OFF_STATUSES}),
            note text CONSTRAINT time_off_note CHECK (length(note) <= 500),
            requested_by uuid NOT NULL DEFAULT app.user_id(),
            decided_by uuid,
            decided_at timestamptz""",
        references={"employee_id": "employee", "requested_by": "app_user", "decided_by": "app_user"},
        constraints=[
            "CONSTRAINT time_off_bounds CHECK (NOT isempty(during) AND NOT lower_inf(during) AND NOT upper_inf(during))",
            "CONSTRAINT time_off_length CHECK (upper(during) - lower(during) <= interval '366 days')",
            "CONSTRAINT time_off_decision CHECK ((status = 'requested') = (decided_by IS NULL AND decided_at IS NULL))",
            "CONSTRAINT time_off_overlap EXCLUDE USING gist (tenant_id WITH =, employee_id WITH =, during WITH &&)"
            " WHERE (status IN ('requested', 'approved'))",
        ],
        read=VISIBLE_EMPLOYEE,
        self_column="employee_id",
        # the employee requests and cancels their own; deciding is staff business
        write=f"({VISIBLE_EMPLOYEE}) OR ({MYSELF} AND status IN ('requested', 'cancelled'))",
        commands=(),
    ),
    ScopedTable(
        name="scheduling_settings",
        scope="tenant",
        columns="""
            legal_weekly_max_minutes integer NOT NULL
                CONSTRAINT scheduling_settings_legal_max CHECK (legal_weekly_max_minutes BETWEEN 60 AND 10080)""",
        constraints=["CONSTRAINT scheduling_settings_one UNIQUE (tenant_id)"],
        commands=("SELECT", "INSERT", "UPDATE"),
    ),
    ScopedTable(
        name="schedule",
        scope="tenant",
        columns=f"""
            lob_ids uuid[] NOT NULL CONSTRAINT schedule_lobs_given CHECK (cardinality(lob_ids) BETWEEN 1 AND 500),
            week_start date NOT NULL CONSTRAINT schedule_week_start CHECK (extract(isodow FROM week_start) = 1),
            state text NOT NULL DEFAULT 'draft' CONSTRAINT schedule_state CHECK (state IN {SCHEDULE_STATES}),
            job_id uuid,
            solver_status text CONSTRAINT schedule_solver_status
                CHECK (solver_status IN ('optimal', 'feasible', 'infeasible', 'unknown', 'model_invalid')),
            objective numeric,
            best_bound numeric,
            gap numeric CONSTRAINT schedule_gap CHECK (gap >= 0),
            published_at timestamptz,
            published_by uuid""",
        references={"job_id": "job", "published_by": "app_user"},
        constraints=[
            "CONSTRAINT schedule_publication CHECK ((state = 'published')"
            " = (published_at IS NOT NULL AND published_by IS NOT NULL))",
        ],
        read=f"{TENANT} AND {STAFF} AND ({TENANT_WIDE} OR {COVERS_ALL_LOBS})",
        write=f"{TENANT} AND {STAFF} AND ({TENANT_WIDE} OR {COVERS_ALL_LOBS})",
        commands=(),
    ),
    ScopedTable(
        name="schedule_segment",
        scope="lob",
        columns=f"""
            schedule_id uuid NOT NULL,
            employee_id uuid NOT NULL,
            assignment_id uuid NOT NULL,
            activity text NOT NULL CONSTRAINT schedule_segment_activity CHECK (activity IN {SEGMENT_ACTIVITIES}),
            starts_at timestamptz NOT NULL,
            ends_at timestamptz NOT NULL,
            published boolean NOT NULL DEFAULT false""",
        references={"schedule_id": "schedule", "employee_id": "employee", "assignment_id": "assignment"},
        constraints=[
            "CONSTRAINT schedule_segment_order CHECK (ends_at > starts_at)",
            "CONSTRAINT schedule_segment_length CHECK (ends_at - starts_at <= interval '16 hours')",
            # one place at a time within a schedule ...
            "CONSTRAINT schedule_segment_overlap EXCLUDE USING gist (tenant_id WITH =, schedule_id WITH =,"
            " employee_id WITH =, tstzrange(starts_at, ends_at) WITH &&)",
            # ... and across every published schedule, whichever client it is for
            "CONSTRAINT schedule_segment_published_overlap EXCLUDE USING gist (tenant_id WITH =,"
            " employee_id WITH =, tstzrange(starts_at, ends_at) WITH &&) WHERE (published)",
        ],
        # the employee reads their own segments once published
        read=f"({scope_predicate('lob')}) OR ({MYSELF} AND published)",
        quiet=("published",),  # follows the schedule's state, whose change is audited
        commands=(),
    ),
]

GUARDS = rf"""
-- Every LOB a schedule names is a LOB of its tenant, named once.
CREATE FUNCTION scheduling.schedule_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF cardinality(NEW.lob_ids) <> (SELECT count(*) FROM lob l
                                    WHERE l.tenant_id = NEW.tenant_id AND l.id = ANY (NEW.lob_ids))
     OR cardinality(NEW.lob_ids) <> (SELECT count(DISTINCT x) FROM unnest(NEW.lob_ids) x) THEN
    RAISE EXCEPTION 'SCHEDULE_LOBS' USING ERRCODE = 'check_violation', CONSTRAINT = 'schedule_lobs';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER schedule_insert BEFORE INSERT ON schedule
    FOR EACH ROW EXECUTE FUNCTION scheduling.schedule_insert();

-- Publishing and unpublishing: the caller holds the permission on every LOB; a
-- published schedule's segments each have their assignment active on their local
-- date. The publication is stamped with who and when.
CREATE FUNCTION scheduling.schedule_state() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF EXISTS (SELECT 1 FROM lob l WHERE l.tenant_id = NEW.tenant_id AND l.id = ANY (NEW.lob_ids)
                AND NOT app.has_permission('{PUBLISH}', l.client_id, l.id)) THEN
    RAISE EXCEPTION 'PUBLISH_NOT_PERMITTED'
      USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'schedule_publish_permission';
  END IF;
  IF NEW.state = 'published' THEN
    IF EXISTS (SELECT 1 FROM schedule_segment s
                 JOIN lob l ON l.tenant_id = s.tenant_id AND l.id = s.lob_id
                 JOIN assignment a ON a.tenant_id = s.tenant_id AND a.id = s.assignment_id
                WHERE s.tenant_id = NEW.tenant_id AND s.schedule_id = NEW.id
                  AND NOT a.valid_during @> (s.starts_at AT TIME ZONE l.timezone)::date) THEN
      RAISE EXCEPTION 'SCHEDULE_ASSIGNMENT_INACTIVE'
        USING ERRCODE = 'check_violation', CONSTRAINT = 'schedule_segment_assignment_active';
    END IF;
    NEW.published_at := now();
    NEW.published_by := app.user_id();
  ELSE
    NEW.published_at := NULL;
    NEW.published_by := NULL;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER schedule_state BEFORE UPDATE OF state ON schedule
    FOR EACH ROW WHEN (NEW.state IS DISTINCT FROM OLD.state) EXECUTE FUNCTION scheduling.schedule_state();

-- The segments follow: published ones join the cross-schedule exclusion constraint.
CREATE FUNCTION scheduling.schedule_published() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  UPDATE schedule_segment SET published = (NEW.state = 'published')
   WHERE tenant_id = NEW.tenant_id AND schedule_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER schedule_published AFTER UPDATE OF state ON schedule
    FOR EACH ROW WHEN (NEW.state IS DISTINCT FROM OLD.state) EXECUTE FUNCTION scheduling.schedule_published();

-- A segment joins a draft schedule, on one of its LOBs, through the employee's
-- assignment to that LOB.
CREATE FUNCTION scheduling.segment_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
  sch record;
BEGIN
  SELECT s.state, s.lob_ids INTO sch FROM schedule s WHERE s.tenant_id = NEW.tenant_id AND s.id = NEW.schedule_id;
  IF sch.state IS DISTINCT FROM 'draft' THEN
    RAISE EXCEPTION 'SCHEDULE_PUBLISHED' USING ERRCODE = 'check_violation', CONSTRAINT = 'schedule_segment_draft';
  END IF;
  IF NOT NEW.lob_id = ANY (sch.lob_ids) THEN
    RAISE EXCEPTION 'SEGMENT_LOB_OUTSIDE_SCHEDULE'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'schedule_segment_lob';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM assignment a WHERE a.tenant_id = NEW.tenant_id AND a.id = NEW.assignment_id
                    AND a.employee_id = NEW.employee_id AND a.lob_id = NEW.lob_id) THEN
    RAISE EXCEPTION 'SEGMENT_ASSIGNMENT_MISMATCH'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'schedule_segment_assignment';
  END IF;
  NEW.published := false;
  RETURN NEW;
END $$;
CREATE TRIGGER schedule_segment_insert BEFORE INSERT ON schedule_segment
    FOR EACH ROW EXECUTE FUNCTION scheduling.segment_insert();

-- Does the caller hold `permission` through a grant covering the employee (the
-- tenant, or a client or LOB of one of their current or future assignments)?
CREATE FUNCTION scheduling.may_act_for(p_permission text, p_tenant uuid, p_employee uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT EXISTS (
        SELECT 1 FROM role_grant g JOIN role_permission p ON p.role = g.role AND p.permission = p_permission
         WHERE g.tenant_id = p_tenant AND g.user_id = app.user_id() AND app.is_staff()
           AND (g.client_id IS NULL OR EXISTS (
                 SELECT 1 FROM assignment a
                  WHERE a.tenant_id = p_tenant AND a.employee_id = p_employee AND a.client_id = g.client_id
                    AND (g.lob_id IS NULL OR a.lob_id = g.lob_id)
                    AND a.valid_during && daterange(current_date, NULL)))) $$;

-- Time off moves requested -> approved | rejected | cancelled, approved -> cancelled.
-- Approving and rejecting need the approval permission over the employee, and nobody
-- decides their own. Every change records who made it and when.
CREATE FUNCTION scheduling.time_off_update() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ BEGIN
  IF NOT (OLD.status = 'requested' AND NEW.status IN ('approved', 'rejected', 'cancelled')
          OR OLD.status = 'approved' AND NEW.status = 'cancelled') THEN
    RAISE EXCEPTION 'TIME_OFF_FINAL' USING ERRCODE = 'check_violation', CONSTRAINT = 'time_off_transition';
  END IF;
  IF NEW.status IN ('approved', 'rejected') THEN
    IF NEW.employee_id = app.employee_id() THEN
      RAISE EXCEPTION 'TIME_OFF_SELF_DECISION' USING ERRCODE = 'check_violation', CONSTRAINT = 'time_off_self_decision';
    END IF;
    IF NOT scheduling.may_act_for('{TIME_OFF_APPROVE}', NEW.tenant_id, NEW.employee_id) THEN
      RAISE EXCEPTION 'TIME_OFF_DECISION_NOT_PERMITTED'
        USING ERRCODE = 'insufficient_privilege', CONSTRAINT = 'time_off_decider';
    END IF;
  END IF;
  NEW.decided_by := app.user_id();
  NEW.decided_at := now();
  RETURN NEW;
END $$;
CREATE TRIGGER time_off_update BEFORE UPDATE OF status ON time_off
    FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status) EXECUTE FUNCTION scheduling.time_off_update();

-- Minutes of a multirange, to the hundredth.
CREATE FUNCTION scheduling.minutes(m tstzmultirange) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT round(coalesce(sum(extract(epoch FROM upper(r) - lower(r))), 0) / 60, 2) FROM unnest(m) r $$;

-- The legal weekly maximum of the caller's tenant, across every client, in minutes.
CREATE FUNCTION scheduling.legal_weekly_max_minutes() RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$ SELECT coalesce((SELECT legal_weekly_max_minutes FROM scheduling_settings WHERE tenant_id = app.tenant_id()),
                      {DEFAULT_LEGAL_WEEKLY_MAX_MINUTES}) $$;

-- Minutes of paid activity already in PUBLISHED schedules within p_during, for the
-- given employees the caller may see (others are left out): one row per employee
-- and assignment the caller may see, and one row (assignment_id NULL) folding every
-- other assignment, so the total is known without saying which client it is for.
CREATE FUNCTION scheduling.committed_minutes(p_employees uuid[], p_during tstzmultirange)
RETURNS TABLE (employee_id uuid, assignment_id uuid, minutes numeric)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
  WITH me AS MATERIALIZED (
    SELECT app.tenant_id() AS tenant_id, app.tenant_wide() AS wide, app.employee_ids() AS employees,
           app.employee_id() AS self, app.lob_ids(false) AS lobs
  ), seen AS (
    SELECT e.id FROM me JOIN employee e ON e.tenant_id = me.tenant_id
     WHERE e.id = ANY (p_employees) AND (me.wide OR e.id = ANY (me.employees) OR e.id = me.self)
  ), worked AS (
    SELECT s.employee_id,
           CASE WHEN me.wide OR s.lob_id = ANY (me.lobs) OR s.employee_id = me.self THEN s.assignment_id END
               AS assignment_id,
           scheduling.minutes(tstzmultirange(tstzrange(s.starts_at, s.ends_at)) * p_during) AS minutes
      FROM me JOIN schedule_segment s ON s.tenant_id = me.tenant_id
     WHERE s.employee_id IN (SELECT id FROM seen) AND s.published
       AND s.activity NOT IN {UNPAID_ACTIVITIES}
       AND tstzrange(s.starts_at, s.ends_at) && range_merge(p_during)
  )
  SELECT w.employee_id, w.assignment_id, sum(w.minutes) FROM worked w
   GROUP BY w.employee_id, w.assignment_id HAVING sum(w.minutes) > 0
$$;

GRANT EXECUTE ON FUNCTION scheduling.minutes(tstzmultirange), scheduling.legal_weekly_max_minutes(),
    scheduling.committed_minutes(uuid[], tstzmultirange) TO {{runtime}};
GRANT USAGE ON SCHEMA scheduling TO {{runtime}};

GRANT SELECT ON time_off TO {{runtime}};
GRANT INSERT (tenant_id, employee_id, during, kind, note) ON time_off TO {{runtime}};
GRANT UPDATE (status) ON time_off TO {{runtime}};
GRANT SELECT ON schedule TO {{runtime}};
GRANT INSERT (tenant_id, lob_ids, week_start, job_id, solver_status, objective, best_bound, gap)
    ON schedule TO {{runtime}};
GRANT UPDATE (state) ON schedule TO {{runtime}};
GRANT SELECT ON schedule_segment TO {{runtime}};
GRANT INSERT (tenant_id, client_id, lob_id, schedule_id, employee_id, assignment_id, activity, starts_at, ends_at)
    ON schedule_segment TO {{runtime}};
"""


def upgrade() -> None:
    for table in TABLES:
        create_scoped_table(op, table)
    execute_for_runtime(op, GUARDS)


def downgrade() -> None:
    for table in reversed(TABLES):
        drop_scoped_table(op, table.name)
    for fn in ("schedule_insert()", "schedule_state()", "schedule_published()", "segment_insert()",
               "may_act_for(text, uuid, uuid)", "time_off_update()", "minutes(tstzmultirange)",
               "legal_weekly_max_minutes()", "committed_minutes(uuid[], tstzmultirange)"):
        op.execute(f"DROP FUNCTION IF EXISTS scheduling.{fn}")
