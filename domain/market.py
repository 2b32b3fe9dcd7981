"""Market data: index fixings, one stream per index, shared by every facility (the contract §10).

A fixing is not a facility fact: `IndexFixingPublished {index, date, rate, source?}` records the
rate an administrator published for a business day (SOFR for 2024-01-02: 5.31), and
`IndexFixingCorrected {index, date, rate, reason}` a later correction. Both are stored in the
market-data stream of their index (`index:SOFR`, id uuid5 of that name), never rewritten: a
correction is a new event, so a report known at an earlier instant still sees the first rate.

The stream's rules live in `IndexSeries`, a fold of the stream's events (the application reads
them, lets the series decide, and appends what it recorded): a date is published once (the same
rate again records nothing; another rate must be recorded as a correction), and a correction
needs a published fixing and a reason. Stored topics are `domain.market:<Name>`: permanent, like
the facility's (docs/events.md).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar, Self
from uuid import NAMESPACE_URL, UUID, uuid5

from pydantic import model_validator

from domain.chain import chain_start, chained
from domain.errors import RuleViolation
from domain.events import Stored, StreamEvent
from domain.values import Code, Day, Frozen, Rate, Text

INDEX_NAMESPACE = uuid5(NAMESPACE_URL, "https://loanledger.invalid/index")
MAX_ABS_RATE = Decimal(100)  # % p.a.: no published overnight or term rate has come near it


def index_stream_name(index: str) -> str:
    return f"index:{index}"


def index_id(index: str) -> UUID:
    """The same index always names the same stream (`index:SOFR`)."""
    return uuid5(INDEX_NAMESPACE, index_stream_name(index))


# ---- what a user asks (facts) -----------------------------------------------------------------


class PublishFixing(Frozen):
    index: Code
    date: Day
    rate: Rate

    @model_validator(mode="after")
    def _plausible(self) -> Self:
        if abs(self.rate) >= MAX_ABS_RATE:
            raise ValueError(f"rate {self.rate} is not a plausible % p.a. (at most ±{MAX_ABS_RATE} exclusive)")
        return self


class CorrectFixing(PublishFixing):
    reason: Text


# ---- what is stored (events) -------------------------------------------------------------------


class MarketEvent(StreamEvent, Stored):
    """Common to market-data events: the stream, its version, the recorded time, who recorded it,
    the document it comes from, and the hash chain over the stream (as a facility's, the contract §5)."""

    class_version: ClassVar[int] = 1
    added_fields: ClassVar[frozenset[str]] = frozenset({"on_behalf_of"})

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    recorded_by: str
    index: str
    date: date
    rate: Decimal
    source: str | None = None
    chain_hash: str = ""
    on_behalf_of: str | None = None  # added: on PostgreSQL, the actor a role recorded for (as a facility event's)


class IndexFixingPublished(MarketEvent):
    pass


class IndexFixingCorrected(MarketEvent):
    reason: str


MARKET_EVENT_TYPES: dict[str, type[MarketEvent]] = {
    cls.__name__: cls for cls in (IndexFixingPublished, IndexFixingCorrected)}


# ---- the stream's rules ----------------------------------------------------------------------


@dataclass
class Outcome:
    """What a command recorded (`event`), or None when it repeats what the stream already says."""

    event: MarketEvent | None
    current: Decimal | None = None


@dataclass
class IndexSeries:
    """One index's stream folded: the latest rate of each date and the chain head."""

    index: str
    version: int = 0
    chain_head: str = ""
    rates: dict[date, Decimal] = field(default_factory=dict)

    @classmethod
    def of(cls, index: str, events: list[MarketEvent]) -> "IndexSeries":
        series = cls(index, chain_head=chain_start(index_id(index)))
        for event in events:
            series.apply(event)
        return series

    def apply(self, event: MarketEvent) -> None:
        self.version = event.originator_version
        self.chain_head = event.chain_hash
        self.rates[event.date] = event.rate

    def publish(self, fact: PublishFixing, *, today: date, recorded_by: str, now: datetime,
                source: str | None = None, on_behalf_of: str | None = None) -> Outcome:
        self._check(fact, today)
        current = self.rates.get(fact.date)
        if current is not None:
            if current == fact.rate:
                return Outcome(None, current)
            raise RuleViolation(
                f"{fact.index} for {fact.date} is already published at {current}: record {fact.rate} as a "
                "correction (loanledger index set ... --correct --reason TEXT, or an IndexFixingCorrected record)",
                field="rate")
        return self._record(IndexFixingPublished, fact, recorded_by, now, source=source, on_behalf_of=on_behalf_of)

    def correct(self, fact: CorrectFixing, *, today: date, recorded_by: str, now: datetime,
                source: str | None = None, on_behalf_of: str | None = None) -> Outcome:
        self._check(fact, today)
        current = self.rates.get(fact.date)
        if current is None:
            raise RuleViolation(f"{fact.index} has no fixing for {fact.date} to correct: publish one first",
                                field="date")
        if current == fact.rate:
            return Outcome(None, current)
        return self._record(IndexFixingCorrected, fact, recorded_by, now, source=source, reason=fact.reason,
                            on_behalf_of=on_behalf_of)

    def _check(self, fact: PublishFixing, today: date) -> None:
        if fact.index != self.index:
            raise RuleViolation(f"a {fact.index} fixing does not belong to the {self.index} stream", field="index")
        if fact.date > today:
            raise RuleViolation(f"date {fact.date} is after today ({today}): a fixing is published for a past "
                                "business day", field="date")

    def _record(self, cls: type[MarketEvent], fact: PublishFixing, recorded_by: str, now: datetime,
                **extra: Any) -> Outcome:
        extra = {k: v for k, v in extra.items() if v is not None}
        draft = cls(originator_id=index_id(self.index), originator_version=self.version + 1, timestamp=now,
                    recorded_by=recorded_by, index=fact.index, date=fact.date, rate=fact.rate, **extra)
        event = chained(draft, self.chain_head)
        self.apply(event)
        return Outcome(event, fact.rate)


__all__ = ["CorrectFixing", "IndexFixingCorrected", "IndexFixingPublished", "IndexSeries", "MARKET_EVENT_TYPES",
           "MarketEvent", "Outcome", "PublishFixing", "index_id", "index_stream_name"]
