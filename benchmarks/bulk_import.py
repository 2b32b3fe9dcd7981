"""Goal 2 (and 6 for import): `loanledger import` of a generated file, events/s, per backend.

Two figures per backend (issue #19, goal 1): the events written (`import --no-refresh`: parsed,
rules checked, chain hashed, stored), and the same with the read models current when the last
command exits (then `projections run --once`, the catch-up a plain `import` runs itself).

Baseline: the very rows the import stored, read back and written again with the driver's
`executemany` in one transaction into an empty copy of the events table (sqlite3 on SQLite,
psycopg on PostgreSQL). Peak RSS of the import is measured at two sizes.
"""

import sqlite3
import time
from pathlib import Path

from benchmarks.backends import postgres_available, postgres_db, sqlite_db
from benchmarks.generate import portfolio_records, write
from benchmarks.results import Result
from benchmarks.timing import loanledger, run

INSERT = "INSERT INTO {table} (originator_id, originator_version, topic, state) VALUES ({marks})"


def make_file(tmp: Path, events: int) -> Path:
    path = tmp / f"portfolio-{events}.jsonl"
    if not path.exists():
        write(path, portfolio_records(events))
    return path


def import_once(db: str, file: Path) -> tuple[float, int]:
    return run(loanledger(db, "import", str(file)))


def raw_sqlite(db: str) -> float:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT originator_id, originator_version, topic, state FROM stored_events").fetchall()
        conn.execute("CREATE TABLE raw_copy AS SELECT originator_id, originator_version, topic, state "
                     "FROM stored_events WHERE 0")
        conn.execute("CREATE UNIQUE INDEX raw_copy_pk ON raw_copy (originator_id, originator_version)")
    conn = sqlite3.connect(db, isolation_level=None)
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(INSERT.format(table="raw_copy", marks="?, ?, ?, ?"), rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def raw_postgres(url: str) -> float:
    import psycopg

    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT originator_id, originator_version, topic, state FROM ledger_events").fetchall()
        conn.execute("CREATE TABLE raw_copy (LIKE ledger_events INCLUDING ALL)")
        conn.commit()
        start = time.perf_counter()
        with conn.cursor() as cursor:
            cursor.executemany(INSERT.format(table="raw_copy", marks="%s, %s, %s, %s"), rows)
        conn.commit()
        return time.perf_counter() - start


def bench(tmp: Path, events: int, small: int) -> list[Result]:
    big_file, small_file = make_file(tmp, events), make_file(tmp, small)
    results = []
    backends = [("SQLite", sqlite_db(tmp, "import"), raw_sqlite, sqlite_db(tmp, "import-small"))]
    if postgres_available():
        backends.append(("PostgreSQL", postgres_db(), raw_postgres, postgres_db()))
    for name, big_db, raw, small_db in backends:
        with big_db as db:
            seconds, rss_big = run(loanledger(db, "import", str(big_file), "--no-refresh"))
            catch_up, _ = run(loanledger(db, "projections", "run", "--once"))
            raw_seconds = raw(db)
        with small_db as db:
            _, rss_small = import_once(db, small_file)
        rate, raw_rate = events / seconds, events / raw_seconds
        current = events / (seconds + catch_up)
        results.append(Result(f"2 import {events:,} events, written ({name})", f"{rate:,.0f} ev/s ({seconds:.1f} s)",
                              f"executemany {raw_rate:,.0f} rows/s", rate / raw_rate, "≥ 0.50", rate >= raw_rate / 2))
        results.append(Result(f"2 import {events:,} events, read models current ({name})",
                              f"{current:,.0f} ev/s ({seconds:.1f} + {catch_up:.1f} s)",
                              f"executemany {raw_rate:,.0f} rows/s", current / raw_rate, "≥ 0.25",
                              current >= raw_rate / 4))
        results.append(Result(f"6 import peak RSS ({name})", f"{rss_big / 1024:.0f} MiB at {events:,}",
                              f"{rss_small / 1024:.0f} MiB at {small:,}", rss_big / rss_small,
                              "≈ 1 (bounded)", rss_big <= rss_small * 1.25 + 20 * 1024))
    return results
