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


def stream_ids(ledger: Any) -> dict[UUID, int]:
    """Every stream id that has rows, in order of first appearance, with its number of rows: one
    pass over the notification log in pages (a stream whose FacilityOpened was deleted is found
    too). About 200 bytes per facility."""
    ids: dict[UUID, int] = {}
    start = 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=PAGE)
        for n in page:
            ids[n.originator_id] = ids.get(n.originator_id, 0) + 1
        if len(page) < PAGE:
            return ids
        start = page[-1].id + 1


def stream_rows(ledger: Any, stream_id: UUID) -> list[StoredRow]:
    return [_row(e) for e in ledger.recorder.select_events(stream_id)]


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
