"""Business days: weekdays that are not US federal holidays (the `holidays` package keeps the
list, including observed dates), as the DMCA's and our remediation windows count them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import holidays


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in holidays.country_holidays("US", years=day.year)


def add_business_days(start: datetime, days: int) -> datetime:
    """The same time of day, `days` business days after `start`."""
    moment = start
    remaining = days
    while remaining > 0:
        moment += timedelta(days=1)
        if is_business_day(moment.date()):
            remaining -= 1
    return moment
