"""Read models on PostgreSQL: `projections rebuild` and `portfolio --as-of` against the time to read
every stored event raw through the recorder (`select_notifications` in pages), in the same run.

Run:  .venv/bin/python benchmarks/readmodels.py                 (1,000 facilities × 100 events)
      .venv/bin/python benchmarks/readmodels.py --full          (10,000 × 100 = 1,000,000 events)
      .venv/bin/python benchmarks/readmodels.py --facilities 3000 --keep   (reuse the database)
Prints baseline, figure and ratio for each; targets: rebuild ≤ 5×, portfolio ≤ 4× (docs/performance.md).
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from benchmarks.facility_data import populate  # noqa: E402
from cli.application.ledger import Ledger  # noqa: E402
from cli.commands.app import app  # noqa: E402
from cli.persistence.storage import database  # noqa: E402

PAGE = 10_000


def raw_read(ledger: Ledger) -> tuple[int, float]:
    started, count, start = time.perf_counter(), 0, 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=PAGE)
        count += len(page)
        if len(page) < PAGE:
            return count, time.perf_counter() - started
        start = page[-1].id + 1


def decode_all(ledger: Ledger) -> float:
    started, start = time.perf_counter(), 1
    while True:
        page = ledger.recorder.select_notifications(start=start, limit=PAGE)
        for n in page:
            ledger.mapper.to_domain_event(n)
        if len(page) < PAGE:
            return time.perf_counter() - started
        start = page[-1].id + 1


def cli(url: str, *args: str) -> tuple[dict, float]:
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["--db", url, "--json", *args])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(f"{args} failed: {result.output} {result.exception!r}")
    return json.loads(result.stdout), seconds


def fresh_database(server: str, name: str) -> str:
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--name", default="loanledger_bench_readmodels")
    parser.add_argument("--facilities", type=int, default=1000)
    parser.add_argument("--events", type=int, default=100, help="events per facility")
    parser.add_argument("--full", action="store_true", help="10,000 facilities (1,000,000 events)")
    parser.add_argument("--keep", action="store_true", help="reuse the database if it holds the data")
    parser.add_argument("--as-of", default="2024-06-28")
    args = parser.parse_args()
    facilities = 10_000 if args.full else args.facilities
    url = f"{args.server}/{args.name}"
    ledger = None
    if args.keep:
        try:
            ledger = Ledger(database(url))
        except Exception:  # noqa: BLE001
            ledger = None
    if ledger is None or (ledger.recorder.max_notification_id() or 0) == 0:
        url = fresh_database(args.server, args.name)
        ledger = Ledger(database(url))
        started = time.perf_counter()
        saved = populate(ledger, facilities, args.events)
        print(f"generated {saved:,} events for {facilities:,} facilities in {time.perf_counter() - started:.1f} s")
    count, baseline = raw_read(ledger)
    print(f"baseline: raw read of {count:,} events (select_notifications, pages of {PAGE:,}): {baseline:.2f} s")
    print(f"(for reference, decoding them all through the mapper: {decode_all(ledger):.2f} s)")
    ledger.close()

    rebuilt, seconds = cli(url, "projections", "rebuild")
    print(f"projections rebuild: {seconds:.2f} s ({rebuilt['rate']:,} events/s) = {seconds / baseline:.1f}× baseline (target ≤ 5×)")
    for label, extra in (("portfolio --as-of", []), ("portfolio --as-of --known-at (now)", ["--known-at", "2100-01-01T00:00:00+00:00"])):
        report, seconds = cli(url, "portfolio", "--as-of", args.as_of, *extra)
        by_engine = sum(1 for f in report["facilities"] if f["computed_by"] == "engine")
        print(f"{label} {args.as_of}: {seconds:.2f} s for {len(report['facilities']):,} facilities "
              f"({by_engine} by the engine) = {seconds / baseline:.1f}× baseline (target ≤ 4×)")


if __name__ == "__main__":
    main()
