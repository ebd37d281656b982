"""Worked examples of overtime and stat-holiday time, one per jurisdiction rule.

Each week starts Monday 2026-03-02 unless said otherwise; hours are real elapsed
time in the employee's own timezone; amounts are Decimal in the terms' currency.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from tests import factories as f
from tests.plugins.billing.helpers import entry, hours, split, terms

TORONTO = ZoneInfo("America/Toronto")


def at(day: int, hour: float, tz=TORONTO, month: int = 3) -> datetime:
    return datetime(2026, month, day, tzinfo=tz) + timedelta(hours=hour)


@pytest.fixture
def three(world, owner):
    """Employee ``x`` (Ontario, no site) works for three clients: A1a, A2a and a third client's LOB."""
    i = world.ids
    i["A3"] = f.client(owner, i["tA"], name="Third", code="THIRD")
    i["A3a"] = f.lob(owner, i["tA"], i["A3"], code="T1")
    i["x"] = f.employee(owner, i["tA"], preferred_name="x", work_region="CA-ON")
    for client, lob in (("A1", "A1a"), ("A2", "A2a"), ("A3", "A3a")):
        f.assignment(owner, i["tA"], i[client], i[lob], i["x"])
    terms(owner, i["tA"], i["A1"], "30.00")
    terms(owner, i["tA"], i["A2"], "40.00")
    terms(owner, i["tA"], i["A3"], "50.00", payer="bpo")
    return world


def by_client(rows):
    return {r["clientId"]: split(r) for r in rows}


def ontario_week(owner, w):
    # Mon A1 10h, Tue A2 10h, Wed A3 10h, Thu A1 10h, Fri A2 8h: 48 h, over 44 on Friday
    for day, lob in ((2, w.A1a), (3, w.A2a), (4, w.A3a), (5, w.A1a)):
        entry(owner, w.x, lob, at(day, 8), at(day, 18))
    entry(owner, w.x, w.A2a, at(6, 8), at(6, 16))


def test_ontario_44_hours_chronological_across_three_clients(gql, three, owner):
    w = three
    ontario_week(owner, w)
    rows = hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    got = by_client(rows)
    assert got[str(w.A1)] == (Decimal("20.0000"), 0, 0, 0)
    assert got[str(w.A2)] == (Decimal("14.0000"), Decimal("4.0000"), 0, 0)  # Friday crossed 44 h
    assert got[str(w.A3)] == (Decimal("10.0000"), 0, 0, 0)
    a2 = next(r for r in rows if r["clientId"] == str(w.A2))
    assert (a2["regularAmount"], a2["overtimeAmount"], a2["totalAmount"]) == ("560.00", "240.00", "800.00")


def test_ontario_proportional_attribution(gql, three, owner):
    w = three
    ontario_week(owner, w)
    body = gql("mutation { setOvertimeAttribution(attribution: PROPORTIONAL) { attribution errors { code } } }",
               token=w.tokens["admin"])
    assert body["data"]["setOvertimeAttribution"] == {"attribution": "PROPORTIONAL", "errors": []}
    got = by_client(hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"]))
    # 4 h of overtime shared by each client's part of the 48 h
    assert got[str(w.A1)][1] == Decimal("1.6667") and got[str(w.A2)][1] == Decimal("1.5000")
    assert got[str(w.A3)][1] == Decimal("0.8333")
    assert sum(sum(v) for v in got.values()) == Decimal("48.0000")


def test_the_bpo_absorbs_the_premium_when_the_terms_say_so(gql, three, owner):
    w = three
    # A3 (BPO pays the premium): 46 h there alone, 2 h over 44 billed at the plain rate
    for day in range(2, 7):
        entry(owner, w.x, w.A3a, at(day, 8), at(day, 17.2))
    [row] = hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert (row["overtimeHours"], row["overtimeAmount"], row["totalAmount"]) == (2, "100.00", "2300.00")


def test_quebec_40_hours(gql, world, owner):
    qc = f.employee(owner, world.tA, preferred_name="qc", work_region="CA-QC")
    f.assignment(owner, world.tA, world.A2, world.A2a, qc)
    terms(owner, world.tA, world.A2, "40.00")
    for day in range(2, 7):
        entry(owner, qc, world.A2a, at(day, 8), at(day, 16.4))  # 5 x 8.4 h = 42 h
    [row] = hours(gql, world.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("40.0000"), Decimal("2.0000"), 0, 0)
    assert row["overtimeAmount"] == "120.00"


def test_us_federal_40_hours_in_the_employee_s_own_week(gql, world, owner):
    tx = f.employee(owner, world.tA, preferred_name="tx", work_region="US-TX")
    f.assignment(owner, world.tA, world.A1, world.A1a, tx)
    terms(owner, world.tA, world.A1, "25.00", currency="USD")
    chicago = ZoneInfo("America/Chicago")
    for day in range(2, 7):
        entry(owner, tx, world.A1a, at(day, 8, chicago), at(day, 17, chicago))  # 45 h
    [row] = hours(gql, world.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("40.0000"), Decimal("5.0000"), 0, 0)
    assert row["currency"] == "USD"


def test_california_daily_overtime_and_double_time(gql, world, owner):
    ca = f.employee(owner, world.tA, preferred_name="ca", work_region="US-CA")
    f.assignment(owner, world.tA, world.A1, world.A1a, ca)
    terms(owner, world.tA, world.A1, "25.00", currency="USD")
    la = ZoneInfo("America/Los_Angeles")
    entry(owner, ca, world.A1a, at(2, 6, la), at(2, 19, la))       # Mon 13 h: 8 + 4 OT + 1 double
    for day in (3, 4, 5):
        entry(owner, ca, world.A1a, at(day, 8, la), at(day, 16, la))  # 8 h each
    entry(owner, ca, world.A1a, at(6, 8, la), at(6, 18, la))       # Fri 10 h: 8 + 2 OT (40 regular reached)
    entry(owner, ca, world.A1a, at(7, 8, la), at(7, 13, la))       # Sat 5 h: weekly overtime
    [row] = hours(gql, world.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("40.0000"), Decimal("11.0000"), Decimal("1.0000"), 0)
    assert row["doubleTimeAmount"] == "50.00" and row["overtimeAmount"] == "412.50"


def test_a_night_shift_counts_on_each_of_its_days(gql, world, owner):
    ca = f.employee(owner, world.tA, preferred_name="night", work_region="US-CA")
    f.assignment(owner, world.tA, world.A1, world.A1a, ca)
    terms(owner, world.tA, world.A1, "25.00", currency="USD")
    la = ZoneInfo("America/Los_Angeles")
    entry(owner, ca, world.A1a, at(2, 20, la), at(3, 6, la))  # 10 h: 4 on Monday, 6 on Tuesday
    [row] = hours(gql, world.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("10.0000"), 0, 0, 0)


def test_the_dst_night_bills_real_elapsed_hours(gql, three, owner):
    w = three
    # 31 Oct 22:00 EDT to 1 Nov 06:00 EST: 9 real hours (the clock said 8)
    entry(owner, w.x, w.A1a, datetime(2026, 10, 31, 22, tzinfo=TORONTO), datetime(2026, 11, 1, 6, tzinfo=TORONTO))
    rows = hours(gql, w.tokens["admin"], "2026-10-26", "2026-11-01", ["DAY"])
    assert [(r["day"], r["totalHours"]) for r in rows] == [("2026-10-31", 9)]


def test_stat_holidays_follow_the_employee_not_the_lob(gql, three, owner):
    """Family Day (Ontario, 16 Feb 2026) on a LOB in Vancouver: the employee's local date decides."""
    w = three
    west = f.lob(owner, w.tA, w.A1, timezone="America/Vancouver", code="WEST")
    f.assignment(owner, w.tA, w.A1, west, w.x)
    vancouver = ZoneInfo("America/Vancouver")
    # 15 Feb 21:00 to 16 Feb 01:00 in Vancouver = 16 Feb 00:00 to 04:00 in Toronto
    entry(owner, w.x, west, datetime(2026, 2, 15, 21, tzinfo=vancouver), datetime(2026, 2, 16, 1, tzinfo=vancouver))
    # 16 Feb 21:00 to 17 Feb 01:00 in Vancouver = 17 Feb in Toronto: an ordinary day
    entry(owner, w.x, west, datetime(2026, 2, 16, 21, tzinfo=vancouver), datetime(2026, 2, 17, 1, tzinfo=vancouver))
    rows = hours(gql, w.tokens["admin"], "2026-02-15", "2026-02-16", ["DAY"])
    assert [(r["day"], split(r)) for r in rows] == [
        ("2026-02-15", (0, 0, 0, Decimal("4.0000"))),  # the LOB's work date, the employee's holiday
        ("2026-02-16", (Decimal("4.0000"), 0, 0, 0)),
    ]
    assert rows[0]["holidayAmount"] == "180.00"  # 4 h x 30.00 x 1.5


def test_unbillable_activities_count_toward_overtime_but_are_not_billed(gql, three, owner):
    w = three
    for day in range(2, 6):
        entry(owner, w.x, w.A1a, at(day, 8), at(day, 18))          # 40 h handling
    entry(owner, w.x, w.A1a, at(6, 8), at(6, 12), "meeting")        # 4 h meeting: not billable for A1
    entry(owner, w.x, w.A1a, at(6, 12), at(6, 13), "lunch")         # unpaid: never worked time
    entry(owner, w.x, w.A1a, at(6, 13), at(6, 16))                  # 3 h handling past 44 h
    [row] = hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["CLIENT"])
    assert split(row) == (Decimal("40.0000"), Decimal("3.0000"), 0, 0)


def test_lob_terms_win_over_client_terms_and_each_period_prices_its_days(gql, three, owner):
    w = three
    owner.execute(text("UPDATE billing_terms SET valid_during = daterange('2026-01-01', '2026-03-04')"
                       " WHERE client_id = :c"), {"c": w.A1})
    terms(owner, w.tA, w.A1, "35.00", start=datetime(2026, 3, 4).date())
    lob_terms_lob = f.lob(owner, w.tA, w.A1, code="VIP")
    f.assignment(owner, w.tA, w.A1, lob_terms_lob, w.x)
    terms(owner, w.tA, w.A1, "90.00", lob=lob_terms_lob)
    entry(owner, w.x, w.A1a, at(2, 8), at(2, 10))   # 2 h at 30
    entry(owner, w.x, w.A1a, at(4, 8), at(4, 10))   # 2 h at 35
    entry(owner, w.x, lob_terms_lob, at(5, 8), at(5, 10))   # 2 h at 90
    rows = hours(gql, w.tokens["admin"], "2026-03-02", "2026-03-08", ["LOB", "DAY"])
    assert [(r["day"], r["regularAmount"]) for r in rows if r["lobId"] == str(w.A1a)] == [
        ("2026-03-02", "60.00"), ("2026-03-04", "70.00")]
    assert [r["regularAmount"] for r in rows if r["lobId"] == str(lob_terms_lob)] == ["180.00"]
