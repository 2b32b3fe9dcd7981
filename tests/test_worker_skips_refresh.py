"""With a projection worker running, a recording command does not even import the read-model
refresh (start-up: docs/performance.md, "Start-up of the command line"); without one it refreshes."""

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from cli.persistence.worker_lock import LOCK_KEY
from tests.helpers import facility_with_two_notes, run_json

ROOT = Path(__file__).resolve().parent.parent
PROBE = ("import atexit, sys\n"
         "atexit.register(lambda: sys.stderr.write('REFRESH ' + str('cli.application.readmodel_sync' in sys.modules)))\n"
         "from cli.commands.app import main\nmain()\n")


def record_rate(db_url: str, day: str) -> str:
    result = subprocess.run([sys.executable, "-c", PROBE, "--db", db_url, "record", "rate", "ACME-1", "--index",
                             "PRIME", "--rate", "8.25", "--date", day], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "LOANLEDGER_ACTOR": "tester"})
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_a_running_worker_means_no_refresh_on_the_command_path(db_url):
    facility_with_two_notes(db_url)  # the read models exist and are current
    assert "REFRESH True" in record_rate(db_url, "2024-02-01")  # no worker: the command refreshes

    if db_url.startswith("postgresql"):
        import psycopg

        worker = psycopg.connect(db_url, autocommit=True)
        worker.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))  # what `projections run` holds
        try:
            said = record_rate(db_url, "2024-03-01")
        finally:
            worker.close()
    else:
        with sqlite3.connect(db_url) as conn:  # a live owner's fresh heartbeat, as `projections run` beats
            conn.execute("INSERT OR REPLACE INTO rm_worker VALUES ('readmodels', ?, ?)",
                         (f"{socket.gethostname()}:{os.getpid()}:test", time.time()))
        said = record_rate(db_url, "2024-03-01")
    assert "REFRESH False" in said
    assert [e["effective_date"] for e in run_json(db_url, "events", "ACME-1", "--type", "IndexRateSet")][-1] == "2024-03-01"
