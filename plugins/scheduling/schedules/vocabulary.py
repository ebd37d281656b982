"""Fixed vocabularies of schedules: segment activities, time-off kinds and states.

Segment activities follow the time ledger's: ``break`` is paid (it counts toward
weekly hours, as in timekeeping), ``lunch`` is the unpaid meal (it does not).
"""

from __future__ import annotations

from enum import Enum

import strawberry

from switchboard.plugins.timekeeping.activities import sql_list

__all__ = ["sql_list"]

# 48 hours: the usual legal weekly maximum (e.g. EU Working Time Directive); per
# tenant in scheduling_settings.legal_weekly_max_minutes.
DEFAULT_LEGAL_WEEKLY_MAX_MINUTES = 48 * 60


@strawberry.enum(description="How the solver ended: OPTIMAL (proven best), FEASIBLE (a schedule, not proven best),"
                             " INFEASIBLE, UNKNOWN (none found in time), MODEL_INVALID, CANCELLED (the best found"
                             " before the job was cancelled).")
class SolverStatus(Enum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"
    MODEL_INVALID = "model_invalid"
    CANCELLED = "cancelled"


@strawberry.enum(description="What a scheduled segment has the employee do.")
class SegmentActivity(Enum):
    WORK = "work"
    BREAK = "break"
    LUNCH = "lunch"
    TRAINING = "training"
    COACHING = "coaching"
    MEETING = "meeting"


@strawberry.enum(description="Why an employee is away.")
class TimeOffKind(Enum):
    VACATION = "vacation"
    SICK = "sick"
    PERSONAL = "personal"
    TRAINING = "training"
    OTHER = "other"


@strawberry.enum(description="requested, then approved or rejected; requested and approved time off may be cancelled.")
class TimeOffStatus(Enum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


@strawberry.enum(description="A draft is a solve's proposal; a published schedule is what employees work.")
class ScheduleState(Enum):
    DRAFT = "draft"
    PUBLISHED = "published"


SEGMENT_ACTIVITIES = [a.value for a in SegmentActivity]
UNPAID_ACTIVITIES = [SegmentActivity.LUNCH.value]
TIME_OFF_KINDS = [k.value for k in TimeOffKind]
TIME_OFF_STATUSES = [s.value for s in TimeOffStatus]
SCHEDULE_STATES = [s.value for s in ScheduleState]
