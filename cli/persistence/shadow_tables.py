"""A rebuild's shadow tables: the read models are built afresh beside the live ones, unseen by
readers, and replace them in one transaction that also sets the tracked position.

1. `create()` drops what an interrupted rebuild left and creates empty copies (`rm_…__rebuild`);
   on PostgreSQL without keys or indexes, so loading them is a plain append.
2. `write()` appends rows (a binary COPY on PostgreSQL, executemany on SQLite), a transaction each:
   the shadow tables are private to the rebuild, so nothing half-built is ever visible.
3. `index()` builds the keys and indexes once, over the loaded rows (PostgreSQL; SQLite keeps its
   keys from the start and builds its indexes in the swap).
4. `swap(position)` locks the tracking row (the same lock every batch of the incremental path
   takes), drops the live tables, renames the shadow ones into place with their keys, indexes and
   grants, and sets the position: the rows and the position change together, so exactly once
   holds. A worker's batch that was computed against the old tables finds the position moved
   and reads it again.
"""

from typing import Any

from eventsourcing.persistence import Tracking

from cli.persistence.readmodel_schema import READ_MODELS, Table
from cli.persistence.readmodel_tables import APPLICATION, ReadModelView, pause_before_commit

SUFFIX = "__rebuild"


def shadow_name(table: Table) -> str:
    return table.name + SUFFIX


class ShadowTables:
    """`datastore`: the library's SQLite or PostgreSQL datastore of the ledger's database (the
    view's, or in another process the ledger's own: PostgreSQL takes rows from several at once)."""

    def __init__(self, datastore: Any, postgres: bool) -> None:
        self.datastore = datastore
        self.postgres = postgres

    def create(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            for table in READ_MODELS:
                c.execute(f"DROP TABLE IF EXISTS {shadow_name(table)}")
                # SQLite cannot add a primary key later: its shadow tables have their keys from the start
                c.execute(table.create(self.postgres, shadow_name(table), keys=not self.postgres))

    def write(self, rows: dict[str, Any]) -> None:
        """{live table name: rows}: whole rows in column order (`changes.as_row` for the backend)."""
        with self.datastore.transaction(commit=True) as c:
            for table in READ_MODELS:
                payload = rows.get(table.name)
                if not payload:
                    continue
                if self.postgres:
                    with c.copy(f"COPY {shadow_name(table)} FROM STDIN (FORMAT BINARY)") as copy:
                        copy.set_types(table.copy_types())
                        for row in payload:
                            copy.write_row(row)
                else:
                    marks = ",".join("?" * len(table.columns))
                    c.executemany(f"INSERT INTO {shadow_name(table)} VALUES ({marks})", payload)
            pause_before_commit()

    def index(self) -> None:
        if not self.postgres:
            return
        with self.datastore.transaction(commit=True) as c:
            for table in READ_MODELS:
                name = shadow_name(table)
                c.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_pkey PRIMARY KEY ({', '.join(table.primary_key)})")
                for column in table.unique:
                    c.execute(f"ALTER TABLE {name} ADD CONSTRAINT {name}_{column}_key UNIQUE ({column})")
                for sql in table.create_indexes(name, SUFFIX):
                    c.execute(sql)

    def swap(self, view: ReadModelView, position: int) -> None:
        """In the view's transaction, with its tracking row locked (`view` on this datastore)."""
        with view.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
            view._lock_position(c)
            for table in READ_MODELS:
                live, name = table.name, shadow_name(table)
                grants = self._grants(c, live) if self.postgres else []
                c.execute(f"DROP TABLE {live}")
                c.execute(f"ALTER TABLE {name} RENAME TO {live}")
                if self.postgres:
                    c.execute(f"ALTER TABLE {live} RENAME CONSTRAINT {name}_pkey TO {live}_pkey")
                    for column in table.unique:
                        c.execute(f"ALTER TABLE {live} RENAME CONSTRAINT {name}_{column}_key TO {live}_{column}_key")
                    for index, _ in table.indexes:
                        c.execute(f"ALTER INDEX {index}{SUFFIX} RENAME TO {index}")
                    for grantee, privilege in grants:
                        c.execute(f'GRANT {privilege} ON {live} TO "{grantee}"')
                else:
                    for sql in table.create_indexes():
                        c.execute(sql)
            view._drop_partition_rows(c)  # every facility's rows are new: partitions start from `position`
            # the position: back to 0 (as `reset` does), then to `position` by the library's tracking write
            c.execute(view._sql(f"UPDATE {view._tracking_table()} SET notification_id = 0 WHERE application_name = ?"),
                      (APPLICATION,))
            if position > 0:
                view._insert_tracking(c, Tracking(APPLICATION, position))  # type: ignore[attr-defined]
            view.set_rules(c)

    def drop(self) -> None:
        with self.datastore.transaction(commit=True) as c:
            for table in READ_MODELS:
                c.execute(f"DROP TABLE IF EXISTS {shadow_name(table)}")

    @staticmethod
    def _grants(c: Any, table: str) -> list[tuple[str, str]]:
        """The live table's privileges held by roles other than the one rebuilding (e.g. the
        auditor's SELECT), to grant again on its replacement."""
        c.execute("SELECT grantee, privilege_type FROM information_schema.role_table_grants "
                  "WHERE table_schema = current_schema() AND table_name = %s AND grantee <> current_user",
                  (table,))
        return [(r["grantee"], r["privilege_type"]) for r in c.fetchall()]
