"""`--read-db URL`: the commands that only read go to a replica; the commands that record still
write to `--db` (docs/cli.md, "Reading from a replica")."""

import shutil
import uuid

import pytest

from tests.helpers import run, run_json
from tests.test_read_models_exactly_once import SEED

CODE = "ATG-LAURUS-2005"


@pytest.fixture
def primary_and_replica(db_url, tmp_path):
    """The seed ledger, and a copy of it taken afterwards (a replica as of that moment)."""
    run(db_url, "import", str(SEED))
    if "postgresql" not in db_url:
        replica = str(tmp_path / "replica.db")
        shutil.copy(db_url, replica)
        yield db_url, replica
        return
    from tests.conftest import _admin

    server, _, name = db_url.rpartition("/")
    copy = f"loanledger_replica_{uuid.uuid4().hex[:12]}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
    yield db_url, f"{server}/{copy}"
    with _admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)')


def count(db, *extra):
    return len(run_json(db, *extra, "events", CODE))


def test_reports_read_the_replica_and_recording_writes_the_primary(primary_and_replica):
    primary, replica = primary_and_replica
    stored = count(primary)
    assert stored == 88  # the seed file's records

    run(primary, "--read-db", replica, "record", "payment", CODE, "--amount", "1000", "--date", "2008-01-31")

    assert count(primary) == stored + 1                     # the payment went to --db
    assert count(primary, "--read-db", replica) == stored   # a report reads the replica, which lags
    assert count(replica) == stored                         # the replica itself was not written
    # the same split for the read models' report and for verify
    on_replica = run_json(primary, "--read-db", replica, "projections", "status")
    on_primary = run_json(primary, "projections", "status")
    assert on_primary["head"] == on_replica["head"] + 1
    verified = run_json(primary, "--read-db", replica, "verify")
    assert verified["ok"] and verified["events"] == stored


def test_a_replica_that_is_not_a_ledger_is_named(sqlite_url, tmp_path):
    missing = str(tmp_path / "nowhere.db")
    result = run(sqlite_url, "--read-db", missing, "balance", CODE, "--as-of", "2008-01-31", ok=False)
    assert result.exit_code != 0 and "nowhere.db" in result.output
    assert "Traceback" not in result.output
