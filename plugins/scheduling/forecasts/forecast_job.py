"""The ``scheduling.forecast`` job: ``createForecast`` checks the request and queues it; the job
loads the histories, forecasts and backtests each LOB, and stores the versions, as the requester.

Parameters: ``{"lobIds": [...], "horizonStart", "horizonEnd": ISO 8601, "method"}``. Progress:
``phase`` (forecasting), ``lobsDone`` and ``lobs``. Result: ``forecastIds``, one per LOB in
the order asked. A cancellation stops between LOBs and stores nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from switchboard.core.db.session import DbSession
from switchboard.core.errors import ValidationErrors
from switchboard.core.identity.caller import Caller
from switchboard.core.jobs import service as jobs
from switchboard.core.jobs.worker import JobCancelled, JobContext
from switchboard.plugins.scheduling.forecasts import service as forecasts

KIND = "scheduling.forecast"
TIME_LIMIT_SECONDS = 3600


def _params(request: forecasts.ForecastRequest) -> dict[str, Any]:
    return {"lobIds": [str(x) for x in dict.fromkeys(request.lob_ids)], "method": request.method,
            "horizonStart": request.horizon_start.isoformat(), "horizonEnd": request.horizon_end.isoformat()}


def _request(params: dict[str, Any]) -> forecasts.ForecastRequest:
    return forecasts.ForecastRequest([UUID(x) for x in params["lobIds"]],
                                     datetime.fromisoformat(params["horizonStart"]),
                                     datetime.fromisoformat(params["horizonEnd"]), params["method"])


async def queue_forecast(db: DbSession, caller: Caller, request: forecasts.ForecastRequest) -> Any:
    """Queue the forecasts of ``request`` once what can be checked without forecasting passes
    (the same refusals as the job's); the job's row."""
    lobs = await forecasts.check_forecasts(db, caller, request)
    return await jobs.enqueue(db, caller, KIND, _params(request), lob_ids=[lob for lob, _ in lobs],
                              time_limit_seconds=TIME_LIMIT_SECONDS)


async def forecast(ctx: JobContext) -> dict[str, Any]:
    """The job handler (see the module's doc)."""
    request = _request(ctx.params)
    lobs = len(request.lob_ids)
    ctx.progress(force=True, phase="forecasting", lobsDone=0, lobs=lobs)

    def done(n: int) -> None:
        if ctx.progress(force=n == lobs, phase="forecasting", lobsDone=n, lobs=lobs):
            raise JobCancelled

    try:
        async with ctx.acting() as (db, caller):
            rows = await forecasts.create_forecasts(db, caller, request, on_lob=done)
    except ValidationErrors as exc:  # the history or the requester's scope changed since the job was queued
        raise exc.errors[0] from exc
    return {"forecastIds": [str(r.id) for r in rows]}
