"""Calendar arithmetic of the schedule: interest days and period ends (the contract §3)."""

from calendar import monthrange
from datetime import date
from functools import lru_cache

from projections.business_days import calendar_for


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


@lru_cache(maxsize=65536)
def period_end_after(after: date, anchor: date, months: int, calendar_code: str | None) -> date:
    """The first end of an interest period after `after`, for a note whose periods run every
    `months` months from `anchor` (its issue date): anchor + k × months (the anchor's day of
    month, or the month's last day in shorter months), rolled by modified following under the
    facility's calendar (the contract §10); `calendar_code` None: not rolled (fee periods)."""
    calendar = calendar_for(calendar_code) if calendar_code is not None else None
    elapsed = (after.year - anchor.year) * 12 + after.month - anchor.month
    k = max(1, elapsed // months - 1)
    while True:
        total = anchor.month - 1 + k * months
        unadjusted = interest_date(anchor.year + total // 12, total % 12 + 1, anchor.day)
        end = calendar.modified_following(unadjusted) if calendar is not None else unadjusted
        if end > after:
            return end
        k += 1


def month_end(day: date) -> date:
    return date(day.year, day.month, monthrange(day.year, day.month)[1])
