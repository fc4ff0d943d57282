"""Deadline counting for the IOS procedure (Judicial Code art. 52-54).

Pure functions: no Django, no settings. Every knob (the conservative reading of the
"1 month + 8 days" rule, SLA sizes) is a parameter; callers read their settings and pass them in.

Rules (see docs/domain.md, section 2):

- art. 52: a period starts the day after the act; the day of the act does not count.
- art. 53: the last day is included; if it is a Saturday, Sunday or legal holiday the period
  ends on the next working day.
- art. 54: a period in months counts from date to the same date of the following month; a
  missing day (31 Jan + 1 month) ends on that month's last day.

Legal holidays are the 10 national ones from ``holidays`` (country BE, public category, no
subdivision): 1 Jan, Easter Monday, 1 May, Ascension, Whit Monday, 21 Jul, 15 Aug, 1 Nov,
11 Nov, 25 Dec. Regional days (11 Jul, 27 Sep, 15 Nov) and bank days (Good Friday, 26 Dec)
are working days.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from holidays.constants import PUBLIC

__all__ = [
    "BRUSSELS",
    "BUSINESS_END",
    "BUSINESS_START",
    "IosWindow",
    "add_one_month",
    "add_working_hours",
    "ios_window",
    "is_working_day",
    "month_ends_on",
    "next_working_day_on_or_after",
    "pv_earliest_on",
    "pv_ready_at",
    "resumed_window",
    "working_days_deadline",
]

BRUSSELS: ZoneInfo = ZoneInfo("Europe/Brussels")
BUSINESS_START: time = time(9, 0)
BUSINESS_END: time = time(17, 0)

_SATURDAY = 5
# The 8-day wait after the month (IOS, art. 1394/20 ff.): counted from the day after the
# month's end (art. 52) it ends on month_end + 8; the conservative reading lets the PV be drawn
# up only the day after that last day, i.e. month_end + 9.
_PV_WAIT_DAYS = 8


@lru_cache(maxsize=64)
def _legal_holidays(year: int) -> frozenset[date]:
    """Belgian national legal holidays of ``year`` (art. 53 "jour férié légal")."""
    return frozenset(holidays.country_holidays("BE", years=year, categories=PUBLIC).keys())


def is_working_day(day: date) -> bool:
    """True unless ``day`` is a Saturday, Sunday or Belgian legal holiday (art. 53)."""
    return day.weekday() < _SATURDAY and day not in _legal_holidays(day.year)


def next_working_day_on_or_after(day: date) -> date:
    """``day`` itself if it is a working day, else the next working day (art. 53)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _next_working_day_after(day: date) -> date:
    """The first working day strictly after ``day`` (art. 52: the day of the act is excluded)."""
    return next_working_day_on_or_after(day + timedelta(days=1))


def add_one_month(day: date) -> date:
    """Same date next month, or that month's last day if it has no such date (art. 54).

    31 Jan 2025 -> 28 Feb 2025; 31 Jan 2024 -> 29 Feb 2024; 31 Dec 2024 -> 31 Jan 2025.
    """
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def month_ends_on(served_on: date) -> date:
    """Last day of the one-month period after service of the summons (art. 52-54).

    The month runs from the day after service (art. 52) to the same date of the next month
    (art. 54), that day included; a Saturday, Sunday or legal holiday moves it to the next
    working day (art. 53).
    """
    return next_working_day_on_or_after(add_one_month(served_on))


def pv_earliest_on(month_end: date, *, conservative: bool = True) -> date:
    """First day the PV of non-contestation may be drawn up (art. 52-53 applied to the IOS).

    The PV comes "no earlier than 8 days after the month ends". Conservative reading (default):
    the next working day on or after ``month_end + 9``; otherwise on or after ``month_end + 8``.
    The 8-day period's own last day is not shifted; only the resulting PV day is moved off
    weekends and legal holidays.
    """
    offset = _PV_WAIT_DAYS + 1 if conservative else _PV_WAIT_DAYS
    return next_working_day_on_or_after(month_end + timedelta(days=offset))


def pv_ready_at(pv_day: date) -> datetime:
    """00:00 Europe/Brussels on ``pv_day`` (tz-aware): when a claim becomes ready for the PV."""
    return datetime.combine(pv_day, time(0, 0), tzinfo=BRUSSELS)


@dataclass(frozen=True)
class IosWindow:
    """The statutory dates of one IOS file, from service of the summons to the PV."""

    served_on: date
    month_ends_on: date
    pv_earliest_on: date
    pv_ready_at: datetime


def _window(served_on: date, month_end: date, *, conservative: bool) -> IosWindow:
    pv_day = pv_earliest_on(month_end, conservative=conservative)
    return IosWindow(
        served_on=served_on,
        month_ends_on=month_end,
        pv_earliest_on=pv_day,
        pv_ready_at=pv_ready_at(pv_day),
    )


def ios_window(served_on: date, *, conservative: bool = True) -> IosWindow:
    """Month end and earliest PV for a summons served on ``served_on`` (art. 52-54)."""
    return _window(served_on, month_ends_on(served_on), conservative=conservative)


def resumed_window(
    *,
    served_on: date,
    month_ends_on: date,
    suspended_on: date,
    resumed_on: date,
    conservative: bool = True,
) -> IosWindow:
    """Window after payment facilities were granted, then broken by a missed instalment.

    Granted facilities suspend the one-month period (IOS, art. 1394/20 ff.); a missed
    instalment resumes it where it stood. The days left, ``month_ends_on - suspended_on`` (at
    least 0), run again from ``resumed_on``; the new end is moved to the next working day
    (art. 53) and the PV day is derived from it as usual. ``served_on`` is the original service
    date, kept for reference. Raises ValueError if ``resumed_on`` is before ``suspended_on``.
    """
    if resumed_on < suspended_on:
        raise ValueError("resumed_on must not be before suspended_on")
    remaining = max((month_ends_on - suspended_on).days, 0)
    new_end = next_working_day_on_or_after(resumed_on + timedelta(days=remaining))
    return _window(served_on, new_end, conservative=conservative)


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required")


def _local_wall_time(moment: datetime) -> datetime:
    """``moment`` as a naive Europe/Brussels wall-clock datetime."""
    _require_aware(moment)
    return moment.astimezone(BRUSSELS).replace(tzinfo=None)


def _opening(day: date) -> datetime:
    return datetime.combine(day, BUSINESS_START)


def _closing(day: date) -> datetime:
    return datetime.combine(day, BUSINESS_END)


def _next_business_moment(local: datetime) -> datetime:
    """``local`` if inside business hours on a working day, else the next opening (naive)."""
    day = local.date()
    if is_working_day(day) and local < _closing(day):
        return max(local, _opening(day))
    return _opening(_next_working_day_after(day))


def add_working_hours(start: datetime, hours: int) -> datetime:
    """``start`` plus ``hours`` working hours (09:00-17:00 Europe/Brussels on working days).

    Used for the acceptance SLA. A start outside business hours counts from the next opening
    (so ``hours=0`` returns that opening). Weekends and legal holidays (art. 53) are skipped.
    Computed on wall-clock time, so a DST change between two business days does not shift the
    result. Returns a tz-aware datetime in Europe/Brussels.
    """
    if hours < 0:
        raise ValueError("hours must be >= 0")
    current = _next_business_moment(_local_wall_time(start))
    remaining = timedelta(hours=hours)
    while remaining > _closing(current.date()) - current:
        remaining -= _closing(current.date()) - current
        current = _opening(_next_working_day_after(current.date()))
    return (current + remaining).replace(tzinfo=BRUSSELS)


def working_days_deadline(start: datetime, days: int) -> datetime:
    """17:00 Europe/Brussels on the ``days``-th working day after ``start``'s local date.

    Used for the service SLA. The day of the act does not count (art. 52), whatever the hour;
    weekends and legal holidays are skipped (art. 53). ``days=0`` gives 17:00 on the start's
    local date, moved to the next working day if needed.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    day = _local_wall_time(start).date()
    if days == 0:
        day = next_working_day_on_or_after(day)
    for _ in range(days):
        day = _next_working_day_after(day)
    return datetime.combine(day, BUSINESS_END, tzinfo=BRUSSELS)
