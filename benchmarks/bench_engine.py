"""Engine speed: an as-of query over a 10,000-event stream, and a 10-year daily timeline.

Run: python benchmarks/bench_engine.py   (prints seconds; the timeline should be <= ~3× a query)
"""

import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from projections.report import report, timeline  # noqa: E402
from tests.streams import advance, note, opened, payment, rate, stream  # noqa: E402

START = date(2010, 1, 4)


def big_stream(n: int = 10_000):
    records = [opened(agreement_date="2010-01-04"), rate("PRIME", "3.25", "2010-01-01")]
    for code in ("R1", "R2", "T1", "T2"):
        records.append(note(code, kind="revolving", face_amount="900000000.00", issue_date="2010-01-04",
                            maturity_date="2021-01-04", interest={"index": "PRIME", "margin": "2", "floor": "4"}))
    day = 0
    while len(records) < n:
        when = (START + timedelta(days=day % 3650)).isoformat()
        code = ("R1", "R2", "T1", "T2")[len(records) % 4]
        if len(records) % 97 == 0:
            records.append(rate("PRIME", f"{3 + (day % 40) / 10:.2f}", when))
        elif len(records) % 3:
            records.append(advance("1000.00", when, code))
        else:
            records.append(payment("1500.00", when))
        day += 1
    return stream(*records)


def main() -> None:
    events = big_stream()
    end = START + timedelta(days=3650)
    t0 = time.perf_counter()
    report(events, end)
    t1 = time.perf_counter()
    series = sum(1 for _ in timeline(events, START, end, "day"))
    t2 = time.perf_counter()
    print(f"{len(events)} events: as-of query {t1 - t0:.2f}s; daily timeline of {series} days {t2 - t1:.2f}s "
          f"({(t2 - t1) / (t1 - t0):.1f}× the query)")


if __name__ == "__main__":
    main()
