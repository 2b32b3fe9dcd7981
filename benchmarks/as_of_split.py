"""Goals 3 and 4 of `benchmarks/as_of.py` split into their parts, by CPU time (`time.process_time`,
the best of N runs: on a shared machine CPU time moves far less than wall-clock medians).

    python -m benchmarks.as_of_split [--runs N]

The same facility (10,000 events over ten years, SQLite) and the same calls as `as_of.py`, plus
the parts: `load` is `ledger.facility_events` alone (reading and decoding every event), `engine`
the as-of query on events already loaded, `walk` the daily timeline's moves without its
readings, `readings` what the timeline's figures cost per day. Run it in two trees (before and
after a change) one after the other to compare.
"""

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from benchmarks.backends import sqlite_db
from benchmarks.generate import START, facility_records, write
from benchmarks.timing import loanledger, run

CODE = "SYN-00000"
AS_OF = date(2020, 1, 1)


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        began = time.process_time()
        fn()
        times.append(time.process_time() - began)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from cli.application.ledger import Ledger
    from cli.persistence.storage import database
    from domain.facility import facility_id
    from projections.engine import Sweep
    from projections.report import past_due_as_of, timeline, timeline_dates

    days = timeline_dates(START, AS_OF)

    def walk(events: list) -> None:
        sweep = Sweep(events, explain=False)
        for day in days:
            sweep.run_to(day)

    with tempfile.TemporaryDirectory(prefix="loanledger-split-") as name:
        tmp = Path(name)
        file = tmp / "facility.jsonl"
        write(file, facility_records(CODE, 10_000))
        with sqlite_db(tmp, "split") as db:
            run(loanledger(db, "import", str(file)))
            ledger = Ledger(database(db))
            try:
                events = ledger.facility_events(CODE)
                replay = best(lambda: ledger.repository.get(facility_id(CODE)), args.runs)
                load = best(lambda: ledger.facility_events(CODE), args.runs)
                query = best(lambda: past_due_as_of(ledger.facility_events(CODE), AS_OF), args.runs)
                series = best(lambda: sum(1 for _ in timeline(ledger.facility_events(CODE), START, AS_OF)), args.runs)
                engine = best(lambda: past_due_as_of(events, AS_OF), args.runs)
                moves = best(lambda: walk(events), args.runs)
                alone = best(lambda: sum(1 for _ in timeline(events, START, AS_OF)), args.runs)
            finally:
                ledger.close()
    ms = 1000
    print(f"replay (repository.get) {replay * ms:.0f} ms; as-of query {query * ms:.0f} ms = {query / replay:.2f}× "
          f"(goal 3 ≤ 0.25×); daily timeline {series * ms:.0f} ms = {series / query:.2f}× one as-of (goal 4 ≤ 1.20×)")
    print(f"parts: load {load * ms:.0f} ms ({load / replay:.2f}× replay); engine {engine * ms:.0f} ms; "
          f"timeline on loaded events {alone * ms:.0f} ms = walk {moves * ms:.0f} ms + readings "
          f"{(alone - moves) * ms:.0f} ms ({(alone - moves) / len(days) * 1e6:.1f} µs a day, {len(days)} days)")


if __name__ == "__main__":
    main()
