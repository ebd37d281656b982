"""The activity catalogue: what a time entry records an employee doing.

Three categories. *Productive* and *non-productive* activities are **working**
time: one employee cannot do two at once (the database refuses overlaps). Of
those, every activity but ``lunch`` (the unpaid meal) counts as **worked** hours:
what overtime thresholds count and what billing may bill. *Absence* entries record
time away (sick, vacation, unpaid leave); they never count as worked.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Whether an activity is productive, non-productive working time, or absence.")
class ActivityCategory(Enum):
    PRODUCTIVE = "productive"
    NON_PRODUCTIVE = "non_productive"
    ABSENCE = "absence"


@strawberry.enum(description="What an employee was doing during a time entry.")
class Activity(Enum):
    HANDLING = "handling"
    AFTER_CONTACT_WORK = "after_contact_work"
    AVAILABLE = "available"
    TRAINING = "training"
    COACHING = "coaching"
    MEETING = "meeting"
    BREAK = "break"
    LUNCH = "lunch"
    SICK = "sick"
    VACATION = "vacation"
    UNPAID = "unpaid"


CATEGORY = {
    Activity.HANDLING: ActivityCategory.PRODUCTIVE,
    Activity.AFTER_CONTACT_WORK: ActivityCategory.PRODUCTIVE,
    Activity.AVAILABLE: ActivityCategory.PRODUCTIVE,
    Activity.TRAINING: ActivityCategory.NON_PRODUCTIVE,
    Activity.COACHING: ActivityCategory.NON_PRODUCTIVE,
    Activity.MEETING: ActivityCategory.NON_PRODUCTIVE,
    Activity.BREAK: ActivityCategory.NON_PRODUCTIVE,
    Activity.LUNCH: ActivityCategory.NON_PRODUCTIVE,
    Activity.SICK: ActivityCategory.ABSENCE,
    Activity.VACATION: ActivityCategory.ABSENCE,
    Activity.UNPAID: ActivityCategory.ABSENCE,
}
UNPAID_WORKING = {Activity.LUNCH}

ABSENCES = [a.value for a, c in CATEGORY.items() if c is ActivityCategory.ABSENCE]
WORKED = [a.value for a, c in CATEGORY.items() if c is not ActivityCategory.ABSENCE and a not in UNPAID_WORKING]


def sql_list(values: list[str]) -> str:
    """``('a', 'b')`` for an SQL ``IN`` list of fixed catalogue values."""
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"
