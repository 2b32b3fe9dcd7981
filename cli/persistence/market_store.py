"""The market-data streams' table: one row per index fixing event, beside the facility events.

Index streams (`index:SOFR` ...) are not facility streams, so they live in their own table
(`market_events`, same database, same shape as the library's events table) where `verify`, the
read models and `export`, which read every row of the facility table as a facility's, never meet
them. The recorder is the library's own, pointed at that table; the table is created on first use
(a role that may not create tables gets the database's refusal as a clear message).
"""

from typing import Any

MARKET_TABLE = "market_events"


def market_recorder(ledger_recorder: Any, is_postgres: bool) -> Any:
    """The library's application recorder on the ledger's datastore, for `market_events`."""
    datastore = ledger_recorder.datastore
    if is_postgres:
        from eventsourcing.postgres import PostgresApplicationRecorder  # start-up: a SQLite ledger never loads PostgreSQL

        recorder = PostgresApplicationRecorder(datastore, events_table_name=MARKET_TABLE)
    else:
        from eventsourcing.sqlite import SQLiteApplicationRecorder  # start-up: only commands that read fixings need it

        recorder = SQLiteApplicationRecorder(datastore, events_table_name=MARKET_TABLE)
    recorder.create_table()
    return recorder
