"""Backends for the tests: a fresh SQLite file, and a throwaway database on the local
PostgreSQL (127.0.0.1:5432, user postgres), created for the test and dropped after it.

With CI=true a PostgreSQL that cannot be reached fails the run; elsewhere it is skipped
with the reason.
"""

import os
import uuid

import pytest

from cli.application.ledger import Ledger
from cli.persistence.storage import database, ready

PG_HOST = os.environ.get("LOANLEDGER_TEST_PGHOST", "127.0.0.1")
PG_PORT = os.environ.get("LOANLEDGER_TEST_PGPORT", "5432")
PG_USER = os.environ.get("LOANLEDGER_TEST_PGUSER", "postgres")


def _admin():
    import psycopg

    return psycopg.connect(
        host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True, connect_timeout=5
    )


@pytest.fixture(scope="session")
def postgres_server():
    try:
        with _admin():
            pass
    except Exception as error:  # noqa: BLE001
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"PostgreSQL at {PG_HOST}:{PG_PORT} is required in CI: {error}")
        pytest.skip(f"PostgreSQL at {PG_HOST}:{PG_PORT} unreachable: {error}")
    return f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}"


@pytest.fixture
def postgres_url(postgres_server):
    name = f"loanledger_test_{uuid.uuid4().hex[:12]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{postgres_server}/{name}"
    _create_ledger(url)
    yield url
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path):
    url = str(tmp_path / "ledger.db")
    _create_ledger(url)
    return url


def _create_ledger(url):
    """What `loanledger init` does: only init, demo and import create a ledger (docs/cli.md)."""
    Ledger(ready(database(url), create=True)).close()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request):
    """The same test, once on each backend."""
    return request.getfixturevalue(f"{request.param}_url")


@pytest.fixture(scope="session")
def reachable_by_nobody():
    """Tests that drop to the user `nobody` (tests/test_read_only_ledger.py) run this checkout's
    interpreter and code as nobody. A checkout in a private folder (`mktemp -d` makes it 0700)
    cannot be entered by nobody: for the session, each folder above the interpreter and the code
    that others cannot enter gets the search bit only (o+x: enter, not list), restored after."""
    import stat
    import sys
    from pathlib import Path

    changed = []
    if os.geteuid() == 0:
        starts = {Path(sys.executable).parent, Path(__file__).resolve().parent}
        folders = {p for start in starts for p in (start, *start.parents)}
        for folder in sorted(folders):
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
                changed.append((folder, stat.S_IMODE(mode)))
    yield
    for folder, mode in changed:
        folder.chmod(mode)
