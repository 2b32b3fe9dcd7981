"""The figures in docs/reliability.md, printed rather than asserted.

    python -m tests.reliability_figures concurrency WRITERS COUNT shared|own
    python -m tests.reliability_figures memory BATCH EVENTS [EVENTS ...]   (SQLite)
"""

import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

from tests.conftest import _admin
from tests.reliability_support import run_measured, write_import_file
from tests.test_reliability_concurrency import open_facility, outcomes, start_writers


def concurrency(writers: int, count: int, shared: bool) -> None:
    name = f"loanledger_fig_{uuid.uuid4().hex[:8]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgresql://postgres@127.0.0.1:5432/{name}"
        codes = ["SHARED"] * writers if shared else [f"OWN-{w}" for w in range(writers)]
        for code in set(codes):
            open_facility(url, code)
        results = outcomes(start_writers(url, codes, count))
        attempts = Counter(r.get("attempts", "gave up") for r in results)
        print(f"{writers} writers x {count}: {sum(r['ok'] for r in results)} of {len(results)} landed; "
              f"attempts: {dict(sorted(attempts.items(), key=str))}")
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def memory(batch: str, sizes: list[int]) -> None:
    tmp = Path(tempfile.mkdtemp())
    for events in sizes:
        file = write_import_file(tmp / f"{events}.jsonl", events)
        started = time.monotonic()
        status, _, err, kib = run_measured(["--db", str(tmp / f"{events}.db"), "import", str(file),
                                            "--batch-size", batch])
        print(f"{events} events, batch {batch}: exit {status}, peak RSS {kib / 1024:.1f} MiB, "
              f"{time.monotonic() - started:.0f} s {err.strip()[-200:]}", flush=True)


if __name__ == "__main__":
    if sys.argv[1] == "concurrency":
        concurrency(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4] == "shared")
    else:
        memory(sys.argv[2], [int(n) for n in sys.argv[3:]])
