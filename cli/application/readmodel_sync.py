"""Running the read models against a ledger database: opening the view, the cheap refresh after
a recording command, and the long-running worker (docs/read-models.md)."""

import os
import threading
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from cli.application import processes
from cli.application.ledger import Ledger
from cli.persistence.storage import Database
from cli.persistence import worker_lock
from domain.errors import LedgerError
from cli.application.projection import ReadModels, catch_up
from cli.persistence.partitions import Partition
from cli.persistence.readmodel_tables import PartitionsAhead, ReadModelView, SQLiteReadModelView

Echo = Callable[[str], None]


def open_view(db: Database) -> ReadModelView:
    """The view as eventsourcing's ProjectionRunner would build it (same tables, same env).

    Its tables are created when missing even where the events table already exists (ready()
    then turns the ledger's own CREATE_TABLE off); the view checks before any DDL, so a role
    without DDL rights is fine once they exist. An explicit CREATE_TABLE in the environment wins.
    """
    create = os.environ.get("CREATE_TABLE", "true")
    env = Environment(ReadModels.name, {**os.environ, **db.env, "CREATE_TABLE": create})
    if db.is_postgres:
        from cli.persistence.readmodel_tables_postgres import PostgresReadModelView  # start-up: deferred (docs/architecture.md, "Start-up")

        view_class: type[ReadModelView] = PostgresReadModelView
    else:
        view_class = SQLiteReadModelView
    return InfrastructureFactory.construct(env=env).tracking_recorder(view_class)  # type: ignore[arg-type,return-value]


def close_view(view: ReadModelView) -> None:
    view.datastore.close()  # type: ignore[attr-defined]


def worker_running(db: Database, view: ReadModelView) -> bool:
    if db.is_postgres:
        with worker_lock.pg_no_worker(db.env) as free:
            return not free
    return worker_lock.sqlite_worker_alive(view)


class LeftToWorker(LedgerError):
    """This role may not write the read models (the writer, on PostgreSQL): the worker does."""


def refresh(ledger: Ledger) -> int:
    """Apply the events the read models lack, unless a worker is running (it will). A large
    backlog (e.g. after an import) is replayed in one process per CPU."""
    view = open_view(ledger.db)
    try:
        if view.partitions_ahead():  # partitioned workers are part way through the log: theirs to finish
            return 0
        if ledger.db.is_postgres:
            with worker_lock.pg_no_worker(ledger.db.env) as free:
                return _pg_catch_up(view, ledger) if free else 0
        return 0 if worker_lock.sqlite_worker_alive(view) else _catch_up(view, ledger)
    finally:
        close_view(view)


def _pg_catch_up(view: ReadModelView, ledger: Ledger) -> int:
    try:
        return _catch_up(view, ledger)
    except Exception:
        from cli.persistence.roles import may_refresh_read_models  # start-up: only when a PostgreSQL refresh failed

        if may_refresh_read_models(ledger.db, view.tracking_table_name):  # type: ignore[attr-defined]
            raise
        raise LeftToWorker(
            f"role {ledger.db.env['POSTGRES_USER']} may not write the read models; the worker "
            "refreshes them ('loanledger projections run', connected as the projection role)") from None


def _catch_up(view: ReadModelView, ledger: Ledger) -> int:
    if view.stale_rules():  # computed by another edition of the rules: start again from nothing
        view.reset()
    lag = (ledger.recorder.max_notification_id() or 0) - view.position()
    if lag <= processes.WORTH_IT_FROM_EVENTS:
        return catch_up(view, ledger)
    with processes.pool(processes.wanted(0, lag)) as executor:
        return catch_up(view, ledger, pool=executor)


class StaleForPartitions(LedgerError):
    """The read models were computed by another edition of the rules; only a rebuild (or the
    whole view's worker) starts them again."""


class FollowedLedger(Ledger):
    """The ledger as eventsourcing's ProjectionRunner constructs it: from an environment."""

    def __init__(self, env: Any = None) -> None:
        super().__init__(Database("", dict(env or {})))


def run_worker(db: Database, stop: threading.Event, *, batch: int, poll: float, echo: Echo,
               partition: Partition | None = None, once: bool = False) -> int:
    """Keep the read models (or one partition's facilities) up to date until `stop` is set, or,
    with `once`, until the log's end is reached. Returns the events gone past."""
    view = open_view(db)
    ledger = Ledger(db)
    lock = _lock(db, view, partition)
    name = "worker" if partition is None else f"worker {partition.label}"
    total = 0
    try:
        if once and not lock.try_acquire():  # a worker keeps them already: --once does not queue behind it
            echo(f"another {name} is running and keeps the read models; nothing to do")
            return 0
        if not once and not _acquire(lock, stop, poll, echo):
            return 0
        echo(f"{name} started at position {view.position(partition)}")
        while not stop.is_set():
            try:
                if view.stale_rules() and partition is not None:
                    raise StaleForPartitions(f"read models computed by rules edition {view.rules_edition()}: "
                                             "a partitioned worker does not reset them for the others; run "
                                             "'loanledger projections rebuild' once")
                if view.stale_rules():
                    echo(f"read models computed by rules edition {view.rules_edition()}: starting again from 0")
                    view.reset()
                applied = catch_up(view, ledger, batch=batch, should_stop=stop.is_set, partition=partition)
                total += applied
                if applied:
                    echo(f"applied {applied} event(s); position {view.position(partition)}")
                if once:
                    break
                if db.is_postgres and partition is None:
                    _follow(db, ledger, lock, stop)
                elif stop.wait(poll) or not lock.still_held():
                    break
            except (PartitionsAhead, StaleForPartitions) as error:
                echo(f"error: {error}")
                if once:
                    raise
                stop.wait(max(poll, 1.0))
            except Exception as error:  # noqa: BLE001 - keep serving; the next catch-up retries
                if once:
                    raise
                echo(f"error: {type(error).__name__}: {error}; retrying")
                stop.wait(poll)
    finally:
        lock.release()
        echo(f"{name} stopped at position {view.position(partition)}")
        ledger.close()
        close_view(view)
    return total


def _lock(db: Database, view: ReadModelView, partition: Partition | None) -> Any:
    """One worker per partition (or for the whole view) at a time, on any machine; partitioned
    workers do not take the whole view's lock: each has its own, and they share the tables."""
    if partition is None:
        return worker_lock.PostgresWorkerLock(db.env) if db.is_postgres else worker_lock.SQLiteWorkerLock(view)
    if db.is_postgres:
        return worker_lock.PostgresWorkerLock(db.env, worker_lock.partition_key(partition.k, partition.n))
    return worker_lock.SQLiteWorkerLock(view, f"readmodels {partition.label}")


def _acquire(lock: Any, stop: threading.Event, poll: float, echo: Echo) -> bool:
    told = False
    while not lock.try_acquire():
        if not told:
            echo("another worker is running; waiting to take over")
            told = True
        if stop.wait(max(poll, 1.0)):
            return False
    return True


def _follow(db: Database, ledger: Ledger, lock: Any, stop: threading.Event) -> None:
    """PostgreSQL: follow new events with the library's ProjectionRunner (LISTEN/NOTIFY)."""
    from eventsourcing.projection import ProjectionRunner  # start-up: deferred (docs/architecture.md, "Start-up")

    from cli.persistence.readmodel_tables_postgres import PostgresReadModelView  # start-up: deferred (docs/architecture.md, "Start-up")

    projection = type("ReadModels", (ReadModels,), {"name": ReadModels.name, "source": ledger})
    with ProjectionRunner(application_class=FollowedLedger, projection_class=projection,
                          view_class=PostgresReadModelView, env=db.env) as runner:
        while not stop.is_set() and not runner.is_interrupted.is_set():
            runner.run_forever(timeout=worker_lock.BEAT)
            if not lock.still_held():
                stop.set()
