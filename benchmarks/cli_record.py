"""Goal 1: `loanledger record payment` on SQLite, wall clock, against importing the libraries.

Baseline: `python -c "import typer, rich, pydantic, eventsourcing.application, psycopg"` in the
same venv. Both are the median of `runs` runs after a warm-up; the ledger holds the seed scenario.
"""

import sys
from pathlib import Path

from benchmarks.backends import sqlite_db
from benchmarks.results import Result
from benchmarks.timing import loanledger, median_run, run

ROOT = Path(__file__).resolve().parent.parent
BASELINE = [sys.executable, "-c", "import typer, rich, pydantic, eventsourcing.application, psycopg"]


def bench(tmp: Path, runs: int = 15) -> list[Result]:
    with sqlite_db(tmp, "record") as db:
        run(loanledger(db, "import", str(ROOT / "examples" / "atg-laurus-2005.jsonl")))
        payment = loanledger(db, "record", "payment", "ATG-LAURUS-2005", "--amount", "1.00", "--date", "2008-02-01")
        baseline = median_run(BASELINE, runs)
        record = median_run(payment, runs)
        baseline_again = median_run(BASELINE, runs)
    base = min(baseline, baseline_again)
    return [Result("1 record payment (SQLite, CLI)", f"{record * 1000:.0f} ms", f"imports {base * 1000:.0f} ms",
                   record / base, "≤ 1.00", record <= base)]
