"""import, export and events: the streams in and out, for people, scripts and auditors."""

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from cli import views
from cli.context import emit_json, err_console, ledger, settings
from cli.records import parse_all, read_file
from cli.tables import new_table
from domain.errors import LedgerError

console = Console(highlight=False)

Code = Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")]


def register(app: typer.Typer) -> None:
    app.command("import")(import_file)
    app.command("export")(export)
    app.command("events")(events)


def import_file(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        metavar="FILE", help="JSON Lines (one record per line) or YAML (a list under 'events:').")],
) -> None:
    """Import events from a file: all of it, or (if any record is bad) none of it.

    Each record is {"facility": CODE, "type": EVENT_TYPE, ...fields}; amounts are strings.
    Every line is checked (fields and the facility's rules) before anything is written, and every
    bad line is named. Importing the same file again records nothing new.

    Example: loanledger import examples/atg-laurus-2005.jsonl
    """
    from cli.ledger import ImportRefused

    if not file.is_file():
        raise LedgerError(f"{file}: no such file")
    try:
        records, bad = parse_all(read_file(file))
    except UnicodeDecodeError as error:
        raise LedgerError(f"{file}: not UTF-8 text ({error.reason} at byte {error.start})") from None
    try:
        result = ledger(ctx).import_records(records, settings(ctx).recorded_by, bad)
    except ImportRefused as refused:
        for line in refused.bad:
            err_console.print(f"{file}:{line}", soft_wrap=True, markup=False)
        raise
    if settings(ctx).json:
        emit_json({"recorded": result.recorded, "already_recorded": result.duplicates,
                   "facilities": result.facilities})
    else:
        console.print(f"Imported {result.recorded} event(s) for {', '.join(result.facilities) or 'no facility'}"
                      f" ({result.duplicates} already recorded).")


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
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of stdout.")] = None,
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
    if output is None:
        sys.stdout.write(text)
        return
    output.write_text(text, encoding="utf-8")
    err_console.print(f"Wrote {len(chosen_rows)} event(s) to {output}.")


def events(
    ctx: typer.Context,
    code: Code,
    type_: Types = None, since: EffectiveFrom = None, until: EffectiveTo = None,
    recorded_from: RecordedFrom = None, recorded_to: RecordedTo = None,
    fmt: Annotated[str | None, typer.Option(
        "--format", metavar="jsonl|csv", help="JSON Lines or CSV instead of a table.")] = None,
) -> None:
    """Show a facility's event stream: version, type, effective date, recorded time, actor, source,
    fields, chain hash, and which reversal (if any) cancels each event.

    Example: loanledger events ATG-LAURUS-2005 --type PaymentReceived --from 2007-01-01
    """
    chosen = views.selection(type_, since, until, recorded_from, recorded_to)
    chosen_rows = views.rows(code, ledger(ctx).facility_events(code), chosen)
    if fmt is not None:
        sys.stdout.write(views.render(chosen_rows, fmt))
        return
    if settings(ctx).json:
        emit_json([record for _, record in chosen_rows])
        return
    table = new_table("v", "type", "effective", "recorded at (UTC)", "by", "fields", "source", "reversed by", "chain")
    for e, item in chosen_rows:
        table.add_row(str(e.version), type(e).__name__, str(e.effective() or ""),
                      f"{e.recorded_at:%Y-%m-%d %H:%M:%S}", e.recorded_by, _fields(e),
                      e.source or "", str(item["reversed_by"] or ""), e.chain_hash[:12])
    console.print(table)


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
