"""Many OS processes recording payments at once: each lands exactly once or fails with a clear
message, streams stay contiguous and chained, and nothing is lost (issue #6, part 1)."""

import json
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from decimal import Decimal

import pytest

from cli.application.ledger import Ledger
from cli.persistence.storage import database
from tests.helpers import run
from tests.reliability_support import LOANLEDGER, assert_contiguous_and_chained, size

CLEAR_FAILURE = ("gave up after", "database error", "database is locked")


def open_facility(db_url, code):
    run(db_url, "facility", "open", code, "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")


def start_writers(db_url, codes, count):
    start_at = str(time.time() + 3)  # every process imports, connects, then starts together
    return [
        subprocess.Popen([sys.executable, "-m", "tests.writer", db_url, code, str(writer), str(count)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         env={**__import__("os").environ, "START_AT": start_at})
        for writer, code in enumerate(codes)
    ]


def outcomes(processes):
    results = []
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err  # a traceback here is a failure that was not clear
        results.extend(json.loads(line) for line in out.splitlines())
    return results


def stored_payments(db_url, code):
    ledger = Ledger(database(db_url))
    try:
        events = ledger.facility_events(code)
    finally:
        ledger.close()
    return events


def assert_exactly_once(results, events_by_code):
    landed = [r["amount"] for r in results if r["ok"]]
    stored = [str(e.amount) for events in events_by_code.values() for e in events
              if type(e).__name__ == "PaymentReceived"]
    assert Counter(stored) == Counter(landed)
    assert sum(map(Decimal, stored)) == sum(map(Decimal, landed))
    for failure in (r for r in results if not r["ok"]):
        assert any(phrase in failure["error"] for phrase in CLEAR_FAILURE), failure


@pytest.mark.parametrize("shared", [True, False], ids=["one-facility", "own-facility"])
def test_eight_processes_on_postgres_each_payment_lands_once(postgres_url, shared):
    writers, count = 8, size(5, 50)
    codes = ["SHARED"] * writers if shared else [f"OWN-{w}" for w in range(writers)]
    for code in set(codes):
        open_facility(postgres_url, code)

    results = outcomes(start_writers(postgres_url, codes, count))

    events = {code: stored_payments(postgres_url, code) for code in set(codes)}
    assert len(results) == writers * count
    assert_exactly_once(results, events)
    for code, stream in events.items():
        assert_contiguous_and_chained(stream, code)
    if not shared:  # no two writers share a stream: nothing to give up on
        assert all(r["ok"] for r in results)


def test_two_processes_on_one_sqlite_file_never_corrupt_it(sqlite_url):
    count = size(10, 200)
    open_facility(sqlite_url, "SHARED")

    results = outcomes(start_writers(sqlite_url, ["SHARED", "SHARED"], count))

    events = {"SHARED": stored_payments(sqlite_url, "SHARED")}
    assert len(results) == 2 * count
    assert_exactly_once(results, events)
    assert_contiguous_and_chained(events["SHARED"], "SHARED")
    with closing(sqlite3.connect(sqlite_url)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_eight_cli_processes_at_once_each_report_once(postgres_url):
    open_facility(postgres_url, "CLI")
    commands = [
        subprocess.Popen([LOANLEDGER, "--db", postgres_url, "--json", "record", "payment", "CLI",
                          "--amount", f"{w + 1}00.00", "--date", "2024-02-01"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for w in range(8)
    ]
    results = []
    for w, command in enumerate(commands):
        out, err = command.communicate(timeout=300)
        assert command.returncode in (0, 1) and "Traceback" not in err, err
        results.append({"amount": f"{w + 1}00.00", "ok": command.returncode == 0, "error": err.strip()})
        if command.returncode == 1:
            assert len(err.strip().splitlines()) == 1

    events = {"CLI": stored_payments(postgres_url, "CLI")}
    assert_exactly_once(results, events)
    assert_contiguous_and_chained(events["CLI"], "CLI")
