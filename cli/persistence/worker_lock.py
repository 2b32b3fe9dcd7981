"""Is a worker keeping the read models up to date? One lock per database says so.

- PostgreSQL: a session-level advisory lock. A worker holds it exclusively for its whole life
  (a second worker, on any machine, waits for it: a hot standby). A recording command tries it
  *shared*: if that succeeds no worker is running, and the command catches up itself (holding
  the shared lock, so a worker starting meanwhile waits until it is done). The lock dies with
  the worker's connection, so a killed worker frees it at once.
- SQLite: a row in `rm_worker` with a heartbeat. A worker claims it when it is free or stale
  (no heartbeat for STALE seconds, or its owner a process of this host that has died) and beats
  every BEAT seconds; a command treats a fresh heartbeat as a running worker. `projections
  rebuild` takes the same kind of row under its own name.
"""

import os
import socket
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cli.persistence import postgres

LOCK_KEY = 0x10A41ED6E5  # "loanledger read models": any fixed bigint shared by all workers
REBUILD_KEY = LOCK_KEY + 1  # held by a running `projections rebuild` (one at a time per database)
PARTITIONS_KEY = LOCK_KEY + 0x1000  # a partitioned worker K/N: PARTITIONS_KEY + N * 1024 + K


def partition_key(k: int, n: int) -> int:
    return PARTITIONS_KEY + n * 1024 + k


STALE = 15.0
BEAT = 2.0


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_alive(owner: str) -> bool:
    """False only when the owner is a process of this host that no longer exists (killed, say):
    its lock is free at once instead of after STALE seconds. Elsewhere the heartbeat decides."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if os.name != "posix" or host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# ---- PostgreSQL -----------------------------------------------------------------------------

def pg_connect(env: dict[str, str]) -> Any:
    return postgres.connect(env, autocommit=True)


class PostgresWorkerLock:
    def __init__(self, env: dict[str, str], key: int = LOCK_KEY) -> None:
        self.env, self.key = env, key
        self.conn: Any = None

    def try_acquire(self) -> bool:
        if self.conn is None:
            self.conn = pg_connect(self.env)
        return bool(self.conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0])

    def still_held(self) -> bool:
        try:
            self.conn.execute("SELECT 1")
            return True
        except Exception:  # noqa: BLE001 - a lost connection means a lost lock
            return False

    def release(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


@contextmanager
def pg_no_worker(env: dict[str, str]) -> Iterator[bool]:
    """Yields True (holding the shared lock) when no worker holds the exclusive one."""
    conn = pg_connect(env)
    try:
        yield bool(conn.execute("SELECT pg_try_advisory_lock_shared(%s)", (LOCK_KEY,)).fetchone()[0])
    finally:
        conn.close()


# ---- SQLite ---------------------------------------------------------------------------------

class SQLiteWorkerLock:
    def __init__(self, view: Any, name: str = "readmodels") -> None:
        self.view, self.name, self.owner = view, name, owner_name()

    def try_acquire(self) -> bool:
        now = time.time()
        held = self.view.rows("SELECT owner, heartbeat FROM rm_worker WHERE name = ?", (self.name,))
        if held and held[0]["owner"] != self.owner and held[0]["heartbeat"] >= now - STALE \
                and owner_alive(held[0]["owner"]):
            return False  # held: no need to wait for the database's write lock to find that out
        dead = held[0]["owner"] if held and not owner_alive(held[0]["owner"]) else ""
        with self.view.datastore.transaction(commit=True) as c:
            c.execute(
                "INSERT INTO rm_worker VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE "
                "SET owner = excluded.owner, heartbeat = excluded.heartbeat "
                "WHERE rm_worker.heartbeat < ? OR rm_worker.owner = excluded.owner OR rm_worker.owner = ?",
                (self.name, self.owner, now, now - STALE, dead))
            c.execute("SELECT owner FROM rm_worker WHERE name = ?", (self.name,))
            return c.fetchone()[0] == self.owner

    def still_held(self) -> bool:
        with self.view.datastore.transaction(commit=True) as c:
            c.execute("UPDATE rm_worker SET heartbeat = ? WHERE name = ? AND owner = ?",
                      (time.time(), self.name, self.owner))
            c.execute("SELECT owner FROM rm_worker WHERE name = ?", (self.name,))
            row = c.fetchone()
            return row is not None and row[0] == self.owner

    def release(self) -> None:
        with self.view.datastore.transaction(commit=True) as c:
            c.execute("DELETE FROM rm_worker WHERE name = ? AND owner = ?", (self.name, self.owner))


def sqlite_worker_alive(view: Any, name: str = "readmodels") -> bool:
    rows = view.rows("SELECT owner, heartbeat FROM rm_worker WHERE name = ?", (name,))
    return bool(rows) and rows[0]["heartbeat"] >= time.time() - STALE and owner_alive(rows[0]["owner"])


def worker_running(db: Any, datastore: Any) -> bool:
    """A cheap look, before a recording command imports the read-model refresh: does a worker
    keep the read models (then the command leaves them to it)? On SQLite a fresh heartbeat of a
    live owner in `rm_worker`; on PostgreSQL the worker's exclusive advisory lock is held. Any
    doubt (no table yet, a fault) answers False: the refresh then decides, as before."""
    try:
        if db.is_postgres:
            with pg_no_worker(db.env) as free:  # the shared lock goes with the connection
                return not free
        with datastore.transaction(commit=False) as c:
            c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'rm_worker'")
            if c.fetchone() is None:
                return False
            c.execute("SELECT owner, heartbeat FROM rm_worker WHERE name = 'readmodels'")
            row = c.fetchone()
        return row is not None and row[1] >= time.time() - STALE and owner_alive(row[0])
    except Exception:  # noqa: BLE001 - a look only: the refresh's own check stands behind it
        return False
