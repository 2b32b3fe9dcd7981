"""The events table read raw through the recorder, for `verify` and `audit head`: rows exactly as
stored, never decoded by the application's mapper."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from cli.persistence.notification_log import notifications
from domain.facility import facility_id
from projections.integrity import StoredRow

PAGE = 1000


def stored_rows(ledger: Any, code: str | None = None) -> list[StoredRow]:
    """One facility's rows (by its stream id), or every row in the ledger, in stored order."""
    if code is not None:
        return stream_rows(ledger, facility_id(code))
    return list(_all_rows(ledger))


@dataclass(frozen=True)
class StreamIds:
    """Every stream id that has rows, with its number of rows, in order of first appearance (a
    stream whose FacilityOpened was deleted is found too); and, apart, the ids not written as the
    ledger writes them (e.g. a row moved by hand to 'NOT-A-UUID' or to upper-case hex), which no
    reader of the stream would ever find."""

    well_formed: dict[UUID, int]
    malformed: list[tuple[str, int]]


def stream_ids(ledger: Any) -> StreamIds:
    """One aggregate query, answered by the database; about 200 bytes per facility."""
    position = "notification_id" if ledger.db.is_postgres else "rowid"
    ids = StreamIds({}, [])
    with _tuple_rows(ledger) as c:
        c.execute(f"SELECT originator_id, COUNT(*) FROM {_events_table(ledger)} "
                  f"GROUP BY originator_id ORDER BY MIN({position})")
        for raw, count in c.fetchall():
            stream = _well_formed(raw)
            if stream is None:
                ids.malformed.append((str(raw), int(count)))
            else:
                ids.well_formed[stream] = ids.well_formed.get(stream, 0) + int(count)
    return ids


def _well_formed(raw: Any) -> UUID | None:
    """PostgreSQL's uuid column holds only UUIDs; SQLite holds whatever text was written, and the
    ledger writes 32 lower-case hex digits."""
    if isinstance(raw, UUID):
        return raw
    try:
        stream = UUID(str(raw))
    except ValueError:
        return None
    return stream if stream.hex == raw else None


def stream_rows(ledger: Any, stream_id: UUID) -> list[StoredRow]:
    """One stream's rows, each with the store's stamp where the ledger has them (PostgreSQL)."""
    return streams_rows(ledger, [stream_id])[stream_id]


def streams_rows(ledger: Any, ids: list[UUID]) -> dict[UUID, list[StoredRow]]:
    """The rows of these streams in version order, each with the store's stamp where the ledger
    has them (PostgreSQL), in one query for them all."""
    out: dict[UUID, list[StoredRow]] = {i: [] for i in ids}
    if not ids:
        return out
    stamped = ledger.db.is_postgres and getattr(ledger, "stamped_by_store", False)
    columns = "originator_id, originator_version, topic, state" + (", stored_at, stored_by" if stamped else "")
    with _tuple_rows(ledger) as c:
        if ledger.db.is_postgres:
            c.execute(f"SELECT {columns} FROM {_events_table(ledger)} WHERE originator_id = ANY(%s) "
                      "ORDER BY originator_id, originator_version", (ids,), binary=True)
        else:
            marks = ",".join("?" * len(ids))
            c.execute(f"SELECT {columns} FROM {_events_table(ledger)} WHERE originator_id IN ({marks}) "
                      "ORDER BY originator_id, originator_version", [i.hex for i in ids])
        rows = c.fetchall()
    for row in rows:
        stream = _uuid(row[0])
        out[stream].append(StoredRow(stream, row[1], row[2], _bytes(row[3]), *row[4:]))
    return out


def _all_rows(ledger: Any) -> Iterator[StoredRow]:
    return (_row(n) for n in notifications(ledger.recorder, limit=PAGE))


def _row(stored: Any) -> StoredRow:
    return StoredRow(stored.originator_id, stored.originator_version, stored.topic, _bytes(stored.state))


def _bytes(state: Any) -> bytes:
    """Rows are written as bytes; one edited by hand may hold text (SQLite keeps what it is given)."""
    return state.encode("utf-8") if isinstance(state, str) else bytes(state)


# ---- for projections rebuild: every stream's rows up to a position, many streams per query ----

def stream_ends(ledger: Any, upto: int) -> list[tuple[UUID, int]]:
    """Every stream with rows at notification ids up to `upto`, with its number of such rows, in
    the order of each stream's last row: one aggregate query, answered by the database."""
    postgres = ledger.db.is_postgres
    position, mark = ("notification_id", "%s") if postgres else ("rowid", "?")
    with _tuple_rows(ledger) as c:
        c.execute(f"SELECT originator_id, COUNT(*) FROM {_events_table(ledger)} WHERE {position} <= {mark} "
                  f"GROUP BY originator_id ORDER BY MAX({position})", (upto,))
        return [(_uuid(stream), int(n)) for stream, n in c.fetchall()]


def streams_upto(ledger: Any, ids: list[UUID], upto: int) -> dict[UUID, list[tuple[int, Any]]]:
    """The rows of these streams at notification ids up to `upto`, each as (notification id,
    StoredEvent), in version order: one query for them all."""
    out: dict[UUID, list[tuple[int, Any]]] = {i: [] for i in ids}
    with _tuple_rows(ledger) as c:
        if ledger.db.is_postgres:
            c.execute(f"SELECT originator_id, originator_version, topic, state, notification_id "
                      f"FROM {_events_table(ledger)} WHERE originator_id = ANY(%s) AND notification_id <= %s "
                      f"ORDER BY originator_id, originator_version", (ids, upto), binary=True)
        else:
            marks = ",".join("?" * len(ids))
            c.execute(f"SELECT originator_id, originator_version, topic, state, rowid FROM {_events_table(ledger)} "
                      f"WHERE originator_id IN ({marks}) AND rowid <= ? ORDER BY originator_id, originator_version",
                      [i.hex for i in ids] + [upto])
        rows = c.fetchall()
    for originator, version, topic, state, notification_id in rows:
        stream = _uuid(originator)
        out[stream].append((notification_id, StoredEvent(stream, version, topic, _bytes(state))))
    return out


STALE_SHARE = 0.2  # rows changed since the last ANALYZE, as a share of the table, that make its statistics stale


def fresh_statistics(ledger: Any) -> bool:
    """PostgreSQL: ANALYZE the events table when its statistics are missing or stale (more than
    STALE_SHARE of its rows written since), so that the planner reads a chunk of streams by its
    primary key. Right after a bulk import autovacuum may not have analysed it yet, and a
    planner that takes 25 streams for a large part of a 10,000,000-row table scans all of it for
    every chunk. True when it analysed; a role that may not (not the table's owner) goes on
    without."""
    if not ledger.db.is_postgres:
        return False
    recorder = ledger.recorder
    try:
        with recorder.datastore.transaction(commit=True) as c:
            c.execute("SELECT n_live_tup, n_mod_since_analyze, last_analyze, last_autoanalyze "
                      "FROM pg_stat_user_tables WHERE schemaname = %s AND relname = %s",
                      (recorder.datastore.schema, recorder.events_table_name))
            row = c.fetchone()
            if row is None:
                return False
            live, changed, analysed, auto = (row[k] for k in ("n_live_tup", "n_mod_since_analyze", "last_analyze",
                                                               "last_autoanalyze"))
            if (analysed or auto) and changed <= STALE_SHARE * max(live, 1):
                return False
            c.execute(f"ANALYZE {_events_table(ledger)}")
            return True
    except Exception:  # noqa: BLE001 - not the owner, a read-only replica...: the planner does without
        return False


@contextmanager
def _tuple_rows(ledger: Any) -> Iterator[Any]:
    """A read-only cursor whose rows are tuples on both backends (sqlite3 rows index like them)."""
    with ledger.recorder.datastore.transaction(commit=False) as c:
        if ledger.db.is_postgres:
            from psycopg.rows import tuple_row  # start-up: deferred (docs/architecture.md, "Start-up")

            c.row_factory = tuple_row
        yield c


def _events_table(ledger: Any) -> str:
    recorder = ledger.recorder
    if ledger.db.is_postgres:
        return f'"{recorder.datastore.schema}"."{recorder.events_table_name}"'
    return recorder.events_table_name


def _uuid(value: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
