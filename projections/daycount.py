"""The six day-count conventions of the contract §2 as exact fractions (days, basis) parts.

`year_fraction(convention, start, end)` gives the parts whose sum is DCF(start, end):
ACT/ACT-ISDA needs two parts (days in non-leap years over 365, in leap years over 366);
every other convention has one. `dcf` gives the Decimal value, for display.
"""

from calendar import isleap, monthrange
from datetime import date
from decimal import Decimal, localcontext

from domain.values import DayCount

from projections.exact import WIDE

Parts = tuple[tuple[int, int], ...]


def year_fraction(convention: DayCount | str, start: date, end: date) -> Parts:
    if convention.__class__ is not DayCount:
        convention = DayCount(convention)
    if end < start:
        raise ValueError(f"day count from {start} to {end} runs backwards")
    if convention is DayCount.ACT_360:
        return (((end - start).days, 360),)
    if convention is DayCount.ACT_365F:
        return (((end - start).days, 365),)
    if convention is DayCount.ACT_ACT_ISDA:
        return _act_act_isda(start, end)
    return ((days_360(convention, start, end), 360),)


def dcf(convention: DayCount | str, start: date, end: date) -> Decimal:
    with localcontext(WIDE):
        return sum(
            (Decimal(d) / b for d, b in year_fraction(convention, start, end)), Decimal(0)
        )


def days_360(convention: DayCount | str, start: date, end: date) -> int:
    """Day count of the 30/360 family: 30/360 (ISDA 2006 §4.16(f)), 30/360-US, 30E/360."""
    convention = DayCount(convention)
    d1, d2 = start.day, end.day
    if convention is DayCount.THIRTY_360:
        d1 = min(d1, 30)
        if d2 == 31 and d1 > 29:
            d2 = 30
    elif convention is DayCount.THIRTY_E_360:
        d1, d2 = min(d1, 30), min(d2, 30)
    elif convention is DayCount.THIRTY_360_US:
        d1, d2 = _nasd(start, end)
    else:
        raise ValueError(f"{convention} is not a 30/360 convention")
    return 360 * (end.year - start.year) + 30 * (end.month - start.month) + (d2 - d1)


def _nasd(start: date, end: date) -> tuple[int, int]:
    """NASD/SIA rules, applied in order (end-of-month adjustment in force)."""
    d1, d2 = start.day, end.day
    if _last_of_february(start) and _last_of_february(end):
        d2 = 30
    if _last_of_february(start):
        d1 = 30
    if d2 == 31 and d1 >= 30:
        d2 = 30
    if d1 == 31:
        d1 = 30
    return d1, d2


def _last_of_february(day: date) -> bool:
    return day.month == 2 and day.day == monthrange(day.year, 2)[1]


def _act_act_isda(start: date, end: date) -> Parts:
    common = leap = 0
    cursor = start
    while cursor < end:
        year_end = date(cursor.year + 1, 1, 1)
        stop = min(year_end, end)
        if isleap(cursor.year):
            leap += (stop - cursor).days
        else:
            common += (stop - cursor).days
        cursor = stop
    return ((common, 365), (leap, 366))
