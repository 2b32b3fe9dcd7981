"""Dates as a user types them in an option: exactly YYYY-MM-DD (domain.parsing)."""

from datetime import date

from domain import parsing
from domain.errors import InvalidInput


# The dates a report may be asked about. A sweep walks a facility's history day by day up to the
# date asked, so a typo such as 9999-12-31 would run for minutes; no loan on the books runs
# beyond 2199, and none began before 1900.
FIRST_REPORT_DAY = date(1900, 1, 1)
LAST_REPORT_DAY = date(2199, 12, 31)


def parse_day(option: str, text: str) -> date:
    """A YYYY-MM-DD option value, or a usage error naming the option."""
    try:
        return parsing.day(text)
    except ValueError as error:
        raise InvalidInput(f"{option}: {error}", field=option.lstrip("-")) from None


def parse_report_day(option: str, text: str) -> date:
    """A date to report as of (or from, or to): YYYY-MM-DD within the range a ledger answers."""
    day = parse_day(option, text)
    if not FIRST_REPORT_DAY <= day <= LAST_REPORT_DAY:
        raise InvalidInput(f"{option}: {day} is outside the dates a report can be asked about "
                           f"({FIRST_REPORT_DAY} to {LAST_REPORT_DAY})", field=option.lstrip("-"))
    return day
