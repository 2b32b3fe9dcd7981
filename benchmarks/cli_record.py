"""Goal 1: `loanledger record payment` on SQLite, wall clock, against importing the libraries.

Baseline: `python -c "import typer, rich, pydantic, eventsourcing.application, psycopg"` in the
same venv. Both are the median of `runs` runs after a warm-up; the ledger holds the seed scenario.
Two rows: without a worker (the command refreshes the read models itself before it exits), and
with `loanledger projections run` running beside it (issue #20's condition: the worker applies
the event, so the command skips the refresh and its imports).

The project's modules are compiled to bytecode first (`compileall`), as an installed package's
are and as Python's first run leaves them: the libraries of the baseline are read from their
cached bytecode, and with PYTHONDONTWRITEBYTECODE set (as in some shells and containers) the
project's ~40 modules on the command's path would otherwise be compiled from source on every
run (≈ 0.1 s), which measures the environment, not the command.
"""

import compileall

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.backends import sqlite_db
from benchmarks.results import Result
from benchmarks.timing import loanledger, median_run, run

ROOT = Path(__file__).resolve().parent.parent
BASELINE = [sys.executable, "-c", "import typer, rich, pydantic, eventsourcing.application, psycopg"]


def bench(tmp: Path, runs: int = 15) -> list[Result]:
    for package in ("cli", "domain", "projections"):
        compileall.compile_dir(ROOT / package, quiet=1)
    with sqlite_db(tmp, "record") as db:
        run(loanledger(db, "import", str(ROOT / "examples" / "atg-laurus-2005.jsonl")))
        payment = loanledger(db, "record", "payment", "ATG-LAURUS-2005", "--amount", "1.00", "--date", "2008-02-01")
        baseline = median_run(BASELINE, runs)
        record = median_run(payment, runs)
        with worker(db):
            beside = median_run(payment, runs)
        baseline_again = median_run(BASELINE, runs)
    base = min(baseline, baseline_again)
    return [Result("1 record payment (SQLite, CLI)", f"{record * 1000:.0f} ms", f"imports {base * 1000:.0f} ms",
                   record / base, "≤ 1.00", record <= base),
            Result("1 record payment, projection worker running (SQLite, CLI)", f"{beside * 1000:.0f} ms",
                   f"imports {base * 1000:.0f} ms", beside / base, "≤ 1.20 (issue #20)", beside <= 1.2 * base)]


@contextmanager
def worker(db: str) -> Iterator[None]:
    """`projections run` beside the measured commands, from the moment it holds the worker lock."""
    process = subprocess.Popen(loanledger(db, "projections", "run"), stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not _worker_running(db):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the projection worker did not start: {process.stderr.read().decode()[-2000:]}")
            time.sleep(0.2)
        yield
    finally:
        process.terminate()  # SIGTERM: the worker stops after its current batch
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _worker_running(db: str) -> bool:
    status = subprocess.run(loanledger(db, "--json", "projections", "status"), capture_output=True, text=True)
    return status.returncode == 0 and json.loads(status.stdout).get("worker_running") is True
