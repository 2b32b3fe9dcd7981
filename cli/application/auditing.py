"""verify as a use case: the stored rows of one facility or all, checked (chains, versions,
replay, stated figures) and held against the read models, for `loanledger verify` and the web
view alike (one code path; the JSON is projections.json_views.verification_json).

A whole ledger (or a partition of it) is checked in chunks of facilities, as `projections
rebuild` computes them: for each chunk one query reads its streams' rows and four read its
read-model rows, and the chunk is checked where it was read (a pool's process, with its own
connections, or this process), so that this process only hands out stream ids and collects each
stream's head and findings.
"""

import json
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from cli.application.processes import pool, wanted
from cli.application.readmodel_sync import close_view, open_view
from cli.persistence.partitions import Partition
from domain.errors import UnknownFacility
from domain.facility import facility_id


CHUNK = 25  # facilities read and checked together (as the rebuild's chunks)


def stored_models(book: Any, closing: ExitStack,
                  partition: Partition | None = None) -> tuple[Callable[[Any], Any] | None, str | None]:
    """A function from a stream id to its rows in the read models, to hold against the fold
    (the contract §4), or None with a note when they cannot be compared: not built yet, or behind the
    events (then there is nothing to hold against them). The view closes with `closing`; the
    function's `view` attribute is the view, for reading many facilities at once."""
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
        return _models(view.facility_rows(str(stream_id)))

    rows_of.view = view  # type: ignore[attr-defined]
    return rows_of, None


def _models(rows: tuple[list[Any], ...]) -> tuple[Any, list[Any], list[Any], list[Any]]:
    summary, journal, steps, lenders = rows
    return (summary[0] if summary else None, journal, steps, lenders)


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
    from cli.persistence.stored_rows import fresh_statistics, stored_rows, stream_ids  # start-up: deferred (docs/architecture.md, "Start-up")
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
            fresh_statistics(book)  # chunks are read by primary key, also right after a bulk import
            ids = stream_ids(book)
            mine = [s for s in ids.well_formed if partition is None or partition.holds(s)]
            events = sum(ids.well_formed[s] for s in mine)
            malformed = [m for m in ids.malformed if partition is None or partition.holds(m[0])]
        count = wanted(processes, events)
        market = market_stored_rows(book.recorder, book.db.is_postgres)  # read once: the engine's fixings and the index streams' check
        if code is None:
            result = _verify_chunks(book, mine, models, stored_index_rows(market), count)
        else:
            result = verify_streams(groups, code=code, expect=expect, read_models=models, at=at,
                                    market=stored_index_rows(market))
        result = with_findings(result, stray_findings(result, malformed, listed))
        mine = market if partition is None else [r for r in market if partition.holds(r.stream)]  # each stream once
        result = with_index_streams(result, mine, indexes)
        notes = [line for line in (note, stamps_note(book, result)) if line]
        return result, "\n".join(notes) or None


def _verify_chunks(book: Any, ids: list[Any], models: Any, market: list[Any], processes: int) -> Any:
    """Every stream of `ids` checked, CHUNK facilities at a time, in a pool of `processes` (or here)."""
    from projections.verification import collected  # start-up: deferred (docs/architecture.md, "Start-up")

    chunks = [ids[start:start + CHUNK] for start in range(0, len(ids), CHUNK)]
    compare = models is not None
    with pool(processes, _open_here, (book.db, compare, market)) as executor:
        if executor is None:
            view = models.view if compare else None
            return collected(result for chunk in chunks for result in verify_chunk(book, view, chunk, market))
        return collected(result for results in executor.map(_verify_chunk_here, chunks) for result in results)


def verify_chunk(book: Any, view: Any, ids: list[Any], market: list[Any]) -> list[Any]:
    """Each of these streams' head and findings (projections.verification.verify_stream), their
    rows and read-model rows (none when `view` is None: not compared) read in one go."""
    from cli.persistence.stored_rows import streams_rows  # start-up: deferred (docs/architecture.md, "Start-up")
    from projections.verification import verify_stream  # start-up: deferred (docs/architecture.md, "Start-up")

    rows = streams_rows(book, ids)
    models = view.facilities_rows([str(i) for i in ids]) if view is not None else None
    return [verify_stream(stream_id, rows[stream_id], None, _models(models[str(stream_id)]) if models else None,
                          None, market)
            for stream_id in ids]


# ---- in a pool process ------------------------------------------------------------------------

_HERE: dict[str, Any] = {}


def _open_here(db: Any, compare: bool, market: list[Any]) -> None:
    from cli.application.ledger import Ledger  # start-up: deferred (docs/architecture.md, "Start-up")

    _HERE["book"] = Ledger(db)
    _HERE["view"] = open_view(db) if compare else None
    _HERE["market"] = market


def _verify_chunk_here(ids: list[Any]) -> list[Any]:
    return verify_chunk(_HERE["book"], _HERE["view"], ids, _HERE["market"])


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
