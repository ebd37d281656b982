"""Queries of interval volume history and forecasts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import strawberry

from switchboard.core.graphql.access import requires
from switchboard.core.graphql.pagination import Connection, Window, connection, connection_field
from switchboard.plugins.scheduling.forecasts import service as forecasts
from switchboard.plugins.scheduling.forecasts import volumes
from switchboard.plugins.scheduling.forecasts.types import Forecast, ForecastAccuracy, IntervalVolume, forecast_by_id
from switchboard.plugins.scheduling.permissions import FORECAST_READ, VOLUME_READ

FROM = Annotated[datetime | None, strawberry.argument(name="from")]


@strawberry.type
class ForecastQuery:
    @connection_field(description="A LOB's interval volume history by interval start, from `from` (inclusive) to"
                      " `to` (exclusive); empty for a LOB outside the caller's scope.",
                      extensions=[requires(VOLUME_READ)])
    async def interval_volumes(self, info: strawberry.Info, lob_id: UUID, window: Window, start: FROM = None,
                               to: datetime | None = None) -> Connection[IntervalVolume]:
        ctx = info.context
        rows = await volumes.volumes_page(ctx.db, ctx.me, lob_id, start, to, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.interval_start, r.id), IntervalVolume.from_row)

    @connection_field(description="A LOB's forecast versions, oldest first.",
                      extensions=[requires(FORECAST_READ)])
    async def forecasts(self, info: strawberry.Info, lob_id: UUID, window: Window) -> Connection[Forecast]:
        ctx = info.context
        rows = await forecasts.forecasts_page(ctx.db, ctx.me, lob_id, window, ctx.runtime.settings.page_size_cap)
        return connection(rows, lambda r: (r.version, r.id), Forecast.from_row)

    @strawberry.field(description="One forecast, or null when it does not exist or is outside the caller's scope.",
                      extensions=[requires(FORECAST_READ)])
    async def forecast(self, info: strawberry.Info, id: UUID) -> Forecast | None:
        return await forecast_by_id(info.context).load(id)

    @strawberry.field(description="How the latest forecast of each LOB (overrides included) did against the volume"
                      " that came from `from` to `to` (at most 92 days): WAPE and bias per LOB, and across them the"
                      " total's WAPE and the mix error.", extensions=[requires(FORECAST_READ)])
    async def forecast_accuracy(self, info: strawberry.Info, lob_ids: list[UUID],
                                start: Annotated[datetime, strawberry.argument(name="from")],
                                to: datetime) -> ForecastAccuracy:
        ctx = info.context
        report = await forecasts.forecast_accuracy(ctx.db, ctx.me, lob_ids, start, to)
        return ForecastAccuracy.from_report(report)
