"""verify as a use case: the stored rows of one facility or all, checked (chains, versions,
replay, stated figures) and held against the read models, for `loanledger verify` and the web
view alike (one code path; the JSON is projections.json_views.verification_json)."""

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from cli.application.processes import pool, wanted
from cli.application.readmodel_sync import close_view, open_view
from cli.persistence.partitions import Partition
from domain.errors import UnknownFacility
from domain.facility import facility_id


def stored_models(book: Any, closing: ExitStack,
                  partition: Partition | None = None) -> tuple[Callable[[Any], Any] | None, str | None]:
    """A function from a stream id to its rows in the read models, to hold against the fold
    (the contract §4), or None with a note when they cannot be compared: not built yet, or behind the
    events (then there is nothing to hold against them). The view closes with `closing`."""
    try:
        view = open_view(book.db)
    except Exception as error:  # noqa: BLE001 - e.g. an auditor role that cannot create them
        return None, f"read models not compared: {str(error).splitlines()[0]}"
    closing.callback(close_view, view)
    head = book.recorder.max_notification_id() or 0
    if view.stale_rules():
        return None, (f"read models not compared: they were computed by rules edition {view.rules_edition()} "
                      "(run 'loanledger projections rebuild')")
    position = view.position(partition)
    if position < head:
        lag = head - position
        return None, (f"read models not compared: they are {lag} event(s) behind "
                      "(run 'loanledger projections run' or 'projections rebuild')")

    def rows_of(stream_id: Any) -> tuple[Any, list[Any], list[Any], list[Any]]:
        summary, journal, steps, lenders = view.facility_rows(str(stream_id))
        return (summary[0] if summary else None, journal, steps, lenders)

    return rows_of, None


def read_model_facilities(book: Any) -> dict[str, str]:
    """facility id -> code of every facility the read models list (they must all have events)."""
    view = open_view(book.db)
    try:
        return {s.facility_id: s.code for s in view.summaries()}
    finally:
        close_view(view)


def verify(book: Any, code: str | None = None, expect: str | None = None, processes: int = 0,
           at: Any = None, partition: Partition | None = None) -> tuple[Any, str | None]:
    """The verification (projections.verification) and a note: the read models not compared, or
    what the store's stamps could not prove (None when there is nothing to say). `at`: the
    instant a head (`expect`) was kept. `partition`: only the streams it holds (all facilities:
    the N partitions' findings together are one whole verification's)."""
    from cli.persistence.stored_rows import stored_rows, stream_ids, stream_rows  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.persistence.market_store import market_stored_rows, stored_index_rows  # start-up: deferred (docs/architecture.md, "Start-up")
    from projections.verification import (  # start-up: deferred (docs/architecture.md, "Start-up")
        stray_findings, verify_streams, with_findings, with_index_streams)

    with ExitStack() as closing:
        models, note = stored_models(book, closing, partition)
        listed = read_model_facilities(book) if models is not None else {}
        if partition is not None:
            listed = {k: v for k, v in listed.items() if partition.holds(k)}
        malformed: list[tuple[str, int]] = []
        indexes: set[str] | None = None  # the index streams to check: all of them, or those CODE reads
        if code is not None:
            rows = stored_rows(book, code)
            indexes = {f"index:{name}" for name in _indexes_named(rows)}
            if not rows and expect is None and str(facility_id(code)) not in listed:
                raise UnknownFacility(code)
            groups: Any = [(rows[0].stream, rows)] if rows else []
            events = len(rows)
            listed = {k: v for k, v in listed.items() if k == str(facility_id(code))}
        else:
            ids = stream_ids(book)
            mine = [s for s in ids.well_formed if partition is None or partition.holds(s)]
            groups = ((stream_id, stream_rows(book, stream_id)) for stream_id in mine)
            events = sum(ids.well_formed[s] for s in mine)
            malformed = [m for m in ids.malformed if partition is None or partition.holds(m[0])]
        count = wanted(processes, events)
        market = market_stored_rows(book.recorder, book.db.is_postgres)  # read once: the engine's fixings and the index streams' check
        with pool(count) as executor:
            result = verify_streams(groups, code=code, expect=expect, read_models=models, pool=executor,
                                    window=2 * count, at=at, market=stored_index_rows(market))
        result = with_findings(result, stray_findings(result, malformed, listed))
        mine = market if partition is None else [r for r in market if partition.holds(r.stream)]  # each stream once
        result = with_index_streams(result, mine, indexes)
        notes = [line for line in (note, stamps_note(book, result)) if line]
        return result, "\n".join(notes) or None


def _indexes_named(rows: list[Any]) -> set[str]:
    """The indexes the notes in a facility's stored rows name (read from the rows as stored: a
    row that does not decode names none)."""
    names = set()
    for row in rows:
        if row.topic.endswith(":NoteIssued"):
            try:
                index = json.loads(row.state).get("interest", {}).get("index")
            except (ValueError, AttributeError):
                continue
            if isinstance(index, str):
                names.add(index)
    return names


def market_rows(book: Any) -> list[Any]:
    """Every index fixing the ledger holds, for the notes that read market data."""
    from cli.persistence.market_store import all_index_rows  # start-up: deferred (docs/architecture.md, "Start-up")

    return all_index_rows(book.recorder, book.db.is_postgres)


def stamps_kind(book: Any) -> str:
    if not book.db.is_postgres:
        return "none: SQLite has no roles; recorded times and authors are as the client wrote them"
    if not book.stamped_by_store:
        return "none: this events table predates the store's stamps (its owner adds them with 'db roles')"
    return "stored_at and stored_by, set by the database"


def stamps_note(book: Any, result: Any) -> str | None:
    """What the store's stamps could and could not prove, in one line (None: every event stamped)."""
    if book.db.is_postgres and book.stamped_by_store and not result.unstamped:
        return None
    if book.db.is_postgres and book.stamped_by_store:
        return (f"{result.unstamped} event(s) carry no store stamp (stored before the store stamped events, "
                "or inserted directly by the tables' owner): their recorded times and authors are as written")
    return f"recorded times and authors not checked against the store: {stamps_kind(book)}"


def verify_json(book: Any, result: Any) -> dict[str, Any]:
    """`verify --json` and the web API's verify: the result and what the store's stamps are."""
    from projections.json_views import verification_json  # start-up: deferred (docs/architecture.md, "Start-up")

    return {**verification_json(result), "store_stamps": stamps_kind(book), "unstamped": result.unstamped}
