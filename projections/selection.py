"""Which events count: those known at T (recorded at or before T), minus reversed ones.

Reversals are read from the highest version down: an event is active unless an active
EventReversed targets it, so reversing a reversal reinstates the original (the contract §2).
"""

from collections.abc import Iterable
from datetime import datetime, timezone
from operator import attrgetter

from domain.events import EventReversed, FacilityEvent


_VERSION = attrgetter("originator_version")


def known(events: Iterable[FacilityEvent], known_at: datetime | None) -> list[FacilityEvent]:
    ordered = sorted(events, key=_VERSION)
    if known_at is None:
        return ordered
    instant = as_utc(known_at)
    return [e for e in ordered if as_utc(e.recorded_at) <= instant]


def active(events: Iterable[FacilityEvent], known_at: datetime | None = None) -> list[FacilityEvent]:
    """The known events that are not cancelled, in version (record) order; reversals removed."""
    cancelled: set[int] = set()
    kept: list[FacilityEvent] = []
    for event in reversed(known(events, known_at)):
        if event.originator_version in cancelled:
            continue
        if type(event) is EventReversed:
            cancelled.add(event.target)
        else:
            kept.append(event)
    kept.reverse()
    return kept


def as_utc(instant: datetime) -> datetime:
    """The instant in UTC: an aware one converted, a naive one read as UTC."""
    if instant.tzinfo is timezone.utc:
        return instant
    return instant.astimezone(timezone.utc) if instant.tzinfo else instant.replace(tzinfo=timezone.utc)
