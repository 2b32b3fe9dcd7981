"""Imports at once on one facility (issue #13): each `loanledger import` retries a version
conflict as `record` does, so 8 importers of distinct payments on one PostgreSQL facility, and 2
on one SQLite file, all land, each payment exactly once; and an import whose connections are all
lost says that running it again resumes, which it does, exactly once."""

import json
import os
import subprocess
import time
from collections import Counter

import psycopg
import pytest

from cli.application.ledger import Ledger
from cli.persistence.storage import database
from tests.helpers import run, run_json
from tests.reliability_support import LOANLEDGER, assert_contiguous_and_chained, size

CODE = "SHARED"


def payments_file(path, writer, count):
    """`count` distinct payments; every other one with a reference, the rest matched by content."""
    with open(path, "w") as file:
        for i in range(count):
            record = {"facility": CODE, "type": "PaymentReceived", "amount": f"{writer + 1}{i:04d}.{writer:02d}",
                      "effective_date": "2024-02-01", "source": f"importer {writer}"}
            if i % 2 == 0:
                record["reference"] = f"WIRE-{writer}-{i}"
            file.write(json.dumps(record) + "\n")
    return path


def importers(db_url, files, **env):
    return [subprocess.Popen([LOANLEDGER, "--db", db_url, "--json", "import", str(f)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env={**os.environ, **env}) for f in files]


def stored_payments(db_url):
    ledger = Ledger(database(db_url))
    try:
        events = ledger.facility_events(CODE)
    finally:
        ledger.close()
    assert_contiguous_and_chained(events, CODE)
    return [e for e in events if type(e).__name__ == "PaymentReceived"]


def assert_each_payment_once(db_url, files):
    wanted = Counter(json.loads(line)["amount"] for f in files for line in open(f))
    payments = stored_payments(db_url)
    assert Counter(str(p.amount) for p in payments) == wanted  # every one, none twice
    references = [p.reference for p in payments if p.reference is not None]
    assert len(references) == len(set(references)) == sum(1 for f in files for line in open(f) if "WIRE-" in line)
    assert run_json(db_url, "verify")["ok"] is True


@pytest.mark.parametrize("backend, writers", [("postgres", 8), ("sqlite", 2)])
def test_concurrent_imports_on_one_facility_all_land_exactly_once(request, tmp_path, backend, writers):
    db_url = request.getfixturevalue(f"{backend}_url")
    run(db_url, "facility", "open", CODE, "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    count = size(6, 40)
    files = [payments_file(tmp_path / f"w{w}.jsonl", w, count) for w in range(writers)]

    processes = importers(db_url, files)
    for process in processes:
        out, err = process.communicate(timeout=600)
        assert process.returncode == 0, err
        assert "Traceback" not in err
        assert json.loads(out)["recorded"] == count  # each reports exactly its own records as written

    assert_each_payment_once(db_url, files)
    again = importers(db_url, files[:1])[0].communicate(timeout=120)[0]
    assert json.loads(again) == {"recorded": 0, "already_recorded": count, "facilities": [CODE]}


def _end_every_waiting_session(db_url, process):
    """Until the import exits, end each of its sessions that waits for the held lock (its insert),
    so every connection it makes, retries included, is lost."""
    name = db_url.rsplit("/", 1)[1]
    ended = 0
    with psycopg.connect(db_url, autocommit=True) as admin:
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            for (pid,) in admin.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock' "
                    "AND pid <> pg_backend_pid()", (name,)).fetchall():
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
                ended += 1
            time.sleep(0.05)
    return ended


def test_an_import_whose_connections_are_all_lost_says_a_rerun_resumes_and_it_does(postgres_url, tmp_path):
    run(postgres_url, "facility", "open", CODE, "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    file = payments_file(tmp_path / "payments.jsonl", 0, 6)

    with psycopg.connect(postgres_url) as holder:
        holder.execute("LOCK TABLE ledger_events IN EXCLUSIVE MODE")  # reads pass, every insert waits
        process = subprocess.Popen([LOANLEDGER, "--db", postgres_url, "import", str(file), "--batch-size", "2"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                   env={**os.environ, "LOANLEDGER_LOCK_TIMEOUT": "120"})
        ended = _end_every_waiting_session(postgres_url, process)
        out, err = process.communicate(timeout=60)

    assert ended >= 1
    assert process.returncode == 1, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    assert "database error:" in err
    assert "event(s) of this file were written before it: run the import again, it skips what is stored " \
           "and resumes" in err, err

    rerun = run(postgres_url, "import", str(file))
    assert rerun.exit_code == 0, rerun.output
    assert_each_payment_once(postgres_url, [file])
    assert run(postgres_url, "import", str(file)).stdout.startswith("Imported 0 event(s)")
