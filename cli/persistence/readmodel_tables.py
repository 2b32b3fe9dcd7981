"""The read models' tables as eventsourcing tracking recorders: each batch of view writes and
its tracking position are committed in one transaction, so every event is applied exactly once.

The library's single-row tracking refuses a position that does not move forward. A batch
applies events (after, upto]; it also checks, inside the transaction and with the tracking row
locked, that the position is still `after`, so two workers (or a worker and a rebuild) can never
both apply the same events: the later one rolls back and reads the new position.
"""

import os
import time
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from eventsourcing.persistence import Tracking
from eventsourcing.sqlite import SQLiteTrackingRecorder

from projections.readmodels.changes import Changes, as_row, lender_share_rows, step_rows, summary_row
from projections.readmodels.facility_figures import Step
from projections.readmodels.portfolio import Summary
from cli.persistence.partitions import Partition
from cli.persistence.readmodel_schema import RULES_DDL, TABLES, statements
from projections.readmodels import RULES_EDITION

APPLICATION = "Ledger"
FAULT_DELAY = "LOANLEDGER_RM_FAULT_DELAY"  # seconds to sleep before each commit (crash tests only)


def pause_before_commit() -> None:
    """Crash tests only: sleep FAULT_DELAY seconds inside a transaction, a window to kill it in."""
    delay = float(os.environ.get(FAULT_DELAY) or 0)
    if delay:
        time.sleep(delay)


class PositionMoved(Exception):
    """Another process applied events since this batch was read; read the new position."""

    def __init__(self, position: int) -> None:
        super().__init__(f"the read models are now at {position}")
        self.position = position


class PartitionsAhead(Exception):
    """Partitioned workers have applied events beyond the whole view's position: a worker of the
    whole view would apply them twice (docs/read-models.md, "Partitioned workers")."""

    def __init__(self, position: int, ahead: int) -> None:
        super().__init__(f"partitioned workers keep the read models (they are at up to {ahead}, the whole "
                         f"view at {position}): run every partition with --partition K/N, or "
                         "'projections rebuild' to go back to one worker")
        self.position, self.ahead = position, ahead


PARTITION_ROWS = APPLICATION + "#%"  # LIKE pattern of every partition's tracking row


class ReadModelView:
    postgres: bool = False

    # ---- dialect hooks ----------------------------------------------------------------------

    def _tracking_table(self) -> str:
        raise NotImplementedError

    def _lock_position(self, c: Any) -> int:
        raise NotImplementedError

    def _clear(self, c: Any) -> None:
        for table in TABLES:
            c.execute(f"DELETE FROM {table}")

    # ---- setup ------------------------------------------------------------------------------

    def create_table(self) -> None:
        """The library's tracking table (next in the MRO), then the read models' own."""
        if self._ready():
            return  # concurrent DDL by every command would clash ("tuple concurrently updated")
        super().create_table()  # type: ignore[misc]
        self.create_read_model_tables()

    def create_read_model_tables(self) -> None:
        if self._ready():
            return  # no write transaction: opening the view must not queue behind a worker's batch
        with self.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
            for sql in statements(self.postgres):
                c.execute(sql)
            c.execute(self._sql(f"INSERT INTO {self._tracking_table()} VALUES (?, 0) ON CONFLICT DO NOTHING"),
                      (APPLICATION,))
            c.execute("SELECT edition FROM rm_rules")
            if not c.fetchall():
                self.set_rules(c)

    # ---- the rules edition ------------------------------------------------------------------

    def rules_edition(self) -> int:
        """The edition the rows were computed by: 1 for read models made before editions were
        kept (no rm_rules table, or no row in it)."""
        try:
            found = self.rows("SELECT edition FROM rm_rules")
        except Exception:  # noqa: BLE001 - no rm_rules table: made before editions were kept
            return 1
        return int(found[0]["edition"]) if found else 1

    def has_rules_table(self) -> bool:
        try:
            self.rows("SELECT COUNT(*) FROM rm_rules")
        except Exception:  # noqa: BLE001 - a missing table, on either backend
            return False
        return True

    def stale_rules(self) -> bool:
        """Whether rows are held that another edition of the rules computed (an empty view is
        not stale: it has nothing to disagree with)."""
        return self.position() > 0 and self.rules_edition() != RULES_EDITION

    def ensure_rules_table(self) -> None:
        """Read models made before editions were kept have no rm_rules: the owner makes it (in
        `db roles`, or the first refresh by a role that may create tables)."""
        with self.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
            c.execute(RULES_DDL)

    def set_rules(self, c: Any) -> None:
        """In the caller's transaction: the rows are (or are about to be) this edition's."""
        c.execute("DELETE FROM rm_rules")
        c.execute(self._sql("INSERT INTO rm_rules (edition) VALUES (?)"), (RULES_EDITION,))

    def _ready(self) -> bool:
        try:
            self.rows("SELECT COUNT(*) FROM rm_worker")
            found = self.rows(f"SELECT notification_id FROM {self._tracking_table()} WHERE application_name = ?",
                              (APPLICATION,))
        except Exception:  # noqa: BLE001 - a missing table, on either backend
            return False
        return bool(found)

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.postgres else sql

    # ---- position ---------------------------------------------------------------------------

    def position(self, partition: Partition | None = None) -> int:
        """Events applied for every facility (the whole view), or for a partition's facilities:
        its own row, or the whole view's position when that is further (a partition's row is
        kept only while partitioned workers run; see `apply`)."""
        whole = self.max_tracking_id(APPLICATION) or 0  # type: ignore[attr-defined]
        if partition is None:
            return whole
        return max(whole, self.max_tracking_id(partition.tracking_name) or 0)  # type: ignore[attr-defined]

    def partition_positions(self) -> dict[str, int]:
        """Each partition's own position ("K/N" -> notification id) while partitioned workers keep rows."""
        rows = self.rows(f"SELECT application_name, notification_id FROM {self._tracking_table()} "
                         "WHERE application_name LIKE ?", (PARTITION_ROWS,))
        return {r["application_name"].partition("#")[2]: int(r["notification_id"]) for r in rows}

    def partitions_ahead(self) -> int:
        """The furthest partition row beyond the whole view's position, or 0 (none ahead)."""
        whole = self.position()
        rows = self.rows(f"SELECT MAX(notification_id) AS m FROM {self._tracking_table()} WHERE application_name LIKE ?",
                         (PARTITION_ROWS,))
        ahead = int(rows[0]["m"] or 0) if rows else 0
        return ahead if ahead > whole else 0

    # ---- writing ----------------------------------------------------------------------------

    def apply(self, changes: Changes, after: int, upto: int, partition: Partition | None = None) -> None:
        """Write the rows for events (after, upto] and move the position to upto, atomically.

        With a partition: `changes` hold only its facilities' rows; its own tracking row moves,
        and the whole view's position moves to the least of the N partitions' positions. The
        whole view's row is locked first by every writer (partitioned or not, and a rebuild's
        swap), so their transactions are serialised and each event is applied once."""
        with self.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
            current = self._lock_position(c)
            if partition is not None:
                self._apply_partition(c, changes, current, after, upto, partition)
                return
            if current != after or upto <= current:
                raise PositionMoved(current)
            ahead = self._partition_rows(c)
            if any(value > current for value in ahead.values()):
                raise PartitionsAhead(current, max(ahead.values()))
            if ahead:  # partitions at or behind the whole view: they are caught up, drop their rows
                self._drop_partition_rows(c)
            self._write(c, changes)
            self._insert_tracking(c, Tracking(APPLICATION, upto))  # type: ignore[attr-defined]
            pause_before_commit()

    def _apply_partition(self, c: Any, changes: Changes, whole: int, after: int, upto: int,
                         partition: Partition) -> None:
        rows = self._partition_rows(c)
        current = max(whole, rows.get(partition.tracking_name, 0))
        if current != after or upto <= current:
            raise PositionMoved(current)
        self._write(c, changes)
        self._insert_tracking(c, Tracking(partition.tracking_name, upto))  # type: ignore[attr-defined]
        rows[partition.tracking_name] = upto
        least = min(max(whole, rows.get(Partition(k, partition.n).tracking_name, 0))
                    for k in range(1, partition.n + 1))
        if least > whole:
            self._insert_tracking(c, Tracking(APPLICATION, least))  # type: ignore[attr-defined]
        pause_before_commit()

    def _partition_rows(self, c: Any) -> dict[str, int]:
        c.execute(self._sql(f"SELECT application_name, notification_id FROM {self._tracking_table()} "
                            "WHERE application_name LIKE ?"), (PARTITION_ROWS,))
        return {dict(r)["application_name"]: int(dict(r)["notification_id"]) for r in c.fetchall()}

    def _drop_partition_rows(self, c: Any) -> None:
        """In the caller's transaction (whole view's row locked): the partitions start again from
        the whole view's position."""
        c.execute(self._sql(f"DELETE FROM {self._tracking_table()} WHERE application_name LIKE ?"), (PARTITION_ROWS,))

    def _write(self, c: Any, changes: Changes) -> None:
        pg, sql = self.postgres, self._sql
        ids = [(f.facility_id,) for f in changes.facilities]
        last_seen = {r.facility_id: r.notification_id for r in changes.journal}
        if ids:
            c.executemany(sql("DELETE FROM rm_portfolio_steps WHERE facility_id = ?"), ids)
            c.executemany(sql("DELETE FROM rm_lender_shares WHERE facility_id = ?"), ids)
            c.executemany(sql("DELETE FROM rm_facility_summary WHERE facility_id = ?"), ids)
            self._insert(c, "rm_facility_summary", [
                as_row(summary_row(f, last_seen.get(f.facility_id, 0)), pg) for f in changes.facilities])
            steps = [as_row(row, pg) for f in changes.facilities for row in step_rows(f)]
            if steps:
                self._insert(c, "rm_portfolio_steps", steps)
            lenders = [as_row(row, pg) for f in changes.facilities for row in lender_share_rows(f)]
            if lenders:
                self._insert(c, "rm_lender_shares", lenders)
        if changes.journal:
            self._insert(c, "rm_event_journal", [(*as_row(tuple(r.__dict__.values()), pg), None)
                                                 for r in changes.journal])
        if changes.reversals:
            c.executemany(sql("UPDATE rm_event_journal SET reversed_by = ? WHERE facility_id = ? AND version = ?"),
                          [(r.reversed_by, r.facility_id, r.target) for r in changes.reversals])

    def _insert(self, c: Any, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert whole rows (every column, in table order) in the current transaction."""
        if rows:
            marks = ",".join("?" * len(rows[0]))
            c.executemany(self._sql(f"INSERT INTO {table} VALUES ({marks})"), rows)

    def reset(self) -> None:
        """Empty every read model and move the position back to 0, in one transaction."""
        if self.rules_edition() == 1 and not self.has_rules_table():
            self.ensure_rules_table()
        with self.datastore.transaction(commit=True) as c:  # type: ignore[attr-defined]
            self._lock_position(c)
            self._clear(c)
            self._drop_partition_rows(c)
            c.execute(self._sql(f"UPDATE {self._tracking_table()} SET notification_id = 0 WHERE application_name = ?"),
                      (APPLICATION,))
            self.set_rules(c)

    # ---- reading ----------------------------------------------------------------------------

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        with self.datastore.transaction(commit=False) as c:  # type: ignore[attr-defined]
            c.execute(self._sql(sql), tuple(params))
            return [dict(r) for r in c.fetchall()]

    def count(self, table: str) -> int:
        assert table in TABLES
        return int(self.rows(f"SELECT COUNT(*) AS n FROM {table}")[0]["n"])

    def summaries(self) -> list[Summary]:
        return [Summary(r["facility_id"], r["code"], r["borrower"], _instant(r["last_recorded_at"]))
                for r in self.rows("SELECT facility_id, code, borrower, last_recorded_at FROM rm_facility_summary")]

    def steps_on(self, day: date) -> dict[str, Step]:
        value = day if self.postgres else day.isoformat()
        return {r["facility_id"]: _step(r) for r in self.rows(
            "SELECT * FROM rm_portfolio_steps WHERE valid_from <= ? AND valid_until > ?", (value, value))}

    def facility_rows(self, facility_id: str) -> tuple[list[dict[str, Any]], ...]:
        """A facility's summary, journal, portfolio-step and lender-share rows (what `verify` compares)."""
        return tuple(self.rows(f"SELECT * FROM {table} WHERE facility_id = ?", (facility_id,))
                     for table in ("rm_facility_summary", "rm_event_journal", "rm_portfolio_steps", "rm_lender_shares"))

    def facilities_rows(self, facility_ids: list[str]) -> dict[str, tuple[list[dict[str, Any]], ...]]:
        """`facility_rows` of many facilities, four queries for them all."""
        out: dict[str, tuple[list[dict[str, Any]], ...]] = {f: ([], [], [], []) for f in facility_ids}
        if not facility_ids:
            return out
        marks = ",".join("?" * len(facility_ids))
        for position, table in enumerate(("rm_facility_summary", "rm_event_journal", "rm_portfolio_steps",
                                          "rm_lender_shares")):
            for row in self.rows(f"SELECT * FROM {table} WHERE facility_id IN ({marks})", facility_ids):
                out[row["facility_id"]][position].append(row)
        return out

    def lender_facilities(self, lender: str, day: date) -> set[str]:
        """Ids of the facilities in which `lender` held a share of a note on some day up to `day`."""
        value = day if self.postgres else day.isoformat()
        return {r["facility_id"] for r in self.rows(
            "SELECT DISTINCT facility_id FROM rm_lender_shares WHERE lender = ? AND valid_from <= ?", (lender, value))}


class SQLiteReadModelView(ReadModelView, SQLiteTrackingRecorder):
    postgres = False

    def _tracking_table(self) -> str:
        return "tracking"

    def _lock_position(self, c: Any) -> int:
        # A write first: it takes SQLite's write lock (waiting if need be) before the read.
        c.execute("UPDATE tracking SET notification_id = notification_id WHERE application_name = ?", (APPLICATION,))
        c.execute("SELECT notification_id FROM tracking WHERE application_name = ?", (APPLICATION,))
        return int(c.fetchone()[0])


def _step(row: dict[str, Any]) -> Step:
    money = ("principal", "past_due_principal", "past_due_interest", "past_due_fees", "past_due_total")
    return Step(_day(row["valid_from"]), _day(row["valid_until"]), row["status"],
                *(Decimal(str(row[m])) for m in money), _day(row["oldest_due"]), row["problem"])


def _day(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _instant(value: Any) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value
