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
    """Fixed rate, or: the index plus its spread adjustment, at least the index floor; plus the
    margin; then at least the floor and at most the cap (DESIGN §3 Revisions: index rates may be
    negative, `index_floor` bounds the index before the margin, floor and cap the all-in rate)."""
    if interest.rate is not None:
        return interest.rate
    assert index_rate is not None, "caller checks that the index has a rate in force"
    index = index_rate + (interest.spread_adjustment or 0)
    if interest.index_floor is not None and index < interest.index_floor:
        index = interest.index_floor
    rate = index + interest.margin
    if interest.floor is not None and rate < interest.floor:
        rate = interest.floor
    if interest.cap is not None and rate > interest.cap:
        rate = interest.cap
    return rate
