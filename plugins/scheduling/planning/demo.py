"""The demo's shift templates and staffing parameters, so a solve works on every demo LOB.

Per LOB, by channel: an early and a late 8½-hour shift (30 minutes unpaid) inside the
opening hours of the demo's volume (:data:`~switchboard.plugins.scheduling.forecasts.demo.OPEN_HOURS`;
channels without opening hours get a day and an evening shift), on the weekdays the
channel works; shrinkage, occupancy cap and Erlang A patience by channel; LOBs that
handle card or health data weigh their under-coverage more.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time

from sqlalchemy import Connection

from switchboard.core.demo.builder import load_rows
from switchboard.core.demo.model import DemoResult, Lob
from switchboard.plugins.scheduling.forecasts.demo import OPEN_HOURS

SHIFT_MINUTES, BREAK_MINUTES = 510, 30
ALL_DAY = (8, 22)  # where a channel answers around the clock: the hours the templates staff
WEEKDAYS = {"back_office": (1, 2, 3, 4, 5)}
EVERY_DAY = (1, 2, 3, 4, 5, 6, 7)
STAFFING = {  # shrinkage, occupancy cap, patience in seconds (None: Erlang C)
    "voice": ("0.32", "0.85", "120"),
    "chat": ("0.30", "0.80", "300"),
    "email": ("0.28", "0.92", None),
    "social": ("0.28", "0.90", None),
    "back_office": ("0.25", "0.95", None),
}
TEMPLATE_COLUMNS = ("id", "tenant_id", "client_id", "lob_id", "name", "length_minutes", "earliest_start",
                    "latest_start", "start_step_minutes", "unpaid_break_minutes", "weekdays")
STAFFING_COLUMNS = ("id", "tenant_id", "client_id", "lob_id", "shrinkage", "occupancy_cap", "patience_seconds",
                    "priority")


def _templates(demo: DemoResult, lob: Lob) -> Iterator[tuple]:
    opens, closes = OPEN_HOURS.get(lob.channel, ALL_DAY)
    last = (closes * 60 - SHIFT_MINUTES) // 60  # the latest whole hour a shift may start and end by closing
    weekdays = list(WEEKDAYS.get(lob.channel, EVERY_DAY))
    for name, earliest, latest in (("Early", opens, min(opens + 2, last)), ("Late", max(opens, last - 2), last)):
        yield (demo.id_for("shift_template", lob.id, name), demo.tenant_id, lob.client_id, lob.id, name,
               SHIFT_MINUTES, time(earliest), time(latest), 60, BREAK_MINUTES, weekdays)


def add_demo_planning(conn: Connection, demo: DemoResult) -> None:
    """Write every demo LOB's shift templates and staffing parameters on ``conn`` (owner)."""
    load_rows(conn, "shift_template", TEMPLATE_COLUMNS, (row for lob in demo.lobs for row in _templates(demo, lob)))
    load_rows(conn, "lob_staffing", STAFFING_COLUMNS, (
        (demo.id_for("lob_staffing", lob.id), demo.tenant_id, lob.client_id, lob.id, *STAFFING[lob.channel],
         "1.5" if lob.handles_card_data or lob.handles_health_data else "1") for lob in demo.lobs))
