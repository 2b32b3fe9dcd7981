"""The market-data streams' table: one row per index fixing event, beside the facility events.

Index streams (`index:SOFR` ...) are not facility streams, so they live in their own table
(`market_events`, same database, same shape as the library's events table) where `verify`, the
read models and `export`, which read every row of the facility table as a facility's, never meet
them. The recorder is the library's own, pointed at that table; the table is created on first use
(a role that may not create tables gets the database's refusal as a clear message).
"""

import json
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

MARKET_TABLE = "market_events"
MARKET_APPEND_FUNCTION = "loanledger_append_market"  # the writer's way in (`db roles`, cli.persistence.roles)


def market_table_exists(ledger_recorder: Any, is_postgres: bool) -> bool:
    """Whether `market_events` exists: a reader (a report, the read-only auditor) never creates
    it; no table means no fixings were ever recorded."""
    datastore = ledger_recorder.datastore
    with datastore.transaction(commit=False) as cursor:
        if is_postgres:
            cursor.execute("SELECT to_regclass(format('%%I.%%I', %s::text, %s::text))",
                           (datastore.schema or "public", MARKET_TABLE))
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (MARKET_TABLE,))
        row = cursor.fetchone()
    if row is None:
        return False
    value = row[0] if not isinstance(row, dict) else next(iter(row.values()))
    return value is not None


def market_recorder(ledger_recorder: Any, is_postgres: bool) -> Any:
    """The library's application recorder on the ledger's datastore, for `market_events` (created
    if absent: only commands that record fixings ask for it). On PostgreSQL with `db roles` set
    up, it appends through the owner's `loanledger_append_market` (the append-only writer holds
    no INSERT on the table), and an existing table is not created again (the writer may not)."""
    datastore = ledger_recorder.datastore
    if is_postgres:
        from eventsourcing.postgres import PostgresApplicationRecorder  # start-up: a SQLite ledger never loads PostgreSQL

        from cli.persistence import store_stamps  # start-up: idem

        recorder = PostgresApplicationRecorder(datastore, events_table_name=MARKET_TABLE)
        if not market_table_exists(ledger_recorder, True):
            recorder.create_table()
        with datastore.transaction(commit=False) as cursor:
            appends = store_stamps.installed(cursor, datastore.schema or "public", MARKET_APPEND_FUNCTION)
        if appends:
            store_stamps.append_through_store(recorder, MARKET_APPEND_FUNCTION)
        return recorder
    from eventsourcing.sqlite import SQLiteApplicationRecorder  # start-up: only commands that read fixings need it

    recorder = SQLiteApplicationRecorder(datastore, events_table_name=MARKET_TABLE)
    recorder.create_table()
    return recorder


def all_index_rows(ledger_recorder: Any, is_postgres: bool) -> list[tuple[str, date, Decimal, int, datetime]]:
    """`index_rows` of every index stream (what `verify` hands the engine); none when the table
    was never made."""
    if not market_table_exists(ledger_recorder, is_postgres):
        return []
    datastore = ledger_recorder.datastore
    table = f'"{datastore.schema}"."{MARKET_TABLE}"' if is_postgres else MARKET_TABLE
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT state FROM {table} ORDER BY originator_id, originator_version")
        states = [row[0] if not isinstance(row, dict) else row["state"] for row in cursor.fetchall()]
    return [_row(raw) for raw in states]


def stored_index_rows(stored: list[Any]) -> list[tuple[str, date, Decimal, int, datetime]]:
    """`index_rows` of rows already read by `market_stored_rows` (verify reads the table once)."""
    return [_row(row.state) for row in stored]


def _row(raw: Any) -> tuple[str, date, Decimal, int, datetime]:
    state = json.loads(bytes(raw) if not isinstance(raw, (str, bytes)) else raw)
    return (state["index"], date.fromisoformat(state["date"]), Decimal(state["rate"]),
            int(state["originator_version"]), datetime.fromisoformat(state["timestamp"].replace("Z", "+00:00")))


def index_rows(recorder: Any, is_postgres: bool, stream: UUID) -> Iterator[tuple[str, date, Decimal, int, datetime]]:
    """(index, date, rate, version, recorded time) of each stored event of one index stream:
    what a report needs, read straight from the stored JSON in one query (the library's
    select_events and a pydantic decode per fixing cost ~50 µs; five years of daily fixings are
    read on every report)."""
    with recorder.datastore.transaction(commit=False) as cursor:
        if is_postgres:
            cursor.execute(f'SELECT state FROM "{recorder.datastore.schema}"."{MARKET_TABLE}" '
                           "WHERE originator_id = %s ORDER BY originator_version", (stream,))
        else:
            cursor.execute(f"SELECT state FROM {MARKET_TABLE} WHERE originator_id = ? ORDER BY originator_version",
                           (stream.hex,))
        states = [row[0] if not isinstance(row, dict) else row["state"] for row in cursor.fetchall()]
    for raw in states:
        yield _row(raw)


def stream_heads(recorder: Any, is_postgres: bool, streams: list[UUID]) -> dict[UUID, int]:
    """Each stream's last version (a stream with no event is left out): one indexed query, so a
    report can tell whether the fixings it read before are still the whole story."""
    if not streams:
        return {}
    with recorder.datastore.transaction(commit=False) as cursor:
        if is_postgres:
            cursor.execute(f'SELECT originator_id, MAX(originator_version) FROM "{recorder.datastore.schema}".'
                           f'"{MARKET_TABLE}" WHERE originator_id = ANY(%s) GROUP BY originator_id', (streams,))
        else:
            marks = ",".join("?" * len(streams))
            cursor.execute(f"SELECT originator_id, MAX(originator_version) FROM {MARKET_TABLE} "
                           f"WHERE originator_id IN ({marks}) GROUP BY originator_id", [s.hex for s in streams])
        rows = cursor.fetchall()
    heads = {}
    for row in rows:
        stream, version = (row[0], row[1]) if not isinstance(row, dict) else tuple(row.values())
        heads[stream if isinstance(stream, UUID) else UUID(str(stream))] = int(version)
    return heads


def market_stored_rows(ledger_recorder: Any, is_postgres: bool) -> list[Any]:
    """Every row of `market_events` exactly as stored (projections.integrity.StoredRow), in stream
    and version order, for `verify`; none when the table was never made."""
    from projections.integrity import StoredRow  # start-up: only verify needs it

    if not market_table_exists(ledger_recorder, is_postgres):
        return []
    datastore = ledger_recorder.datastore
    table = f'"{datastore.schema}"."{MARKET_TABLE}"' if is_postgres else MARKET_TABLE
    with datastore.transaction(commit=False) as cursor:
        cursor.execute(f"SELECT originator_id, originator_version, topic, state FROM {table} "
                       "ORDER BY originator_id, originator_version")
        rows = cursor.fetchall()
    out = []
    for row in rows:
        stream, version, topic, state = (row if not isinstance(row, dict) else
                                         (row["originator_id"], row["originator_version"], row["topic"], row["state"]))
        out.append(StoredRow(stream if isinstance(stream, UUID) else UUID(str(stream)), int(version), topic,
                             state.encode("utf-8") if isinstance(state, str) else bytes(state)))
    return out
