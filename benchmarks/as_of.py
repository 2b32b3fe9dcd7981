"""Goals 3 and 4, in process, on one facility of `events` events over ten years (SQLite).

3. What `past-due CODE --as-of D` does (load the stream, run the engine) against the library's
   plain replay of the same stream (`repository.get`, no snapshots).
4. A daily timeline over the ten years (one pass) against one as-of query.
"""

from datetime import date
from pathlib import Path

from benchmarks.backends import sqlite_db
from benchmarks.generate import START, facility_records, write
from benchmarks.results import Result
from benchmarks.timing import loanledger, median_seconds, run

CODE = "SYN-00000"
AS_OF = date(2020, 1, 1)


def bench(tmp: Path, events: int, runs: int = 5) -> list[Result]:
    from cli.application.ledger import Ledger
    from cli.persistence.storage import database
    from domain.facility import facility_id
    from projections.report import past_due_as_of, timeline

    file = tmp / f"facility-{events}.jsonl"
    write(file, facility_records(CODE, events))
    with sqlite_db(tmp, "as-of") as db:
        run(loanledger(db, "import", str(file)))
        ledger = Ledger(database(db))
        try:
            replay = median_seconds(lambda: ledger.repository.get(facility_id(CODE)), runs)
            query = median_seconds(lambda: past_due_as_of(ledger.facility_events(CODE), AS_OF), runs)
            series = median_seconds(
                lambda: sum(1 for _ in timeline(ledger.facility_events(CODE), START, AS_OF, "day")), max(runs // 2, 1))
        finally:
            ledger.close()
    return [
        Result(f"3 past-due --as-of, {events:,} events", f"{query * 1000:.0f} ms",
               f"repository.get {replay * 1000:.0f} ms", query / replay, "≤ 0.60", query <= 0.6 * replay),
        Result("4 daily timeline, 10 years", f"{series * 1000:.0f} ms", f"as-of query {query * 1000:.0f} ms",
               series / query, "≤ 3.00", series <= 3 * query),
        # issue #19 raised both (its goal 5): the same measures against the new targets
        Result(f"3 past-due --as-of, {events:,} events (raised)", f"{query * 1000:.0f} ms",
               f"repository.get {replay * 1000:.0f} ms", query / replay, "≤ 0.25", query <= 0.25 * replay),
        Result("4 daily timeline, 10 years (raised)", f"{series * 1000:.0f} ms", f"as-of query {query * 1000:.0f} ms",
               series / query, "≤ 1.20", series <= 1.2 * query),
    ]
