"""Goals 5 and 6 (verify): `loanledger verify` over every event, against reading them raw.

Baseline: every stored event read through the recorder in pages of 1,000
(`select_notifications`), in process. `verify` runs as the CLI does, in a subprocess; its peak
RSS is measured at two sizes (SQLite), and the larger size is verified on PostgreSQL too when it is
reachable. Skipped (and said so) while the ledger has no `verify` command.
"""

import subprocess
import time
from pathlib import Path

from benchmarks.backends import postgres_available, postgres_db, sqlite_db
from benchmarks.bulk_import import make_file
from benchmarks.results import Result
from benchmarks.timing import loanledger, run

PAGE = 1_000


def has_verify() -> bool:
    shown = subprocess.run(loanledger(":unused:", "--help"), capture_output=True, text=True)
    return " verify " in shown.stdout


def read_raw(db: str, size: int = PAGE) -> tuple[float, int]:
    """Every stored event read raw through the recorder in pages of `size`: (seconds, events)."""
    from cli.application.ledger import Ledger
    from cli.persistence.storage import database, ready

    ledger = Ledger(ready(database(db)))
    try:
        start, count, began = 1, 0, time.perf_counter()
        while True:
            page = ledger.recorder.select_notifications(start=start, limit=size)
            count += len(page)
            if len(page) < size:
                return time.perf_counter() - began, count
            start = page[-1].id + 1
    finally:
        ledger.close()


def bench(tmp: Path, events: int, small: int) -> list[Result]:
    if not has_verify():
        return [Result("5 verify (not run: no verify command yet)", "-", "-", float("nan"), "≤ 4.00", False)]
    results = []
    peaks = {}
    for size in (small, events):
        with sqlite_db(tmp, f"verify-{size}") as db:
            run(loanledger(db, "import", str(make_file(tmp, size))))
            seconds, peaks[size] = run(loanledger(db, "verify"))
            raw, count = read_raw(db)
    results.append(Result(f"5 verify {count:,} events (SQLite)", f"{seconds:.1f} s", f"raw pages {raw:.2f} s",
                          seconds / raw, "≤ 4.00", seconds <= 4 * raw))
    results.append(Result("6 verify peak RSS (SQLite)", f"{peaks[events] / 1024:.0f} MiB at {events:,}",
                          f"{peaks[small] / 1024:.0f} MiB at {small:,}", peaks[events] / peaks[small],
                          "≈ 1 (bounded)", peaks[events] <= peaks[small] * 1.25 + 20 * 1024))
    if postgres_available():  # production's backend: the same file, the same command
        with postgres_db() as db:
            run(loanledger(db, "import", str(make_file(tmp, events))))
            seconds, _ = run(loanledger(db, "verify"))
            raw, count = read_raw(db)
        results.append(Result(f"5 verify {count:,} events (PostgreSQL)", f"{seconds:.1f} s",
                              f"raw pages {raw:.2f} s", seconds / raw, "≤ 4.00", seconds <= 4 * raw))
    return results
