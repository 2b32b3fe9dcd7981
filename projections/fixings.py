"""Index fixings as the engine sees them: a pure, read-only table (the contract §10).

The application reads the market-data streams (`index:SOFR` ...), keeps the events recorded at
or before `known_at` (`Fixings.of_events`), and hands the engine this table: per index, the rate
of each fixing date, a correction replacing the rate it corrects (the later version wins). The
engine never reads a store; a facility's own `IndexRateSet` records take precedence over these
for that facility (`projections.rates.IndexRates`).
"""

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from domain.events import IndexRateSet, NoteIssued
from domain.market import MarketEvent

from projections.selection import as_utc


FixingRow = tuple[str, date, Decimal, int, datetime]
"""(index, fixing date, rate, version, recorded time): one stored fixing event, as reports read it."""


class Fixings:
    """Per index, date -> rate (% p.a.), as known at `known_at` (None: everything recorded)."""

    def __init__(self, series: Mapping[str, Mapping[date, Decimal]] | None = None,
                 known_at: datetime | None = None, latest: datetime | None = None) -> None:
        self._rates = {index: dict(rates) for index, rates in (series or {}).items()}
        self._dates = {index: sorted(rates) for index, rates in self._rates.items()}
        self.known_at = known_at
        self.latest = latest  # the latest recorded time among the events read (None: unknown or none)
        self.memo: dict = {}  # derived tables of this snapshot (projections.compounding), built on first use

    @classmethod
    def of_events(cls, events: Iterable[MarketEvent], known_at: datetime | None = None) -> "Fixings":
        """The fixings that the market-data events recorded at or before `known_at` say; of two
        events for one date, the later version (a correction) wins."""
        return cls.of_rows(((e.index, e.date, e.rate, e.originator_version, e.timestamp) for e in events), known_at)

    @classmethod
    def of_rows(cls, rows: Iterable[tuple[str, date, Decimal, int, datetime]],
                known_at: datetime | None = None) -> "Fixings":
        """As `of_events`, from (index, date, rate, version, recorded time) rows."""
        cutoff = as_utc(known_at) if known_at is not None else None
        series: dict[str, dict[date, tuple[int, Decimal]]] = {}
        latest = None
        for index, day, rate, version, recorded in rows:
            if cutoff is not None and as_utc(recorded) > cutoff:
                continue
            latest = recorded if latest is None or as_utc(recorded) > as_utc(latest) else latest
            by_date = series.setdefault(index, {})
            held = by_date.get(day)
            if held is None or held[0] < version:
                by_date[day] = (version, rate)
        return cls({ix: {d: r for d, (_, r) in rates.items()} for ix, rates in series.items()}, known_at, latest)

    def on(self, index: str, day: date) -> Decimal | None:
        """The fixing published for `day`, if any."""
        rates = self._rates.get(index)
        return None if rates is None else rates.get(day)

    def in_force(self, index: str, day: date) -> Decimal | None:
        """The latest fixing dated on or before `day` (an in-force note's rate on `day`)."""
        dates = self._dates.get(index)
        if not dates:
            return None
        at = bisect_right(dates, day)
        return self._rates[index][dates[at - 1]] if at else None

    def dates(self, index: str) -> list[date]:
        return list(self._dates.get(index, ()))

    def items(self, index: str, start: date | None = None, end: date | None = None) -> list[tuple[date, Decimal]]:
        """(date, rate) of `index` from `start` to `end` (both included), in date order."""
        rates = self._rates.get(index, {})
        return [(d, rates[d]) for d in self._dates.get(index, ())
                if (start is None or d >= start) and (end is None or d <= end)]


NO_FIXINGS = Fixings()



def market_indexes(events: Iterable[object]) -> set[str]:
    """The indexes a facility's notes read from the market data: every index a note names that
    the facility does not set itself (its own IndexRateSet records take precedence for it)."""
    own = {e.index for e in events if isinstance(e, IndexRateSet)}
    return {e.interest.index for e in events if isinstance(e, NoteIssued) and e.interest.index} - own
