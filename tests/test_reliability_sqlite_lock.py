"""docs/reliability.md §1 on SQLite, shown: a writer waits at most LOANLEDGER_LOCK_TIMEOUT seconds
for another session's write lock, then fails in one line ("database error: database is locked")
with nothing written; a reader is not held up by that lock (WAL)."""

import os
import sqlite3
import subprocess
from contextlib import closing

from tests.helpers import run, stored
from tests.reliability_support import LOANLEDGER


def test_a_write_lock_held_past_the_timeout_refuses_and_readers_still_read(sqlite_url):
    run(sqlite_url, "facility", "open", "X", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    before = stored(sqlite_url)
    env = {**os.environ, "LOANLEDGER_LOCK_TIMEOUT": "1"}

    with closing(sqlite3.connect(sqlite_url, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # what a writer in the middle of its transaction holds
        write = subprocess.run([LOANLEDGER, "--db", sqlite_url, "record", "payment", "X", "--amount", "5",
                                "--date", "2024-02-01"], capture_output=True, text=True, timeout=60, env=env)
        read = subprocess.run([LOANLEDGER, "--db", sqlite_url, "balance", "X", "--as-of", "2024-02-01"],
                              capture_output=True, text=True, timeout=60, env=env)
        holder.execute("ROLLBACK")

    assert write.returncode == 1 and write.stderr.strip() == "error: database error: database is locked"
    assert read.returncode == 0, read.stderr
    assert stored(sqlite_url) == before
