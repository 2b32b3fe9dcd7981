"""Keeping the read models up to date: the library's Projection for a ProjectionRunner (events
pushed by PostgreSQL LISTEN/NOTIFY), and a pull-based catch-up over `select_notifications` for
SQLite, for rebuilds and for the cheap refresh after a recording command.

Both compute rows the same way (`changes_for`) and commit them with the tracking position in one
transaction (views.ReadModelView.apply).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from cli.application.ledger import Ledger
from domain.events import EventReversed, FacilityEvent, FacilityOpened

from cli.persistence.notification_log import notifications
from cli.persistence.partitions import Partition
from cli.persistence.readmodel_schema import BATCH
from projections.readmodels.changes import Changes, journal_row, reversals
from projections.readmodels.facility_figures import facility_figures
from cli.persistence.readmodel_tables import PositionMoved, ReadModelView


Progress = Callable[[int], None]


def changes_for(batch: Sequence[tuple[int, FacilityEvent]], source: Ledger,
                later: Mapping[UUID, int] | None = None, pool: Executor | None = None) -> Changes:
    """Rows for a batch of (notification id, event): the journal rows of these events, and the
    summary and portfolio steps of every facility they touch, from its stream up to the batch.

    `later` (facility id -> notification id of its last event still to be applied, when known):
    a facility with an event after this batch gets its summary and steps from that later batch
    instead, computed once from its whole stream (a rebuild of interleaved histories would
    otherwise replay each facility once per batch it appears in). `pool`: compute the facilities'
    figures in other processes."""
    by_facility: dict[UUID, list[tuple[int, FacilityEvent]]] = {}
    for notification_id, event in batch:
        by_facility.setdefault(event.originator_id, []).append((notification_id, event))
    changes = Changes()
    streams = []
    for facility, pairs in by_facility.items():
        events = [e for _, e in pairs]
        deferred = later is not None and later.get(facility, 0) > pairs[-1][0]
        first = events[0].version == 1
        stream = events if first or deferred else _stream(source, facility, events[-1].version)
        opened = stream[0]
        code = opened.code if isinstance(opened, FacilityOpened) else _code(source, facility)
        changes.journal.extend(journal_row(e, code, n) for n, e in pairs)
        if deferred:
            continue
        streams.append(stream)
        if any(isinstance(e, EventReversed) for e in (stream if later is not None else events)):
            changes.reversals.extend(reversals(stream))
    changes.facilities.extend(_figures(streams, pool))
    return changes


def _figures(streams: list[list[FacilityEvent]], pool: Executor | None) -> Iterable[Any]:
    if pool is None or len(streams) < 2:
        return [facility_figures(s) for s in streams]
    return pool.map(facility_figures, streams, chunksize=max(1, len(streams) // 16))


def _code(source: Ledger, facility: UUID) -> str:
    first = source.recorder.select_events(facility, lte=1)
    return source.mapper.to_domain_event(first[0]).code if first else str(facility)


def _stream(source: Ledger, facility: UUID, upto_version: int) -> list[FacilityEvent]:
    stored = source.recorder.select_events(facility, lte=upto_version)
    return [source.mapper.to_domain_event(s) for s in stored]


def last_events(source: Ledger, after: int, head: int, page: int = 10 * BATCH) -> dict[UUID, int]:
    """Facility id -> notification id of its last event in (after, head]: one pass over the log."""
    return {n.originator_id: n.id for n in notifications(source.recorder, after, stop=head, limit=page)}


def catch_up(view: ReadModelView, source: Ledger, *, batch: int = BATCH, progress: Progress | None = None,
             should_stop: Callable[[], bool] = lambda: False, pool: Executor | None = None,
             partition: Partition | None = None) -> int:
    """Apply every event after the tracked position, a batch per transaction. Returns how many
    (with a partition: how many of the log's events it went past, its facilities' or not).

    When more than one batch is behind, a first pass over the log finds each facility's last
    event, so that each facility is replayed once, in the batch of its last event (changes_for).
    Stopped or killed in between, the next catch-up resumes from the tracked position: a facility
    whose summary was deferred has events after it, so a later batch computes it.

    `partition`: only the facilities it holds get rows; its own position moves over every event
    (ReadModelView.apply), so N partitions together apply each event exactly once."""
    applied = 0
    head = source.recorder.max_notification_id() or 0
    start = view.position(partition)
    later = last_events(source, start, head) if head - start > batch else None
    while not should_stop():
        after = view.position(partition)
        page = source.recorder.select_notifications(start=after, limit=batch, inclusive_of_start=False)
        if not page:
            return applied
        mine = page if partition is None else [n for n in page if partition.holds(n.originator_id)]
        pairs = [(n.id, source.mapper.to_domain_event(n)) for n in mine]
        try:
            view.apply(changes_for(pairs, source, later, pool),
                       after=after, upto=page[-1].id, partition=partition)
        except PositionMoved:
            later = None  # someone else moved the position: no assumption about what follows
            continue
        applied += len(page)
        if progress is not None:
            progress(len(page))
    return applied


class ReadModels(Projection[ReadModelView]):
    """For eventsourcing's ProjectionRunner: one event per transaction, in notification order.

    `source` (the ledger application: recorder and mapper) is set on a subclass by whoever runs
    the projection, because the runner constructs the projection with its view only.
    """

    name = "ReadModels"
    source: ClassVar[Ledger | None] = None

    def __init__(self, view: ReadModelView) -> None:
        super().__init__(view)
        self.after = view.position()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        assert self.source is not None, "set ReadModels.source on a subclass before running it"
        changes = changes_for([(tracking.notification_id, domain_event)], self.source)
        self.view.apply(changes, after=self.after, upto=tracking.notification_id)
        self.after = tracking.notification_id
