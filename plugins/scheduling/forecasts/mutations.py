"""Mutations of interval volume history and forecasts: import, create, override."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import strawberry
from strawberry.file_uploads import Upload

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.payload import UserErrorType, mutate
from switchboard.core.imports.types import upload_stream
from switchboard.core.jobs.mutations import JobPayload
from switchboard.core.jobs.types import Job
from switchboard.plugins.scheduling.forecasts import forecast_job, volume_import
from switchboard.plugins.scheduling.forecasts import service as forecasts
from switchboard.plugins.scheduling.forecasts.types import ForecastInterval, ForecastMethod
from switchboard.plugins.scheduling.permissions import FORECAST_MANAGE, VOLUME_IMPORT

IMPORT_DESCRIPTION = (
    "Import interval volume history (a multipart upload: GraphQL multipart request specification). The file is"
    " CSV in UTF-8 with a header row naming its columns: client and lob (codes), interval_start (ISO 8601 with a"
    " UTC offset, a UTC multiple of the interval's length), interval_minutes (15 or 30), offered, handled,"
    " abandoned (whole numbers; handled + abandoned at most offered), aht_seconds (empty when nothing was"
    " handled) and optionally service_level (achieved, 0..1). An interval already stored with the same figures"
    " is skipped; with other figures it is refused. When any row is bad nothing is applied and the report lists"
    " every bad row by line; with cleanRowsOnly the clean rows are applied and the others reported. The file is"
    " stored with a scheduling.volume_import job, returned at once: the job imports it as the caller, and its"
    " outcome (VolumeImportResult) holds the report."
)


@strawberry.input(description="Which LOBs to forecast, over which horizon, how.")
class ForecastInput:
    lob_ids: list[UUID]
    horizon_start: datetime = strawberry.field(description="With a UTC offset, on an interval boundary.")
    horizon_end: datetime = strawberry.field(description="Exclusive; at most 92 days after the LOB's history.")
    method: ForecastMethod = ForecastMethod.MSTL_ETS


@strawberry.type
class ForecastIntervalPayload:
    interval: ForecastInterval | None
    errors: list[UserErrorType]


@strawberry.type
class ForecastMutation:
    @strawberry.mutation(description=IMPORT_DESCRIPTION, extensions=[requires(VOLUME_IMPORT)])
    async def import_interval_volumes(self, info: strawberry.Info, file: Upload,
                                      clean_rows_only: bool | None = False) -> JobPayload:
        ctx = info.context
        return await mutate(info, JobPayload, lambda: volume_import.queue_volumes(
            ctx.db, ctx.me, upload_stream(file), bool(clean_rows_only),
            max_bytes=ctx.runtime.settings.max_upload_bytes), lambda row: Job.from_row(row, ctx.message))

    @strawberry.mutation(description="Forecast offered volume and AHT of each LOB over the horizon from its history"
                         " (the intervals before the horizon), as the LOB's next forecast version, with a backtest"
                         " on its last weeks of history. All LOBs or none. Checked now (LOBs, permission, history,"
                         " horizon), then queued as a scheduling.forecast job, returned at once; its outcome"
                         " (ForecastJobResult) holds the forecasts.",
                         extensions=[requires(FORECAST_MANAGE)])
    async def create_forecast(self, info: strawberry.Info, input: ForecastInput) -> JobPayload:
        ctx = info.context
        request = forecasts.ForecastRequest(list(input.lob_ids), input.horizon_start, input.horizon_end,
                                            input.method.value)
        return await mutate(info, JobPayload, lambda: forecast_job.queue_forecast(ctx.db, ctx.me, request),
                            lambda row: Job.from_row(row, ctx.message))

    @strawberry.mutation(description="Override a forecast interval's offered volume and/or AHT, with a reason"
                         " (audited). Both values null clears the override.",
                         extensions=[requires(FORECAST_MANAGE)])
    async def override_forecast_interval(self, info: strawberry.Info, forecast_id: UUID, interval_start: datetime,
                                         offered: float | None = None, aht_seconds: float | None = None,
                                         reason: str | None = None) -> ForecastIntervalPayload:
        ctx = info.context
        override = forecasts.Override(offered, aht_seconds, reason)
        return await mutate(info, ForecastIntervalPayload, lambda: forecasts.override_interval(
            ctx.db, ctx.me, forecast_id, interval_start, override), ForecastInterval.from_row)
