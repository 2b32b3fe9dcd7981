"""Shared test helpers: run the CLI in-process, and take a fingerprint of everything stored."""

import json

from typer.testing import CliRunner

from cli.commands.app import app
from cli.application.ledger import Ledger
from cli.persistence.storage import database

runner = CliRunner()
ROOT_EXAMPLES = __import__("pathlib").Path(__file__).resolve().parent.parent / "examples"


def run(db_url, *args, ok=True):
    result = runner.invoke(app, ["--db", db_url, "--actor", "tester", *args])
    if ok and result.exit_code != 0:
        raise AssertionError(f"{args} failed ({result.exit_code}): {result.output}{result.exception!r}")
    return result


def run_json(db_url, *args):
    return json.loads(run(db_url, "--json", *args).stdout)


def stored(db_url):
    """Every stored row, in order: (notification id, stream, version, topic, state)."""
    ledger = Ledger(database(db_url))
    try:
        rows = ledger.recorder.select_notifications(start=1, limit=1_000_000)
        return [(r.id, r.originator_id, r.originator_version, r.topic, bytes(r.state)) for r in rows]
    finally:
        ledger.close()


OPEN = ["facility", "open", "ACME-1", "--borrower", "Acme Inc", "--lender", "First Bank",
        "--agreement-date", "2024-01-15"]
REVOLVER = ["note", "issue", "ACME-1", "REV", "--kind", "revolving", "--face-amount", "1000000",
            "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--index", "PRIME",
            "--margin", "1.5", "--floor", "5"]
TERM = ["note", "issue", "ACME-1", "TERM", "--kind", "term", "--face-amount", "500000",
        "--issue-date", "2024-01-15", "--maturity-date", "2026-01-15", "--rate", "8",
        "--amortization", "12 monthly installments of 10000.00 from 2024-03-01"]


def facility_with_two_notes(db_url):
    for command in (OPEN, REVOLVER, TERM):
        run(db_url, *command)
    run(db_url, "record", "rate", "ACME-1", "--index", "PRIME", "--rate", "8.5", "--date", "2023-07-27")
