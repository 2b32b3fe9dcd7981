"""Issue #19, goal 3: a whole book on PostgreSQL, every step a real command in its own process,
each with its wall-clock time and peak memory, and the bytes per event on disk.

    .venv/bin/python -m benchmarks.book_scale --facilities 1000            (100,000 events)
    .venv/bin/python -m benchmarks.book_scale --facilities 100000          (10,000,000 events)
    options: --per-facility 100 (events per facility), --partitions N (the read models and verify
    by N partitioned processes at once instead of one process), --keep (leave the database),
    --as-of DATE (the portfolio's date, default 2019-12-31: inside the generated years),
    --steps import,workers,rebuild,portfolio,verify (which steps to run, default all),
    --db URL (a database a run with --keep left: its events are not generated nor imported again,
    so a long run can be taken in parts, e.g. `--steps import --keep`, then `--db URL --steps
    rebuild,portfolio,verify`)

Steps: generate the file (`benchmarks.generate`, facilities one after another); `import
--no-refresh` (events written: parsed, rules checked, chain hashed); `projections rebuild`;
`portfolio --as-of`; `verify`; and, as the baseline, every stored event read raw
(`select_notifications`, pages of 10,000) in this process. Prints one Markdown row per step.
"""

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.backends import PG
from benchmarks.generate import portfolio_records, write
from benchmarks.timing import loanledger, run, together
from benchmarks.verify import read_raw

PAGE = 10_000
STEPS = ("import", "workers", "rebuild", "portfolio", "verify")


def disk_bytes(url: str) -> tuple[int, int]:
    """(events table with its indexes and TOAST, read-model tables) in bytes."""
    import psycopg

    with psycopg.connect(url) as conn:
        events = conn.execute("SELECT pg_total_relation_size('ledger_events')").fetchone()[0]
        models = conn.execute("SELECT COALESCE(SUM(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                              "WHERE c.relname IN ('rm_facility_summary', 'rm_event_journal', 'rm_portfolio_steps')"
                              ).fetchone()[0]
    return int(events), int(models)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--facilities", type=int, default=1000)
    parser.add_argument("--per-facility", type=int, default=100)
    parser.add_argument("--partitions", type=int, default=1)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--as-of", default="2019-12-31",
                        help="portfolio date: inside the generated ten years (2010-2020), where the read models answer")
    parser.add_argument("--steps", default=",".join(STEPS), help=f"comma-separated, of: {', '.join(STEPS)}")
    parser.add_argument("--db", help="an existing database (left by --keep): its events are used as they are")
    args = parser.parse_args()
    steps = set(args.steps.split(","))
    if steps - set(STEPS):
        parser.error(f"unknown step(s): {', '.join(sorted(steps - set(STEPS)))}; the steps are {', '.join(STEPS)}")
    if args.db and "import" in steps:
        parser.error("--db reuses a database's events: leave 'import' out of --steps")
    import psycopg

    events = args.facilities * args.per_facility  # with --db: the database's count
    if args.db:
        db, name = args.db, args.db.rsplit("/", 1)[-1]
        args.keep = True  # never drop a database this run did not create
    else:
        name = f"loanledger_book_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        db = f"{PG}/{name}"
    rows = []

    def row(step: str, seconds: float, rss: int, raw: float | None = None) -> None:
        ratio = f"{seconds / raw:.1f}×" if raw else ""
        rows.append(f"| {step} | {seconds:,.1f} s | {events / seconds:,.0f} ev/s | {ratio} | {rss / 1024:,.0f} MiB |")
        print(rows[-1], flush=True)

    try:
        def baseline() -> tuple[float, int]:
            raw, count = read_raw(db, PAGE)
            rows.append(f"| raw read (baseline) | {raw:,.1f} s | {count / raw:,.0f} ev/s | 1× | |")
            print(rows[-1], flush=True)
            return raw, count

        print("| step | wall | rate | against the raw read | peak RSS |\n|---|---|---|---|---|", flush=True)
        if "import" in steps:
            with tempfile.TemporaryDirectory(prefix="loanledger-book-") as tmp:
                path = Path(tmp) / "book.jsonl"
                began = time.perf_counter()
                write(path, portfolio_records(events, per_facility=args.per_facility))
                print(f"{events:,} events over {args.facilities:,} facilities; file {path.stat().st_size / 2**20:,.0f} "
                      f"MiB written in {time.perf_counter() - began:.0f} s; database {name}", flush=True)
                seconds, rss = run(loanledger(db, "import", str(path), "--no-refresh"))
                raw, count = baseline()
                assert count == events, (count, events)
                row("import --no-refresh", seconds, rss, raw)
        else:
            print(f"database {name}", flush=True)
            raw, events = baseline()
        parts = [f"{k}/{args.partitions}" for k in range(1, args.partitions + 1)]
        if "workers" in steps and args.partitions > 1:
            seconds, rss = together([loanledger(db, "projections", "run", "--once", "--partition", p) for p in parts])
            row(f"projections run --once, {args.partitions} partitions at once", seconds, rss, raw)
        if "rebuild" in steps:
            seconds, rss = run(loanledger(db, "projections", "rebuild"))
            row("projections rebuild", seconds, rss, raw)
        if "portfolio" in steps:
            seconds, rss = run(loanledger(db, "portfolio", "--as-of", args.as_of))
            row(f"portfolio --as-of {args.as_of}", seconds, rss, raw)
        if "verify" in steps and args.partitions > 1:
            seconds, rss = together([loanledger(db, "verify", "--partition", p) for p in parts])
            row(f"verify, {args.partitions} partitions at once", seconds, rss, raw)
        elif "verify" in steps:
            seconds, rss = together([loanledger(db, "verify")])
            row("verify", seconds, rss, raw)
        stored, models = disk_bytes(db)
        print(f"\non disk: events {stored / 2**20:,.0f} MiB ({stored / events:,.0f} bytes/event with indexes), "
              f"read models {models / 2**20:,.0f} MiB ({models / events:,.0f} bytes/event)", flush=True)
    finally:
        if not args.keep:
            with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
