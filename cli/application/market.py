"""Market data use cases: record index fixings in their streams, read them as known at an instant
(the contract §10). The engine never reads a store: `fixings_for` hands it a pure `Fixings` table of
the indexes a facility's notes name, filtered by `known_at` like the facility's own events."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from eventsourcing.persistence import IntegrityError

from cli.application.conflicts import ATTEMPTS, pause
from cli.persistence.market_store import index_rows, market_recorder, market_table_exists, stream_heads
from domain.errors import LedgerError, RuleViolation
from domain.events import FacilityEvent
from domain.market import CorrectFixing, IndexSeries, MarketEvent, PublishFixing, index_id
from projections.fixings import Fixings, market_indexes

SNAPSHOTS_KEPT = 8  # fixings tables kept per ledger (one per indexes, heads and known_at asked)


@dataclass(frozen=True)
class FixingRecord:
    """One fixing to record: a publication or (with `reason`) a correction, from file line `line`."""

    line: int
    fact: PublishFixing
    source: str | None = None
    revision: bool = False  # a changed rate is recorded as a correction (the publisher revised it)


@dataclass
class FixingsResult:
    recorded: int = 0
    unchanged: int = 0


class MarketData:
    """The index streams of one ledger (its database, its own table)."""

    def __init__(self, ledger: Any) -> None:
        self.ledger = ledger
        self._recorder: Any = None

    @property
    def recorder(self) -> Any:
        """The market table's recorder, made (and the table created) once per ledger."""
        if self._recorder is None:
            self._recorder = getattr(self.ledger, "_market_recorder", None)
            if self._recorder is None:
                self._recorder = market_recorder(self.ledger.recorder, self.ledger.db.is_postgres)
                self.ledger._market_recorder = self._recorder
        return self._recorder

    def events(self, index: str) -> list[MarketEvent]:
        if self._recorder is None and not market_table_exists(self.ledger.recorder, self.ledger.db.is_postgres):
            return []
        return [self.ledger.mapper.to_domain_event(s) for s in self.recorder.select_events(index_id(index))]

    def fixings(self, indexes: Iterable[str], known_at: datetime | None = None) -> Fixings:
        """The fixings of `indexes` known at `known_at`. Read on every report, so the rows are
        decoded for the four values a fixing needs (`index_rows`), not as whole events, and the
        table is kept for this ledger while the streams' heads (each index's last version) are
        unchanged: the same snapshot, with the daily factors the engine derived from it
        (`Fixings.memo`), serves the next report asking the same question."""
        wanted = tuple(sorted(set(indexes)))
        if self._recorder is None and not market_table_exists(self.ledger.recorder, self.ledger.db.is_postgres):
            return Fixings.of_rows([], known_at)  # nothing was ever recorded (a reader never creates the table)
        streams = {index_id(index): index for index in wanted}
        heads = tuple(sorted(stream_heads(self.recorder, self.ledger.db.is_postgres, list(streams)).items()))
        key = (wanted, heads, known_at)
        cache: dict = self.ledger.__dict__.setdefault("_fixings_snapshots", {})
        found = cache.get(key)
        if found is not None:
            return found
        rows: list = []
        for index in wanted:
            rows.extend(index_rows(self.recorder, self.ledger.db.is_postgres, index_id(index)))
        found = Fixings.of_rows(rows, known_at)
        if len(cache) >= SNAPSHOTS_KEPT:
            cache.pop(next(iter(cache)))
        cache[key] = found
        return found

    def record(self, records: Sequence[FixingRecord], recorded_by: str) -> FixingsResult:
        """Decide every record against its stream as stored plus the records before it; any
        refusal names its line and nothing is written. Then each index's new events are written
        in one transaction (a concurrent writer's conflict: decide again, bounded)."""
        result = FixingsResult()
        by_index: dict[str, list[FixingRecord]] = {}
        for record in records:
            by_index.setdefault(record.fact.index, []).append(record)
        problems: list[str] = []
        for index, items in by_index.items():  # a dry run first: every bad line is named
            problems.extend(self._decide(index, items, recorded_by)[1])
        if problems:
            raise RuleViolation("nothing was recorded: " + "; ".join(problems[:20])
                                + (f"; and {len(problems) - 20} more" if len(problems) > 20 else ""))
        for index, items in by_index.items():
            for attempt in range(ATTEMPTS):
                new, problems = self._decide(index, items, recorded_by)
                if problems:
                    raise RuleViolation("; ".join(problems))
                try:
                    if new:
                        self.recorder.insert_events([self.ledger.mapper.to_stored_event(e) for e in new])
                    break
                except IntegrityError:
                    pause(attempt)
            else:
                raise LedgerError(f"the {index} stream kept changing under other writers; nothing more was recorded")
            result.recorded += len(new)
            result.unchanged += len(items) - len(new)
        return result

    def _decide(self, index: str, items: list[FixingRecord], recorded_by: str) -> tuple[list[MarketEvent], list[str]]:
        series = IndexSeries.of(index, self.events(index))
        new, problems = [], []
        for record in items:
            try:
                fact = record.fact
                today = self.ledger.today("America/New_York")
                authors = self.ledger.authors(recorded_by)  # PostgreSQL: the session's role, on behalf of the actor
                stamp = dict(today=today, recorded_by=authors["recorded_by"], now=self.ledger.now(),
                             source=record.source, on_behalf_of=authors["on_behalf_of"])
                current = series.rates.get(fact.date)
                if record.revision and current is not None and current != fact.rate:
                    fact = CorrectFixing(index=fact.index, date=fact.date, rate=fact.rate,
                                         reason=f"revised by its publisher (line {record.line})")
                outcome = (series.correct(fact, **stamp) if isinstance(fact, CorrectFixing)
                           else series.publish(fact, **stamp))
            except LedgerError as error:
                problems.append(f"line {record.line}: {error}" if record.line else str(error))
                continue
            if outcome.event is not None:
                new.append(outcome.event)
        return new, problems

    def show(self, index: str, start: date | None, end: date | None,
             known_at: datetime | None = None) -> list[tuple[date, Any, list[MarketEvent]]]:
        """Each fixing date in range: (date, rate as known, the events behind it, in version order)."""
        events = self.events(index)
        fixings = Fixings.of_events(events, known_at)
        by_date: dict[date, list[MarketEvent]] = {}
        for event in events:
            by_date.setdefault(event.date, []).append(event)
        return [(day, rate, by_date[day]) for day, rate in fixings.items(index, start, end)]


def fixings_for(ledger: Any, events: Sequence[FacilityEvent], known_at: datetime | None = None) -> Fixings:
    """The market fixings a facility's notes can read: those of every index a note names that the
    facility does not set itself (its own IndexRateSet records take precedence for the index)."""
    indexes = market_indexes(events)
    if not indexes:
        return Fixings()
    return MarketData(ledger).fixings(indexes, known_at)
