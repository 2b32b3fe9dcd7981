"""An import killed with SIGKILL at random moments, then run again, ends exactly as one clean
import would: same streams, versions and content (issue #6, part 2)."""

import random
import signal
import subprocess
import time

import pytest

from cli.application.ledger import Ledger
from cli.persistence.storage import database
from tests.reliability_support import (
    LOANLEDGER, assert_contiguous_and_chained, count_stored, second_database, size, stored_content,
    write_import_file,
)

BATCH = 500


def start_import(db_url, file):
    return subprocess.Popen([LOANLEDGER, "--db", db_url, "--actor", "importer", "import", str(file),
                             "--batch-size", str(BATCH)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_during_validation(db_url, file, rng):
    """A kill at a random moment early on, before or while the first batches are written."""
    process = start_import(db_url, file)
    time.sleep(rng.uniform(0.1, 0.6))  # start-up and validation: the write starts after ~0.5 s
    process.send_signal(signal.SIGKILL)
    process.wait()


def kill_while_writing(db_url, file, rng, at_once=False):
    """A kill at a random moment after this run has written at least one more batch."""
    before = count_stored(db_url)
    process = start_import(db_url, file)
    while process.poll() is None and count_stored(db_url) <= before:
        time.sleep(0.05)
    time.sleep(0 if at_once else rng.uniform(0, 0.05))  # within a batch or two: the write takes ~1 s
    process.send_signal(signal.SIGKILL)
    process.wait()
    return count_stored(db_url)


@pytest.fixture
def clean_url(db_url, tmp_path):
    """A second, empty database on the same backend, for the clean import."""
    with second_database(db_url, tmp_path, "clean") as url:
        yield url


def test_an_import_killed_at_random_moments_then_rerun_equals_one_clean_import(db_url, clean_url, tmp_path):
    events, kills = size(6_000, 100_000), size(3, 6)
    file = write_import_file(tmp_path / "big.jsonl", events)
    rng = random.Random()

    kill_during_validation(db_url, file, rng)
    partial = [kill_while_writing(db_url, file, rng, at_once=(k == 0)) for k in range(kills)]
    finish = subprocess.run([LOANLEDGER, "--db", db_url, "import", str(file)], capture_output=True, text=True)

    assert finish.returncode == 0, finish.stderr
    assert any(0 < n < events for n in partial), partial  # some kill did land half way
    assert partial == sorted(partial)  # a kill never undid what an earlier run wrote
    clean = subprocess.run([LOANLEDGER, "--db", clean_url, "import", str(file)], capture_output=True, text=True)
    assert clean.returncode == 0, clean.stderr
    assert clean_url != db_url and count_stored(clean_url) == events
    assert stored_content(db_url) == stored_content(clean_url)
    ledger = Ledger(database(db_url))
    try:
        for code in {f"F{n:04d}" for n in range(10)}:
            assert_contiguous_and_chained(ledger.facility_events(code), code)
    finally:
        ledger.close()


