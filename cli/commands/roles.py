"""loanledger db roles: an append-only writer, a read-only auditor and a read-model projector on
PostgreSQL. What each role is granted, and why, is in cli.persistence.roles and docs/auditor-guide.md."""

from typing import Annotated

import typer

from cli.commands.tables import output_console
from cli.commands.context import emit_json, ledger, settings
from cli.persistence.readmodel_schema import TABLES as READ_MODEL_TABLES
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
    projector: Annotated[str, typer.Option(help="The role the read-model worker runs as.")] = "loanledger_projector",
    projector_password: Annotated[str | None, typer.Option(
        envvar="LOANLEDGER_PROJECTOR_PASSWORD", help="Its password (default: none set or kept as is).")] = None,
) -> None:
    """Create (or update) an append-only writer, a read-only auditor and a read-model projector
    role. Safe to repeat. An existing role that can do more than its part (superuser, a member of
    pg_write_all_data, …) is refused and nothing is changed.

    Run it connected as the owner of the ledger's tables (or a superuser); it creates the tables
    first if needed, and brings an older ledger's events table up to date (the store's stamps).
    Then connect as the writer to record, as the auditor to read and verify, and run the worker
    ('projections run') as the projector to keep the read models current.

    Example: loanledger --db postgresql://postgres@127.0.0.1:5432/loans db roles --writer-password s3cret
    """
    book = ledger(ctx)  # creates the tables if this is a new ledger
    if not book.db.is_postgres:
        raise LedgerError("db roles needs PostgreSQL; a SQLite ledger is protected by its file's permissions")
    if len({writer, auditor, projector}) < 3:
        raise LedgerError("--writer, --auditor and --projector must be three different roles")
    from cli.application.readmodel_sync import close_view, open_view  # start-up: deferred (docs/architecture.md, "Start-up")

    from cli.application.market import MarketData  # start-up: deferred (docs/architecture.md, "Start-up")

    MarketData(book).recorder  # noqa: B018 - the market-data table exists before it is granted
    view = open_view(book.db)  # the read-model tables exist before they are granted
    view.ensure_rules_table()  # a ledger made before the rules edition was kept has none yet
    tables = [*READ_MODEL_TABLES, "rm_worker", "rm_rules", view.tracking_table_name]  # type: ignore[attr-defined]
    close_view(view)
    granted = set_up_roles(book.db, Role(writer, writer_password), Role(auditor, auditor_password),
                           Role(projector, projector_password), tables)
    if settings(ctx).json:
        emit_json(granted)
        return
    console.print(f"Writer {writer}: {', '.join(granted['writer'])} on {granted['table']} "
                  f"(UPDATE/DELETE/TRUNCATE refused by trigger {GUARD_TRIGGER}).")
    console.print(f"Writer {writer} on {granted['market_table']}: SELECT, and EXECUTE loanledger_append_market "
                  "(UPDATE/DELETE/TRUNCATE refused by trigger).")
    console.print(f"Auditor {auditor}: {', '.join(granted['auditor'])}.")
    console.print(f"Projector {projector}: {', '.join(granted['projector'])}.")
