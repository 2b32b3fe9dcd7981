"""Business days: not a weekend, not a holiday of the facility's calendar.

The calendar code is the facility's `calendar` field: a country ("US") or a country and
subdivision ("US-NY") of the `holidays` library; "US" gives the US federal holidays (the
observed dates, e.g. Veterans Day 2007 observed Monday 12 November).
"""

import importlib.util
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

import holidays
from holidays.registry import COUNTRIES

from domain.errors import LedgerError


class BusinessCalendar:
    def __init__(self, code: str = "US") -> None:
        country, _, subdivision = code.partition("-")
        try:
            self._holidays = _country_holidays(country, subdivision or None)
        except NotImplementedError:
            raise LedgerError(f"no holiday calendar {code!r} is known") from None
        self.code = code
        self._following: dict[date, date] = {}

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays

    def following(self, day: date) -> date:
        """The day itself if a business day, else the next business day (following)."""
        found = self._following.get(day)
        if found is None:
            found = day
            while not self.is_business_day(found):
                found += timedelta(days=1)
            self._following[day] = found
        return found


@lru_cache(maxsize=16)
def calendar_for(code: str) -> BusinessCalendar:
    return BusinessCalendar(code)


def _country_holidays(country: str, subdivision: str | None) -> Any:
    """`holidays.country_holidays(country, subdiv=...)`, without importing every country.

    The library's lookup imports the package `holidays.countries`, whose `__init__` imports all
    of its ~250 countries (≈110 ms, paid by every command that runs the engine). Its registry
    names the one module that defines a country (`holidays.registry.COUNTRIES`), so that file
    alone is loaded; the class and its holidays are the library's own (a test compares them
    with `country_holidays`). Anything unexpected falls back to the library's lookup."""
    module = next((name for name, codes in COUNTRIES.items() if country in codes[1:3]), None)
    path = Path(holidays.__file__).parent / "countries" / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"holidays.countries.{module}", path) if module else None
    if spec is None or spec.loader is None or not path.is_file():
        return holidays.country_holidays(country, subdiv=subdivision)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return getattr(loaded, COUNTRIES[module][0])(subdiv=subdivision)  # type: ignore[index]
