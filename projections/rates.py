"""The rate on a day: fixed, or index in force + margin bounded by floor/cap, plus the
default margin while in default or accelerated (the contract §3)."""

from bisect import bisect_right
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from domain.events import IndexRateSet, StoredInterest

from projections.fixings import NO_FIXINGS, Fixings


class IndexRates:
    """Per index, the facility's rates by effective date (on one date the later record wins);
    for an index the facility never set, the market's fixings (the contract §10: the facility's own
    `IndexRateSet` records take precedence, for the whole index, for that facility)."""

    def __init__(self, settings: Iterable[IndexRateSet], fixings: Fixings = NO_FIXINGS) -> None:
        latest: dict[str, dict[date, Decimal]] = {}
        for event in sorted(settings, key=lambda e: e.version):
            latest.setdefault(event.index, {})[event.effective_date] = event.rate
        self._dates = {ix: sorted(by_date) for ix, by_date in latest.items()}
        self._rates = {ix: [latest[ix][d] for d in ds] for ix, ds in self._dates.items()}
        self.fixings = fixings
        self._own_memo: dict = {}

    def memo(self, index: str) -> dict:
        """Where tables derived from `index`'s rates are kept: with the market's fixings snapshot
        (shared by every report that reads the same snapshot), or, for an index the facility sets
        itself, with this run."""
        return self._own_memo if index in self._dates else self.fixings.memo

    def in_force(self, index: str, day: date) -> Decimal | None:
        dates = self._dates.get(index)
        if not dates:
            return self.fixings.in_force(index, day)
        at = bisect_right(dates, day)
        return self._rates[index][at - 1] if at else None

    def fixing(self, index: str, day: date) -> Decimal | None:
        """The rate observed for business day `day`: the market's fixing for that date, or, for an
        index the facility sets itself, its rate in force on that date."""
        if index in self._dates:
            return self.in_force(index, day)
        return self.fixings.on(index, day)

    def change_dates(self, market_indexes: Iterable[str] = ()) -> set[date]:
        """The days on which a rate in force can change: the facility's own rate dates, and the
        fixing dates of `market_indexes` (the indexes in-force notes read from the market)."""
        found = {d for dates in self._dates.values() for d in dates}
        for index in market_indexes:
            if index not in self._dates:
                found.update(self.fixings.dates(index))
        return found


def contractual_rate(interest: StoredInterest, index_rate: Decimal | None) -> Decimal:
    """Fixed rate, or: the index plus its spread adjustment, at least the index floor; plus the
    margin; then at least the floor and at most the cap (the contract §3 Revisions: index rates may be
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
