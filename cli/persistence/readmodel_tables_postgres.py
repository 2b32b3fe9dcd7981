"""The read models' view on PostgreSQL (its own module, so SQLite commands never load psycopg)."""

from collections.abc import Sequence
from typing import Any

from eventsourcing.postgres import PostgresTrackingRecorder

from cli.persistence.readmodel_schema import TABLES
from cli.persistence.readmodel_tables import APPLICATION, ReadModelView


class PostgresReadModelView(ReadModelView, PostgresTrackingRecorder):
    postgres = True

    def _tracking_table(self) -> str:
        return f'"{self.datastore.schema}"."{self.tracking_table_name}"'

    def _lock_position(self, c: Any) -> int:
        c.execute(f"SELECT notification_id FROM {self._tracking_table()} WHERE application_name = %s FOR UPDATE",
                  (APPLICATION,))
        return int(c.fetchone()["notification_id"])

    def _clear(self, c: Any) -> None:
        c.execute(f"TRUNCATE {', '.join(TABLES)}")

    def _insert(self, c: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """COPY: the same rows in the same transaction, several times faster than executemany."""
        if rows:
            with c.copy(f"COPY {table} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
