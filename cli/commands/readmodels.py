"""projections status|rebuild|run, and portfolio: the read models on the command line."""

import signal
import threading
import time
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn, TimeElapsedColumn
from cli.commands.tables import new_table, output_console
from rich.text import Text

from cli.commands.context import emit_json, err_console, ledger, settings
from domain.errors import InvalidInput
from cli.formats.dates import parse_report_day
from cli.persistence.readmodel_schema import BATCH, REBUILD_CHUNK, TABLES

console = output_console()
projections_app = typer.Typer(no_args_is_help=True, help="The materialised read models: status, rebuild, worker.")


def register(app: typer.Typer) -> None:
    app.add_typer(projections_app, name="projections")
    app.command("portfolio")(portfolio)


@projections_app.command("status")
def status(ctx: typer.Context) -> None:
    """Position and lag of the read models (one tracked position: they are written together), and
    each partition's own position while partitioned workers keep them."""
    from cli.application.readmodel_sync import close_view, open_view, worker_running  # start-up: deferred (docs/architecture.md, "Start-up")

    book = ledger(ctx)
    view = open_view(book.db)
    try:
        position, head = view.position(), book.recorder.max_notification_id() or 0
        models = {t: {"rows": view.count(t), "position": position, "lag": head - position} for t in TABLES}
        running = worker_running(book.db, view)
        partitions = view.partition_positions()
    finally:
        close_view(view)
    if settings(ctx).json:
        emit_json({"position": position, "head": head, "lag": head - position, "worker_running": running,
                   "read_models": models, "partitions": partitions})
        return
    table = new_table("read model", "rows", "position", "lag", title=f"Read models (events recorded: {head})")
    for name, m in models.items():
        table.add_row(name, str(m["rows"]), str(m["position"]), str(m["lag"]))
    console.print(table)
    console.print(f"Worker running: {'yes' if running else 'no'}")
    for label, at in sorted(partitions.items()):
        console.print(f"Partition {label}: position {at} (lag {max(head - max(at, position), 0)})")


class RateColumn(ProgressColumn):
    def render(self, task: Any) -> Text:
        return Text(f"{task.speed:,.0f} events/s" if task.speed else "… events/s")


@projections_app.command("rebuild")
def rebuild(
    ctx: typer.Context,
    batch: Annotated[int, typer.Option(help="Facilities per unit of work (read in one query, computed in one process).",
                                       min=1)] = REBUILD_CHUNK,
    processes: Annotated[int, typer.Option(
        help="Processes computing the rows (0: one per CPU and one more when there are over 20,000 events; "
             "1: in this process only).", min=0)] = 0,
) -> None:
    """Rebuild every read model from the stored events, with progress; readers keep the old tables until it is done.

    Each facility is read and replayed once, from its whole stream, in one of P processes.

    The rows go into shadow tables that replace the live ones, with the position, in one transaction.

    Interrupted (Ctrl-C, kill), it changes nothing: run it again.

    Example: loanledger --db postgresql://postgres@127.0.0.1:5432/loans projections rebuild
    """
    from cli.application.readmodel_sync import close_view, open_view  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.application.rebuild import rebuild as rebuild_all  # start-up: deferred (docs/architecture.md, "Start-up")

    book = ledger(ctx)
    view = open_view(book.db)
    try:
        started = time.perf_counter()
        columns = (TextColumn("rebuilding"), BarColumn(), MofNCompleteColumn(), RateColumn(), TimeElapsedColumn())
        with Progress(*columns, console=err_console.made(), disable=settings(ctx).json) as progress:
            task = progress.add_task("rebuild", total=book.recorder.max_notification_id() or 0)
            done = rebuild_all(book, view, processes_wanted=processes, chunk=batch,
                               progress=lambda n: progress.advance(task, n),
                               total=lambda n: progress.update(task, total=n))
        seconds = time.perf_counter() - started
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was changed, the read models are as they were")
        raise typer.Exit(130) from None
    finally:
        close_view(view)
    result = {"events": done.events, "facilities": done.facilities, "seconds": round(seconds, 3),
              "rate": round(done.events / seconds) if seconds else None, "position": done.position}
    if settings(ctx).json:
        emit_json(result)
    else:
        console.print(f"Rebuilt {done.facilities} facilities from {done.events} events in {seconds:.1f} s "
                      f"({result['rate']} events/s); position {done.position}.")


@projections_app.command("run")
def run(
    ctx: typer.Context,
    batch: Annotated[int, typer.Option(help="Events per transaction when catching up.", min=1)] = BATCH,
    poll: Annotated[float, typer.Option(
        help="Seconds between polls for new events (SQLite, and partitioned workers).", min=0.05)] = 0.5,
    partition: Annotated[str | None, typer.Option(
        "--partition", metavar="K/N",
        help="Keep only the facilities of partition K of N (a facility's partition is fixed by its id); "
             "run K = 1..N, on one machine or several, against the same database.")] = None,
    once: Annotated[bool, typer.Option(
        "--once", help="Catch up to the last recorded event and exit (for a scheduler) instead of following.")] = False,
) -> None:
    """Keep the read models up to date until Ctrl-C or SIGTERM; a restart resumes where it stopped.

    On PostgreSQL new events arrive by LISTEN/NOTIFY (eventsourcing's ProjectionRunner); on SQLite
    the worker polls. One worker per database (or per partition) is active; others wait to take over.

    Three machines sharing the work (each replays only its third of the facilities):

      loanledger --db postgresql://ops@db:5432/loans projections run --partition 1/3

      loanledger --db postgresql://ops@db:5432/loans projections run --partition 2/3

      loanledger --db postgresql://ops@db:5432/loans projections run --partition 3/3
    """
    from cli.application.readmodel_sync import run_worker  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.persistence.partitions import parse_partition  # start-up: deferred (docs/architecture.md, "Start-up")

    part = parse_partition("--partition", partition)
    db = ledger(ctx).db
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    done = run_worker(db, stop, batch=batch, poll=poll, echo=lambda m: err_console.print(m), partition=part, once=once)
    if once and settings(ctx).json:
        emit_json({"partition": part.label if part else None, "events": done})


def portfolio(
    ctx: typer.Context,
    as_of: Annotated[str, typer.Option(
        "--as-of", metavar="DATE",
        help="End of this effective date: YYYY-MM-DD, today, yesterday, or a period's last day (2024, 2024-Q3, 2024-06).")] = "today",
    known_at: Annotated[str | None, typer.Option("--known-at", metavar="INSTANT",
                                                 help="Only facts recorded at or before this instant.")] = None,
    status_filter: Annotated[str | None, typer.Option(
        "--status", help="accelerated, in_default, past_due, current (or refused: the engine refused the facility).")] = None,
    bucket: Annotated[str | None, typer.Option("--bucket", help="current, 0-30, 31-60, 61-90 or 91+.")] = None,
    chart: Annotated[str | None, typer.Option(
        "--chart", metavar="FILE.svg|FILE.png",
        help="Draw past due by bucket at each month end up to --as-of (from the engine) to this file "
             "(replaced if it exists) instead of printing the table.")] = None,
    by_lender: Annotated[bool, typer.Option(
        "--by-lender", help="Each lender's part of each facility's principal and past due (principal, "
                            "interest, fees), and its total across facilities, split by the syndication rules.")] = False,
    lender: Annotated[str | None, typer.Option(
        metavar="LENDER", help="With --by-lender: only this lender.")] = None,
) -> None:
    """Every facility's principal and past due as of a date, with days past due, bucket and totals.

    Example: loanledger portfolio --as-of 2008-01-31 --bucket 31-60

    A lender's exposure across facilities: loanledger portfolio --as-of 2024-06-30 --by-lender --lender "Bank B"
    """
    if by_lender or lender is not None:
        _by_lender(ctx, as_of, known_at, lender, status_filter, bucket, chart, by_lender)
        return
    if chart is not None:
        _portfolio_chart(ctx, as_of, known_at, chart)
        return
    from cli.application.queries import portfolio as portfolio_lines  # start-up: deferred (docs/architecture.md, "Start-up")
    from projections.json_views import portfolio_json  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = _day(as_of), _instant(known_at)
    _one_of("--status", status_filter, (*STATUSES, "refused"))
    _one_of("--bucket", bucket, BUCKETS)
    lines, totals = portfolio_lines(ledger(ctx), day, instant, status_filter, bucket)
    _print(ctx, day, known_at, lines, totals, portfolio_json(day, instant, lines, totals))


def _by_lender(ctx: typer.Context, as_of: str, known_at: str | None, lender: str | None, status_filter: str | None,
               bucket: str | None, chart: str | None, by_lender: bool) -> None:
    from cli.application.queries import exposure_by_lender  # start-up: deferred (docs/architecture.md, "Start-up")
    from projections.json_views import exposure_json  # start-up: deferred (docs/architecture.md, "Start-up")

    if not by_lender:
        raise InvalidInput("--lender: it selects a lender of --by-lender; add --by-lender", field="lender")
    for option, value in (("--status", status_filter), ("--bucket", bucket), ("--chart", chart)):
        if value is not None:
            raise InvalidInput(f"{option} does not apply to --by-lender (a lender's rows have no status or bucket)",
                               field=option.lstrip("-"))
    day, instant = _day(as_of), _instant(known_at)
    rows, refused = exposure_by_lender(ledger(ctx), day, instant, lender)
    report = exposure_json(day, instant, rows, refused)
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    section = Section(f"Exposure by lender as of {day}" + (f", known at {known_at}" if known_at else ""), (
        Column("lender", "text"), Column("facility", "code"), Column("principal", "money"),
        Column("pd principal", "money", 2, key="past_due_principal"),
        Column("pd interest", "money", 2, key="past_due_interest"), Column("pd fees", "money", 3, key="past_due_fees"),
        Column("pd total", "money", key="past_due_total")), key="exposure_by_lender")
    for entry in report["lenders"]:
        for x in entry["facilities"]:
            due = x["past_due"]
            section.add(entry["lender"], x["facility"], Decimal(x["principal"]), Decimal(due["principal"]),
                        Decimal(due["interest"]), Decimal(due["fees"]), Decimal(due["total"]))
        total, due = entry["total"], entry["total"]["past_due"]
        section.total(entry["lender"], "total", Decimal(total["principal"]), Decimal(due["principal"]),
                      Decimal(due["interest"]), Decimal(due["fees"]), Decimal(due["total"]))
    for r in refused:
        section.notes.append(f"{r.facility}: refused: {r.problem}")
    if not report["lenders"] and lender is not None:
        section.notes.append(f"No facility has a share held by {lender} as of {day}.")
    show(ctx, Report([section], json=report, show_empty=True))


def _portfolio_chart(ctx: typer.Context, as_of: str, known_at: str | None, chart: str) -> None:
    from cli.application.series import portfolio_series  # start-up: the engine and matplotlib load only for a chart
    from cli.formats.charts import chart_format, portfolio_chart  # start-up: idem
    from cli.formats.output_bytes import write_bytes  # start-up: deferred (docs/architecture.md, "Start-up")

    fmt = chart_format(chart)
    day, instant = _day(as_of), _instant(known_at)
    days, totals = portfolio_series(ledger(ctx), day, instant)
    title = f"Past due by bucket, month ends to {day}" + (f", known at {known_at}" if known_at else "")
    data = portfolio_chart(title, days, totals, fmt)
    write_bytes(chart, data, force=True, option="--chart")
    if settings(ctx).json:
        emit_json({"chart": chart, "dates": len(days), "bytes": len(data)})
    else:
        console.print(f"Wrote past due by bucket at {len(days)} dates to {chart}.")


def _print(ctx: typer.Context, day: date, known_at: str | None, lines: list[Any], totals: list[Any], data: Any) -> None:
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    section = Section(f"Portfolio as of {day}" + (f", known at {known_at}" if known_at else ""), (
        Column("facility", "code"), Column("status", "code", 1), Column("principal", "money"),
        Column("pd principal", "money", 2, key="past_due_principal"),
        Column("pd interest", "money", 2, key="past_due_interest"), Column("pd fees", "money", 3, key="past_due_fees"),
        Column("pd total", "money", key="past_due_total"), Column("days", "count", key="days_past_due"),
        Column("bucket", "code")), key="portfolio")
    for x in lines:
        section.add(x.facility, x.status, x.principal, x.past_due_principal, x.past_due_interest, x.past_due_fees,
                    x.past_due_total, x.days_past_due, x.bucket)
    section.total("total", None, sum((x.principal for x in lines), Decimal(0)),
                  sum((x.past_due_principal for x in lines), Decimal(0)), sum((x.past_due_interest for x in lines), Decimal(0)),
                  sum((x.past_due_fees for x in lines), Decimal(0)), sum((x.past_due_total for x in lines), Decimal(0)),
                  None, None)
    buckets = Section("Totals per bucket", (
        Column("bucket", "code"), Column("facilities", "count"), Column("principal", "money"),
        Column("past due", "money", key="past_due")), key="totals_per_bucket")
    for t in totals:
        buckets.add(t.bucket, t.facilities, t.principal, t.past_due_total)
    show(ctx, Report([section, buckets], json=data, show_empty=True))
    for x in lines:
        if x.problem and not settings(ctx).json:
            err_console.print(f"[yellow]{x.facility}:[/] {x.problem}")


def _day(text: str) -> date:
    return parse_report_day("--as-of", text)


def _instant(text: str | None) -> datetime | None:
    """The same instant rule as every --known-at (cli.formats.event_views.instant)."""
    from cli.formats.event_views import instant  # start-up: deferred (docs/architecture.md, "Start-up")

    return instant("--known-at", text, end_of_day=True)


STATUSES = ("accelerated", "in_default", "past_due", "current")  # projections.readmodels.facility_figures
BUCKETS = ("current", "0-30", "31-60", "61-90", "91+")  # projections.figures.bucket


def _one_of(option: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(f"{option}: {value!r} is not one of {', '.join(allowed)}", field=option.lstrip("-"))
