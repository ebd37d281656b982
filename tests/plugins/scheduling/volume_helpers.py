"""Interval history for the world's LOBs, written by the owner, and GraphQL documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from switchboard.core.demo.builder import load_rows
from tests.jobs import outcome

START = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
MINUTES = 30
COLUMNS = ("tenant_id", "client_id", "lob_id", "interval_start", "interval_minutes", "offered", "handled",
           "abandoned", "aht_seconds", "service_level")
VOLUME_TABLES = ("interval_volume", "forecast", "forecast_interval", "audit_event")

CREATE = """mutation($input: ForecastInput!) {
  createForecast(input: $input) { job { id kind state lobIds } errors { code field message } }
}"""
FORECASTS = """forecasts { id: databaseId lobId version method intervalMinutes holidayFactor horizonStart horizonEnd
               backtest { weeks wape bias baselineWape baselineBias } }"""
INTERVALS = """query($id: UUID!, $first: Int, $after: String) {
  forecast(id: $id) { id version intervals(first: $first, after: $after) {
    nodes { intervalStart localIntervalStart offered ahtSeconds effectiveOffered effectiveAhtSeconds
            override { offered ahtSeconds byUserId reason } }
    pageInfo { hasNextPage endCursor } } }
}"""
OVERRIDE = """mutation($f: UUID!, $s: DateTime!, $o: Float, $a: Float, $r: String) {
  overrideForecastInterval(forecastId: $f, intervalStart: $s, offered: $o, ahtSeconds: $a, reason: $r) {
    interval { intervalStart offered effectiveOffered effectiveAhtSeconds override { offered ahtSeconds reason } }
    errors { code field message }
  }
}"""


def curve(weeks: int, level: float = 40.0, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Offered volume and AHT of ``weeks`` weeks of 30-minute intervals from :data:`START`:
    a daily curve (busy in the UTC afternoon), quieter weekends, Poisson noise."""
    rng = np.random.default_rng(seed)
    n = weeks * 7 * 48
    slot = np.arange(n)
    hour = (slot % 48) / 2
    day = (slot // 48) % 7
    mean = level * np.exp(-0.5 * ((hour - 16) / 3) ** 2) * np.where(day >= 5, 0.5, 1.0)
    offered = rng.poisson(mean)
    aht = np.where(offered > 0, 300 + 20 * np.sin(hour / 24 * 2 * np.pi), np.nan)
    return offered, aht


def history(owner, tenant, client, lob, weeks: int = 6, level: float = 40.0, seed: int = 1) -> int:
    """Write ``weeks`` weeks of interval history of a LOB from :data:`START`; the row count."""
    offered, aht = curve(weeks, level, seed)
    rows = [(tenant, client, lob, START + timedelta(minutes=MINUTES * i), MINUTES, int(o), int(o), 0,
             None if np.isnan(a) else round(float(a), 1), 0.8 if o else None)
            for i, (o, a) in enumerate(zip(offered, aht, strict=True))]
    load_rows(owner, "interval_volume", COLUMNS, rows)
    return len(rows)


def horizon(weeks: int = 6, days: int = 7) -> dict[str, str]:
    """The week (or ``days``) right after ``weeks`` weeks of history."""
    start = START + timedelta(weeks=weeks)
    return {"horizonStart": start.isoformat(), "horizonEnd": (start + timedelta(days=days)).isoformat()}


def create_forecast(gql, token: str, input: dict, lang: str | None = None) -> dict:
    """``createForecast``, then its job run: ``{"forecasts": [...], "errors": [...]}`` as the request
    refused it (no forecast) or as the job made them; a request refused as a whole: its body."""
    body = gql(CREATE, {"input": input}, token=token, lang=lang)
    if not body.get("data"):
        return body
    queued = body["data"]["createForecast"]
    if queued["errors"]:
        assert queued["job"] is None, queued
        return {"forecasts": [], "errors": queued["errors"]}
    assert queued["job"]["kind"] == "scheduling.forecast" and queued["job"]["state"] == "QUEUED", queued
    return {"forecasts": outcome(gql, token, queued["job"]["id"], "ForecastJobResult", FORECASTS)["forecasts"],
            "errors": []}
