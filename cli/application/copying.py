"""Copy a whole ledger to another database (SQLite or PostgreSQL), row for row.

Every stored row — facility streams and the index streams of `market_events` alike — is written to the target exactly as
stored (stream id, version, topic and the stored bytes, which hold the recorded time, the author
and the chain hash), in the source's order, in one transaction: the target's history behind
`--known-at` and its chain heads are the source's. On PostgreSQL the copy inserts as the events
table's owner, so the store's stamps are the ones copied (a PostgreSQL source's `stored_at` and
`stored_by`; none from SQLite), never the time of the copy. The target must be empty. On arrival
the rows are read back and compared with the source's, and the target is verified
(docs/cli.md, "Copying a ledger").
"""

from dataclasses import dataclass
from typing import Any

from cli.persistence.storage import _redacted
from domain.errors import LedgerError

PAGE = 1000


@dataclass(frozen=True)
class Copied:
    rows: int
    streams: int
    findings: int


def copy_ledger(source: Any, target: Any) -> Copied:
    """`source` and `target` are open Ledgers; the target's events table is empty."""
    from cli.application.auditing import verify  # start-up: deferred (docs/architecture.md, "Start-up")

    from cli.persistence.market_store import MARKET_TABLE, market_recorder, market_table_exists  # start-up: deferred (docs/architecture.md, "Start-up")

    if target.recorder.max_notification_id() or (market_table_exists(target.recorder, target.db.is_postgres)
                                                  and _count(target, MARKET_TABLE)):
        raise LedgerError(f"{_redacted(target.db.url)}: the target already holds events; copy only into an empty ledger")
    if target.db.is_postgres:
        _must_own(target)

    # (source table, target table): the library names the events table per backend
    tables = [(source.recorder.events_table_name, target.recorder.events_table_name)]
    if market_table_exists(source.recorder, source.db.is_postgres):  # the index streams live beside them
        market_recorder(target.recorder, target.db.is_postgres)  # created on the target
        tables.append((MARKET_TABLE, MARKET_TABLE))
    rows = 0
    streams: set[Any] = set()
    for name, target_name in tables:
        copied = list(_source_rows(source, name))
        _insert(target, target_name, copied)
        if [r[:4] for r in _source_rows(target, target_name)] != [r[:4] for r in copied]:
            raise LedgerError(f"the copy of {name} does not read back as the source's rows")
        rows += len(copied)
        streams |= {r[0] for r in copied}
    result, _ = verify(target)
    if not result.ok:
        raise LedgerError(f"the copy fails verification: {result.findings[0]}")
    return Copied(rows, len(streams), len(result.findings))


def _stamped(cursor: Any, book: Any, name: str) -> bool:
    """Whether this PostgreSQL table has the store's stamp columns."""
    cursor.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = %s "
                   "AND table_name = %s AND column_name = 'stored_at'", (book.recorder.datastore.schema, name))
    return cursor.fetchone() is not None


def _source_rows(book: Any, name: str) -> Any:
    """(stream id, version, topic, state bytes, stored_at, stored_by) in stored order."""
    table = _table(book, name)
    with book.recorder.datastore.transaction(commit=False) as c:
        if book.db.is_postgres:
            from psycopg.rows import tuple_row  # start-up: psycopg only for PostgreSQL

            c.row_factory = tuple_row
            stamps = "stored_at, stored_by" if _stamped(c, book, name) else "NULL, NULL"
            c.execute(f"SELECT originator_id, originator_version, topic, state, {stamps} FROM {table} "
                      "ORDER BY notification_id", binary=True)
        else:
            c.execute(f"SELECT originator_id, originator_version, topic, state, NULL, NULL FROM {table} ORDER BY rowid")
        for stream, version, topic, state, stored_at, stored_by in c.fetchall():
            yield (_uuid(stream), int(version), topic, bytes(state) if not isinstance(state, str)
                   else state.encode("utf-8"), stored_at, stored_by)


def _insert(book: Any, name: str, rows: list[tuple[Any, ...]]) -> None:
    table = _table(book, name)
    with book.recorder.datastore.transaction(commit=True) as c:
        if book.db.is_postgres:
            c.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
            if _stamped(c, book, name):
                sql = (f"INSERT INTO {table} (originator_id, originator_version, topic, state, stored_at, stored_by) "
                       "VALUES (%s, %s, %s, %s, %s, %s)")
            else:
                sql = f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (%s, %s, %s, %s)"
                rows = [r[:4] for r in rows]
            for start in range(0, len(rows), PAGE):
                c.executemany(sql, rows[start:start + PAGE])
        else:
            c.executemany(f"INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES (?, ?, ?, ?)",
                          [(r[0].hex, r[1], r[2], r[3]) for r in rows])


def _count(book: Any, name: str) -> int:
    with book.recorder.datastore.transaction(commit=False) as c:
        c.execute(f"SELECT COUNT(*) AS n FROM {_table(book, name)}")
        row = c.fetchone()
    return int(row["n"] if isinstance(row, dict) else row[0])


def _must_own(book: Any) -> None:
    """Only the events table's owner inserts with the stamps it gives (cli.persistence.store_stamps)."""
    with book.recorder.datastore.transaction(commit=False) as c:
        c.execute("SELECT pg_has_role(session_user, c.relowner, 'MEMBER') AS owner FROM pg_class c "
                  "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relname = %s",
                  (book.recorder.datastore.schema, book.recorder.events_table_name))
        found = c.fetchone()
    owner = found and (found["owner"] if isinstance(found, dict) else found[0])
    if not owner:
        raise LedgerError(f"{_redacted(book.db.url)}: copy as the events table's owner (the role that ran init), "
                          "so that the copied recorded times and authors stand")


def _table(book: Any, name: str) -> str:
    return f'"{book.recorder.datastore.schema}"."{name}"' if book.db.is_postgres else name


def _uuid(value: Any) -> Any:
    from uuid import UUID  # start-up: only a copy reads stream ids

    return value if isinstance(value, UUID) else UUID(str(value))
