"""GraphQL types of the time ledger."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.rows import FromRow
from switchboard.core.imports.report import report_from_json
from switchboard.core.imports.types import ImportCounts, report_fields
from switchboard.core.jobs.results import JobResult
from switchboard.core.scope.types import Lob, lob_by_id
from switchboard.core.workforce.types import Employee, employee_by_id

from . import service
from .activities import CATEGORY, Activity, ActivityCategory


@strawberry.enum(description="Where an entry came from.")
class EntrySource(Enum):
    PUNCH = "punch"
    ACD = "acd"
    MANUAL = "manual"


@strawberry.enum(description="recorded, then approved by a supervisor of the LOB.")
class EntryState(Enum):
    RECORDED = "recorded"
    APPROVED = "approved"


@strawberry.enum(description="active entries count; superseded and voided ones are kept for the record.")
class EntryStatus(Enum):
    ACTIVE = "active"
    SUPERSEDED = "superseded"
    VOIDED = "voided"


@strawberry.type(description="Time an employee worked, or was absent, on one LOB.")
class TimeEntry(FromRow, Node):
    id: strawberry.Private[UUID]
    employee_id: UUID
    client_id: UUID
    lob_id: UUID
    assignment_id: UUID
    activity: Activity
    started_at: datetime = strawberry.field(description="Start, in UTC.")
    ended_at: datetime = strawberry.field(description="End (exclusive), in UTC.")
    timezone: str = strawberry.field(description="The LOB's timezone when the entry was recorded.")
    work_date: date = strawberry.field(description="The start's date in the LOB's timezone.")
    booked_on: date = strawberry.field(description="The day the entry counts in: its work date, or for an"
                                       " adjustment to a closed period, the next open day.")
    source: EntrySource
    state: EntryState
    status: EntryStatus
    adjustment: bool = strawberry.field(description="Corrects work in a closed period.")
    supersedes_id: UUID | None
    note: str | None
    approved_at: datetime | None

    row_renames = {"supersedes_id": "supersedes"}

    @strawberry.field(description="The activity's category.")
    def category(self) -> ActivityCategory:
        return CATEGORY[self.activity]

    @strawberry.field(description="Elapsed hours (real time: a DST change night counts what was worked).")
    def hours(self) -> float:
        return round((self.ended_at - self.started_at).total_seconds() / 3600, 2)

    @strawberry.field(description="Start in the LOB's timezone.")
    def local_started_at(self) -> datetime:
        return self.started_at.astimezone(ZoneInfo(self.timezone))

    @strawberry.field(description="End in the LOB's timezone.")
    def local_ended_at(self) -> datetime:
        return self.ended_at.astimezone(ZoneInfo(self.timezone))

    @strawberry.field
    async def employee(self, info: strawberry.Info) -> Employee | None:
        return await employee_by_id(info.context).load(self.employee_id)

    @strawberry.field
    async def lob(self, info: strawberry.Info) -> Lob | None:
        return await lob_by_id(info.context).load(self.lob_id)

    @strawberry.field(description="The entry this one corrects.")
    async def supersedes(self, info: strawberry.Info) -> TimeEntry | None:
        return await entry_by_id(info.context).load(self.supersedes_id)


@strawberry.type(description="A client's days closed up to a date: later changes land as adjustments.")
class PeriodClose(FromRow):
    id: UUID
    client_id: UUID
    closed_through: date
    created_at: datetime


def entry_by_id(ctx: Any):
    """The request's loader of time entries by id (None when not visible)."""
    return loaders.by_id(ctx, service.entries_by_ids, TimeEntry.from_row)


@strawberry.enum(description="The system an imported file comes from (the natural keys are unique per source).")
class ImportSource(Enum):
    ACD = "acd"
    PUNCH = "punch"


@strawberry.type(description="What an import of time entries did.")
class ImportReport(ImportCounts):
    source: ImportSource

    @classmethod
    def from_report(cls, report: Any, source: str, message: Callable[..., str]) -> ImportReport:
        """The GraphQL form of an import's report; ``message(code, **params)`` localizes."""
        return cls(source=ImportSource(source), **report_fields(report, message))


@strawberry.type(description="What a timekeeping.import job did: its report.")
class TimeEntryImportResult(JobResult):
    @strawberry.field(description="Rows read, inserted, already imported and rejected, with each refused row.")
    def report(self, info: strawberry.Info) -> ImportReport:
        return ImportReport.from_report(report_from_json(self.stored), self.stored["source"], info.context.message)
