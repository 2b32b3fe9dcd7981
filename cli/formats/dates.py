"""Dates as a user types them in an option: exactly YYYY-MM-DD (domain.parsing), and for the
dates a report is asked about also `today`, `yesterday` and a period (docs/cli.md, "Dates")."""

import calendar
import re
from datetime import date, timedelta

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


_PERIOD = re.compile(r"(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?")


def period_day(text: str, *, start: bool = False, today: date | None = None) -> date | None:
    """`today`, `yesterday` (the machine's local date), or a period written `2024` (a year),
    `2024-Q3` (a quarter) or `2024-06` (a month): its last day, or with `start` its first day.
    None when `text` is none of these (it may still be a YYYY-MM-DD date)."""
    if text in ("today", "yesterday"):
        now = today or date.today()
        return now if text == "today" else now - timedelta(days=1)
    match = _PERIOD.fullmatch(text)
    if match is None:
        return None
    year = int(match["year"])
    if match["quarter"]:
        first_month = 3 * int(match["quarter"]) - 2
        months = (first_month, first_month + 2)
    elif match["month"]:
        months = (int(match["month"]), int(match["month"]))
    else:
        months = (1, 12)
    if year < 1:
        return None
    if start:
        return date(year, months[0], 1)
    return date(year, months[1], calendar.monthrange(year, months[1])[1])


def parse_report_day(option: str, text: str, *, start: bool = False) -> date:
    """A date to report as of (or from, or to): YYYY-MM-DD, `today`, `yesterday` or a period's
    last day (`start`: its first day, for --from), within the range a ledger answers."""
    day = period_day(text, start=start) or parse_day(option, text)
    if not FIRST_REPORT_DAY <= day <= LAST_REPORT_DAY:
        raise InvalidInput(f"{option}: {day} is outside the dates a report can be asked about "
                           f"({FIRST_REPORT_DAY} to {LAST_REPORT_DAY})", field=option.lstrip("-"))
    return day
