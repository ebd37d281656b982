"""Public holidays of a country or one of its subdivisions (the ``holidays`` library)."""

from __future__ import annotations

from datetime import date
from functools import cache

import holidays


@cache
def public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    """The holidays of ``country`` (ISO code) in ``year``, with those of ``subdivision``
    (``ON``, ``CA``) when the library knows it, else the country's alone."""
    try:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))
    except NotImplementedError:
        return frozenset(holidays.country_holidays(country, years=year))


def region_holidays(region: str, first: date, last: date) -> frozenset[date]:
    """The public holidays of a holiday region (``CA-ON``, ``IE``: a country, optionally
    ``-`` a subdivision) from ``first`` to ``last``, both inclusive."""
    country, _, subdivision = region.partition("-")
    days = (d for year in range(first.year, last.year + 1) for d in public_holidays(country, subdivision or None, year))
    return frozenset(d for d in days if first <= d <= last)
