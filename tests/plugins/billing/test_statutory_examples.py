"""Worked examples computed by hand from the statutes: a week with a public holiday in
Ontario, and an employee whose region has no rule of its own (the country's rule applies).

Hours are real elapsed time in the employee's timezone; amounts are Decimal in CAD, at a
bill rate of 30.00 with the premiums the statutes set (1.5× for overtime and for hours
worked on a public holiday), written into the terms here rather than taken from defaults.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import text

from tests import factories as f
from tests.plugins.billing.helpers import entry, hours, split, terms


def statutory_terms(owner, w) -> None:
    terms(owner, w.tA, w.A1, "30.00")
    owner.execute(text("UPDATE billing_terms SET overtime_multiplier = 1.5, holiday_multiplier = 1.5"
                       " WHERE client_id = :A1"), w.ids)


def shift(tz: ZoneInfo, day: int, start: int, end: int, month: int = 2) -> tuple[datetime, datetime]:
    return datetime(2026, month, day, start, tzinfo=tz), datetime(2026, month, day, end, tzinfo=tz)


def test_ontario_public_holiday_hours_do_not_count_toward_the_44(gql, world, owner):
    """Ontario, Employment Standards Act, 2000: overtime is owed for hours over 44 in a work
    week (s.22(1)); an employee who works a public holiday at premium pay (1.5×, s.24) has
    those hours left out of the 44 (the Ministry's Guide to the ESA, "Overtime pay", public
    holiday examples). Family Day, Monday 16 February 2026, is a public holiday (s.1(1)).

    Mon 16 (Family Day) 8 h, Tue–Fri 10 h each, Sat 6 h: 54 h worked, 8 of them on the holiday.
    The 44 counts the other 46 h: 44 h regular, 2 h overtime (Saturday), 8 h holiday.
    (Counting the holiday would make it 36 h regular and 10 h overtime.)
    """
    w = world
    toronto = ZoneInfo("America/Toronto")
    x = f.employee(owner, w.tA, preferred_name="on", work_region="CA-ON")
    f.assignment(owner, w.tA, w.A1, w.A1a, x)
    statutory_terms(owner, w)
    entry(owner, x, w.A1a, *shift(toronto, 16, 8, 16))
    for day in (17, 18, 19, 20):
        entry(owner, x, w.A1a, *shift(toronto, day, 8, 18))
    entry(owner, x, w.A1a, *shift(toronto, 21, 8, 14))

    [row] = hours(gql, w.tokens["admin"], "2026-02-16", "2026-02-22", ["CLIENT"])
    assert split(row) == (Decimal("44.0000"), Decimal("2.0000"), 0, Decimal("8.0000"))
    # 44 × 30 = 1320; 2 × 30 × 1.5 = 90; 8 × 30 × 1.5 = 360
    assert (row["regularAmount"], row["overtimeAmount"], row["holidayAmount"], row["totalAmount"]) == (
        "1320.00", "90.00", "360.00", "1770.00")
    by_day = {r["day"]: split(r) for r in hours(gql, w.tokens["admin"], "2026-02-16", "2026-02-22", ["DAY"])}
    assert by_day["2026-02-16"] == (0, 0, 0, Decimal("8.0000"))
    assert by_day["2026-02-20"] == (Decimal("10.0000"), 0, 0, 0)  # 8 + 40 = 48 h, but only 40 count
    assert by_day["2026-02-21"] == (Decimal("4.0000"), Decimal("2.0000"), 0, 0)  # 44 reached after 4 h


def test_a_region_without_a_rule_of_its_own_follows_the_federal_rule_with_its_daily_overtime(gql, world, owner):
    """Manitoba has no rule of its own here, so Canada's applies: the Canada Labour Code,
    Part III, standard hours of 8 a day and 40 a week (s.169(1)), hours over either paid at
    1.5× (s.174). (Manitoba's Employment Standards Code sets the same 8 and 40.)

    A compressed week in Winnipeg, 2–6 March 2026 (no holiday): Mon–Thu 9 h each = 36 h, under
    40 for the week, but 1 h over 8 each day: 32 h regular, 4 h overtime.
    """
    w = world
    winnipeg = ZoneInfo("America/Winnipeg")
    site = f.site(owner, w.tA, name="Winnipeg", region="CA-MB", timezone="America/Winnipeg")
    x = f.employee(owner, w.tA, preferred_name="mb", work_region="CA-MB", home_site_id=site)
    f.assignment(owner, w.tA, w.A1, w.A1a, x)
    statutory_terms(owner, w)
    for day in (2, 3, 4, 5):
        entry(owner, x, w.A1a, *shift(winnipeg, day, 8, 17, month=3))

    [row] = hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("32.0000"), Decimal("4.0000"), 0, 0)
    # 32 × 30 = 960; 4 × 30 × 1.5 = 180
    assert (row["regularAmount"], row["overtimeAmount"], row["totalAmount"]) == ("960.00", "180.00", "1140.00")


def test_a_us_state_without_a_rule_of_its_own_follows_the_flsa(gql, world, owner):
    """Illinois has no rule of its own here, so the federal one applies: the Fair Labor
    Standards Act, 29 U.S.C. §207(a)(1): 1.5× for hours over 40 in a workweek, no daily
    overtime. Four 11-hour days in Chicago, 2–5 March 2026: 40 h regular, 4 h overtime."""
    w = world
    chicago = ZoneInfo("America/Chicago")
    site = f.site(owner, w.tA, name="Chicago", country="US", region="US-IL", timezone="America/Chicago")
    x = f.employee(owner, w.tA, preferred_name="il", work_region="US-IL", home_site_id=site)
    f.assignment(owner, w.tA, w.A1, w.A1a, x)
    statutory_terms(owner, w)
    for day in (2, 3, 4, 5):
        start = datetime(2026, 3, day, 7, tzinfo=chicago)
        entry(owner, x, w.A1a, start, start + timedelta(hours=11))

    [row] = hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("40.0000"), Decimal("4.0000"), 0, 0)
