"""Calendar arithmetic of the schedule: interest days and period ends (DESIGN §3)."""

from calendar import monthrange
from datetime import date
from functools import lru_cache


def interest_date(year: int, month: int, interest_day: int) -> date:
    """The interest day in a month; 29-31 mean the month's last day in shorter months."""
    return date(year, month, min(interest_day, monthrange(year, month)[1]))


@lru_cache(maxsize=65536)
def next_interest_day(after: date, interest_day: int) -> date:
    """The first interest day strictly after `after`."""
    candidate = interest_date(after.year, after.month, interest_day)
    if candidate > after:
        return candidate
    year, month = (after.year + 1, 1) if after.month == 12 else (after.year, after.month + 1)
    return interest_date(year, month, interest_day)


def month_end(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])
