"""Database faults made clear, and waits made bounded (issue #6, docs/reliability.md).

- Every PostgreSQL session gets `lock_timeout`, so no statement (start-up DDL and reads
  included) waits for another session's lock for ever.
- The library retries any operational error 10 times; a lock timeout is not transient in
  that sense (it would wait 10 times as long), so it becomes `LedgerBusy` at once. A lost
  connection is still retried (3 attempts): an insert whose commit was in fact done is then
  refused as a version conflict, and `Ledger.record` recognises its own event by chain hash.
- When no connection can be made, one direct attempt names the cause (refused, unknown role,
  missing database, password) instead of the pool's "couldn't get a connection".
"""

import time
from collections.abc import Callable
from typing import Any

from eventsourcing.persistence import InterfaceError, OperationalError

from cli.persistence import postgres
from domain.errors import LedgerError

RETRIED_METHODS = ("insert_events", "select_events", "select_notifications", "max_notification_id")
CONNECTION_ATTEMPTS = 3


class LedgerBusy(LedgerError):
    pass


class CannotConnect(LedgerError):
    pass


def bound_lock_waits(factory: Any, seconds: str) -> None:
    datastore = getattr(factory, "datastore", None)
    pool = getattr(datastore, "pool", None)
    if pool is not None and isinstance(getattr(pool, "kwargs", None), dict):
        pool.kwargs["options"] = f"-c lock_timeout={int(seconds)}s"


def own_retries(recorder: Any, seconds: str) -> None:
    """Replace the library's blanket retries on this recorder by `_retry_connection_loss`."""
    for name in RETRIED_METHODS:
        method = getattr(type(recorder), name, None)
        inner = getattr(method, "__wrapped__", None)
        if inner is not None:
            setattr(recorder, name, _retry_connection_loss(inner.__get__(recorder), seconds))


def _retry_connection_loss(call: Callable[..., Any], seconds: str) -> Callable[..., Any]:
    def retried(*args: Any, **kwargs: Any) -> Any:
        for attempt in range(CONNECTION_ATTEMPTS):
            try:
                return call(*args, **kwargs)
            except (InterfaceError, OperationalError) as error:
                if is_lock_timeout(error):
                    raise busy(seconds) from None
                if attempt == CONNECTION_ATTEMPTS - 1:
                    raise
                time.sleep(0.2)
        raise AssertionError("unreachable")

    return retried


def busy(seconds: str) -> LedgerBusy:
    return LedgerBusy(f"another session held the ledger's lock for more than {seconds} s; nothing "
                      "was recorded: try again (LOANLEDGER_LOCK_TIMEOUT sets the wait)")


def is_lock_timeout(error: BaseException) -> bool:
    import psycopg  # start-up: deferred (docs/architecture.md, "Start-up")

    cause = error.__cause__
    return isinstance(cause, psycopg.errors.LockNotAvailable) or "lock timeout" in str(error)


def connection_problem(env: dict[str, str], shown_url: str) -> str | None:
    """Why a connection to the configured PostgreSQL cannot be made, in one line (None if it can)."""
    import psycopg  # start-up: psycopg costs ~140 ms, and a SQLite ledger never needs it

    try:
        postgres.connect(env).close()
    except psycopg.Error as error:
        return f"cannot connect to PostgreSQL ({shown_url}): {_reason(str(error))}"
    return None


def _reason(text: str) -> str:
    """The server's own words ('role "x" does not exist'), or what the client saw."""
    if "FATAL:" in text:
        return text.rsplit("FATAL:", 1)[1].strip().splitlines()[0]
    if "Connection refused" in text:
        return "connection refused (is the server running there and accepting TCP/IP connections?)"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else "no reason given"
    return first.rsplit("failed: ", 1)[-1]


def write_denied(recorder: Any) -> str | None:
    """Why this PostgreSQL role may not record events, asked of the server (None: it may, or the
    server cannot say). The library writes in a pipeline, so a refused LOCK or INSERT surfaces
    only as "pipeline aborted". With the store's stamps the way in is the append function."""
    table = recorder.events_table_name
    schema = recorder.datastore.schema
    try:
        with recorder.datastore.get_connection() as conn:
            row = conn.execute(
                "SELECT current_user AS who, CASE WHEN to_regproc(format('%%I.%%I', %s::text, 'loanledger_append')) "
                "IS NULL THEN has_table_privilege(current_user, %s, 'INSERT') ELSE has_function_privilege("
                "current_user, format('%%I.%%I(%%I.stored_event_uuid[])', %s::text, 'loanledger_append', %s::text), "
                "'EXECUTE') END AS ok", (schema, table, schema, schema)).fetchone()
    except Exception:  # noqa: BLE001 - the original error stands
        return None
    if row["ok"]:
        return None
    return (f"permission denied: role {row['who']} may not record events (no INSERT on {table}); "
            "nothing was recorded: record with the writer role")
