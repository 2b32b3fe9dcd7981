"""How the golden fixture beside this script was made, once, by the engine of its day.

    .venv/bin/python -m tests.golden.make_golden [--force]

It builds a purpose-made facility (GOLDEN-1, one of every event type) as the CLI writes it:
`loanledger import golden-facility.jsonl`, then `loanledger record ...` for the facts that depend
on figures (the notice states the engine's past due) or on versions (a reversal). It writes:

- `ledger.db`: the SQLite ledger file, as the CLI left it;
- `stored-rows.jsonl`: every stored row (notification id, stream id, version, topic, state as
  text), which the test loads into a fresh PostgreSQL events table;
- `expected-figures.json`: balance and past due at a few dates, as the engine computed them.

The committed files are the contract: the tests read them and never run this script. To add
a new event type, give it a recorder in `LATER` and run with `--append`: the committed ledger
gets the missing types' events after its last row (the rows already there never change, and the
script checks that the figures at FIGURE_DATES do not either). `--force` remakes everything from
scratch, which changes every row's recorded time: never for a committed fixture.
"""

import json
import shutil
import sqlite3
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli.application.ledger import Ledger
from cli.commands.app import app
from cli.persistence.storage import database

HERE = Path(__file__).parent
CODE = "GOLDEN-1"
NOTICE_DATE = "2020-08-03"
FIGURE_DATES = ("2020-03-31", "2020-06-30", NOTICE_DATE, "2020-12-31", "2021-09-30")
SOURCE = HERE / "golden-facility.jsonl"
LEDGER = HERE / "ledger.db"
ROWS = HERE / "stored-rows.jsonl"
FIGURES = HERE / "expected-figures.json"


def cli(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["--db", db, "--actor", "golden-maker", *args])
    if result.exit_code != 0:
        raise SystemExit(f"{args} failed: {result.output}{result.exception!r}")
    return result.stdout


def figures(db: str, report: str, day: str) -> dict:
    return json.loads(cli(db, "--json", report, CODE, "--as-of", day))


def record_the_rest(db: str) -> None:
    """What the import file cannot say in advance: the notice's figures are the engine's."""
    due = figures(db, "past-due", NOTICE_DATE)
    cli(db, "record", "notice", CODE, "--date", NOTICE_DATE, "--demand-deadline", "2020-08-10T17:00-05:00",
        "--principal", due["principal"], "--interest", due["interest"], "--fees", due["fees"],
        "--total", due["total"], "--clause", "Security Agreement §19(b)", "--clause", "Note §4",
        "--delivery", "courier and e-mail", "--source", "Notice of default 2020-08-03")
    cli(db, "record", "acceleration", CODE, "--date", "2020-08-12", "--notes", "REV", "--notes", "TERM-A")
    cli(db, "record", "rescission", CODE, "--date", "2020-09-15", "--reference", "rescind-1")
    cli(db, "record", "reversal", CODE, "--target", "24", "--reason", "payment returned unpaid (NSF)")
    cli(db, "record", "payment", CODE, "--amount", "30000.00", "--date", "2020-09-20")


def _syndication(db: str) -> None:
    """LenderPositionSet, AssignmentSettled and DistributionPaid (issue #17): no figure changes."""
    cli(db, "lender", "set", CODE, "--note", "TERM-A", "--lender", "First Bank", "--commitment", "360000",
        "--date", "2020-01-15")
    cli(db, "lender", "set", CODE, "--note", "TERM-A", "--lender", "Second Fund", "--commitment", "240000",
        "--date", "2020-01-15")
    cli(db, "record", "assignment", CODE, "--note", "TERM-A", "--from", "First Bank", "--to", "Third Trust",
        "--amount", "90000", "--trade-date", "2020-03-02", "--settlement-date", "2020-03-10", "--accrued", "to_buyer")
    cli(db, "record", "distribution", CODE, "--lender", "Second Fund", "--amount", "1234.56", "--date", "2020-04-01",
        "--reference", "DIST-1")


def record_documents(db: str) -> None:
    """DocumentIssued (added with `notice render --record`): appended to the fixture as it was, by
    `make_golden.py --add`, so that the rows already there keep their bytes."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        cli(db, "notice", "render", CODE, "--kind", "statement", "--as-of", "2021-09-30", "--format", "md",
            "-o", str(Path(folder) / "statement-2021-09-30.md"), "--record", "--reference", "doc-1")


def record_commitments(db: str) -> None:
    """CommitmentChanged and CommitmentTerminated (issue #16): notes without fee terms, so no
    figure changes (the revolver's commitment is set to its face amount, MBN's ends before its maturity)."""
    cli(db, "record", "commitment", CODE, "--note", "REV", "--amount", "2000000.00", "--date", "2021-12-31",
        "--source", "Amendment No. 1")
    cli(db, "record", "termination", CODE, "--note", "MBN", "--date", "2021-01-15", "--reference", "term-mbn")


def record_amendment(db: str) -> None:
    """TermsAmended (issue #16): effective after the last of FIGURE_DATES, so no figure there changes."""
    cli(db, "record", "amendment", CODE, "--note", "REV", "--date", "2021-12-01", "--margin", "1.75",
        "--default-margin", "3", "--basis", "Amendment No. 2 §1")


# Event types added after the fixture was first made: type -> what records one (--append).
LATER = {
    "LenderPositionSet": _syndication,
    "AssignmentSettled": _syndication,
    "DistributionPaid": _syndication,
    "DocumentIssued": record_documents,
    "CommitmentChanged": record_commitments,
    "CommitmentTerminated": record_commitments,
    "TermsAmended": record_amendment,
}


def append_missing(db: str) -> None:
    """Record the events of the types the committed fixture lacks, after its last row."""
    present = {row["topic"].rpartition(":")[2] for row in dump_rows(db)}
    done = set()
    for name, recorder in LATER.items():
        if name not in present and recorder not in done:
            recorder(db)
            done.add(recorder)


def dump_rows(db: str) -> list[dict]:
    ledger = Ledger(database(db))
    try:
        rows = ledger.recorder.select_notifications(start=1, limit=1_000_000)
        return [{"id": r.id, "originator_id": str(r.originator_id), "originator_version": r.originator_version,
                 "topic": r.topic, "state": bytes(r.state).decode("utf-8")} for r in rows]
    finally:
        ledger.close()


def checkpoint(path: Path) -> None:
    """Fold the write-ahead log into the file, so the one file holds the whole ledger."""
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for extra in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        extra.unlink(missing_ok=True)


def append(db: str = str(LEDGER)) -> None:
    before = dump_rows(db)
    figures_before = json.loads(FIGURES.read_text(encoding="utf-8"))["figures"]
    append_missing(db)
    rows = dump_rows(db)
    if rows[: len(before)] != before:
        raise SystemExit("the rows already in the fixture changed: nothing should")
    now = {day: {"balance": figures(db, "balance", day), "past_due": figures(db, "past-due", day)}
           for day in FIGURE_DATES}
    if now != figures_before:
        raise SystemExit("the figures at FIGURE_DATES changed: the new events must not change them")
    checkpoint(LEDGER)
    ROWS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    print(f"{len(rows) - len(before)} row(s) appended; {len(rows)} rows")


def main(force: bool) -> None:
    if LEDGER.exists() and not force:
        raise SystemExit(f"{LEDGER} exists: the committed fixture is the contract (use --force to remake it)")
    LEDGER.unlink(missing_ok=True)
    db = str(LEDGER)
    cli(db, "init")
    cli(db, "import", str(SOURCE))
    record_the_rest(db)
    append_missing(db)
    expected = {day: {"balance": figures(db, "balance", day), "past_due": figures(db, "past-due", day)}
                for day in FIGURE_DATES}
    rows = dump_rows(db)
    checkpoint(LEDGER)
    ROWS.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    FIGURES.write_text(json.dumps({"facility": CODE, "figures": expected}, indent=1, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    print(f"{len(rows)} rows; {shutil.os.path.getsize(LEDGER)} bytes in {LEDGER.name}")


if __name__ == "__main__":
    if "--append" in sys.argv[1:]:
        append()
    else:
        main("--force" in sys.argv[1:])
