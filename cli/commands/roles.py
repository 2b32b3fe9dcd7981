"""loanledger db roles: an append-only writer role and a read-only auditor role on PostgreSQL.
What each role is granted, and why, is in cli.persistence.roles and docs/auditor-guide.md."""

from typing import Annotated

import typer

from cli.commands.tables import output_console
from cli.commands.context import emit_json, ledger, settings
from cli.persistence.roles import GUARD_TRIGGER, Role, set_up_roles
from domain.errors import LedgerError

console = output_console()
db_app = typer.Typer(no_args_is_help=True, help="Database administration (PostgreSQL).")

def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("roles")
def roles(
    ctx: typer.Context,
    writer: Annotated[str, typer.Option(help="The append-only writer role.")] = "loanledger_writer",
    writer_password: Annotated[str | None, typer.Option(
        envvar="LOANLEDGER_WRITER_PASSWORD", help="Its password (default: none set or kept as is).")] = None,
    auditor: Annotated[str, typer.Option(help="The read-only auditor role.")] = "loanledger_auditor",
    auditor_password: Annotated[str | None, typer.Option(
        envvar="LOANLEDGER_AUDITOR_PASSWORD", help="Its password (default: none set or kept as is).")] = None,
) -> None:
    """Create (or update) an append-only writer role and a read-only auditor role. Safe to repeat.

    Run it connected as the owner of the ledger's tables (or a superuser); it creates the tables
    first if needed. Then connect as the writer to record, and as the auditor to read and verify.

    Example: loanledger --db postgresql://postgres@127.0.0.1:5432/loans db roles --writer-password s3cret
    """
    book = ledger(ctx)  # creates the tables if this is a new ledger
    if not book.db.is_postgres:
        raise LedgerError("db roles needs PostgreSQL; a SQLite ledger is protected by its file's permissions")
    if writer == auditor:
        raise LedgerError("--writer and --auditor must be different roles")
    granted = set_up_roles(book.db, Role(writer, writer_password), Role(auditor, auditor_password))
    if settings(ctx).json:
        emit_json(granted)
        return
    console.print(f"Writer {writer}: {', '.join(granted['writer'])} on {granted['table']} "
                  f"(UPDATE/DELETE/TRUNCATE refused by trigger {GUARD_TRIGGER}).")
    console.print(f"Auditor {auditor}: {', '.join(granted['auditor'])}.")
