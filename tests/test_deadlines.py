"""Tests for claims.deadlines (Judicial Code art. 52-54). Pure: no database, no Django.

Every expected date below was checked by hand against a calendar; weekdays are in the comments.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from claims.deadlines import (
    BRUSSELS,
    BUSINESS_END,
    BUSINESS_START,
    IosWindow,
    add_one_month,
    add_working_hours,
    ios_window,
    is_working_day,
    month_ends_on,
    next_working_day_on_or_after,
    pv_earliest_on,
    pv_ready_at,
    resumed_window,
    working_days_deadline,
)

D = date.fromisoformat
ONE_HOUR = timedelta(hours=1)
TWO_HOURS = timedelta(hours=2)


def bxl(value: str) -> datetime:
    """A Europe/Brussels wall-clock datetime from 'YYYY-MM-DD HH:MM'."""
    return datetime.fromisoformat(value).replace(tzinfo=BRUSSELS)


# --- constants ---------------------------------------------------------------------------


def test_constants() -> None:
    assert ZoneInfo("Europe/Brussels") == BRUSSELS
    assert time(9, 0) == BUSINESS_START
    assert time(17, 0) == BUSINESS_END


# --- working days ------------------------------------------------------------------------

LEGAL_HOLIDAYS_ON_WEEKDAYS = [
    "2025-01-01",  # Wed, New Year
    "2025-04-21",  # Mon, Easter Monday
    "2025-05-01",  # Thu, Labour Day
    "2025-05-29",  # Thu, Ascension
    "2025-06-09",  # Mon, Whit Monday
    "2025-07-21",  # Mon, National Day
    "2025-08-15",  # Fri, Assumption
    "2024-11-01",  # Fri, All Saints (a Saturday in 2025)
    "2025-11-11",  # Tue, Armistice
    "2025-12-25",  # Thu, Christmas
    "2026-01-01",  # Thu
    "2026-04-06",  # Mon, Easter Monday
    "2026-05-01",  # Fri
    "2026-05-14",  # Thu, Ascension
    "2026-05-25",  # Mon, Whit Monday
    "2026-07-21",  # Tue
    "2026-11-11",  # Wed
    "2026-12-25",  # Fri
]


@pytest.mark.parametrize("day", LEGAL_HOLIDAYS_ON_WEEKDAYS)
def test_legal_holidays_are_not_working_days(day: str) -> None:
    assert D(day).weekday() < 5
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    "day",
    [
        "2024-07-11",  # Thu, Flemish Community day (regional)
        "2024-09-27",  # Fri, French Community day (regional)
        "2024-11-15",  # Fri, King's Feast / German-speaking Community day (regional)
        "2025-07-11",  # Fri, Flemish Community day
        "2027-09-27",  # Mon, French Community day
        "2027-11-15",  # Mon, German-speaking Community day
        "2025-04-18",  # Fri, Good Friday (bank holiday only)
        "2025-12-26",  # Fri, Boxing Day (bank holiday only)
        "2026-11-02",  # Mon, All Souls
        "2025-12-31",  # Wed, New Year's Eve
        "2025-01-15",  # Wed, ordinary day
    ],
)
def test_regional_and_bank_days_are_working_days(day: str) -> None:
    assert is_working_day(D(day))


@pytest.mark.parametrize(
    "day",
    [
        "2025-02-15",  # Sat
        "2025-02-16",  # Sun
        "2025-04-20",  # Sun, Easter Sunday
        "2025-06-08",  # Sun, Whit Sunday
        "2025-11-01",  # Sat, All Saints
    ],
)
def test_weekends_are_not_working_days(day: str) -> None:
    assert not is_working_day(D(day))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-15", "2025-01-15"),  # Wed stays
        ("2025-02-15", "2025-02-17"),  # Sat -> Mon
        ("2025-02-16", "2025-02-17"),  # Sun -> Mon
        ("2025-04-19", "2025-04-22"),  # Sat, Easter Sun, Easter Mon -> Tue
        ("2025-12-25", "2025-12-26"),  # Christmas Thu -> Fri 26 Dec
        ("2026-12-25", "2026-12-28"),  # Christmas Fri -> Mon 28 Dec
        ("2026-12-31", "2026-12-31"),  # Thu 31 Dec is a working day
        ("2027-01-01", "2027-01-04"),  # New Year Fri -> Mon 4 Jan (across the year)
    ],
)
def test_next_working_day_on_or_after(day: str, expected: str) -> None:
    assert next_working_day_on_or_after(D(day)) == D(expected)


# --- art. 54: one month ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("2025-01-15", "2025-02-15"),
        ("2025-01-31", "2025-02-28"),  # no 31 Feb: last day of February
        ("2025-01-29", "2025-02-28"),
        ("2024-01-31", "2024-02-29"),  # leap year
        ("2024-01-30", "2024-02-29"),
        ("2024-01-29", "2024-02-29"),
        ("2025-02-28", "2025-03-28"),  # not snapped to the end of March
        ("2024-02-29", "2024-03-29"),
        ("2025-03-31", "2025-04-30"),
        ("2025-05-31", "2025-06-30"),
        ("2024-12-31", "2025-01-31"),  # across the year
        ("2025-12-15", "2026-01-15"),
    ],
)
def test_add_one_month(day: str, expected: str) -> None:
    assert add_one_month(D(day)) == D(expected)


# --- art. 52-54: month end ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("served_on", "expected"),
    [
        ("2025-01-15", "2025-02-17"),  # domain.md: Sat 15 Feb -> Mon 17 Feb
        ("2025-01-16", "2025-02-17"),  # Sun 16 Feb -> Mon 17 Feb
        ("2025-01-14", "2025-02-14"),  # Fri stays
        ("2025-01-31", "2025-02-28"),  # Fri 28 Feb
        ("2024-01-31", "2024-02-29"),  # Thu 29 Feb (leap year)
        ("2025-03-31", "2025-04-30"),  # Wed 30 Apr
        ("2024-12-31", "2025-01-31"),  # Fri 31 Jan
    ],
)
def test_month_ends_on_calendar_and_weekend(served_on: str, expected: str) -> None:
    assert month_ends_on(D(served_on)) == D(expected)


@pytest.mark.parametrize(
    ("served_on", "expected"),
    [
        # Each of the 10 legal holidays as the month's last day.
        ("2025-12-01", "2026-01-02"),  # New Year Thu 1 Jan 2026 -> Fri 2 Jan
        ("2025-03-21", "2025-04-22"),  # Easter Monday 21 Apr 2025 -> Tue 22 Apr
        ("2026-03-06", "2026-04-07"),  # Easter Monday 6 Apr 2026 -> Tue 7 Apr
        ("2025-04-01", "2025-05-02"),  # Labour Day Thu 1 May 2025 -> Fri 2 May
        ("2026-04-01", "2026-05-04"),  # Labour Day Fri 1 May 2026 -> Mon 4 May
        ("2025-04-29", "2025-05-30"),  # Ascension Thu 29 May 2025 -> Fri 30 May
        ("2026-04-14", "2026-05-15"),  # Ascension Thu 14 May 2026 -> Fri 15 May
        ("2025-05-09", "2025-06-10"),  # Whit Monday 9 Jun 2025 -> Tue 10 Jun
        ("2026-04-25", "2026-05-26"),  # Whit Monday 25 May 2026 -> Tue 26 May
        ("2025-06-21", "2025-07-22"),  # National Day Mon 21 Jul 2025 -> Tue 22 Jul
        ("2026-06-21", "2026-07-22"),  # National Day Tue 21 Jul 2026 -> Wed 22 Jul
        ("2025-07-15", "2025-08-18"),  # Assumption Fri 15 Aug 2025 + weekend -> Mon 18 Aug
        ("2026-07-15", "2026-08-17"),  # Assumption Sat 15 Aug 2026 -> Mon 17 Aug
        ("2024-10-01", "2024-11-04"),  # All Saints Fri 1 Nov 2024 + weekend -> Mon 4 Nov
        ("2026-10-01", "2026-11-02"),  # All Saints Sun 1 Nov 2026 -> Mon 2 Nov (All Souls works)
        ("2025-10-11", "2025-11-12"),  # Armistice Tue 11 Nov 2025 -> Wed 12 Nov
        ("2026-10-11", "2026-11-12"),  # Armistice Wed 11 Nov 2026 -> Thu 12 Nov
        ("2025-11-25", "2025-12-26"),  # Christmas Thu 25 Dec 2025 -> Fri 26 Dec (works)
        ("2026-11-25", "2026-12-28"),  # Christmas Fri 25 Dec 2026 + weekend -> Mon 28 Dec
    ],
)
def test_month_ends_on_legal_holiday(served_on: str, expected: str) -> None:
    assert not is_working_day(add_one_month(D(served_on)))
    assert month_ends_on(D(served_on)) == D(expected)


@pytest.mark.parametrize(
    ("served_on", "expected"),
    [
        ("2025-03-19", "2025-04-22"),  # Sat 19 Apr, Easter Sun, Easter Mon -> Tue 22 Apr
        ("2025-03-20", "2025-04-22"),  # Easter Sunday 20 Apr -> Tue 22 Apr
        ("2025-05-07", "2025-06-10"),  # Sat 7 Jun, Whit Sun, Whit Mon -> Tue 10 Jun
        ("2026-12-01", "2027-01-04"),  # New Year Fri 1 Jan 2027 + weekend -> Mon 4 Jan
        ("2025-07-14", "2025-08-14"),  # Thu 14 Aug, the day before a holiday, stays
    ],
)
def test_month_ends_on_holiday_chains(served_on: str, expected: str) -> None:
    assert month_ends_on(D(served_on)) == D(expected)


@pytest.mark.parametrize(
    ("served_on", "expected"),
    [
        ("2024-06-11", "2024-07-11"),  # Thu 11 Jul 2024 (Flemish Community) stays
        ("2024-08-27", "2024-09-27"),  # Fri 27 Sep 2024 (French Community) stays
        ("2024-10-15", "2024-11-15"),  # Fri 15 Nov 2024 (German-speaking Community) stays
    ],
)
def test_month_ends_on_regional_day_is_not_moved(served_on: str, expected: str) -> None:
    assert month_ends_on(D(served_on)) == D(expected)


# --- earliest PV -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month_end", "conservative", "expected"),
    [
        ("2025-02-17", True, "2025-02-26"),  # domain.md worked example: Wed 26 Feb
        ("2025-02-17", False, "2025-02-25"),  # less conservative reading: Tue 25 Feb
        ("2025-02-13", True, "2025-02-24"),  # +9 = Sat 22 Feb -> Mon 24 Feb
        ("2025-02-13", False, "2025-02-21"),  # +8 = Fri 21 Feb
        ("2025-02-14", True, "2025-02-24"),  # +9 = Sun 23 Feb -> Mon 24 Feb
        ("2025-02-14", False, "2025-02-24"),  # +8 = Sat 22 Feb -> Mon 24 Feb
        ("2025-04-22", True, "2025-05-02"),  # +9 = Labour Day Thu 1 May -> Fri 2 May
        ("2025-04-22", False, "2025-04-30"),  # +8 = Wed 30 Apr
        ("2025-05-20", True, "2025-05-30"),  # +9 = Ascension Thu 29 May -> Fri 30 May
        ("2025-04-11", True, "2025-04-22"),  # +9 = Easter Sunday 20 Apr -> Tue 22 Apr
        ("2025-04-11", False, "2025-04-22"),  # +8 = Sat 19 Apr -> Tue 22 Apr
        ("2026-12-16", True, "2026-12-28"),  # +9 = Christmas Fri 25 Dec -> Mon 28 Dec
        ("2026-12-16", False, "2026-12-24"),  # +8 = Thu 24 Dec
    ],
)
def test_pv_earliest_on(month_end: str, conservative: bool, expected: str) -> None:
    assert pv_earliest_on(D(month_end), conservative=conservative) == D(expected)


def test_pv_earliest_on_defaults_to_conservative() -> None:
    assert pv_earliest_on(D("2025-02-17")) == D("2025-02-26")


def test_pv_eight_day_period_last_day_is_not_shifted() -> None:
    # Month ends Tue 22 Apr 2025; the 8 days end Wed 30 Apr (a working day anyway) and the
    # following day is a holiday: only the PV day moves, not the 8-day period's end.
    assert pv_earliest_on(D("2025-04-22"), conservative=False) == D("2025-04-30")
    # Month ends Thu 13 Feb 2025; +8 is Fri 21 Feb, +9 is Sat 22 Feb -> Mon 24 Feb.
    assert pv_earliest_on(D("2025-02-13"), conservative=True) == D("2025-02-24")


@pytest.mark.parametrize(
    ("pv_day", "offset", "utc"),
    [
        ("2025-02-26", ONE_HOUR, "2025-02-25 23:00"),  # winter: CET, +01:00
        ("2025-07-22", TWO_HOURS, "2025-07-21 22:00"),  # summer: CEST, +02:00
        ("2025-03-30", ONE_HOUR, "2025-03-29 23:00"),  # DST starts later that day (02:00)
        ("2025-10-26", TWO_HOURS, "2025-10-25 22:00"),  # DST ends later that day (03:00)
    ],
)
def test_pv_ready_at(pv_day: str, offset: timedelta, utc: str) -> None:
    ready = pv_ready_at(D(pv_day))
    assert ready.tzinfo == BRUSSELS
    assert (ready.date(), ready.time()) == (D(pv_day), time(0, 0))
    assert ready.utcoffset() == offset
    assert ready.astimezone(UTC) == datetime.fromisoformat(utc).replace(tzinfo=UTC)


# --- windows -----------------------------------------------------------------------------


def test_ios_window_worked_example() -> None:
    window = ios_window(D("2025-01-15"))
    assert window == IosWindow(
        served_on=D("2025-01-15"),
        month_ends_on=D("2025-02-17"),
        pv_earliest_on=D("2025-02-26"),
        pv_ready_at=bxl("2025-02-26 00:00"),
    )
    assert window.pv_ready_at.utcoffset() == ONE_HOUR


def test_ios_window_less_conservative() -> None:
    window = ios_window(D("2025-01-15"), conservative=False)
    assert window.month_ends_on == D("2025-02-17")
    assert window.pv_earliest_on == D("2025-02-25")
    assert window.pv_ready_at == bxl("2025-02-25 00:00")


def test_ios_window_is_frozen() -> None:
    window = ios_window(D("2025-01-15"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        window.served_on = D("2025-01-16")  # type: ignore[misc]


@pytest.mark.parametrize(
    ("suspended_on", "resumed_on", "conservative", "month_end", "pv_day"),
    [
        # 14 days left (3 Feb -> 17 Feb); resumed Mon 2 Jun -> Mon 16 Jun; PV Wed 25 Jun.
        ("2025-02-03", "2025-06-02", True, "2025-06-16", "2025-06-25"),
        ("2025-02-03", "2025-06-02", False, "2025-06-16", "2025-06-24"),
        # 14 days left; resumed Mon 7 Jul -> National Day Mon 21 Jul -> Tue 22 Jul; PV Thu 31 Jul.
        ("2025-02-03", "2025-07-07", True, "2025-07-22", "2025-07-31"),
        # Suspended on the month end itself: 0 days left; resumed Fri 4 Apr stays;
        # +9 = Sun 13 Apr -> Mon 14 Apr.
        ("2025-02-17", "2025-04-04", True, "2025-04-04", "2025-04-14"),
        # Suspended after the month end: clamped to 0 days left.
        ("2025-02-20", "2025-04-04", True, "2025-04-04", "2025-04-14"),
        # 0 days left, resumed on Sat 5 Apr -> Mon 7 Apr; +9 = Wed 16 Apr.
        ("2025-02-17", "2025-04-05", True, "2025-04-07", "2025-04-16"),
    ],
)
def test_resumed_window(
    suspended_on: str, resumed_on: str, conservative: bool, month_end: str, pv_day: str
) -> None:
    window = resumed_window(
        served_on=D("2025-01-15"),
        month_ends_on=D("2025-02-17"),
        suspended_on=D(suspended_on),
        resumed_on=D(resumed_on),
        conservative=conservative,
    )
    assert window == IosWindow(
        served_on=D("2025-01-15"),
        month_ends_on=D(month_end),
        pv_earliest_on=D(pv_day),
        pv_ready_at=bxl(f"{pv_day} 00:00"),
    )


def test_resumed_window_rejects_resumption_before_suspension() -> None:
    with pytest.raises(ValueError, match="resumed_on"):
        resumed_window(
            served_on=D("2025-01-15"),
            month_ends_on=D("2025-02-17"),
            suspended_on=D("2025-02-03"),
            resumed_on=D("2025-02-02"),
        )


# --- working hours (acceptance SLA) ------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "hours", "expected"),
    [
        ("2025-01-15 10:00", 4, "2025-01-15 14:00"),  # Wed, inside the day
        ("2025-01-15 13:00", 4, "2025-01-15 17:00"),  # ends exactly at closing
        ("2025-01-15 13:30", 4, "2025-01-16 09:30"),  # across the evening
        ("2025-01-15 15:00", 4, "2025-01-16 11:00"),  # across the evening
        ("2025-01-17 16:00", 4, "2025-01-20 12:00"),  # Fri -> Mon, across the weekend
        ("2025-01-15 07:30", 4, "2025-01-15 13:00"),  # before 09:00 counts from 09:00
        ("2025-01-15 18:00", 4, "2025-01-16 13:00"),  # after 17:00 counts from next 09:00
        ("2025-01-15 17:00", 4, "2025-01-16 13:00"),  # exactly at closing
        ("2025-01-15 09:00", 4, "2025-01-15 13:00"),  # exactly at opening
        ("2025-01-19 10:00", 4, "2025-01-20 13:00"),  # Sun -> Mon
        ("2025-01-18 23:59", 4, "2025-01-20 13:00"),  # Sat night -> Mon
        ("2025-12-24 15:00", 4, "2025-12-26 11:00"),  # across Christmas Thu
        ("2025-08-14 16:00", 4, "2025-08-18 12:00"),  # across Assumption Fri + weekend
        ("2025-04-21 10:00", 4, "2025-04-22 13:00"),  # starts on Easter Monday
        ("2025-01-20 09:00", 16, "2025-01-21 17:00"),  # two full days
        ("2025-01-20 09:00", 20, "2025-01-22 13:00"),  # 8 + 8 + 4
        ("2025-01-15 10:30", 0, "2025-01-15 10:30"),  # zero inside business hours
        ("2025-01-18 10:00", 0, "2025-01-20 09:00"),  # zero outside: next opening
    ],
)
def test_add_working_hours(start: str, hours: int, expected: str) -> None:
    result = add_working_hours(bxl(start), hours)
    assert result == bxl(expected)
    assert result.tzinfo == BRUSSELS


@pytest.mark.parametrize(
    ("start_utc", "expected_utc", "offset"),
    [
        # DST starts Sun 30 Mar 2025. Fri 28 Mar 15:00 CET + 4h -> Mon 31 Mar 11:00 CEST.
        ("2025-03-28 14:00", "2025-03-31 09:00", TWO_HOURS),
        # DST ends Sun 26 Oct 2025. Fri 24 Oct 16:00 CEST + 4h -> Mon 27 Oct 12:00 CET.
        ("2025-10-24 14:00", "2025-10-27 11:00", ONE_HOUR),
    ],
)
def test_add_working_hours_across_dst(start_utc: str, expected_utc: str, offset: timedelta) -> None:
    start = datetime.fromisoformat(start_utc).replace(tzinfo=UTC)
    result = add_working_hours(start, 4)
    assert result.astimezone(UTC) == datetime.fromisoformat(expected_utc).replace(tzinfo=UTC)
    assert result.utcoffset() == offset
    assert result.tzinfo == BRUSSELS


def test_add_working_hours_converts_other_timezones() -> None:
    # 10:00 in New York (UTC-5) is 16:00 in Brussels: 1h on Wed, 3h on Thu.
    start = datetime(2025, 1, 15, 10, 0, tzinfo=ZoneInfo("America/New_York"))
    assert add_working_hours(start, 4) == bxl("2025-01-16 12:00")


def test_add_working_hours_rejects_naive_and_negative() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        add_working_hours(datetime(2025, 1, 15, 10, 0), 4)
    with pytest.raises(ValueError, match="hours"):
        add_working_hours(bxl("2025-01-15 10:00"), -1)


# --- working days (service SLA) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2025-01-15 10:00", 5, "2025-01-22 17:00"),  # Wed -> Wed, across a weekend
        ("2025-01-15 18:00", 1, "2025-01-16 17:00"),  # the act's day never counts
        ("2025-01-17 16:00", 5, "2025-01-24 17:00"),  # Fri -> Fri
        ("2025-01-18 10:00", 5, "2025-01-24 17:00"),  # Sat: Mon 20 is the 1st
        ("2025-12-24 10:00", 5, "2026-01-02 17:00"),  # skips Christmas and New Year
        ("2025-04-17 10:00", 5, "2025-04-25 17:00"),  # Good Friday counts; Easter Mon not
        ("2025-07-17 10:00", 5, "2025-07-25 17:00"),  # skips weekend and Mon 21 Jul
        ("2025-01-15 10:00", 0, "2025-01-15 17:00"),  # zero: same day
        ("2025-01-18 10:00", 0, "2025-01-20 17:00"),  # zero on Sat: next working day
    ],
)
def test_working_days_deadline(start: str, days: int, expected: str) -> None:
    result = working_days_deadline(bxl(start), days)
    assert result == bxl(expected)
    assert result.tzinfo == BRUSSELS


def test_working_days_deadline_uses_brussels_date() -> None:
    # 23:30 UTC on Thu 16 Jan is 00:30 on Fri 17 Jan in Brussels: count from Fri.
    start = datetime(2025, 1, 16, 23, 30, tzinfo=UTC)
    assert working_days_deadline(start, 5) == bxl("2025-01-24 17:00")


def test_working_days_deadline_summer_offset() -> None:
    # Mon 2 Jun 2025 + 5: Tue, Wed, Thu, Fri, (Whit Monday 9 Jun skipped) Tue 10 Jun.
    result = working_days_deadline(bxl("2025-06-02 10:00"), 5)
    assert result == bxl("2025-06-10 17:00")
    assert result.utcoffset() == TWO_HOURS


def test_working_days_deadline_rejects_naive_and_negative() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        working_days_deadline(datetime(2025, 1, 15, 10, 0), 5)
    with pytest.raises(ValueError, match="days"):
        working_days_deadline(bxl("2025-01-15 10:00"), -1)


# --- properties over four years ----------------------------------------------------------


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_month_end_and_pv_properties_2024_2027() -> None:
    for served_on in _days(D("2024-01-01"), D("2027-12-31")):
        month_end = month_ends_on(served_on)
        assert is_working_day(month_end), served_on
        assert month_end > served_on, served_on
        assert month_end >= add_one_month(served_on), served_on
        for conservative, wait in ((True, 9), (False, 8)):
            pv_day = pv_earliest_on(month_end, conservative=conservative)
            assert is_working_day(pv_day), served_on
            assert pv_day >= month_end + timedelta(days=wait), served_on
            between = _days(month_end + timedelta(days=wait), pv_day - timedelta(days=1))
            assert not any(is_working_day(d) for d in between), served_on


def test_holiday_count_per_year() -> None:
    # 10 legal holidays; the ones falling on a weekday are the only weekday non-working days.
    for year in range(2024, 2028):
        weekdays = [d for d in _days(date(year, 1, 1), date(year, 12, 31)) if d.weekday() < 5]
        off = [d for d in weekdays if not is_working_day(d)]
        fixed = [date(year, m, d) for m, d in ((1, 1), (5, 1), (7, 21), (8, 15))]
        fixed += [date(year, m, d) for m, d in ((11, 1), (11, 11), (12, 25))]
        assert set(off) >= {d for d in fixed if d.weekday() < 5}
        # Easter Monday, Ascension (Thu) and Whit Monday always fall on weekdays.
        assert len(off) == sum(d.weekday() < 5 for d in fixed) + 3, year
