"""Business days: not a weekend, not a holiday of the facility's calendar.

The calendar code is the facility's `calendar` field: a country ("US") or a country and
subdivision ("US-NY") of the `holidays` library; "US" gives the US federal holidays (the
observed dates, e.g. Veterans Day 2007 observed Monday 12 November).
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays

from domain.errors import LedgerError


class BusinessCalendar:
    def __init__(self, code: str = "US") -> None:
        country, _, subdivision = code.partition("-")
        try:
            self._holidays = holidays.country_holidays(country, subdiv=subdivision or None)
        except NotImplementedError:
            raise LedgerError(f"no holiday calendar {code!r} is known") from None
        self.code = code

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def following(self, day: date) -> date:
        """The day itself if a business day, else the next business day (following)."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day


@lru_cache(maxsize=16)
def calendar_for(code: str) -> BusinessCalendar:
    return BusinessCalendar(code)
