"""`projections rebuild`: every facility's read-model rows computed afresh from its whole stream,
into shadow tables that replace the live ones, with the position, in one transaction.

The work splits by facility. The streams with events up to the head are listed by one query (in
the order of their last event) and handed out in chunks; for each chunk a process reads the
streams (one query), decodes them, runs the engine once per facility (`facility_figures`) and
writes its rows into the shadow tables (a binary COPY, from each process's own connection; on
SQLite, whose one writer is this process, it returns them). This process shows progress. Then
the shadow tables are indexed and swapped in (cli/persistence/shadow_tables.py), and the events
recorded meanwhile are caught up as usual. Readers see the old tables until the swap, never a
half-built one; an interrupted rebuild leaves them as they were (its shadow tables are dropped
then, or by the next rebuild if it was killed).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from cli.application import processes
from cli.application.ledger import Ledger
from cli.persistence.storage import Database
from cli.persistence.stored_rows import fresh_statistics, stream_ends, streams_upto
from domain.errors import LedgerError
from domain.events import FacilityOpened
from cli.persistence import worker_lock
from projections.readmodels.changes import as_row, facility_rows
from cli.application.projection import catch_up
from cli.persistence.readmodel_schema import JOURNAL, LENDER_SHARES, REBUILD_CHUNK, STEPS, SUMMARY
from cli.persistence.shadow_tables import ShadowTables
from cli.persistence.readmodel_tables import ReadModelView

Progress = Callable[[int], None]


@dataclass(frozen=True)
class Rebuilt:
    events: int
    facilities: int
    position: int


@dataclass(frozen=True)
class ChunkRows:
    events: int
    tables: dict[str, list[tuple[Any, ...]]]  # live table name -> rows, as `as_row` gives them for the backend


def rebuild(ledger: Ledger, view: ReadModelView, *, processes_wanted: int = 0, chunk: int = REBUILD_CHUNK,
            progress: Progress | None = None, total: Callable[[int], None] | None = None) -> Rebuilt:
    """Rebuild every read model from the events; returns how many events and facilities it read
    and the position the read models are at when it returns."""
    lock = _rebuild_lock(ledger.db, view)
    if not lock.try_acquire():
        raise LedgerError("another 'projections rebuild' is running on this database; wait for it to finish")
    try:
        fresh_statistics(ledger)  # chunks are read by primary key, also right after a bulk import
        upto = ledger.recorder.max_notification_id() or 0
        ends = stream_ends(ledger, upto)
        events = sum(n for _, n in ends)
        if total is not None:
            total(events)
        if not view.has_rules_table():  # read models made before the rules edition was kept
            view.ensure_rules_table()
        shadow = ShadowTables(view.datastore, view.postgres)  # type: ignore[attr-defined]
        shadow.create()
        try:
            chunks = list(_chunks([i for i, _ in ends], chunk))
            for done in _loaded(ledger, shadow, chunks, upto, _processes(processes_wanted, events)):
                if not lock.still_held():  # SQLite: renews the heartbeat
                    raise LedgerError("the rebuild lost its lock on the database; nothing was changed, run it again")
                if progress is not None:
                    progress(done)
            shadow.index()
            shadow.swap(view, upto)
        except BaseException:
            shadow.drop()
            raise
    finally:
        lock.release()
    later = catch_up(view, ledger, progress=progress)  # what was recorded while rebuilding
    return Rebuilt(events + later, len(ends), view.position())


def _processes(wanted: int, events: int) -> int:
    """`wanted`, or by default one process per CPU and one more (each also waits on the database
    while it reads its streams and writes its rows: one more keeps the CPUs busy; 1,000,000
    events on 2 CPUs: 58.8 s with 3 processes, 62.7 s with 2) when there are enough events."""
    if wanted:
        return wanted
    default = processes.wanted(0, events)
    return default + 1 if default > 1 else 1


def _chunks(ids: list[UUID], size: int) -> Iterator[list[UUID]]:
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _loaded(ledger: Ledger, shadow: ShadowTables, chunks: list[list[UUID]], upto: int,
            wanted: int) -> Iterator[int]:
    """Load every chunk's rows into the shadow tables; yields the events of each chunk loaded.
    On PostgreSQL the pool's processes write their rows themselves (COPY from several
    connections at once); SQLite has one writer, this process."""
    with processes.pool(wanted, _open_ledger, (ledger.db,)) as executor:
        if executor is None:
            for ids in chunks:
                rows = chunk_rows(ledger, ids, upto)
                shadow.write(rows.tables)
                yield rows.events
        elif shadow.postgres:
            yield from executor.map(_load_chunk_here, chunks, [upto] * len(chunks))
        else:
            for rows in executor.map(_chunk_rows_here, chunks, [upto] * len(chunks)):
                shadow.write(rows.tables)
                yield rows.events


# ---- in a pool process ------------------------------------------------------------------------

_LEDGER: Ledger | None = None


def _open_ledger(db: Database) -> None:
    global _LEDGER
    _LEDGER = Ledger(db)


def _chunk_rows_here(ids: list[UUID], upto: int) -> ChunkRows:
    assert _LEDGER is not None, "the pool's initializer opens the ledger"
    return chunk_rows(_LEDGER, ids, upto)


def _load_chunk_here(ids: list[UUID], upto: int) -> int:
    """PostgreSQL: compute the chunk's rows and write them into the shadow tables from here."""
    assert _LEDGER is not None, "the pool's initializer opens the ledger"
    rows = chunk_rows(_LEDGER, ids, upto)
    ShadowTables(_LEDGER.recorder.datastore, True).write(rows.tables)
    return rows.events


def chunk_rows(ledger: Ledger, ids: list[UUID], upto: int) -> ChunkRows:
    """Every read-model row of these facilities' streams up to `upto`, as the writer takes them."""
    postgres = ledger.db.is_postgres
    summaries: list[tuple[Any, ...]] = []
    steps: list[tuple[Any, ...]] = []
    journal: list[tuple[Any, ...]] = []
    lenders: list[tuple[Any, ...]] = []
    events = 0
    for stream_id, stored in streams_upto(ledger, ids, upto).items():
        if not stored:
            continue
        stream = _decoded(ledger, stream_id, [s for _, s in stored])
        rows = facility_rows(stream, [n for n, _ in stored])
        summaries.append(rows.summary)
        steps += rows.steps
        journal += rows.journal
        lenders += rows.lenders
        events += len(stream)
    tables = {SUMMARY.name: summaries, STEPS.name: steps, JOURNAL.name: journal, LENDER_SHARES.name: lenders}
    if postgres:
        return ChunkRows(events, tables)
    return ChunkRows(events, {name: [as_row(r, False) for r in rows] for name, rows in tables.items()})


def _decoded(ledger: Ledger, stream_id: UUID, stored: list[Any]) -> list[Any]:
    """The stream's events; a stream the projection cannot read is refused with its name (a
    tampered events table: `verify` says what is wrong with it)."""
    events = []
    for row in stored:
        try:
            events.append(ledger.mapper.to_domain_event(row))
        except Exception as error:  # noqa: BLE001 - any decoding failure of a stored row
            raise LedgerError(f"stream {stream_id}: stored event v{row.originator_version} cannot be read "
                              f"({type(error).__name__}); nothing was rebuilt, run 'loanledger verify'") from None
    if stored[0].originator_version != 1 or not isinstance(events[0], FacilityOpened):
        raise LedgerError(f"stream {stream_id} does not start with its FacilityOpened (version 1); "
                          "nothing was rebuilt, run 'loanledger verify'")
    return events


def _rebuild_lock(db: Database, view: ReadModelView) -> Any:
    if db.is_postgres:
        return worker_lock.PostgresWorkerLock(db.env, worker_lock.REBUILD_KEY)
    return worker_lock.SQLiteWorkerLock(view, name="rebuild")
