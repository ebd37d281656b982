"""GraphQL types of interval volume history and forecasts."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import strawberry

from switchboard.core.graphql import loaders
from switchboard.core.graphql.node import Node
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field
from switchboard.core.graphql.rows import FromRow
from switchboard.core.graphql.scalars import Fraction
from switchboard.core.imports.report import report_from_json
from switchboard.core.imports.types import ImportCounts, report_fields
from switchboard.core.jobs.results import JobResult
from switchboard.core.scope.types import Lob, lob_by_id
from switchboard.plugins.scheduling.forecasts import service as forecasts


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone))


@strawberry.type(description="One interval of a LOB's history: what was offered and how it went.")
class IntervalVolume(FromRow):
    id: UUID
    lob_id: UUID
    interval_start: datetime = strawberry.field(description="Start, in UTC.")
    local_interval_start: datetime = strawberry.field(description="Start in the LOB's timezone.")
    interval_minutes: int = strawberry.field(description="15 or 30.")
    offered: int
    handled: int
    abandoned: int
    aht_seconds: float | None = strawberry.field(description="Average handle time; null when nothing was handled.")
    service_level: Fraction | None = strawberry.field(description="Service level achieved.")

    @classmethod
    def from_row(cls, r: Any) -> IntervalVolume:
        return super().from_row(r, local_interval_start=_local(r.interval_start, r.timezone),
                                aht_seconds=_float(r.aht_seconds), service_level=_float(r.service_level))


@strawberry.type(description="What an import of interval volume history did.")
class VolumeImportReport(ImportCounts):
    pass


@strawberry.enum(description="How a forecast is made.")
class ForecastMethod(Enum):
    SEASONAL_NAIVE = strawberry.enum_value("seasonal_naive", description="Each interval repeats the same local"
                                           " interval one week earlier.")
    MSTL_ETS = strawberry.enum_value("mstl_ets", description="Daily and weekly seasonality (MSTL) with a damped"
                                     " trend (exponential smoothing), and the client's holidays.")


@strawberry.type(description="A forecast's accuracy on the LOB's last weeks of history, held out, next to"
                 " seasonal naive's on the same weeks. WAPE = Σ|f − a| / Σa; bias = (Σf − Σa) / Σa.")
class Backtest:
    weeks: int
    wape: float | None
    bias: float | None
    baseline_wape: float | None = strawberry.field(description="Seasonal naive's WAPE.")
    baseline_bias: float | None = strawberry.field(description="Seasonal naive's bias.")


@strawberry.type(description="A planner's override of a forecast interval.")
class ForecastOverride:
    offered: float | None
    aht_seconds: float | None
    by_user_id: UUID
    at: datetime
    reason: str


@strawberry.type(description="One interval of a forecast.")
class ForecastInterval(FromRow):
    id: UUID
    forecast_id: UUID
    interval_start: datetime = strawberry.field(description="Start, in UTC.")
    local_interval_start: datetime = strawberry.field(description="Start in the LOB's timezone.")
    offered: float = strawberry.field(description="Forecast offered volume.")
    aht_seconds: float = strawberry.field(description="Forecast average handle time.")
    override: ForecastOverride | None

    @strawberry.field(description="The offered volume in force: the override's, else the forecast's.")
    def effective_offered(self) -> float:
        return self.offered if self.override is None or self.override.offered is None else self.override.offered

    @strawberry.field(description="The AHT in force: the override's, else the forecast's.")
    def effective_aht_seconds(self) -> float:
        o = self.override
        return self.aht_seconds if o is None or o.aht_seconds is None else o.aht_seconds

    @classmethod
    def from_row(cls, r: Any) -> ForecastInterval:
        override = None if r.override_by is None else ForecastOverride(
            offered=_float(r.override_offered), aht_seconds=_float(r.override_aht_seconds), by_user_id=r.override_by,
            at=r.override_at, reason=r.override_reason)
        return super().from_row(r, local_interval_start=_local(r.interval_start, r.timezone), offered=float(r.offered),
                                aht_seconds=float(r.aht_seconds), override=override)


@strawberry.type(description="Version n of a LOB's forecast.")
class Forecast(FromRow, Node):
    id: strawberry.Private[UUID]
    lob_id: UUID
    version: int
    method: ForecastMethod
    horizon_start: datetime
    horizon_end: datetime = strawberry.field(description="Exclusive.")
    interval_minutes: int
    history_start: datetime = strawberry.field(description="The first interval of history it was made from.")
    history_end: datetime = strawberry.field(description="The end of the history it was made from.")
    holiday_factor: float = strawberry.field(description="Holiday volume over an ordinary day's, applied to the"
                                             " client's holidays in the horizon (1: none).")
    backtest: Backtest
    created_by_user_id: UUID
    created_at: datetime

    row_renames = {"created_by_user_id": "created_by"}

    @classmethod
    def from_row(cls, r: Any) -> Forecast:
        backtest = Backtest(weeks=r.backtest_weeks, wape=_float(r.backtest_wape), bias=_float(r.backtest_bias),
                            baseline_wape=_float(r.baseline_wape), baseline_bias=_float(r.baseline_bias))
        return super().from_row(r, holiday_factor=float(r.holiday_factor), backtest=backtest)

    @strawberry.field
    async def lob(self, info: strawberry.Info) -> Lob | None:
        return await lob_by_id(info.context).load(self.lob_id)

    @connection_field(description="The forecast's intervals by start.")
    async def intervals(self, info: strawberry.Info, window: Window) -> Connection[ForecastInterval]:
        ctx = info.context
        rows = await forecasts.intervals_page(ctx.db, ctx.me, self.id, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.interval_start, r.id), ForecastInterval.from_row)


def forecast_by_id(ctx: Any):
    """The request's loader of forecasts by id (None when not visible)."""
    return loaders.by_id(ctx, forecasts.forecasts_by_ids, Forecast.from_row)


@strawberry.type(description="A LOB's latest forecast against the volume that came.")
class LobForecastAccuracy:
    lob_id: UUID
    forecast_id: UUID
    version: int
    intervals: int = strawberry.field(description="Intervals with both a forecast and an actual.")
    forecast_volume: float = strawberry.field(description="Forecast offered volume (overrides included).")
    actual_volume: float
    wape: float | None = strawberry.field(description="Σ|f − a| / Σa over the intervals.")
    bias: float | None = strawberry.field(description="(Σf − Σa) / Σa.")


@strawberry.type(description="Forecast accuracy over a range, per LOB and across them.")
class ForecastAccuracy:
    lobs: list[LobForecastAccuracy]
    total_wape: float | None = strawberry.field(description="The WAPE of the LOBs' summed volume per interval.")
    mix_error: float | None = strawberry.field(description=(
        "How far the split of volume between the LOBs is off even when the total is right: per interval, half"
        " the sum over LOBs of |forecast share − actual share| (0: the same split, 1: none in common), averaged"
        " over the intervals weighted by their actual volume."))

    @classmethod
    def from_report(cls, report: forecasts.AccuracyReport) -> ForecastAccuracy:
        return cls(lobs=[LobForecastAccuracy(**vars(a)) for a in report.lobs], total_wape=report.total_wape,
                   mix_error=report.mix_error)


@strawberry.type(description="What a scheduling.forecast job made: the new forecast version of each LOB.")
class ForecastJobResult(JobResult):
    @strawberry.field(description="The new versions' ids, in the order of the job's LOBs.")
    def forecast_ids(self) -> list[UUID]:
        return [UUID(x) for x in self.stored["forecastIds"]]

    @strawberry.field(description="The forecasts, in the order of the job's LOBs (those still visible).")
    async def forecasts(self, info: strawberry.Info) -> list[Forecast]:
        found = await forecast_by_id(info.context).load_many(self.forecast_ids())
        return [x for x in found if x is not None]


@strawberry.type(description="What a scheduling.volume_import job did: its report.")
class VolumeImportResult(JobResult):
    @strawberry.field(description="Rows read, inserted, already imported and rejected, with each refused row.")
    def report(self, info: strawberry.Info) -> VolumeImportReport:
        return VolumeImportReport(**report_fields(report_from_json(self.stored), info.context.message))
