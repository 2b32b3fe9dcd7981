"""import, export and events: the streams in and out, for people, scripts and auditors."""

import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import MofNCompleteColumn, Progress

from cli.formats import event_views as views
from cli.formats.output_file import STDOUT, write_output
from cli.commands.context import emit_json, err_console, ledger, settings
from cli.formats.records import read_file
from cli.commands.tables import output_console, printable
from domain.errors import InvalidInput, LedgerError

console = output_console()

Code = Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")]


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
    app.command("export")(export)
    app.command("events")(events)
    app.command("copy")(copy)


def copy(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--from", metavar="URL", help="The ledger to copy (read only).")],
    target: Annotated[str, typer.Option("--to", metavar="URL", help="An empty or new ledger to copy into.")],
) -> None:
    """Copy a whole ledger to another database (e.g. SQLite to PostgreSQL) with its recorded times,
    authors and chain heads, and verify it on arrival. On PostgreSQL, run as the tables' owner.

    Example: loanledger copy --from demo.db --to postgresql://postgres@127.0.0.1:5432/loans
    """
    from cli.application.copying import copy_ledger  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.application.ledger import Ledger  # start-up: idem
    from cli.application.readmodel_sync import LeftToWorker, refresh  # start-up: idem
    from cli.persistence.storage import _redacted, database, read_only, ready, writable  # start-up: idem

    source_db, target_db = database(source), database(target)
    if source_db.env == target_db.env:
        raise InvalidInput("--to: is the same ledger as --from", field="to")
    book = Ledger(read_only(ready(source_db)))
    try:
        copy_into = Ledger(writable(ready(target_db, create=True)))
        try:
            copied = copy_ledger(book, copy_into)
            try:
                refresh(copy_into)
            except LeftToWorker:
                pass
        finally:
            copy_into.close()
    finally:
        book.close()
    if settings(ctx).json:
        emit_json({"from": _redacted(source), "to": _redacted(target), "events": copied.rows,
                   "streams": copied.streams, "verified": True})
    else:
        console.print(printable(f"Copied {copied.rows:,} event(s) in {copied.streams:,} stream(s) from "
                                f"{_redacted(source)} to {_redacted(target)}: read back identical, verified."),
                      soft_wrap=True, markup=False)


def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="JSON Lines (one record per line) or YAML (a list under 'events:').")],
    batch_size: Annotated[int, typer.Option(
        "--batch-size", min=1, max=100_000, help="Events written per transaction.")] = 5_000,
    no_refresh: Annotated[bool, typer.Option(
        "--no-refresh", help="Write the events and exit, leaving the read models to 'projections run' "
                             "(one worker or --partition K/N workers) or 'projections rebuild'.")] = False,
    processes: Annotated[int, typer.Option(
        "--processes", metavar="N", min=0, max=64,
        help="Processes that check (and on PostgreSQL write) the file's facilities at once, each its share; "
             "0: one per CPU for JSON Lines of 20,000 lines or more, else one (a YAML file: one).")] = 0,
) -> None:
    """Import events from a file: all of it, or (if any record is bad) none of it.

    Each record is {"facility": CODE, "type": EVENT_TYPE, ...fields}; amounts are strings.
    Every line is checked (fields and the facility's rules) before anything is written, and every
    bad line is named. Then the file is written in batches; importing it again records nothing
    new, and an import that was interrupted carries on where it stopped.

    Example: loanledger import examples/atg-laurus-2005.jsonl

    Migrating a whole book: loanledger import book.jsonl --no-refresh, then loanledger projections rebuild
    """
    from cli.application.ledger import ImportRefused  # start-up: deferred (docs/architecture.md, "Start-up")

    if not file.is_file():
        raise LedgerError(f"{file}: no such file")
    settings(ctx).refresh = not no_refresh
    try:
        with ImportProgress(file) as progress:
            book = ledger(ctx, create=True)
            count = _import_processes(processes, progress.total, file)
            if count > 1:
                from cli.application.import_processes import import_in_processes  # start-up: deferred (docs/architecture.md, "Start-up")

                result = import_in_processes(book, file, settings(ctx).recorded_by, count, batch_size, progress,
                                             read_file)
            else:
                result = book.import_records(lambda: read_file(file), settings(ctx).recorded_by, progress, batch_size)
    except UnicodeDecodeError as error:
        raise LedgerError(f"{file}: not UTF-8 text ({error.reason} at byte {error.start}); nothing was imported") from None
    except ImportRefused as refused:
        for line in refused.bad:
            err_console.print(printable(f"{file}:{line}"), soft_wrap=True, markup=False)
        raise
    if no_refresh:
        _read_model_tables(ledger(ctx))
    if settings(ctx).json:
        emit_json({"recorded": result.recorded, "already_recorded": result.duplicates,
                   "facilities": result.facilities})
    else:
        console.print(f"Imported {result.recorded:,} event(s) for {_named(result.facilities)}"
                      f" ({result.duplicates:,} already recorded).", soft_wrap=True)


def _import_processes(wanted: int, lines: int, file: Path) -> int:
    """--processes, or by default one per CPU for a JSON Lines file of PARALLEL_FROM lines or
    more (a YAML file is one document: one process reads it)."""
    if wanted:
        return wanted if file.suffix.lower() not in (".yaml", ".yml") else 1
    if lines < PARALLEL_FROM or file.suffix.lower() in (".yaml", ".yml"):
        return 1
    return os.cpu_count() or 1


PARALLEL_FROM = 20_000


def _named(codes: list[str], shown: int = 3) -> str:
    """'A, B' or, for many, '1,204 facilities (A, B, C and 1,201 more; --json lists them)'."""
    if not codes:
        return "no facility"
    if len(codes) <= shown + 1:
        return ", ".join(codes)
    return f"{len(codes):,} facilities ({', '.join(codes[:shown])} and {len(codes) - shown:,} more; --json lists them)"


def _read_model_tables(book: Any) -> None:
    """--no-refresh: the read models' tables exist (empty, position 0) for 'projections status'
    and the workers, as after any import; only their rows are left to later."""
    from cli.application.readmodel_sync import close_view, open_view  # start-up: deferred (docs/architecture.md, "Start-up")

    close_view(open_view(book.db))


class ImportProgress:
    """A progress bar on stderr per pass, for files of PROGRESS_FROM lines or more on a terminal."""

    PROGRESS_FROM = 10_000

    def __init__(self, file: Path) -> None:
        self.total = _count_lines(file)
        self.bar: Progress | None = None
        self.task: Any = None

    def __enter__(self) -> "ImportProgress":
        if self.total >= self.PROGRESS_FROM and err_console.is_terminal:
            self.bar = Progress(*Progress.get_default_columns(), MofNCompleteColumn(),
                                console=err_console.made(), transient=True)
            self.bar.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, phase: str) -> None:
        if self.bar is not None:
            if self.task is not None:
                self.bar.remove_task(self.task)
            self.task = self.bar.add_task(phase, total=self.total)

    def advance(self, lines: int) -> None:
        if self.bar is not None:
            self.bar.advance(self.task, lines)


def _count_lines(file: Path) -> int:
    count = 0
    with file.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


Types = Annotated[list[str] | None, typer.Option("--type", help="Only these event types (repeat).")]
EffectiveFrom = Annotated[str | None, typer.Option("--from", metavar="YYYY-MM-DD", help="Effective on or after.")]
EffectiveTo = Annotated[str | None, typer.Option("--to", metavar="YYYY-MM-DD", help="Effective on or before.")]
RecordedFrom = Annotated[str | None, typer.Option(
    "--recorded-from", metavar="WHEN", help="Recorded at or after (aware date-time, or a date: 00:00 UTC).")]
RecordedTo = Annotated[str | None, typer.Option(
    "--recorded-to", metavar="WHEN", help="Recorded at or before (aware date-time, or a date: through its end, UTC).")]


def export(
    ctx: typer.Context,
    code: Code,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Write to this file instead of stdout (- is stdout). An existing file is kept unless --force; "
             "a symbolic link is refused.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the --output file if it exists.")] = False,
    fmt: Annotated[str, typer.Option("--format", metavar="jsonl|csv", help="JSON Lines (importable) or CSV.")] = "jsonl",
    type_: Types = None, since: EffectiveFrom = None, until: EffectiveTo = None,
    recorded_from: RecordedFrom = None, recorded_to: RecordedTo = None,
) -> None:
    """Export a facility's stream: JSON Lines that 'import' reads back, or CSV.

    Each record adds version, recorded_at, recorded_by, chain_hash and reversed_by (the reversal
    that cancels the event, if any). Filters as for 'events'; an unfiltered JSON Lines export can
    be checked offline with docs/verify_export.py.

    Example: loanledger export ATG-LAURUS-2005 -o atg.jsonl
    """
    chosen = views.selection(type_, since, until, recorded_from, recorded_to)
    chosen_rows = views.rows(code, ledger(ctx).facility_events(code), chosen)
    text = views.render(chosen_rows, fmt)
    if write_output(STDOUT if output is None else output, text, force=force):
        err_console.print(printable(f"Wrote {len(chosen_rows)} event(s) to {output}."), markup=False)


def events(
    ctx: typer.Context,
    code: Code,
    type_: Types = None, since: EffectiveFrom = None, until: EffectiveTo = None,
    recorded_from: RecordedFrom = None, recorded_to: RecordedTo = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", metavar="table|json|csv|jsonl",
        help="A table (the default), JSON, CSV (one row per event), or JSON Lines (export's records).")] = None,
) -> None:
    """Show a facility's event stream: version, type, effective date, recorded time, actor, source,
    fields, chain hash, and which reversal (if any) cancels each event.

    Example: loanledger events ATG-LAURUS-2005 --type PaymentReceived --from 2007-01-01
    """
    chosen = views.selection(type_, since, until, recorded_from, recorded_to)
    chosen_rows = views.rows(code, ledger(ctx).facility_events(code), chosen)
    from cli.commands.output import set_format, show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    if fmt == "jsonl":
        sys.stdout.write(views.render(chosen_rows, fmt))
        return
    set_format(ctx, fmt)
    fmt = settings(ctx).format or ("json" if settings(ctx).json else "table")
    if fmt == "csv":
        sys.stdout.write(views.render(chosen_rows, "csv"))
        return
    section = Section(f"{code} events", (
        Column("v", "count", key="version"), Column("type", "code"), Column("effective", "date"),
        Column("recorded at (UTC)", "instant", 2, key="recorded_at"), Column("by", "text", 4, key="recorded_by"),
        Column("reference", "text", 1), Column("reversed by", "count", 3, key="reversed_by"),
        Column("fields", "text", 5), Column("source", "text", 6), Column("chain", "code", 7, key="chain_hash")))
    for e, item in chosen_rows:
        section.add(e.version, type(e).__name__, e.effective(), e.recorded_at, e.recorded_by, item.get("reference"),
                    item["reversed_by"], _fields(e), e.source, e.chain_hash[:12])
    show(ctx, Report([section], json=[record for _, record in chosen_rows], show_empty=True))


def _fields(event: Any) -> str:
    return ", ".join(
        f"{k}={_short(v)}" for k, v in event.fact_fields().items()
        if v not in (None, [], ()) and k != "effective_date"
    )


def _short(value: Any) -> str:
    if isinstance(value, list):
        return f"[{len(value)} items]" if value and isinstance(value[0], dict) else ",".join(map(str, value))
    if isinstance(value, dict):
        return "{" + " ".join(f"{k}={v}" for k, v in value.items() if v is not None) + "}"
    return str(value)
