"""The events table read raw through the recorder, for `verify` and `audit head`: rows exactly as
stored, never decoded by the application's mapper."""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from domain.facility import facility_id
from projections.integrity import StoredRow

PAGE = 1000


def stored_rows(ledger: Any, code: str | None = None) -> list[StoredRow]:
    """One facility's rows (by its stream id), or every row in the ledger, in stored order."""
    if code is not None:
        return [_row(e) for e in ledger.recorder.select_events(facility_id(code))]
    return list(_all_rows(ledger))


def stored_streams(ledger: Any, code: str | None = None) -> Iterator[tuple[UUID, list[StoredRow]]]:
    """The rows stream by stream, so that only one facility's rows are in memory at a time.

    A first pass over the notification log (in pages) finds every stream id that has rows, in
    order of first appearance: a stream whose FacilityOpened was deleted is found too. Then each
    stream's rows are read on their own (`select_events`). Memory: the set of stream ids (about
    200 bytes per facility) plus the largest stream."""
    if code is not None:
        rows = stored_rows(ledger, code)
        if rows:
            yield rows[0].stream, rows
        return
    ids: dict[UUID, None] = {}
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=PAGE)
        ids.update((n.originator_id, None) for n in page)
        if len(page) < PAGE:
            break
        start = page[-1].id + 1
    for stream_id in ids:
        yield stream_id, [_row(e) for e in ledger.recorder.select_events(stream_id)]


def _all_rows(ledger: Any) -> Iterator[StoredRow]:
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=PAGE)
        yield from (_row(n) for n in page)
        if len(page) < PAGE:
            return
        start = page[-1].id + 1


def _row(stored: Any) -> StoredRow:
    return StoredRow(stored.originator_id, stored.originator_version, stored.topic, _bytes(stored.state))


def _bytes(state: Any) -> bytes:
    """Rows are written as bytes; one edited by hand may hold text (SQLite keeps what it is given)."""
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)
