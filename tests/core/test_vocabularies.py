"""Migrations carry literal copies of the vocabularies they need; the live ones must agree with
the head schema. Adding a value to a Python enum (or renaming a permission key) without a
migration fails here: the database would refuse the new value, or check the old key.
"""

from __future__ import annotations

import re
from enum import Enum

import pytest
from sqlalchemy import text

from switchboard.core.jobs.types import JobState
from switchboard.core.scope.types import Channel, Regime
from switchboard.core.webhooks.types import WebhookDeliveryState
from switchboard.core.workforce.types import AssignmentRole
from switchboard.plugins.billing.types import HoursClass, InvoiceKind, InvoiceStatus, OvertimeAttribution, PremiumPayer
from switchboard.plugins.scheduling.forecasts.types import ForecastMethod
from switchboard.plugins.scheduling.schedules import vocabulary as schedules
from switchboard.plugins.timekeeping.activities import ABSENCES, WORKED, Activity, sql_list
from switchboard.plugins.timekeeping.types import EntrySource, EntryState, EntryStatus
from tests.conftest import BUILTINS, make_host
from tests.head import definition, head

__all__ = ["head"]

# (table, constraint) -> the live vocabulary its CHECK lists
CHECKS: dict[tuple[str, str], type[Enum]] = {
    ("time_entry", "time_entry_activity_check"): Activity,
    ("time_entry", "time_entry_source_check"): EntrySource,
    ("time_entry", "time_entry_state_check"): EntryState,
    ("time_entry", "time_entry_status_check"): EntryStatus,
    ("billing_terms", "billing_terms_billable_activities_check"): Activity,
    ("billing_terms", "billing_terms_premium_payer_check"): PremiumPayer,
    ("billing_policy", "billing_policy_overtime_attribution_check"): OvertimeAttribution,
    ("invoice", "invoice_kind_check"): InvoiceKind,
    ("invoice", "invoice_status_check"): InvoiceStatus,
    ("invoice_line", "invoice_line_class_check"): HoursClass,
    ("schedule_segment", "schedule_segment_activity"): schedules.SegmentActivity,
    ("time_off", "time_off_kind"): schedules.TimeOffKind,
    ("time_off", "time_off_status"): schedules.TimeOffStatus,
    ("schedule", "schedule_state"): schedules.ScheduleState,
    ("forecast", "forecast_method_check"): ForecastMethod,
    ("job", "job_state_check"): JobState,
    ("lob", "lob_channel_check"): Channel,
    ("client", "client_regimes_check"): Regime,
    ("assignment", "assignment_role_check"): AssignmentRole,
    ("webhook_delivery", "webhook_delivery_state_check"): WebhookDeliveryState,
}

# function -> fragments of its body that copy a live vocabulary
BODIES = {
    "billing.entry_hours(date, date, uuid, uuid, jsonb, jsonb)": [f"t.activity IN {sql_list(WORKED)}"],
    "scheduling.committed_minutes(uuid[], tstzmultirange)": [
        f"s.activity NOT IN {sql_list(schedules.UNPAID_ACTIVITIES)}"],
    "scheduling.legal_weekly_max_minutes()": [f"{schedules.DEFAULT_LEGAL_WEEKLY_MAX_MINUTES})"],
}
PERMISSION_USE = re.compile(r"(?:has_permission|may_act_for)\('([^']+)'|permission = '([^']+)'")


def values_of(constraint: str) -> set[str]:
    """The string literals of a constraint's definition."""
    return set(re.findall(r"'([^']*)'::text", constraint))


@pytest.mark.parametrize(("table", "constraint"), sorted(CHECKS))
def test_a_check_lists_exactly_the_live_vocabulary(head, table, constraint):
    found = head.execute(text(
        "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c"
        " WHERE c.conrelid = CAST(:t AS regclass) AND c.conname = :c"), {"t": table, "c": constraint}).scalar()
    assert found is not None, f"{table} has no constraint {constraint}"
    assert values_of(found) == {v.value for v in CHECKS[table, constraint]}


def test_the_ledger_overlap_leaves_out_exactly_the_absences(head):
    found = head.execute(text("SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c"
                              " WHERE c.conname = 'time_entry_overlap'")).scalar()
    assert values_of(found) - {"active"} == set(ABSENCES)


@pytest.mark.parametrize("function", sorted(BODIES))
def test_a_function_copies_the_live_vocabulary(head, function):
    body = definition(head, function)
    for fragment in BODIES[function]:
        assert fragment in body, f"{function} no longer says {fragment}: write a migration"


def test_every_permission_key_a_function_checks_is_declared(head, settings):
    bodies = head.execute(text(
        "SELECT p.oid::regprocedure::text, p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
        " WHERE n.nspname IN ('app', 'public', 'timekeeping', 'billing', 'scheduling')")).all()
    used = {(fn, a or b) for fn, src in bodies for a, b in PERMISSION_USE.findall(src)}
    assert {key for _, key in used} >= {"employee.pii.read", "scheduling.schedule.publish"}  # the walk finds them
    from switchboard.core.authz.policy import Policy

    declared = set(Policy.from_host(make_host(settings, *BUILTINS)).permissions)
    assert sorted((fn, key) for fn, key in used if key not in declared) == []
