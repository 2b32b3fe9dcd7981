"""Throwaway databases for the benchmarks: a SQLite file, or a fresh PostgreSQL database."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG = os.environ.get("LOANLEDGER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432")


@contextmanager
def sqlite_db(tmp: Path, name: str) -> Iterator[str]:
    path = tmp / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    yield str(path)


@contextmanager
def postgres_db() -> Iterator[str]:
    import psycopg

    name = f"loanledger_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG}/{name}"
    finally:
        with psycopg.connect(f"{PG}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", connect_timeout=3):
            return True
    except Exception:  # noqa: BLE001
        return False
