"""The rate on a day: fixed, or index in force + margin bounded by floor/cap, plus the
default margin while in default or accelerated (DESIGN §3)."""

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from domain.events import IndexRateSet, StoredInterest


class IndexRates:
    """Per index, the rates by effective date; on one date the later record wins."""

    def __init__(self, settings: Iterable[IndexRateSet]) -> None:
        latest: dict[str, dict[date, Decimal]] = {}
        for event in sorted(settings, key=lambda e: e.version):
            latest.setdefault(event.index, {})[event.effective_date] = event.rate
        self._dates = {ix: sorted(by_date) for ix, by_date in latest.items()}
        self._rates = {ix: [latest[ix][d] for d in ds] for ix, ds in self._dates.items()}

    def in_force(self, index: str, day: date) -> Decimal | None:
        dates = self._dates.get(index)
        if not dates:
            return None
        at = bisect_right(dates, day)
        return self._rates[index][at - 1] if at else None

    def change_dates(self) -> set[date]:
        return {d for dates in self._dates.values() for d in dates}


def contractual_rate(interest: StoredInterest, index_rate: Decimal | None) -> Decimal:
    """Fixed rate, or index + margin bounded below by the floor and above by the cap."""
    if interest.rate is not None:
        return interest.rate
    assert index_rate is not None, "caller checks that the index has a rate in force"
    rate = index_rate + interest.margin
    if interest.floor is not None and rate < interest.floor:
        rate = interest.floor
    if interest.cap is not None and rate > interest.cap:
        rate = interest.cap
    return rate
