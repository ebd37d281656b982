"""Timekeeping mutations: record, correct, void and approve entries; close periods; import files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import strawberry
from strawberry.file_uploads import Upload

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.caps import BATCH, capped
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.imports.types import upload_stream
from switchboard.core.jobs.mutations import JobPayload
from switchboard.core.jobs.types import Job

from . import imports, service
from .activities import Activity
from .permissions import APPROVE, CLOSE, IMPORT, RECORD
from .types import ImportSource, PeriodClose, TimeEntry

IMPORT_DESCRIPTION = (
    "Import an ACD or punch file into the ledger (a multipart upload: GraphQL multipart request"
    " specification). The file is CSV in UTF-8 with a header row naming its columns: employee (the employee"
    " number), client and lob (codes), activity (an Activity value such as handling, any case), started_at"
    " and ended_at (ISO 8601 with a UTC offset, e.g. 2026-11-02T09:00:00-05:00; a time without an offset is"
    " refused) and optionally key (the source system's record id). A row whose key (or, without one, whose"
    " content) was already imported from the same source is skipped. When any row is bad nothing is applied"
    " and the report lists every bad row by line; with cleanRowsOnly the clean rows are applied and the others"
    " reported. A malformed file is one error naming its line. The file is stored with a timekeeping.import job,"
    " returned at once: the job imports it as the caller, and its outcome (TimeEntryImportResult) holds the"
    " report."
)


@strawberry.input
class TimeEntryInput:
    employee_id: UUID
    lob_id: UUID = strawberry.field(description="The employee must be assigned to it on the start's local date.")
    activity: Activity
    started_at: datetime = strawberry.field(description="With a UTC offset.")
    ended_at: datetime = strawberry.field(description="Exclusive; at most 16 hours after the start.")
    note: str | None = None


@strawberry.input(description="The corrected worked time; the employee and LOB stay the original's.")
class TimeEntryCorrection:
    activity: Activity
    started_at: datetime
    ended_at: datetime
    note: str | None = None


@strawberry.type
class TimeEntryPayload:
    entry: TimeEntry | None
    errors: list[UserErrorType]


@strawberry.type
class TimeEntriesPayload:
    entries: list[TimeEntry]
    errors: list[UserErrorType]


@strawberry.type
class PeriodClosePayload:
    close: PeriodClose | None
    errors: list[UserErrorType]


def _values(i: TimeEntryInput | TimeEntryCorrection) -> service.EntryValues:
    return service.EntryValues(i.activity.value, i.started_at, i.ended_at, i.note)


@strawberry.type
class TimekeepingMutation:
    @strawberry.mutation(description="Record worked or absence time of an employee on a LOB.",
                         extensions=[requires(RECORD)])
    async def record_time_entry(self, info: strawberry.Info, input: TimeEntryInput) -> TimeEntryPayload:
        ctx = info.context
        return await mutate(info, TimeEntryPayload,
                            lambda: service.record(ctx.db, ctx.me, input.employee_id, input.lob_id, _values(input)),
                            TimeEntry.from_row)

    @strawberry.mutation(description="Supersede an active entry with a corrected one (both kept). Work on a"
                         " closed day becomes an adjustment booked in the client's next open day.",
                         extensions=[requires(RECORD)])
    async def correct_time_entry(self, info: strawberry.Info, id: UUID,
                                 correction: TimeEntryCorrection) -> TimeEntryPayload:
        ctx = info.context
        return await mutate(info, TimeEntryPayload,
                            lambda: service.correct(ctx.db, ctx.me, id, _values(correction)), TimeEntry.from_row)

    @strawberry.mutation(description="Void an active entry of an open period (kept for the record).",
                         extensions=[requires(RECORD)])
    async def void_time_entry(self, info: strawberry.Info, id: UUID) -> TimeEntryPayload:
        ctx = info.context
        return await mutate(info, TimeEntryPayload, lambda: service.void(ctx.db, ctx.me, id), TimeEntry.from_row)

    @strawberry.mutation(description="Approve recorded entries: all of them, or none when any is refused.",
                         extensions=[requires(APPROVE)])
    async def approve_time_entries(self, info: strawberry.Info,
                                   ids: Annotated[list[UUID], capped(items=BATCH)]) -> TimeEntriesPayload:
        ctx = info.context
        return await mutate(info, TimeEntriesPayload, lambda: service.approve(ctx.db, ctx.me, ids),
                            lambda rows: [TimeEntry.from_row(r) for r in rows])

    @strawberry.mutation(description="Close a client's days up to a date (inclusive, the client's local dates)."
                         " Every active entry booked by then must be approved.",
                         extensions=[requires(CLOSE)])
    async def close_period(self, info: strawberry.Info, client_id: UUID, through: date) -> PeriodClosePayload:
        ctx = info.context
        return await mutate(info, PeriodClosePayload,
                            lambda: service.close_period(ctx.db, ctx.me, client_id, through), PeriodClose.from_row)

    @strawberry.mutation(description=IMPORT_DESCRIPTION, extensions=[requires(IMPORT)])
    async def import_time_entries(self, info: strawberry.Info, file: Upload, source: ImportSource,
                                  clean_rows_only: bool | None = False) -> JobPayload:
        ctx = info.context
        return await mutate(info, JobPayload, lambda: imports.queue_entries(
            ctx.db, ctx.me, upload_stream(file), source.value, bool(clean_rows_only),
            max_bytes=ctx.runtime.settings.max_upload_bytes), lambda row: Job.from_row(row, ctx.message))
