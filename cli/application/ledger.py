"""The ledger application: loads a facility, lets it decide, saves what it recorded.

One `eventsourcing` Application over SQLite or PostgreSQL. Events are stored as the readable JSON
of their pydantic models (dates, decimals, enums and nested terms round-trip exactly).
A version conflict (another writer saved first) is retried by reloading and deciding again.
"""

import json
import random
import time
from collections.abc import Callable, Iterable
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application, project_aggregate
from eventsourcing.persistence import IntegrityError, InternalError, JSONTranscoder, PersistenceError, Mapper, StoredEvent
from eventsourcing.utils import get_topic, resolve_topic

from cli.application.conflicts import ATTEMPTS, pause
from cli.application.meta import Meta
from cli.persistence.faults import (CannotConnect, bound_lock_waits, busy, connection_problem, is_lock_timeout,
                                   own_retries, write_denied)
from cli.persistence.notification_log import notifications
from cli.persistence import store_stamps
from cli.persistence.storage import STORE_STAMPS, Database, _redacted
from domain.errors import DuplicateFacility, LedgerError, UnknownFacility
from domain.events import FacilityEvent, FacilityOpened
from domain.facility import Facility, PrincipalOf, Recorded, decide, facility_id, repeats_opening
from domain.facts import Fact, OpenFacility

if TYPE_CHECKING:
    from cli.application.importing import ImportResult, Progress, RawItems

__all__ = ["ImportInterrupted", "ImportRefused", "ImportResult", "Ledger", "Meta"]


def __getattr__(name: str) -> Any:
    """ImportInterrupted, ImportRefused, ImportResult: cli.application.importing's, loaded on first
    use (a recording command never imports; docs/architecture.md, "Start-up")."""
    if name in ("ImportInterrupted", "ImportRefused", "ImportResult"):
        from cli.application import importing  # start-up: only when an import is run or refused

        return getattr(importing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


STARTUP_ATTEMPTS = 5


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
        return resolve_topic(stored_event.topic).from_stored(stored_event.state)


class WriteRefused(LedgerError):
    pass


class ConflictPersisted(LedgerError):
    pass


# The facility's events so far (stored and pending), read only when a rule asks the engine.
EventsSoFar = Callable[[], Iterable[FacilityEvent]]
PrincipalProvider = Callable[[EventsSoFar], PrincipalOf | None]


class Ledger(Application[UUID]):
    name = "Ledger"  # the PostgreSQL table is ledger_events, whatever subclass opens it
    stamped_by_store = False  # PostgreSQL: the events table has the store's stamps (store_stamps)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = "Ledger"

    def __init__(
        self, db: Database, *, now: Callable[[], datetime] | None = None,
        principal_provider: PrincipalProvider | None = None,
    ) -> None:
        self.db = db
        try:
            super().__init__(env=db.env)
        except PersistenceError as error:
            if is_lock_timeout(error):  # the start-up DDL waited for another session's lock
                raise busy(db.env.get("POSTGRES_LOCK_TIMEOUT", "10")) from None
            problem = connection_problem(db.env, _redacted(db.url)) if db.is_postgres else None
            if problem is None:
                raise
            raise CannotConnect(problem) from None
        self.now = now or (lambda: datetime.now(timezone.utc))
        self.principal_provider = principal_provider or (lambda facility: None)
        self.conflicts = 0  # version conflicts retried by `record`, for the reliability figures

    def construct_recorder(self) -> Any:
        """The library creates its tables and functions at start-up ('IF NOT EXISTS', 'OR
        REPLACE'); PostgreSQL refuses the same DDL run at once by two sessions ("tuple
        concurrently updated", or a duplicate catalog key), so processes starting together retry."""
        for attempt in range(STARTUP_ATTEMPTS):
            try:
                recorder = super().construct_recorder()
                own_retries(recorder, self.db.env.get("POSTGRES_LOCK_TIMEOUT", "10"))
                if self.db.is_postgres:
                    self._stamped_by_store(recorder)
                return recorder
            except (InternalError, IntegrityError):
                if attempt == STARTUP_ATTEMPTS - 1:
                    raise
                time.sleep(random.uniform(0.01, 0.2))
        raise AssertionError("unreachable")

    def _stamped_by_store(self, recorder: Any) -> None:
        """On PostgreSQL the store stamps every event (cli.persistence.store_stamps): installed
        when this ledger creates its tables, and then every insert goes through the store's append
        function. A ledger created by an older version keeps the library's insert until its owner
        runs `db roles`."""
        stamped = self.db.env.get(STORE_STAMPS) == "true"
        if not stamped and self.factory.env_create_table():
            with recorder.datastore.transaction(commit=True) as cursor:
                schema = recorder.datastore.schema
                if not store_stamps.installed(cursor, schema):
                    store_stamps.install(cursor, schema, recorder.stored_event_type_name)
            stamped = True
        if stamped:
            store_stamps.append_through_store(recorder)
        self.stamped_by_store = stamped

    def construct_factory(self, env: Any) -> Any:
        factory = super().construct_factory(env)
        bound_lock_waits(factory, self.db.env.get("POSTGRES_LOCK_TIMEOUT", "10"))
        return factory

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """The library's save; a write this role may not make is named as such.

        On PostgreSQL the library writes in a pipeline, so a refused LOCK or INSERT can surface
        only as "pipeline aborted": the cause is then asked of the server, not guessed.
        """
        try:
            return super().save(*objs, **kwargs)
        except Exception as error:
            denied = write_denied(self.recorder) if self.db.is_postgres and "pipeline aborted" in str(error) else None
            if denied:
                raise WriteRefused(denied) from None
            raise

    def construct_mapper(self) -> Mapper[UUID]:
        return EventMapper(transcoder=JSONTranscoder())

    # ---- writing --------------------------------------------------------------------------

    def open_facility(self, fact: OpenFacility, meta: Meta) -> Recorded:
        existing = self.opening(fact.code)
        if existing is not None:
            if repeats_opening(existing, fact, reference=meta.reference, source=meta.source, by_content=False):
                return Recorded(existing, duplicate=True)
            raise DuplicateFacility(fact.code)
        facility = Facility.open(
            fact, today=self.today(fact.timezone), **self.authors(meta.recorded_by),
            source=meta.source, reference=meta.reference,
        )
        opened = facility.pending_events[0]
        try:
            self.save(facility)
        except IntegrityError:
            raise DuplicateFacility(fact.code) from None
        return Recorded(opened)  # type: ignore[arg-type]

    def record(self, code: str, fact: Fact, meta: Meta) -> Recorded:
        """Decide and save; on a version conflict reload and decide again (bounded, with backoff)."""
        mine: FacilityEvent | None = None
        for attempt in range(ATTEMPTS):
            facility = self.facility(code)
            if mine is not None and self._landed(facility, mine):
                return Recorded(mine)  # saved, though the reply was lost: do not record it twice
            outcome = self._decide(facility, fact, meta)
            if outcome.duplicate:
                return Recorded(self._event_at(facility, outcome.version), duplicate=True, version=outcome.version)
            mine = outcome.event
            try:
                self.save(facility)
                return outcome
            except IntegrityError:
                self.conflicts += 1
                pause(attempt)
        raise ConflictPersisted(
            f"{code} kept changing under other writers; gave up after {ATTEMPTS} attempts "
            "(nothing was recorded: run the command again)"
        )

    def _decide(self, facility: Facility, fact: Fact, meta: Meta, events: EventsSoFar | None = None) -> Recorded:
        """Let the facility's command for `fact` decide it. `events`: the facility's events so far,
        should the engine be asked (by default the stored ones as loaded, then the pending ones)."""
        return decide(
            facility, fact, today=self.today(facility.timezone),
            **self.authors(meta.recorded_by), source=meta.source, reference=meta.reference,
            principal_of=self.principal_provider(events or self._events_so_far(facility)),
        )

    def authors(self, actor: str) -> dict[str, str | None]:
        """Who records, as stored: on PostgreSQL the session's role (the store refuses any other
        name, cli.persistence.store_stamps), with the actor the user named (`--actor`) kept as
        `on_behalf_of`; on SQLite, which has no roles, the actor itself."""
        if self.db.is_postgres:
            return {"recorded_by": self.db.env["POSTGRES_USER"], "on_behalf_of": actor}
        return {"recorded_by": actor, "on_behalf_of": None}

    def _events_so_far(self, facility: Facility) -> EventsSoFar:
        loaded = facility.version - len(facility.pending_events)

        def events() -> list[FacilityEvent]:
            stored = self.events.get(facility.id, lte=loaded) if loaded else ()
            return [*stored, *facility.pending_events]  # type: ignore[list-item]

        return events

    def _event_at(self, facility: Facility, version: int) -> FacilityEvent | None:
        found = list(self.events.get(facility.id, gt=version - 1, lte=version))
        return found[0] if found else None  # type: ignore[return-value]

    def _landed(self, facility: Facility, event: FacilityEvent) -> bool:
        stored = self._event_at(facility, event.version) if event.version <= facility.version else None
        return stored is not None and stored.chain_hash == event.chain_hash

    def import_records(
        self, raw: "RawItems", actor: str, progress: "Progress | None" = None, batch_size: int | None = None,
    ) -> "ImportResult":
        """Import the records that `raw()` yields (it is called once per pass): every record is
        validated before anything is written, then the file is written in batches (of
        importing.BATCH_SIZE unless given), skipping what is already stored (see
        cli.application.importing)."""
        from cli.application.importing import BATCH_SIZE, Importer  # start-up: only when importing

        return Importer(self, raw, actor, progress, BATCH_SIZE if batch_size is None else batch_size).run()

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

    def opening(self, code: str) -> FacilityOpened | None:
        """The stored opening of a facility (its first event), or None."""
        return next(iter(self.events.get(facility_id(code), lte=1)), None)  # type: ignore[arg-type]

    def facility_with_events(self, code: str) -> tuple[Facility, list[FacilityEvent]]:
        """The facility and the events it was built from, read once."""
        events = self.facility_events(code)
        return project_aggregate(None, events), events  # type: ignore[arg-type, return-value]

    def facility_events(self, code: str) -> list[FacilityEvent]:
        events = list(self.events.get(facility_id(code)))
        if not events:
            raise UnknownFacility(code)
        return events  # type: ignore[return-value]

    def facilities(self) -> list[FacilityOpened]:
        topic = get_topic(FacilityOpened)
        opened: list[FacilityOpened] = [
            self.mapper.to_domain_event(n)  # type: ignore[misc]
            for n in notifications(self.recorder, topics=[topic], limit=500)
        ]
        return sorted(opened, key=lambda e: e.code)

    def today(self, zone: str) -> date:
        return self.now().astimezone(ZoneInfo(zone)).date()

