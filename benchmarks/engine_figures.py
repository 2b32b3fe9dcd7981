"""The engine's cost per facility in the read models' pass (`facility_figures`): what a rebuild,
a worker's catch-up and verify each pay once per facility, on the generated ten-year books of
`benchmarks.generate` (100 events a facility, far behind on their interest: about 120 open items).

    .venv/bin/python -m benchmarks.engine_figures [--facilities 20] [--events 100]

Prints the CPU time per facility (best of 3 passes over the facilities, after one warm-up) and
the read-model steps per facility. For a before/after, run it in both trees one after the
other (the data is the same: deterministic for its seed).
"""

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.generate import portfolio_records, write
from benchmarks.timing import loanledger, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facilities", type=int, default=20)
    parser.add_argument("--events", type=int, default=100, help="events per facility")
    args = parser.parse_args()
    from cli.application.ledger import Ledger
    from cli.persistence.storage import database
    from projections.readmodels.facility_figures import facility_figures

    with tempfile.TemporaryDirectory(prefix="loanledger-engine-") as tmp:
        file, db = Path(tmp) / "book.jsonl", str(Path(tmp) / "book.db")
        write(file, portfolio_records(args.facilities * args.events, per_facility=args.events))
        run(loanledger(db, "import", str(file), "--no-refresh"))
        ledger = Ledger(database(db))
        try:
            streams = [ledger.facility_events(f"SYN-{n:05d}") for n in range(args.facilities)]
        finally:
            ledger.close()
    for events in streams:
        facility_figures(events)  # warm-up: caches, calendars
    best = float("inf")
    for _ in range(3):
        began = time.process_time()
        figures = [facility_figures(events) for events in streams]
        best = min(best, time.process_time() - began)
    steps = sum(len(f.steps) for f in figures) / len(figures)
    print(f"{args.facilities} facilities of {args.events} events: facility_figures {best / len(streams) * 1000:.1f} ms "
          f"CPU a facility (best of 3); {steps:.0f} steps a facility")


if __name__ == "__main__":
    main()
