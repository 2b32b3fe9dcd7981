"""init and demo: create a ledger, and run the seed scenario end to end."""

from pathlib import Path
from typing import Annotated

import typer

from cli.commands.tables import output_console
from cli.commands.context import emit_json, ledger, settings
from domain.errors import LedgerError

console = output_console()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED = EXAMPLES / "atg-laurus-2005.jsonl"


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)


def init(ctx: typer.Context) -> None:
    """Create the ledger's tables in the database (SQLite file or PostgreSQL). Safe to repeat.

    Example: loanledger --db postgresql://postgres@127.0.0.1:5432/loans init
    """
    book = ledger(ctx, create=True)
    where = book.db.url if not book.db.is_postgres else _redact(book.db.url)
    if settings(ctx).json:
        emit_json({"database": where, "facilities": len(book.facilities())})
    else:
        console.print(f"Ledger ready at {where} ({len(book.facilities())} facilities).")


def demo(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option("--as-of", help="The date of the report.")] = "2008-01-31",
) -> None:
    """Load the seed scenario (the 2008-01-31 notice of default) into a fresh database and show it.

    Example: loanledger --db demo.db demo
    """
    from cli.commands import reports  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.application.ledger import ImportRefused  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.records import read_file  # start-up: deferred (docs/architecture.md, "Start-up")

    book = ledger(ctx, create=True)
    if book.facilities():
        raise LedgerError("demo needs a fresh, empty database: pass --db with a new file name")
    try:
        result = book.import_records(lambda: read_file(SEED), settings(ctx).recorded_by)
    except ImportRefused as refused:
        raise LedgerError(f"the seed file {SEED} is damaged: {refused.bad[0]}") from None
    if not settings(ctx).json:
        console.print(f"Loaded {result.recorded} events from {SEED.name} into {book.db.url}.")
    reports.demo_report(ctx, "ATG-LAURUS-2005", as_of)


def _redact(url: str) -> str:
    from cli.persistence.storage import _redacted  # start-up: deferred (docs/architecture.md, "Start-up")

    return _redacted(url)
