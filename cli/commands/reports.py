"""balance, past-due, explain, timeline: the read side on the command line (DESIGN §4, §7).

Each command reads the facility's stream, asks `projections` for the figures (pure functions of
events, as-of date and known-at instant) and prints them as a table or, with --json, as JSON.
A report the engine refuses (e.g. no index rate in force) raises a LedgerError: exit 1.
"""

from datetime import date, datetime, timedelta
from typing import Annotated, Any

import typer
from cli.commands.tables import cell, new_table, output_console

from cli.commands.context import emit_json, ledger, settings
from cli.formats.dates import parse_report_day
from domain.errors import InvalidInput, LedgerError

console = output_console()

Code = Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")]
AsOf = Annotated[str, typer.Option("--as-of", metavar="YYYY-MM-DD", help="End of this effective date.")]
KnownAt = Annotated[str | None, typer.Option(
    "--known-at", metavar="INSTANT",
    help="Only facts recorded at or before this instant, e.g. 2008-02-01T14:00:00-05:00 "
         "(an offset is required), or a date (through its end, UTC). Default: everything recorded so far.")]


def register(app: typer.Typer) -> None:
    app.command("balance")(balance)
    app.command("past-due")(past_due)
    app.command("explain")(explain)
    app.command("timeline")(timeline)


def balance(ctx: typer.Context, code: Code, as_of: AsOf, known_at: KnownAt = None,
            lenders: Annotated[bool, typer.Option(
                "--by-lender", help="Each lender's share of each note and of its principal instead.")] = False) -> None:
    """Principal, accrued interest, unpaid fees and unapplied credit, per note and in total.

    Example: loanledger balance ATG-LAURUS-2005 --as-of 2008-01-31
    """
    if lenders:
        by_lender(ctx, code, as_of, known_at)
        return
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import balance_json, money  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    position = reports.position_as_of(events, day, instant, fixings=fixings)
    if settings(ctx).json:
        emit_json(balance_json(position))
        return
    table = new_table("note", "principal", "interest billed", "interest current", "interest", "fees", "total",
                  title=f"{code} balance as of {as_of}" + _known(known_at))
    for n in position.notes.values():
        table.add_row(n.note, *map(money, (n.principal, n.interest_billed, n.interest_current, n.interest, n.fees, n.total)))
    table.add_row("(facility fees)", "", "", "", "", money(position.facility_fees), money(position.facility_fees))
    table.add_row("total", money(position.principal), "", "", money(position.interest), money(position.fees),
                  money(position.total), style="bold")
    console.print(table)
    console.print(f"Unapplied credit: {money(position.unapplied_credit)}")


def by_lender(ctx: typer.Context, code: str, as_of: str, known_at: str | None) -> None:
    from projections.json_views import money  # start-up: the engine is imported only by the reports
    from cli.application.market import fixings_for  # start-up: idem
    from projections.syndication import balance_by_lender  # start-up: idem

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    book = ledger(ctx)
    events = book.facility_events(code)
    lines = balance_by_lender(events, day, instant, fixings_for(book, events, instant))
    if settings(ctx).json:
        emit_json({"facility": code, "as_of": as_of, "known_at": known_at,
                   "lenders": [{"lender": x.lender, "note": x.note, "share": money(x.share),
                                "principal": money(x.principal)} for x in lines]})
        return
    table = new_table("lender", "note", "share of commitment", "principal",
                      title=f"{code} by lender as of {as_of}" + _known(known_at))
    for x in lines:
        table.add_row(cell(x.lender), x.note, money(x.share), money(x.principal))
    console.print(table)



def past_due(ctx: typer.Context, code: Code, as_of: AsOf, known_at: KnownAt = None) -> None:
    """What is past due, per component and note, with days past due and aging bucket.

    Example: loanledger past-due ATG-LAURUS-2005 --as-of 2008-01-31
    """
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import money, past_due_json  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    figures = reports.past_due_as_of(events, day, instant, fixings=fixings)
    if settings(ctx).json:
        emit_json(past_due_json(figures))
        return
    table = new_table("note", "principal", "interest", "fees", "total", "days", "bucket",
                  title=f"{code} past due as of {as_of}" + _known(known_at))
    rows = [(n.note, n.principal, n.interest, n.fees, n.total) for n in figures.notes.values()]
    for name, *parts in rows:
        total = parts[-1]
        table.add_row(name, *(money(p.amount) for p in parts), str(total.days(figures.as_of)),
                      _bucket(total, figures.as_of))
    if figures.facility_fees.amount:
        f = figures.facility_fees
        table.add_row("(facility fees)", "", "", money(f.amount), money(f.amount), str(f.days(figures.as_of)), "")
    table.add_row("total", *(money(figures.component(c).amount) for c in ("principal", "interest", "fees")),
                  money(figures.total.amount), str(figures.days_past_due), figures.bucket, style="bold")
    console.print(table)


def explain(ctx: typer.Context, code: Code, as_of: AsOf, known_at: KnownAt = None) -> None:
    """Every figure with its derivation: sub-intervals, bills, allocations, premiums.

    Example: loanledger explain ATG-LAURUS-2005 --as-of 2008-01-31
    """
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import exact, explain_json, money  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    x = reports.explain(events, day, instant, fixings=fixings)
    if settings(ctx).json:
        emit_json(explain_json(x))
        return
    accrual = new_table("note", "from", "to (excl.)", "principal", "rate %", "DCF", "interest", title="Current-period interest")
    for period in x.current:
        for s in period.sub_intervals:
            accrual.add_row(period.note, str(s.start), str(s.end), money(s.principal), str(s.rate), exact(s.dcf), exact(s.interest))
        accrual.add_row(period.note, "", "", "", "", "accrued", money(period.amount), style="bold")
    bills = new_table("note", "period", "due", "billed", "sub-intervals", title="Interest bills")
    for b in x.bills:
        bills.add_row(b.note, f"{b.period_start}..{b.period_end}", str(b.due_date), money(b.amount), str(len(b.sub_intervals)))
    for p in x.pik:
        bills.add_row(p.note, f"PIK {p.period_start}..{p.period_end}", str(p.capitalised_on),
                      f"-{money(p.amount)}", "capitalised into principal")
    for b in x.overdue_bills:
        bills.add_row(b.note, f"overdue {b.period_start}..{b.period_end}", str(b.due_date), money(b.amount),
                      "; ".join(f"{money(p.principal)} at {p.rate}% {p.start}..{p.end}" for p in b.sub_intervals))
    payments = new_table("v", "value date", "amount", "applied to", "due", "part", title="Payments and their allocations")
    for p in x.payments:
        for a in p.allocations:
            payments.add_row(str(p.version), str(p.value_date), money(p.amount), f"{a.note or 'facility'} {a.label}",
                             str(a.due_date or ""), money(a.amount))
        if p.unapplied:
            payments.add_row(str(p.version), str(p.value_date), money(p.amount), "unapplied credit", "", money(p.unapplied))
    for c in x.credit:
        for a in c.allocations:
            payments.add_row("credit", str(c.day), "", f"{a.note or 'facility'} {a.label}", str(a.due_date or ""), money(a.amount))
    premiums = new_table("note", "date", "rate %", "principal", "interest", "base", "premium", title="Default premiums")
    for r in x.premiums:
        premiums.add_row(r.note, str(r.effective_date), str(r.rate), money(r.principal), money(r.interest), money(r.base), money(r.amount))
    fixings = new_table("note", "period", "from", "to (excl.)", "fixing of", "rate %", "days",
                        title="Index fixings used (SOFR-era conventions)")
    derived = new_table("note", "from", "to (excl.)", "convention", "index rate %", "spread adj.", "margin",
                        "bounds", "default margin", "all-in %", "interest", title="Rates from fixings")
    periods = [(b.note, f"{b.period_start}..{b.period_end}", b.sub_intervals) for b in x.bills]
    periods += [(c.note, f"{c.period_start}..(open)", c.sub_intervals) for c in x.current]
    for note, period, pieces in periods:
        for s in pieces:
            if not hasattr(s, "fixings"):
                continue
            for o in s.fixings:
                fixings.add_row(note, period, str(o.day), str(o.day + timedelta(days=o.days)), str(o.observed),
                                str(o.rate), str(o.days))
            derived.add_row(note, str(s.start), str(s.end), s.convention, exact(s.index_rate), str(s.spread_adjustment),
                            str(s.margin), s.bounds, str(s.default_margin), exact(s.rate), exact(s.interest))
    fee_table = new_table("note", "fee", "period", "from", "to (excl.)", "undrawn", "rate %", "days", "fee",
                          title="Unused and ticking fees")
    fee_periods = [(b.note, b.kind, f"{b.period_start}..{b.period_end} due {b.due_date}", b.sub_intervals, b.amount)
                   for b in x.fee_bills]
    fee_periods += [(c.note, c.kind, f"{c.period_start}..(open)", c.sub_intervals, c.amount) for c in x.current_fees]
    for note, kind, period, pieces, amount in fee_periods:
        for p in pieces:
            fee_table.add_row(note, kind, period, str(p.start), str(p.end), money(p.undrawn), str(p.rate), str(p.days),
                              exact(p.fee))
        fee_table.add_row(note, kind, period, "", "", "", "", "total", money(amount), style="bold")
    terms = new_table("note", "from", "to (excl.)", "amendment", "basis", "terms changed", title="Terms in force")
    for t in x.terms:
        terms.add_row(t.note, str(t.start), str(t.end or ""), f"v{t.version}" if t.version else "as issued",
                      t.basis or "", ", ".join(f"{k} {v}" for k, v in t.changed.items()))
    shown = [accrual, bills, payments, premiums] + ([fee_table] if fee_table.row_count else []) + (
        [terms] if terms.row_count else []) + (
        [derived, fixings] if derived.row_count else [])
    for table in shown:
        console.print(table)
    for line in x.skipped:
        console.print(f"skipped: {line}")


def timeline(
    ctx: typer.Context,
    code: Code,
    start: Annotated[str, typer.Option("--from", metavar="YYYY-MM-DD", help="First date.")],
    end: Annotated[str, typer.Option("--to", metavar="YYYY-MM-DD", help="Last date.")],
    every: Annotated[str, typer.Option("--every", help="day, or month (month ends and the last date).")] = "month",
    known_at: KnownAt = None,
    chart: Annotated[str | None, typer.Option(
        "--chart", metavar="FILE.svg|FILE.png",
        help="Draw principal, accrued interest, past due and bucket over the range, with the events "
             "marked, to this file (replaced if it exists) instead of printing the table.")] = None,
) -> None:
    """Positions and past due over a date range, computed in one pass.

    Example: loanledger timeline ATG-LAURUS-2005 --from 2007-01-01 --to 2008-01-31 --every month
    """
    if chart is not None:
        _timeline_chart(ctx, code, start, end, every, known_at, chart)
        return
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import money, timeline_json  # start-up: deferred (docs/architecture.md, "Start-up")

    if every not in ("day", "month"):
        raise InvalidInput(f"--every: {every!r} must be 'day' or 'month'", field="every")
    low, high = parse_report_day("--from", start), parse_report_day("--to", end)
    if high < low:
        raise LedgerError(f"--to {end} is before --from {start}")
    instant = _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    series = list(reports.timeline(events, low, high, every, instant, fixings=fixings))
    if settings(ctx).json:
        emit_json(timeline_json(series))
        return
    table = new_table("as of", "principal", "interest", "fees", "credit", "total", "past due", "days", "bucket",
                  title=f"{code} timeline" + _known(known_at))
    for r in series:
        p, d = r.position, r.past_due
        table.add_row(str(p.as_of), money(p.principal), money(p.interest), money(p.fees), money(p.unapplied_credit),
                      money(p.total), money(d.total.amount), str(d.days_past_due), d.bucket)
    console.print(table)


def _timeline_chart(ctx: typer.Context, code: str, start: str, end: str, every: str, known_at: str | None,
                    chart: str) -> None:
    from cli.application.series import facility_series  # start-up: the engine and matplotlib load only for a chart
    from cli.formats.charts import chart_format, timeline_chart  # start-up: idem
    from cli.formats.output_bytes import write_bytes  # start-up: deferred (docs/architecture.md, "Start-up")

    fmt = chart_format(chart)
    if every not in ("day", "month"):
        raise LedgerError(f"--every: {every!r} must be 'day' or 'month'")
    low, high = parse_report_day("--from", start), parse_report_day("--to", end)
    if high < low:
        raise LedgerError(f"--to {end} is before --from {start}")
    events, fixings = _events_and_fixings(ctx, code, known_at)
    points, marks = facility_series(events, low, high, every, _instant(known_at), fixings)
    data = timeline_chart(f"{code}: {low} to {high}" + _known(known_at), points, marks, fmt)
    write_bytes(chart, data, force=True, option="--chart")
    if settings(ctx).json:
        emit_json({"facility": code, "chart": chart, "points": len(points), "marks": len(marks), "bytes": len(data)})
    else:
        console.print(f"Wrote the timeline of {code} ({len(points)} dates, {len(marks)} events marked) to {chart}.")


def _events(ctx: typer.Context, code: str) -> list[Any]:
    return ledger(ctx).facility_events(code)


def _events_and_fixings(ctx: typer.Context, code: str, known_at: str | None) -> tuple[list[Any], Any]:
    """The facility's events and the market's fixings of the indexes its notes name, as known at
    `known_at` (docs/market-data.md)."""
    from cli.application.market import fixings_for  # start-up: deferred (docs/architecture.md, "Start-up")

    events = _events(ctx, code)
    return events, fixings_for(ledger(ctx), events, _instant(known_at))


def _bucket(overdue: Any, as_of: date) -> str:
    from projections.figures import bucket  # start-up: deferred (docs/architecture.md, "Start-up")

    return bucket(overdue.amount, overdue.days(as_of))


def _known(known_at: str | None) -> str:
    return f", known at {known_at}" if known_at else ""


def _instant(text: str | None) -> datetime | None:
    """Like --recorded-to: an aware date-time, or a date meaning the end of that day in UTC."""
    from cli.formats.event_views import instant  # start-up: deferred (docs/architecture.md, "Start-up")

    return instant("--known-at", text, end_of_day=True)


def demo_report(ctx: typer.Context, code: str, as_of: str) -> None:
    """The seed letter's figures from the engine, and each notice checked against them."""
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import balance_json, money, past_due_json  # start-up: deferred (docs/architecture.md, "Start-up")

    from projections.notices import check_notices  # start-up: deferred (docs/architecture.md, "Start-up")

    events, fixings = _events_and_fixings(ctx, code, None)
    figures = reports.report(events, parse_report_day("--as-of", as_of), fixings=fixings)
    checks = check_notices(events)
    if settings(ctx).json:
        emit_json({"balance": balance_json(figures.position), "past_due": past_due_json(figures.past_due),
                   "notices": [{"version": c.version, "date": c.notice_date, "agrees": c.agrees,
                                "stated": {k: money(v) for k, v in c.stated.items()},
                                "computed": {k: money(v) for k, v in c.computed.items()}} for c in checks]})
        return
    past_due(ctx, code, as_of, None)
    for c in checks:
        verdict = "agrees to the dollar" if c.agrees else f"DIFFERS: {c.differences}"
        console.print(f"Notice v{c.version} of {c.notice_date}: stated "
                      + ", ".join(f"{k} {money(v)}" for k, v in c.stated.items()) + f" — {verdict}.")
