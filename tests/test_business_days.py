"""Business days come from the `holidays` library's calendars, loaded one module at a time,
and agree day by day, 2000-2035, with QuantLib's, except where a documented exception says why."""

import subprocess
import sys
from datetime import date, timedelta

import holidays
import pytest
import QuantLib as ql

from domain.errors import LedgerError
from domain.facts import OpenFacility
from projections.business_days import BusinessCalendar, GoodFridays, calendar_for

FIRST, LAST = date(2000, 1, 1), date(2035, 12, 31)


def every_day(first: date = FIRST, last: date = LAST):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def disagreements(code: str, quantlib: ql.Calendar) -> dict[date, bool]:
    """Each day the two sources disagree on, with what our calendar says (True: business day)."""
    ours = calendar_for(code)
    return {day: ours.is_business_day(day) for day in every_day()
            if ours.is_business_day(day) != quantlib.isBusinessDay(ql.Date(day.day, day.month, day.year))}


# Days on which QuantLib is wrong, each with our answer and the reason. No day is left out silently:
# the test fails on any other disagreement, and on an exception that no longer disagrees.
US_FED_EXCEPTIONS: dict[date, tuple[bool, str]] = {}

US_GOVT_EXCEPTIONS: dict[date, tuple[bool, str]] = {
    date(2001, 9, 12): (False, "The Bond Market Association recommended a full close of the US bond "
                               "market after the attacks of 11 September; trading resumed on 13 "
                               "September (SIFMA's historical recommendations, 1996-2019). QuantLib's "
                               "GovernmentBond and SOFR calendars lack the day; SOFR did not exist yet."),
}


def test_us_fed_agrees_with_quantlibs_federal_reserve_calendar_day_by_day():
    found = disagreements("US-FED", ql.UnitedStates(ql.UnitedStates.FederalReserve))
    assert found == {day: business for day, (business, _) in US_FED_EXCEPTIONS.items()}


def test_us_govt_agrees_with_quantlibs_sofr_calendar_day_by_day_but_for_documented_days():
    found = disagreements("US-GOVT", ql.UnitedStates(ql.UnitedStates.SOFR))
    assert found == {day: business for day, (business, _) in US_GOVT_EXCEPTIONS.items()}


@pytest.mark.parametrize("day", [date(2010, 12, 31), date(2020, 7, 3), date(2021, 12, 31)])
def test_the_fed_is_open_on_the_friday_before_a_saturday_holiday(day):
    assert day.weekday() == 4
    assert calendar_for("US-FED").is_business_day(day)


def test_a_sunday_holiday_moves_to_monday_at_the_fed():
    assert not calendar_for("US-FED").is_business_day(date(2011, 12, 26))  # Christmas on a Sunday
    assert not calendar_for("US-FED").is_business_day(date(2023, 1, 2))  # New Year's Day on a Sunday


def test_juneteenth_is_a_holiday_from_2022_for_both_calendars():
    """In 2021 the day fell on a Saturday (not moved at the Fed) and SIFMA had not adopted it."""
    for code in ("US-FED", "US-GOVT"):
        assert calendar_for(code).is_business_day(date(2021, 6, 18))
        assert not calendar_for(code).is_business_day(date(2022, 6, 20))  # Sunday 19th -> Monday
        assert not calendar_for(code).is_business_day(date(2024, 6, 19))


@pytest.mark.parametrize("day, fed_open, govt_open", [
    (date(2004, 6, 11), True, False),  # Reagan: federal offices closed, Reserve Banks open; bond market closed
    (date(2007, 1, 2), True, True),  # Ford: SIFMA early close only
    (date(2018, 12, 5), True, False),  # G. H. W. Bush: Board closed, Reserve Banks and Fedwire open; bond market closed
    (date(2025, 1, 9), True, True),  # Carter: SIFMA early close only; SOFR published
])
def test_national_days_of_mourning(day, fed_open, govt_open):
    assert calendar_for("US-FED").is_business_day(day) is fed_open
    assert calendar_for("US-GOVT").is_business_day(day) is govt_open


def test_us_govt_closes_every_good_friday_even_when_sifma_recommends_an_early_close():
    """SIFMA's full closes come from the library; Good Friday is added every year because no SOFR
    is published on it (New York Fed, 8 March 2023). The days added are exactly SIFMA's early-close
    Good Fridays."""
    sifma = holidays.financial_holidays("XSIF", years=range(2000, 2036))
    added = {day for day in every_day() if day in GoodFridays() and day not in sifma}
    assert added == {date(2007, 4, 6), date(2010, 4, 2), date(2012, 4, 6), date(2015, 4, 3),
                     date(2021, 4, 2), date(2023, 4, 7), date(2026, 4, 3)}
    assert not any(calendar_for("US-GOVT").is_business_day(day) for day in added)


@pytest.mark.parametrize("code, library", [
    ("US-FED", lambda: holidays.financial_holidays("XFED")),
    ("US-NY", lambda: holidays.country_holidays("US", subdiv="NY")),
    ("GB", lambda: holidays.country_holidays("GB")),
    ("DE-BY", lambda: holidays.country_holidays("DE", subdiv="BY")),
])
def test_a_calendar_loaded_alone_has_exactly_the_librarys_holidays(code, library):
    calendar, reference = BusinessCalendar(code), library()
    for day in every_day(FIRST, date(2030, 12, 31)):
        assert calendar.is_business_day(day) == (day.weekday() < 5 and day not in reference), day


def test_the_former_default_us_reads_as_us_fed():
    """Ledgers opened before the second edition say "US"; their stored events are not changed."""
    assert calendar_for("US") is calendar_for("US-FED")
    assert calendar_for("US").is_business_day(date(2010, 12, 31))


def test_new_facilities_default_to_us_fed_and_may_choose_us_govt():
    fields = dict(code="F", borrower="B", lender="L", agreement_date=date(2024, 1, 2))
    assert OpenFacility(**fields).calendar == "US-FED"
    assert OpenFacility(**fields, calendar="US-GOVT").calendar == "US-GOVT"


def test_observed_us_holidays_move_bills_to_the_next_business_day():
    calendar = calendar_for("US-FED")
    assert calendar.following(date(2007, 11, 10)) == date(2007, 11, 13)  # Sat, Sun, Veterans Day observed
    assert calendar.following(date(2008, 1, 1)) == date(2008, 1, 2)


@pytest.mark.parametrize("code", ["XX", "US-ZZ"])
def test_an_unknown_calendar_is_refused(code):
    with pytest.raises(LedgerError, match="no holiday calendar"):
        BusinessCalendar(code)


def test_a_market_calendar_loads_one_module_of_the_library():
    """Start-up: not the ~40 markets of `holidays.financial` nor the ~250 countries. The one
    module a calendar needs is executed from its file, so no package of the library is imported."""
    script = ("import sys; from projections.business_days import calendar_for; "
              "calendar_for('US-FED'); calendar_for('US-GOVT'); "
              "print(sorted(m for m in sys.modules if m.startswith(('holidays.financial', 'holidays.countries'))))")
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
