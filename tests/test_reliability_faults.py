"""Database faults: each is one clear line on stderr, exit status 1, nothing partial written and
no stack trace (issue #6, part 3). The local PostgreSQL trusts 127.0.0.1 (pg_hba), so a wrong
password cannot be refused here: a role that does not exist stands in for bad credentials."""

import os
import subprocess
import threading
import time

import psycopg
import pytest

from cli.persistence.faults import LedgerBusy
from cli.application.ledger import Ledger, Meta
from cli.persistence.storage import database
from domain import facts
from tests.helpers import run
from tests.reliability_support import LOANLEDGER, assert_contiguous_and_chained, stored_content

PAYMENT = ["record", "payment", "X", "--amount", "75.00", "--date", "2024-02-01"]


def loanledger(db_url, *args, lock_timeout="2"):
    return subprocess.run([LOANLEDGER, "--db", db_url, *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LOANLEDGER_LOCK_TIMEOUT": lock_timeout})


def assert_refused(result, says):
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert says.lower() in result.stderr.lower(), result.stderr


@pytest.fixture
def ledger_x(postgres_url):
    run(postgres_url, "facility", "open", "X", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    return postgres_url


@pytest.mark.parametrize("url, says", [
    ("postgresql://postgres@127.0.0.1:1/ledger", "connection refused"),
    ("postgresql://no_such_role:secret@127.0.0.1:5432/postgres", 'role "no_such_role" does not exist'),
    ("postgresql://postgres@nohost.invalid:5432/ledger", "failed to resolve host"),
], ids=["unreachable", "bad-credentials", "unknown-host"])
def test_a_server_that_cannot_be_reached_is_named_in_one_line(postgres_server, url, says):
    result = loanledger(url, *PAYMENT)

    assert_refused(result, says)
    assert "secret" not in result.stderr


def test_a_missing_database_is_named(postgres_server):
    result = loanledger(f"{postgres_server}/loanledger_no_such_db", *PAYMENT)

    assert_refused(result, 'database "loanledger_no_such_db" does not exist')


def test_a_lock_held_past_the_timeout_refuses_and_writes_nothing(ledger_x):
    before = stored_content(ledger_x)
    with psycopg.connect(ledger_x) as holder:
        holder.execute("LOCK TABLE ledger_events IN EXCLUSIVE MODE")  # what a stuck writer holds
        started = time.monotonic()
        result = loanledger(ledger_x, *PAYMENT, lock_timeout="2")
        waited = time.monotonic() - started

    assert_refused(result, "held the ledger's lock for more than 2 s")
    assert waited < 60  # bounded: not the library's 10 retries of each wait, nor for ever
    assert stored_content(ledger_x) == before


def _terminate_waiting_insert(db_url, holder):
    """From another session, end the backend that waits (inside its insert) for the held lock."""
    name = db_url.rsplit("/", 1)[1]
    for _ in range(200):
        pids = holder.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()", (name,)).fetchall()
        if pids:
            holder.execute("SELECT pg_terminate_backend(%s)", (pids[0][0],))
            return pids[0][0]
        time.sleep(0.05)
    raise AssertionError("no session waited for the lock")


def _record_in_thread(db_url, outcome):
    ledger = Ledger(database(db_url))

    def record():
        try:
            outcome["recorded"] = ledger.record("X", facts.ReceivePayment(amount="75.00", effective_date="2024-02-01"), Meta("t"))
        except Exception as error:  # noqa: BLE001 - the test inspects it
            outcome["error"] = error
        finally:
            ledger.close()

    thread = threading.Thread(target=record)
    return thread


def test_a_connection_dropped_mid_transaction_is_retried_and_lands_once(ledger_x):
    outcome = {}
    thread = _record_in_thread(ledger_x, outcome)
    with psycopg.connect(ledger_x, autocommit=True) as admin, psycopg.connect(ledger_x) as holder:
        holder.execute("LOCK TABLE ledger_events IN EXCLUSIVE MODE")
        thread.start()
        _terminate_waiting_insert(ledger_x, admin)
        holder.rollback()  # the lock is free again: the retried insert can go through
        thread.join(60)

    events = Ledger(database(ledger_x)).facility_events("X")
    assert "error" not in outcome, outcome
    assert [type(e).__name__ for e in events] == ["FacilityOpened", "PaymentReceived"]
    assert_contiguous_and_chained(events, "X")


def test_a_connection_dropped_while_the_lock_stays_held_refuses_with_nothing_written(ledger_x):
    before = stored_content(ledger_x)
    outcome = {}
    thread = _record_in_thread(ledger_x, outcome)
    with psycopg.connect(ledger_x, autocommit=True) as admin, psycopg.connect(ledger_x) as holder:
        holder.execute("LOCK TABLE ledger_events IN EXCLUSIVE MODE")
        thread.start()
        _terminate_waiting_insert(ledger_x, admin)
        thread.join(120)

    assert isinstance(outcome.get("error"), LedgerBusy), outcome
    assert stored_content(ledger_x) == before


class ReplyLostLedger(Ledger):
    """The insert commits, then the reply is lost: the library's retry of the insert meets the
    event it already stored and reports a version conflict (what `save` raises here)."""

    def save(self, *objects, **kwargs):
        from eventsourcing.persistence import IntegrityError

        super().save(*objects, **kwargs)
        if not getattr(self, "lost_once", False):
            self.lost_once = True
            raise IntegrityError("duplicate key value violates unique constraint")


def test_an_insert_whose_reply_was_lost_is_recorded_once(db_url):
    run(db_url, "facility", "open", "X", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    ledger = ReplyLostLedger(database(db_url))
    try:
        outcome = ledger.record("X", facts.ReceivePayment(amount="75.00", effective_date="2024-02-01"), Meta("t"))
        events = ledger.facility_events("X")
    finally:
        ledger.close()

    assert [type(e).__name__ for e in events] == ["FacilityOpened", "PaymentReceived"]
    assert outcome.event.chain_hash == events[-1].chain_hash and not outcome.duplicate
