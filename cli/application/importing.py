"""Streaming import: validate the whole file first, then write it in batches.

A file is read three times, never held whole:

0. **scan** (raw JSON/YAML only): which facilities the file gives a revolving or minimum
   borrowing note. Their commitment rule asks the engine for a principal computed from every
   event, so the import keeps those facilities' events (stored and decided) in an archive on
   disk. The aggregate itself holds no events, only the state its rules read; the import moves
   its references to disk too (cli.persistence.spill), so memory stays flat.
1. **validate**: parse and decide every record in file order, against the facilities as
   stored plus what the file recorded so far, then drop the decided events. Any bad line means
   every bad line is reported and nothing is written.
2. **write**: reload the facilities, decide again in file order and save every `batch_size`
   events in one transaction. Records already stored (same reference, or same content for
   records without one, counting multiplicity) are skipped, so an import that was killed or
   failed half way resumes where it stopped when run again, and a finished one is a no-op.
   If another writer saved one of the facilities first (a version conflict: the batch's
   transaction is refused whole), pass 2 runs again after a backoff, as `record` retries
   (cli.application.conflicts): what this import already wrote is then skipped like any stored
   record, so concurrent imports of distinct records on one facility all land, each once.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol
from uuid import UUID

from eventsourcing.persistence import IntegrityError, PersistenceError

from cli.application.conflicts import ATTEMPTS, pause

from cli.application.meta import Meta
from cli.formats.records import BadLine, Record, parse_record
from cli.persistence.faults import LedgerBusy
from cli.persistence.partitions import Partition
from cli.persistence.spill import Archive, Seen, SpillFile
from domain.errors import DuplicateFacility, LedgerError, UnknownFacility
from domain.events import FacilityEvent
from domain.chain import content_digest
from domain.facility import Facility, Recorded, facility_id, repeats_opening
from domain.facts import OpenFacility

RawItems = Callable[[], Iterable[tuple[int, Any] | BadLine]]
BATCH_SIZE = 5_000
BATCH_SECONDS = 2.0  # a batch is saved at the latest this long after its first event was decided: on
                     # PostgreSQL the store refuses a recorded time 10 s from its clock (store_stamps)
MAX_REPORTED = 1_000  # bad lines named one by one; beyond that they are only counted
PAGE = 1_000
FULL_HISTORY_KINDS = ("revolving", "minimum_borrowing")


class EventStore(Protocol):
    def get(self, originator_id: UUID, gt: int | None = None, limit: int | None = None) -> Iterable[FacilityEvent]: ...


class DecidingLedger(Protocol):
    """What the import asks of the ledger (cli.application.ledger.Ledger)."""

    events: EventStore

    def today(self, zone: str) -> date: ...

    def _decide(self, facility: Facility, fact: Any, meta: Meta,
                events: Callable[[], Iterable[FacilityEvent]] | None = None) -> Recorded: ...

    def opening(self, code: str) -> Any: ...

    def authors(self, actor: str) -> dict[str, str | None]: ...

    def save(self, *facilities: Facility) -> Any: ...


class Progress(Protocol):
    def start(self, phase: str) -> None: ...
    def advance(self, lines: int) -> None: ...


class ImportRefused(LedgerError):
    def __init__(self, bad: list[BadLine], more: int = 0) -> None:
        self.bad, self.more = bad, more
        extra = f" ({more} more not listed)" if more else ""
        super().__init__(f"{len(bad) + more} bad record(s){extra}; nothing was imported")


class ImportInterrupted(LedgerError):
    """Pass 2 failed after some batches were saved: what is saved is whole and is skipped next time."""


class _Conflict(Exception):
    """Another writer saved one of the batch's facilities first; `saved` events landed before."""

    def __init__(self, codes: list[str], saved: int) -> None:
        super().__init__(codes, saved)
        self.codes, self.saved = codes, saved


@dataclass
class ImportResult:
    recorded: int
    duplicates: int
    facilities: list[str]


@dataclass
class Entry:
    """One facility as the import sees it: the aggregate, what was stored before the import, and
    (for a facility whose commitment rule asks the engine) every event so far, on disk."""

    facility: Facility | None
    stored_open: bool
    seen: Seen
    archive: Archive | None = None

    def events(self) -> list[FacilityEvent]:
        if self.archive is None:  # the scan found no revolver: no rule asks the engine
            raise AssertionError(f"{self.facility.code if self.facility else '?'} has no archive of its events")
        return self.archive.events()

    def keep(self, event: FacilityEvent) -> None:
        if self.archive is not None:
            self.archive[event.version] = event


class Importer:
    """One import, or with `partition` the records of the facilities in that partition (the
    lines that belong to no facility go to partition 1): N importers of partitions 1..N in N
    processes together import the file (cli.application.import_processes)."""

    def __init__(self, ledger: DecidingLedger, raw: RawItems, actor: str, progress: Progress | None = None,
                 batch_size: int = BATCH_SIZE, partition: Partition | None = None) -> None:
        self.ledger, self.raw, self.actor = ledger, raw, actor
        self.progress, self.batch_size = progress, batch_size
        self.partition = partition
        self._held: dict[str, bool] = {}  # facility code -> in this importer's partition
        self.full_history: set[str] = set()
        self.conflicts = 0  # version conflicts retried, for the tests and the reliability figures

    def run(self) -> ImportResult:
        bad, count = self.check()
        if count:
            raise ImportRefused(bad, count - len(bad))
        return self.write()

    def check(self) -> tuple[list[BadLine], int]:
        """Pass 0 and pass 1: the bad lines (the first MAX_REPORTED, in line order) and how many
        there are; nothing is written."""
        self.full_history = self._scan()
        try:
            return self._validate()
        except Exception as error:
            if not _is_database_fault(error):
                raise
            raise ImportInterrupted(f"database error: {_first_line(error)}; nothing was imported: "
                                    "run the import again") from None

    def write(self) -> ImportResult:
        """Pass 2, after `check` found nothing wrong (`full_history` is the scan's)."""
        landed = 0  # events saved by attempts that later met a conflict (the next attempt skips them)
        for attempt in range(ATTEMPTS):
            try:
                result = self._write_reporting_faults(landed)
            except _Conflict as conflict:
                landed += conflict.saved
                self.conflicts += 1
                if attempt == ATTEMPTS - 1:
                    raise ImportInterrupted(
                        f"{', '.join(conflict.codes)} kept changing under other writers; gave up after "
                        f"{ATTEMPTS} attempts with {landed} event(s) written: run the import again "
                        "(what is stored is skipped)") from None
                pause(attempt)
                continue
            return ImportResult(result.recorded + landed, result.duplicates - landed, result.facilities)
        raise AssertionError("unreachable")

    def _write_reporting_faults(self, landed: int) -> ImportResult:
        """Pass 2; a database fault (every connection lost, a full disk...) says how much landed and
        that a rerun resumes: it skips every stored record (by reference, or by content)."""
        self._saved = 0
        try:
            return self._write()
        except Exception as error:
            if not _is_database_fault(error) and not isinstance(error, LedgerBusy):
                raise
            # a lock wait's own message ends "nothing was recorded: try again": true of the batch only
            cause = str(error).split(";")[0] if isinstance(error, LedgerBusy) else f"database error: {_first_line(error)}"
            raise ImportInterrupted(
                f"{cause}; {landed + self._saved} event(s) of this file were written before it: run the "
                "import again, it skips what is stored and resumes") from None

    # ---- the three passes -----------------------------------------------------------------

    def _scan(self) -> set[str]:
        codes = set()
        for item in self._items("checking"):
            if isinstance(item, BadLine):
                continue
            _, raw = item
            if isinstance(raw, dict) and raw.get("type") == "NoteIssued" \
                    and raw.get("kind") in FULL_HISTORY_KINDS and isinstance(raw.get("facility"), str):
                codes.add(raw["facility"])
        return codes

    def _validate(self) -> tuple[list[BadLine], int]:
        entries: dict[str, Entry] = {}
        bad: list[BadLine] = []
        count = 0
        for record in self._pass("validating"):
            problem = record if isinstance(record, BadLine) else self._try(entries, record)
            if problem is not None:
                count += 1
                if len(bad) < MAX_REPORTED:
                    bad.append(problem)
        return sorted(bad, key=lambda b: b.line), count

    def _write(self) -> ImportResult:
        entries: dict[str, Entry] = {}
        recorded = duplicates = pending = saved = 0
        started = time.monotonic()
        for record in self._pass("writing"):
            if isinstance(record, BadLine):
                raise ImportInterrupted(f"the file changed during the import ({record}); {saved} event(s) "
                                        "were written: fix it and run the import again")
            try:
                is_new = self._decide(entries, record)
            except LedgerError as error:
                raise ImportInterrupted(
                    f"line {record.line}: {error} (the ledger changed during the import); {saved} "
                    "event(s) were written: run the import again, what is stored is skipped") from None
            recorded += is_new
            duplicates += not is_new
            if is_new and not pending:
                started = time.monotonic()
            pending += is_new
            if pending >= self.batch_size or (pending and time.monotonic() - started >= BATCH_SECONDS):
                saved += self._save(entries, saved)
                self._saved = saved
                pending = 0
        self._save(entries, saved)
        return ImportResult(recorded, duplicates, sorted(entries))

    # ---- deciding one record --------------------------------------------------------------

    def _try(self, entries: dict[str, Entry], record: Record) -> BadLine | None:
        try:
            self._decide(entries, record)
        except LedgerError as error:
            return BadLine(record.line, f"{record.type} on {record.facility}: {error}")
        entry = entries[record.facility]
        if entry.facility is not None:
            entry.facility.collect_events()  # decided and checked; pass 2 records it for real
        return None

    def _decide(self, entries: dict[str, Entry], record: Record) -> bool:
        """Decide one record; True if it is new, False if it is already recorded."""
        entry = entries.get(record.facility) or self._load(entries, record.facility)
        if isinstance(record.fact, OpenFacility):
            return self._open(entry, record)
        if entry.facility is None:
            raise UnknownFacility(record.facility)
        if record.reference is None:
            content = content_key(record)
            if entry.seen.take(content):
                return False
        outcome = self.ledger._decide(entry.facility, record.fact, Meta(self.actor, record.source, record.reference),
                                      entry.events)
        if outcome.event is not None:
            entry.keep(outcome.event)
        return not outcome.duplicate

    def _open(self, entry: Entry, record: Record) -> bool:
        if entry.facility is not None:
            opened = self.ledger.opening(record.facility) if entry.stored_open else None
            if opened is not None and repeats_opening(opened, record.fact, reference=record.reference,
                                                      source=record.source, by_content=True):
                return False
            raise DuplicateFacility(record.facility)
        fact = record.fact
        entry.facility = Facility.open(
            fact, today=self.ledger.today(fact.timezone), **self.ledger.authors(self.actor),
            source=record.source, reference=record.reference,
        )
        self._references_on_disk(entry.facility)
        if self._needs_history(entry.facility):
            entry.archive = self._archive(record.facility)
        entry.keep(entry.facility.pending_events[0])
        return True

    # ---- loading and saving ---------------------------------------------------------------

    def _load(self, entries: dict[str, Entry], code: str) -> Entry:
        """The stored facility, read a page at a time; a facility that needs its events is read
        again into the archive (a stored revolver can be found only by reading)."""
        entry = self._replay(code)
        if entry.facility is not None and self._needs_history(entry.facility):
            entry = self._replay(code, self._archive(code))
        entries[code] = entry
        return entry

    def _replay(self, code: str, archive: Archive | None = None) -> Entry:
        entry = Entry(None, False, self.spill.seen(code), archive)
        entry.seen.clear()
        last = 0
        while True:
            page = list(self.ledger.events.get(facility_id(code), gt=last, limit=PAGE))
            for event in page:
                if entry.facility is None:
                    entry.facility = event.mutate(None)
                    self._references_on_disk(entry.facility)
                else:
                    event.mutate(entry.facility)
                entry.keep(event)
                if event.reference is None:
                    entry.seen.add(_digest([type(event).__name__, event.fact_fields(), event.source]))
            if len(page) < PAGE:
                entry.stored_open = entry.facility is not None
                return entry
            last = page[-1].originator_version

    def _references_on_disk(self, facility: Facility) -> None:
        """The aggregate takes any mapping for its references: a long import keeps them on disk."""
        on_disk = self.spill.references(facility.code)
        on_disk.update(facility.references)
        facility.references = on_disk

    def _archive(self, code: str) -> Archive:
        archive = self.spill.archive(code)
        archive.clear()
        return archive

    def _needs_history(self, facility: Facility) -> bool:
        """Whether the facility's commitment rule may ask the engine, which replays every event."""
        return facility.code in self.full_history or any(
            n.kind.value in FULL_HISTORY_KINDS for n in facility.notes.values())

    def _save(self, entries: dict[str, Entry], saved: int) -> int:
        changed = [e.facility for e in entries.values() if e.facility is not None and e.facility.pending_events]
        count = sum(len(f.pending_events) for f in changed)
        if not changed:
            return 0
        try:
            self.ledger.save(*changed)
        except IntegrityError:
            raise _Conflict(sorted(f.code for f in changed), saved) from None
        return count

    # ---- reading --------------------------------------------------------------------------

    def _items(self, phase: str) -> Iterator[tuple[int, Any] | BadLine]:
        if self.progress is not None:
            self.progress.start(phase)
        last = 0
        for item in self.raw():
            line = item.line if isinstance(item, BadLine) else item[0]
            if self.progress is not None and line > last:
                self.progress.advance(line - last)
                last = line
            if self.partition is None or self._holds(item):
                yield item

    def _holds(self, item: tuple[int, Any] | BadLine) -> bool:
        """Whether the line is this partition's: its facility's, or (a line naming no facility
        as text) partition 1's."""
        code = item[1].get("facility") if not isinstance(item, BadLine) and isinstance(item[1], dict) else None
        if not isinstance(code, str):
            return self.partition is not None and self.partition.k == 1
        held = self._held.get(code)
        if held is None:
            held = self._held[code] = self.partition is not None and self.partition.holds(facility_id(code))
        return held

    def _pass(self, phase: str) -> Iterator[Record | BadLine]:
        """One pass over the records, with a fresh spill file for what it must remember."""
        self.spill = SpillFile()
        try:
            yield from self._records(phase)
        finally:
            self.spill.close()

    def _records(self, phase: str) -> Iterator[Record | BadLine]:
        for item in self._items(phase):
            yield item if isinstance(item, BadLine) else parse_record(*item)


def _is_database_fault(error: Exception) -> bool:
    """What cli.commands.app.database_fault shows as "database error: ..." (not a bug)."""
    return isinstance(error, PersistenceError) or type(error).__module__.startswith(("psycopg", "sqlite3"))


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def content_key(record: Record) -> bytes:
    return _digest([record.type, record.fact.model_dump(mode="json"), record.source])


_digest = content_digest
