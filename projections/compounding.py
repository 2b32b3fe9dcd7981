"""Daily compounding factors of one index as one convention reads it, worked out once per fixings
snapshot (docs/performance.md, "Issue #15").

For every US-GOVT business day g_k from the first one a note asks for, the compounding step
[g_k, g_{k+1}) uses the fixing of `seen(g_k)` (the business day `lookback` business days before
g_k; g_k itself with an observation shift), with the index floor applied (`daily_rate`), and its
factor is 1 + r × n_k / 36000 (n_k = g_{k+1} − g_k calendar days). `ConventionCalculator`
multiplies the factors of a sub-interval's steps in order, exactly as it would have built them one
by one; this table only remembers them, so five years of daily fixings are read and turned into
factors once per snapshot, not once per sub-interval and report.

A missing fixing is kept as `None` and refused (or read as 0, for a calculator that is not
strict) by the calculator when a step needs it, naming the note asking; the table is shared by
every note and report that read the same snapshot with the same reading.
"""

from bisect import bisect_right
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from decimal import Decimal
from threading import Lock

from projections.business_days import calendar_for

_ONE = Decimal(1)
_DAY_BASIS = Decimal(36000)  # 100 (percent) × 360 (ACT/360)


class DailyFactors:
    """The steps of one (index, lookback, shift, index floor, spread adjustment) reading."""

    def __init__(self, calendar: str, seen: Callable[[date], date], fixing: Callable[[date], Decimal | None],
                 daily_rate: Callable[[Decimal], Decimal]) -> None:
        self._calendar, self._calendar_name = calendar_for(calendar), calendar
        self._seen, self._fixing, self._daily_rate = seen, fixing, daily_rate
        self.days: list[date] = []  # g_0 < g_1 < ...: consecutive business days
        self.observed: list[date] = []  # seen(g_k)
        self.rates: list[Decimal | None] = []  # the daily rate (floored), None if no fixing
        self.factors: list[Decimal | None] = []  # 1 + r × n_k / 36000, for k < len(days) - 1
        self._lock = Lock()

    def cover(self, start: date, end: date) -> bool:
        """Make sure the steps of [start, end) are in the table: a business day on or before
        `start` and one on or after `end` are both in it. False when `start` is before the
        table's first day (a table only grows at its end, so readers in other threads always see
        consistent lists: the caller makes a new table from the earlier day)."""
        days = self.days
        if days and days[0] <= start and days[-1] >= end:
            return True
        with self._lock:
            first = self._calendar.preceding(start)
            if self.days and first < self.days[0]:
                return False
            if not self.days:
                self._append(first)
            year = self.days[-1].year
            while self.days[-1] < end:
                after = self.days[-1]
                for day in business_days_of(self._calendar_name, year):
                    if day > after:
                        self._append(day)
                year += 1
        return True

    def _append(self, day: date) -> None:
        if self.days:
            rate = self.rates[-1]
            days = (day - self.days[-1]).days
            self.factors.append(None if rate is None else _ONE + rate * days / _DAY_BASIS)
        seen = self._seen(day)
        raw = self._fixing(seen)
        self.observed.append(seen)
        self.rates.append(None if raw is None else self._daily_rate(raw))
        self.days.append(day)

    def at_or_before(self, day: date) -> int:
        """The position of the business day on or before `day` (covered)."""
        return bisect_right(self.days, day) - 1


@lru_cache(maxsize=256)
def business_days_of(calendar: str, year: int) -> tuple[date, ...]:
    """The business days of `calendar` in `year`, in order (a calendar's holidays are slow to ask
    day by day)."""
    rules, day, found = calendar_for(calendar), date(year, 1, 1), []
    while day.year == year:
        if rules.is_business_day(day):
            found.append(day)
        day += timedelta(days=1)
    return tuple(found)
