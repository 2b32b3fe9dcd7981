"""For the reliability tests: generated import files, the stored content to compare, the
loanledger command as a subprocess, and its peak memory.

`LOANLEDGER_FULL=1` runs the reliability tests at the sizes in docs/reliability.md; without it
they run at a size that keeps `make test` quick.
"""

import json
from contextlib import contextmanager
import os
import sys
from pathlib import Path

from cli.application.ledger import Ledger
from cli.persistence.storage import database

FULL = os.environ.get("LOANLEDGER_FULL", "") not in ("", "0")
LOANLEDGER = str(Path(sys.executable).parent / "loanledger")
NOT_CONTENT = ("timestamp", "chain_hash", "recorded_by", "on_behalf_of")


def size(small: int, full: int) -> int:
    return full if FULL else small


def facility_records(code: str, events: int, start: int = 0):
    """One facility with a term note, an advance and `events - 3` payments, every other one
    with a wire reference (so both ways of skipping what is stored are used)."""
    yield {"facility": code, "type": "FacilityOpened", "code": code, "borrower": f"Borrower of {code}",
           "lender": "First Bank", "agreement_date": "2019-12-02"}
    yield {"facility": code, "type": "NoteIssued", "note": "TERM", "kind": "term",
           "face_amount": "900000000.00", "issue_date": "2019-12-02", "maturity_date": "2030-01-02",
           "interest": {"rate": "6.5"}}
    yield {"facility": code, "type": "AdvanceMade", "note": "TERM", "amount": "500000000.00",
           "effective_date": "2020-01-03"}
    for i in range(events - 3):
        record = {"facility": code, "type": "PaymentReceived", "amount": f"{1000 + (i % 997)}.{i % 100:02d}",
                  "effective_date": f"{2020 + i % 5}-{1 + i % 12:02d}-{1 + i % 28:02d}"}
        if i % 2 == 0:
            record["reference"] = f"WIRE-{code}-{i}"
        yield record


def write_import_file(path: Path, events: int, facilities: int = 10) -> Path:
    """`events` records over `facilities` facilities, interleaved after their openings."""
    per = events // facilities
    streams = [facility_records(f"F{n:04d}", per) for n in range(facilities)]
    with path.open("w", encoding="utf-8") as out:
        while streams:
            for stream in list(streams):
                record = next(stream, None)
                if record is None:
                    streams.remove(stream)
                else:
                    out.write(json.dumps(record) + "\n")
    return path


def stored_content(db_url: str) -> list[tuple[str, int, str, dict]]:
    """Every stored event as (stream, version, topic, content without recorded time, actor and chain)."""
    ledger = Ledger(database(db_url))
    try:
        content, start = [], 1
        while True:
            page = ledger.recorder.select_notifications(start=start, limit=10_000)
            for row in page:
                state = {k: v for k, v in json.loads(row.state).items() if k not in NOT_CONTENT}
                content.append((str(row.originator_id), row.originator_version, row.topic, state))
            if len(page) < 10_000:
                return sorted(content, key=lambda c: (c[0], c[1]))
            start = page[-1].id + 1
    finally:
        ledger.close()


IMPORT_ONLY = (
    "import sys; from pathlib import Path; from cli.application.ledger import Ledger; from cli.persistence.storage import database, ready; "
    "from cli.formats.records import read_file; ledger = Ledger(ready(database(sys.argv[1]), create=True)); "
    "print(ledger.import_records(lambda: read_file(Path(sys.argv[2])), 'importer', None, int(sys.argv[3])).recorded); "
    "ledger.close()"
)


def import_only_measured(db_url: str, file: Path, batch: int) -> tuple[int, str, str, int]:
    """Only `Ledger.import_records` in its own process (no read-model refresh after it)."""
    return run_measured([db_url, str(file), str(batch)], command=[sys.executable, "-c", IMPORT_ONLY])


PEAK_WRAPPER = """
import atexit, os, runpy, sys
def _report():
    with open('/proc/self/status') as status, open(os.environ['LOANLEDGER_PEAK_FILE'], 'w') as out:
        out.write(next(l.split()[1] for l in status if l.startswith('VmHWM:')))
atexit.register(_report)
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""


def run_measured(args: list[str], env: dict | None = None, command: list[str] | None = None) -> tuple[int, str, str, int]:
    """Run `loanledger ARGS` (or `command ARGS`); return (exit status, stdout, stderr, peak RSS in
    KiB of that program).

    The peak is the program's own VmHWM, read by itself as it exits: getrusage's ru_maxrss of a
    child also counts the parent image it was forked from, which in a long test run is the whole
    pytest process.
    """
    import subprocess
    import tempfile

    program = command or [LOANLEDGER]
    if program[0] == sys.executable and program[1:2] == ["-c"]:
        script = tempfile.NamedTemporaryFile("w", suffix=".py", delete=False)
        script.write(program[2])
        script.close()
        program = [script.name, *program[3:]]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        process = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, *program, *args], stdout=out, stderr=err,
                                 env={**os.environ, **(env or {}), "LOANLEDGER_PEAK_FILE": peak.name})
        out.seek(0)
        err.seek(0)
        peak_kib = int(peak.read() or 0)
        return process.returncode, out.read().decode(), err.read().decode(), peak_kib


def assert_contiguous_and_chained(events, code):
    """Versions 1..n with no gap, and every chain hash recomputes from the one before it."""
    from domain.chain import chain_start, next_chain_hash
    from domain.facility import facility_id

    assert [e.version for e in events] == list(range(1, len(events) + 1))
    previous = chain_start(facility_id(code))
    for event in events:
        assert event.chain_hash == next_chain_hash(previous, type(event).__name__, event.model_dump(mode="json"))
        previous = event.chain_hash


def count_stored(db_url: str) -> int:
    """Rows stored so far, read without the library (cheap enough to poll)."""
    if db_url.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db_url, connect_timeout=5) as conn:
            found = conn.execute("SELECT to_regclass('ledger_events') IS NOT NULL").fetchone()[0]
            return conn.execute("SELECT count(*) FROM ledger_events").fetchone()[0] if found else 0
    import sqlite3

    if not Path(db_url).exists():
        return 0
    conn = sqlite3.connect(f"file:{db_url}?mode=ro", uri=True, timeout=10)
    try:
        exists = conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'stored_events'").fetchone()
        return conn.execute("SELECT count(*) FROM stored_events").fetchone()[0] if exists else 0
    finally:
        conn.close()


@contextmanager
def second_database(db_url: str, tmp_path: Path, suffix: str):
    """Another empty database on the same backend as `db_url` (dropped afterwards on PostgreSQL)."""
    if not db_url.startswith("postgresql"):
        yield str(tmp_path / f"{suffix}.db")
        return
    from tests.conftest import _admin

    base, name = db_url.rsplit("/", 1)
    name = f"{name}_{suffix}"
    with _admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with _admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
