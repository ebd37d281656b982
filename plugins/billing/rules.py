"""Labour rules by work jurisdiction: overtime thresholds, local time, stat holidays.

An employee follows the rule of their work region (``CA-ON``), else the rule of its
country (``US``); a region with neither has no statutory overtime and works in UTC
unless their home site says otherwise. Stat holidays come from the ``holidays``
library: provincial ones in Canada, federal ones in the United States.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from switchboard.core.scope.holidays import public_holidays


@dataclass(frozen=True)
class LabourRule:
    """Overtime thresholds in hours (None: no such threshold) and the local timezone
    for employees without a home site. ``daily``/``double``: daily overtime over
    ``daily`` hours, double time over ``double`` hours. ``holiday_subdivision``:
    whether stat holidays are the subdivision's (else the country's)."""

    region: str
    weekly: float | None
    daily: float | None = None
    double: float | None = None
    timezone: str | None = None
    holiday_subdivision: bool = False

    @property
    def country(self) -> str:
        return self.region.split("-")[0]


def _us_state(state: str, timezone: str) -> LabourRule:
    """A US state under the federal rule (40 h/week), in its main timezone."""
    return LabourRule(f"US-{state}", weekly=40, timezone=timezone)


RULES: tuple[LabourRule, ...] = (
    LabourRule("CA-ON", weekly=44, timezone="America/Toronto", holiday_subdivision=True),
    LabourRule("CA-QC", weekly=40, timezone="America/Toronto", holiday_subdivision=True),
    LabourRule("CA", weekly=40, daily=8, timezone="America/Toronto"),  # Canada Labour Code
    LabourRule("US", weekly=40),  # FLSA
    LabourRule("US-CA", weekly=40, daily=8, double=12, timezone="America/Los_Angeles"),
    _us_state("AZ", "America/Phoenix"),
    _us_state("FL", "America/New_York"),
    _us_state("NC", "America/New_York"),
    _us_state("NY", "America/New_York"),
    _us_state("TX", "America/Chicago"),
    LabourRule("IE", weekly=None, timezone="Europe/Dublin"),  # no statutory overtime premium
)


def rules_json(rules: tuple[LabourRule, ...] = RULES) -> str:
    """The rules as the classification function's ``p_rules`` argument."""
    return json.dumps([{"region": r.region, "weekly": r.weekly, "daily": r.daily, "double": r.double,
                        "tz": r.timezone} for r in rules])


def stat_holidays(rule: LabourRule, first: date, last: date) -> list[date]:
    """The rule's stat holidays between ``first`` and ``last`` (inclusive)."""
    subdivision = rule.region.split("-")[1] if rule.holiday_subdivision and "-" in rule.region else None
    days = [d for year in range(first.year, last.year + 1)
            for d in sorted(public_holidays(rule.country, subdivision, year))]
    return [d for d in days if first <= d <= last]


def holidays_json(first: date, last: date, rules: tuple[LabourRule, ...] = RULES) -> str:
    """Every rule's stat holidays in ``[first, last]`` as the ``p_holidays`` argument."""
    return json.dumps([{"region": r.region, "day": d.isoformat()}
                       for r in rules for d in stat_holidays(r, first, last)])
