"""The ledger application: loads a facility, lets it decide, saves what it recorded.

One `eventsourcing` Application over SQLite or PostgreSQL. Events are stored as the readable JSON
of their pydantic models (dates, decimals, enums and nested terms round-trip exactly).
A version conflict (another writer saved first) is retried by reloading and deciding again.
"""

import json
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import IntegrityError, JSONTranscoder, Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from cli.records import BadLine, Record
from cli.storage import Database
from domain.errors import DuplicateFacility, LedgerError, UnknownFacility
from domain.events import FacilityEvent, FacilityOpened
from domain.facility import Facility, PrincipalOf, Recorded, facility_id
from domain.facts import Fact, OpenFacility

ATTEMPTS = 6


class EventMapper(Mapper[UUID]):
    """Stores each event as the compact JSON of its pydantic model, all fields included."""

    def to_stored_event(self, domain_event: Any) -> StoredEvent:
        state = json.dumps(domain_event.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)
        return StoredEvent(
            originator_id=domain_event.originator_id,
            originator_version=domain_event.originator_version,
            topic=get_topic(type(domain_event)),
            state=state.encode("utf-8"),
        )

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        return resolve_topic(stored_event.topic).model_validate_json(stored_event.state)


class ConflictPersisted(LedgerError):
    pass


class ImportRefused(LedgerError):
    def __init__(self, bad: list[BadLine]) -> None:
        self.bad = bad
        super().__init__(f"{len(bad)} bad record(s); nothing was imported")


@dataclass(frozen=True)
class Meta:
    recorded_by: str
    source: str | None = None
    reference: str | None = None


@dataclass
class ImportResult:
    recorded: int
    duplicates: int
    facilities: list[str]


PrincipalProvider = Callable[[Facility], PrincipalOf | None]


class Ledger(Application[UUID]):
    name = "Ledger"  # the PostgreSQL table is ledger_events, whatever subclass opens it

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = "Ledger"

    def __init__(
        self, db: Database, *, now: Callable[[], datetime] | None = None,
        principal_provider: PrincipalProvider | None = None,
    ) -> None:
        super().__init__(env=db.env)
        self.db = db
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.principal_provider = principal_provider or (lambda facility: None)

    def construct_mapper(self) -> Mapper[UUID]:
        return EventMapper(transcoder=JSONTranscoder())

    # ---- writing --------------------------------------------------------------------------

    def open_facility(self, fact: OpenFacility, meta: Meta) -> Recorded:
        existing = self._find(fact.code)
        if existing is not None:
            if meta.reference and existing.opened and existing.opened.reference == meta.reference \
                    and existing.opened.fact_fields() == fact.model_dump(mode="json"):
                return Recorded(existing.opened, duplicate=True)
            raise DuplicateFacility(fact.code)
        facility = Facility.open(
            fact, today=self.today(fact.timezone), recorded_by=meta.recorded_by,
            source=meta.source, reference=meta.reference,
        )
        try:
            self.save(facility)
        except IntegrityError:
            raise DuplicateFacility(fact.code) from None
        return Recorded(facility.opened)  # type: ignore[arg-type]

    def record(self, code: str, fact: Fact, meta: Meta) -> Recorded:
        """Decide and save; on a version conflict reload and decide again (bounded, with backoff)."""
        for attempt in range(ATTEMPTS):
            facility = self.facility(code)
            outcome = self._decide(facility, fact, meta)
            if outcome.duplicate:
                return outcome
            try:
                self.save(facility)
                return outcome
            except IntegrityError:
                time.sleep(0.005 * 2**attempt * (1 + random.random()))
        raise ConflictPersisted(
            f"{code} kept changing under other writers; gave up after {ATTEMPTS} attempts "
            "(nothing was recorded: run the command again)"
        )

    def _decide(self, facility: Facility, fact: Fact, meta: Meta) -> Recorded:
        return facility.record(
            fact, today=self.today(facility.opened.timezone),  # type: ignore[union-attr]
            recorded_by=meta.recorded_by, source=meta.source, reference=meta.reference,
            principal_of=self.principal_provider(facility),
        )

    def import_records(
        self, records: list[Record], actor: str, already_bad: list[BadLine] | None = None
    ) -> ImportResult:
        """Decide every record in memory, in file order; write all of them or none.

        Lines that failed to parse (`already_bad`) are reported with the rule failures of the
        others, so one run names every bad line.
        """
        loaded: dict[str, Facility | None] = {}
        seen: dict[str, Counter[str]] = {}
        bad: list[BadLine] = []
        recorded = duplicates = 0
        for record in records:
            if record.facility not in loaded:
                loaded[record.facility] = self._find(record.facility)
                seen[record.facility] = _contents(loaded[record.facility])
            facility = loaded[record.facility]
            meta = Meta(actor, record.source, record.reference)
            content = _content_key(record.type, record.fact.model_dump(mode="json"), record.source)
            try:
                if isinstance(record.fact, OpenFacility):
                    if facility is not None:
                        if seen[record.facility][content] > 0:
                            seen[record.facility][content] -= 1
                            duplicates += 1
                            continue
                        raise DuplicateFacility(record.facility)
                    loaded[record.facility] = Facility.open(
                        record.fact, today=self.today(record.fact.timezone), recorded_by=actor,
                        source=record.source, reference=record.reference,
                    )
                    recorded += 1
                    continue
                if facility is None:
                    raise UnknownFacility(record.facility)
                if record.reference is None and seen[record.facility][content] > 0:
                    seen[record.facility][content] -= 1
                    duplicates += 1
                    continue
                outcome = self._decide(facility, record.fact, meta)
                duplicates += outcome.duplicate
                recorded += not outcome.duplicate
            except LedgerError as error:
                bad.append(BadLine(record.line, f"{record.type} on {record.facility}: {error}"))
        if bad or already_bad:
            raise ImportRefused(sorted(bad + (already_bad or []), key=lambda b: b.line))
        changed = [f for f in loaded.values() if f is not None and f.pending_events]
        if changed:
            try:
                self.save(*changed)
            except IntegrityError:
                raise ConflictPersisted(
                    "another writer changed these facilities during the import; nothing was "
                    "imported: run it again (records already recorded are skipped)"
                ) from None
        return ImportResult(recorded, duplicates, sorted(loaded))

    # ---- reading --------------------------------------------------------------------------

    def facility(self, code: str) -> Facility:
        found = self._find(code)
        if found is None:
            raise UnknownFacility(code)
        return found

    def _find(self, code: str) -> Facility | None:
        try:
            return self.repository.get(facility_id(code))
        except AggregateNotFoundError:
            return None

    def facility_events(self, code: str) -> list[FacilityEvent]:
        events = list(self.events.get(facility_id(code)))
        if not events:
            raise UnknownFacility(code)
        return events  # type: ignore[return-value]

    def facilities(self) -> list[FacilityOpened]:
        topic = get_topic(FacilityOpened)
        opened: list[FacilityOpened] = []
        start = 1
        while True:
            page = self.recorder.select_notifications(start=start, limit=500, topics=[topic])
            opened.extend(self.mapper.to_domain_event(n) for n in page)  # type: ignore[misc]
            if len(page) < 500:
                return sorted(opened, key=lambda e: e.code)
            start = page[-1].id + 1

    def today(self, zone: str) -> date:
        return self.now().astimezone(ZoneInfo(zone)).date()


def _content_key(kind: str, fields: dict[str, Any], source: str | None) -> str:
    return json.dumps([kind, fields, source], sort_keys=True)


def _contents(facility: Facility | None) -> Counter[str]:
    """Stored events without a reference, by content: what a re-import must not record again."""
    if facility is None:
        return Counter()
    return Counter(
        _content_key(type(e).__name__, e.fact_fields(), e.source)
        for e in facility.history.values()
        if e.reference is None
    )


def record_all(ledger: Ledger, items: Iterable[tuple[str, Fact]], meta: Meta) -> list[Recorded]:
    return [ledger.record(code, fact, meta) for code, fact in items]
