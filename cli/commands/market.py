"""`loanledger index import|set|show`: index fixings, market data shared by every facility
(the contract §10; docs/market-data.md)."""

from pathlib import Path
from typing import Annotated

import typer

from cli.commands.context import emit_json, ledger, meta_text, settings
from cli.commands.tables import output_console
from domain import parsing
from domain.errors import InvalidInput, LedgerError

console = output_console()
index_app = typer.Typer(no_args_is_help=True, help="Index fixings (SOFR, TERM-SOFR-3M, ...): market data shared by "
                                                    "every facility, one stream per index.")
Index = Annotated[str, typer.Argument(metavar="INDEX", help="The index, e.g. SOFR.")]


def register(app: typer.Typer) -> None:
    app.add_typer(index_app, name="index")


@index_app.command("import")
def import_fixings(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="JSON Lines, YAML, or the New York Fed's CSV.")],
    source: Annotated[str | None, typer.Option("--source", help="The document the fixings come from "
                                                               "(CSV rows; default: the file's name).")] = None,
) -> None:
    """Record the fixings of a file: every line is checked first; a file with any bad line writes nothing.

    Example: loanledger index import examples/nyfed-sofr-2026.csv
    """
    from cli.application.market import FixingRecord, MarketData  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.fixings import read_fixings  # start-up: deferred (docs/architecture.md, "Start-up")

    parsed, bad = read_fixings(file, meta_text("--source", source, parsing.LONG_TEXT))
    if bad:
        shown = "; ".join(str(b) for b in bad[:20]) + (f"; and {len(bad) - 20} more" if len(bad) > 20 else "")
        raise InvalidInput(f"{file}: nothing was recorded: {shown}", field="FILE")
    if not parsed:
        raise InvalidInput(f"{file}: no fixings in the file", field="FILE")
    records = [FixingRecord(p.line, p.fact, p.source, p.revision) for p in parsed]
    result = MarketData(ledger(ctx, create=True)).record(records, settings(ctx).recorded_by)
    if settings(ctx).json:
        emit_json({"file": str(file), "recorded": result.recorded, "unchanged": result.unchanged})
        return
    console.print(f"{file}: {result.recorded} fixing event(s) recorded, {result.unchanged} already as stored.")


@index_app.command("set")
def set_fixing(
    ctx: typer.Context,
    index: Index,
    day: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The fixing's business day.")],
    rate: Annotated[str, typer.Option("--rate", help="% p.a., may be negative, e.g. 5.31.")],
    source: Annotated[str | None, typer.Option("--source", help="The document it comes from.")] = None,
    correct: Annotated[bool, typer.Option("--correct", help="Correct the fixing already published for the date.")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required with --correct).")] = None,
) -> None:
    """Publish one fixing, or correct one (--correct --reason).

    Example: loanledger index set SOFR --date 2026-01-02 --rate 3.75
    """
    from pydantic import ValidationError  # start-up: deferred (docs/architecture.md, "Start-up")

    from cli.application.market import FixingRecord, MarketData  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.records import describe  # start-up: deferred (docs/architecture.md, "Start-up")
    from domain.market import CorrectFixing, PublishFixing  # start-up: deferred (docs/architecture.md, "Start-up")

    source = meta_text("--source", source, parsing.LONG_TEXT)
    if correct and reason is None:
        raise InvalidInput("--reason: a correction needs a reason", field="reason")
    if reason is not None and not correct:
        raise InvalidInput("--reason: only a correction (--correct) takes a reason", field="reason")
    try:
        fields = {"index": index, "date": day, "rate": rate}
        fact = CorrectFixing(**fields, reason=reason) if correct else PublishFixing(**fields)
    except ValidationError as error:
        names = {"date": "--date", "rate": "--rate", "index": "INDEX", "reason": "--reason"}
        first = str(error.errors()[0]["loc"][0]) if error.errors() and error.errors()[0]["loc"] else None
        message = describe(error)
        for name, option in names.items():
            message = message.replace(f"{name}:", f"{option}:", 1) if message.startswith(f"{name}:") else message
        raise InvalidInput(message, field=first) from None
    result = MarketData(ledger(ctx)).record([FixingRecord(0, fact, source)], settings(ctx).recorded_by)
    said = "recorded" if result.recorded else "already recorded with that rate: nothing changed"
    if settings(ctx).json:
        emit_json({"index": index, "date": fact.date.isoformat(), "rate": str(fact.rate), "recorded": bool(result.recorded)})
        return
    console.print(f"{index} {fact.date}: {fact.rate} {said}.")


@index_app.command("show")
def show(
    ctx: typer.Context,
    index: Index,
    start: Annotated[str | None, typer.Option("--from", metavar="DATE", help="First date (a period: its first day).")] = None,
    end: Annotated[str | None, typer.Option("--to", metavar="DATE", help="Last date (a period: its last day).")] = None,
    known_at: Annotated[str | None, typer.Option("--known-at", metavar="INSTANT",
                                                 help="Only fixings recorded at or before this instant.")] = None,
) -> None:
    """List the fixings of an index, as known (with --known-at, as known then).

    Example: loanledger index show SOFR --from 2026-01-02 --to 2026-01-31
    """
    from cli.application.market import MarketData  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.dates import parse_report_day  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.event_views import instant  # start-up: deferred (docs/architecture.md, "Start-up")

    low = parse_report_day("--from", start, start=True) if start else None
    high = parse_report_day("--to", end) if end else None
    if low and high and high < low:
        raise LedgerError(f"--to {end} is before --from {start}")
    rows = MarketData(ledger(ctx)).show(index, low, high, instant("--known-at", known_at, end_of_day=True))
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    data = [{"index": index, "date": d.isoformat(), "rate": str(rate),
             "events": [{"type": type(e).__name__, "version": e.version, "rate": str(e.rate),
                         "recorded_at": e.recorded_at.isoformat(), "source": e.source,
                         **({"reason": e.reason} if hasattr(e, "reason") else {})} for e in events]}
            for d, rate, events in rows]
    section = Section(f"{index} fixings", (
        Column("date", "date"), Column("rate %", "rate", key="rate"),
        Column("recorded", "instant", 2, key="recorded_at"), Column("corrections", "text", 1),
        Column("source", "text", 3)))
    for d, rate, events in rows:
        corrections = "; ".join(f"{e.rate} ({getattr(e, 'reason', '')})" for e in events[1:])
        section.add(d, rate, events[0].recorded_at, corrections, events[0].source or "")
    if not rows:
        section.notes.append(f"no {index} fixings recorded in that range")
    show(ctx, Report([section], json=data, show_empty=True))
