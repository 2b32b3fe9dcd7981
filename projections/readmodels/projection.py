"""Keeping the read models up to date: the library's Projection for a ProjectionRunner (events
pushed by PostgreSQL LISTEN/NOTIFY), and a pull-based catch-up over `select_notifications` for
SQLite, for rebuilds and for the cheap refresh after a recording command.

Both compute rows the same way (`changes_for`) and commit them with the tracking position in one
transaction (views.ReadModelView.apply).
"""

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from domain.events import EventReversed, FacilityEvent, FacilityOpened

from projections.readmodels.schema import BATCH
from projections.readmodels.changes import Changes, journal_row, reversals
from projections.readmodels.facility_figures import facility_figures
from projections.readmodels.views import PositionMoved, ReadModelView


Progress = Callable[[int], None]


def changes_for(batch: Sequence[tuple[int, FacilityEvent]], source: Any) -> Changes:
    """Rows for a batch of (notification id, event): the journal rows of these events, and the
    summary and portfolio steps of every facility they touch, from its stream up to the batch."""
    by_facility: dict[Any, list[tuple[int, FacilityEvent]]] = {}
    for notification_id, event in batch:
        by_facility.setdefault(event.originator_id, []).append((notification_id, event))
    changes = Changes()
    for facility, pairs in by_facility.items():
        events = [e for _, e in pairs]
        stream = events if events[0].version == 1 else _stream(source, facility, events[-1].version)
        opened = stream[0]
        code = opened.code if isinstance(opened, FacilityOpened) else str(facility)
        changes.facilities.append(facility_figures(stream))
        changes.journal.extend(journal_row(e, code, n) for n, e in pairs)
        if any(isinstance(e, EventReversed) for e in events):
            changes.reversals.extend(reversals(stream))
    return changes


def _stream(source: Any, facility: Any, upto_version: int) -> list[FacilityEvent]:
    stored = source.recorder.select_events(facility, lte=upto_version)
    return [source.mapper.to_domain_event(s) for s in stored]


def catch_up(view: ReadModelView, source: Any, *, batch: int = BATCH, progress: Progress | None = None,
             should_stop: Callable[[], bool] = lambda: False) -> int:
    """Apply every event after the tracked position, a batch per transaction. Returns how many."""
    applied = 0
    while not should_stop():
        after = view.position()
        page = source.recorder.select_notifications(start=after, limit=batch, inclusive_of_start=False)
        if not page:
            return applied
        pairs = [(n.id, source.mapper.to_domain_event(n)) for n in page]
        try:
            view.apply(changes_for(pairs, source), after=after, upto=page[-1].id)
        except PositionMoved:
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
    source: ClassVar[Any] = None

    def __init__(self, view: ReadModelView) -> None:
        super().__init__(view)
        self.after = view.position()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        changes = changes_for([(tracking.notification_id, domain_event)], self.source)
        self.view.apply(changes, after=self.after, upto=tracking.notification_id)
        self.after = tracking.notification_id
