"""Issue #19, goal 4: the read models' catch-up and `verify` shared by N partitioned processes
(`--partition K/N`, all started at once against one database), against one process doing it all,
in the same run. The ratio is the wall-clock of the N against the one: 1/N is the ideal on N
free CPUs (on this machine the N share its CPUs with PostgreSQL; on N machines they would not).

`python -m benchmarks --only partitions` (PostgreSQL when reachable, else SQLite).
"""

from pathlib import Path

from benchmarks.backends import postgres_available, postgres_db, sqlite_db
from benchmarks.bulk_import import make_file
from benchmarks.results import Result
from benchmarks.timing import loanledger, run, together

PARTITIONS = 2


def _reset(db: str) -> None:
    from cli.application.readmodel_sync import close_view, open_view
    from cli.persistence.storage import database, ready

    view = open_view(ready(database(db)))
    try:
        view.reset()
    finally:
        close_view(view)


def bench(tmp: Path, events: int) -> list[Result]:
    name, database = ("PostgreSQL", postgres_db()) if postgres_available() else ("SQLite", sqlite_db(tmp, "parts"))
    parts = [f"{k}/{PARTITIONS}" for k in range(1, PARTITIONS + 1)]
    with database as db:
        run(loanledger(db, "import", str(make_file(tmp, events)), "--no-refresh"))
        one, _ = run(loanledger(db, "projections", "run", "--once"))
        _reset(db)
        shared, _ = together([loanledger(db, "projections", "run", "--once", "--partition", p) for p in parts])
        verify_one, _ = together([loanledger(db, "verify")])
        verify_shared, _ = together([loanledger(db, "verify", "--partition", p) for p in parts])
    return [
        Result(f"4 read models by {PARTITIONS} partitioned workers, {events:,} events ({name})",
               f"{shared:.1f} s", f"one worker {one:.1f} s", shared / one, f"→ 1/{PARTITIONS} on {PARTITIONS} machines",
               shared < one),
        Result(f"4 verify by {PARTITIONS} partitions, {events:,} events ({name})",
               f"{verify_shared:.1f} s", f"one verify {verify_one:.1f} s", verify_shared / verify_one,
               f"→ 1/{PARTITIONS} on {PARTITIONS} machines", verify_shared < verify_one),
    ]
