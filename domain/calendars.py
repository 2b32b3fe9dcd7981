"""Business days: not a weekend, not a holiday of the facility's calendar (the domain's rules and
the engine both read them; `projections.business_days` names them for the engine).

The calendar code is the facility's `calendar` field (docs/arithmetic.md, "Business days"):
- `US-FED` (the default): the Federal Reserve's holiday schedule, the `holidays` library's
  financial calendar `XFED` (a Sunday holiday moves to Monday, a Saturday one is not moved);
- `US-GOVT`: US government securities, for SOFR fixings: the library's SIFMA calendar `XSIF`
  (full closes only) with Good Friday closed every year, as for SOFR;
- `US`, what FacilityOpened said by default before the second edition, reads as `US-FED`;
- any other code is a country ("GB") or a country and subdivision ("US-NY") of the library.
"""

import importlib.util
from collections.abc import Container
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from domain.errors import LedgerError

MARKETS = {"US-FED": "XFED", "US-GOVT": "XSIF"}
FORMER_NAMES = {"US": "US-FED"}


class GoodFridays:
    """Every Good Friday. SIFMA recommends only an early close on some (employment-report days),
    but the New York Fed has published no SOFR on any Good Friday (its statement of 8 March 2023:
    cleared Treasury repo does not settle that day)."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day == _good_friday(day.year)


@lru_cache(maxsize=None)
def _good_friday(year: int) -> date:
    from dateutil.easter import easter  # start-up: only when a SIFMA calendar is consulted

    return easter(year) - timedelta(days=2)


class BusinessCalendar:
    """One calendar by its own code; `calendar_for` also reads the former names (`US`)."""

    def __init__(self, code: str = "US-FED") -> None:
        try:
            self._closed = _closures(code)
        except NotImplementedError:
            raise LedgerError(f"no holiday calendar {code!r} is known") from None
        self.code = code
        self._following: dict[date, date] = {}

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and not any(day in closed for closed in self._closed)

    def following(self, day: date) -> date:
        """The day itself if a business day, else the next business day (following)."""
        found = self._following.get(day)
        if found is None:
            found = day
            while not self.is_business_day(found):
                found += timedelta(days=1)
            self._following[day] = found
        return found

    def preceding(self, day: date) -> date:
        """The day itself if a business day, else the business day before it."""
        while not self.is_business_day(day):
            day -= timedelta(days=1)
        return day

    def modified_following(self, day: date) -> date:
        """Following, unless that crosses into the next month: then preceding (ISDA 2006 §4.12)."""
        found = self.following(day)
        return found if found.month == day.month else self.preceding(day)


@lru_cache(maxsize=16)
def calendar_for(code: str) -> BusinessCalendar:
    """The calendar of a facility's `calendar` field; `US` (the former default) is `US-FED`."""
    former = FORMER_NAMES.get(code)
    return calendar_for(former) if former else BusinessCalendar(code)


def _closures(code: str) -> tuple[Container[date], ...]:
    from holidays.registry import COUNTRIES, FINANCIAL  # start-up: holidays loads once a calendar is asked for (≈40 ms; a recording command rarely asks)

    market = MARKETS.get(code)
    if market == "XSIF":
        return _library_calendar(FINANCIAL, "financial", market, None), GoodFridays()
    if market:
        return (_library_calendar(FINANCIAL, "financial", market, None),)
    country, _, subdivision = code.partition("-")
    return (_library_calendar(COUNTRIES, "countries", country, subdivision or None),)


def _library_calendar(registry: dict[str, Any], package: str, code: str, subdivision: str | None) -> Any:
    """`holidays.country_holidays(code, subdiv=...)` or `holidays.financial_holidays(code)`,
    without importing every country or market.

    The library's lookup imports the package `holidays.countries` (or `holidays.financial`),
    whose `__init__` imports all of its ~250 countries (≈110 ms) or ~40 markets, paid by every
    command that runs the engine. Its registry names the one module that defines a code, so that
    file alone is loaded; the class and its holidays are the library's own (tests compare them
    with the library's lookup). Anything unexpected falls back to the library's lookup."""
    import holidays  # start-up: idem

    module = next((name for name, codes in registry.items() if code in codes[1:3]), None)
    path = Path(holidays.__file__).parent / package / f"{module}.py"
    spec = importlib.util.spec_from_file_location(f"holidays.{package}.{module}", path) if module else None
    if spec is None or spec.loader is None or not path.is_file():
        if package == "financial":
            return holidays.financial_holidays(code)
        return holidays.country_holidays(code, subdiv=subdivision)
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return getattr(loaded, registry[module][0])(subdiv=subdivision)
