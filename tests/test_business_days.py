"""Business days come from the `holidays` library's calendars, loaded one country at a time."""

from datetime import date, timedelta

import holidays
import pytest

from domain.errors import LedgerError
from projections.business_days import BusinessCalendar


@pytest.mark.parametrize("code", ["US", "US-NY", "GB", "DE-BY"])
def test_the_calendar_has_exactly_the_librarys_holidays(code):
    country, _, subdivision = code.partition("-")
    library = holidays.country_holidays(country, subdiv=subdivision or None, years=range(2000, 2031))
    calendar = BusinessCalendar(code)
    day, end = date(2000, 1, 1), date(2030, 12, 31)
    while day <= end:
        assert calendar.is_business_day(day) == (day.weekday() < 5 and day not in library), day
        day += timedelta(days=1)


def test_observed_us_holidays_move_bills_to_the_next_business_day():
    calendar = BusinessCalendar("US")
    assert calendar.following(date(2007, 11, 10)) == date(2007, 11, 13)  # Sat, Sun, Veterans Day observed
    assert calendar.following(date(2008, 1, 1)) == date(2008, 1, 2)


@pytest.mark.parametrize("code", ["XX", "US-ZZ"])
def test_an_unknown_calendar_is_refused(code):
    with pytest.raises(LedgerError, match="no holiday calendar"):
        BusinessCalendar(code)
