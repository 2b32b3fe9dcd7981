"""balance, past-due, explain, timeline: the read side on the command line (the contract §4, §7).

Each command reads the facility's stream, asks `projections` for the figures (pure functions of
events, as-of date and known-at instant) and prints them as a table or, with --json, as JSON.
A report the engine refuses (e.g. no index rate in force) raises a LedgerError: exit 1.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any

import typer
from cli.commands.tables import output_console

from cli.commands.context import emit_json, ledger, settings
from cli.commands.output import show
from cli.formats.report import Column, Report, Section, shown
from cli.formats.dates import parse_report_day
from domain.errors import InvalidInput, LedgerError

console = output_console()

Code = Annotated[str, typer.Argument(metavar="CODE", help="The facility code.")]
AsOf = Annotated[str, typer.Option(
    "--as-of", metavar="DATE",
    help="End of this effective date: YYYY-MM-DD, today, yesterday, or a period's last day (2024, 2024-Q3, 2024-06).")]
KnownAt = Annotated[str | None, typer.Option(
    "--known-at", metavar="INSTANT",
    help="Only facts recorded at or before this instant, e.g. 2008-02-01T14:00:00-05:00 "
         "(an offset is required), or a date (through its end, UTC). Default: everything recorded so far.")]


def register(app: typer.Typer) -> None:
    app.command("balance")(balance)
    app.command("past-due")(past_due)
    app.command("explain")(explain)
    app.command("timeline")(timeline)


def balance(ctx: typer.Context, code: Code, as_of: AsOf = "today", known_at: KnownAt = None,
            lenders: Annotated[bool, typer.Option(
                "--by-lender", help="Each lender's share of each note and of its principal instead.")] = False) -> None:
    """Principal, accrued interest, unpaid fees and unapplied credit, per note and in total.

    Example: loanledger balance ATG-LAURUS-2005 --as-of 2008-01-31
    """
    if lenders:
        by_lender(ctx, code, as_of, known_at)
        return
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import balance_json  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    position = reports.position_as_of(events, day, instant, fixings=fixings)
    section = Section(f"{code} balance as of {day}" + _known(known_at), (
        Column("note", "code"), Column("principal", "money"), Column("interest billed", "money", 2),
        Column("interest current", "money", 2), Column("interest", "money"), Column("fees", "money", 1),
        Column("total", "money")))
    for n in position.notes.values():
        section.add(n.note, n.principal, n.interest_billed, n.interest_current, n.interest, n.fees, n.total)
    if position.facility_fees:
        section.add("(facility fees)", None, None, None, None, position.facility_fees, position.facility_fees)
    section.total("total", position.principal, sum((n.interest_billed for n in position.notes.values()), Decimal(0)),
                  sum((n.interest_current for n in position.notes.values()), Decimal(0)), position.interest,
                  position.fees, position.total)
    section.notes.append(f"Unapplied credit: {shown(position.unapplied_credit, 'money')}")
    show(ctx, Report([section], json=balance_json(position)))


def by_lender(ctx: typer.Context, code: str, as_of: str, known_at: str | None) -> None:
    from projections.json_views import money  # start-up: the engine is imported only by the reports
    from projections.syndication import balance_by_lender  # start-up: idem

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    lines = balance_by_lender(events, day, instant, fixings)
    section = Section(f"{code} by lender as of {day}" + _known(known_at), (
        Column("lender", "text"), Column("note", "code"), Column("share of commitment", "exact", key="share"),
        Column("principal", "money")))
    for x in lines:
        section.add(x.lender, x.note, x.share, x.principal)
    show(ctx, Report([section], json={"facility": code, "as_of": day.isoformat(), "known_at": known_at,
                                      "lenders": [{"lender": x.lender, "note": x.note, "share": money(x.share),
                                                   "principal": money(x.principal)} for x in lines]}))


def past_due(ctx: typer.Context, code: Code, as_of: AsOf = "today", known_at: KnownAt = None) -> None:
    """What is past due, per component and note, with days past due and aging bucket.

    Example: loanledger past-due ATG-LAURUS-2005 --as-of 2008-01-31
    """
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import past_due_json  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    figures = reports.past_due_as_of(events, day, instant, fixings=fixings)
    section = Section(f"{code} past due as of {day}" + _known(known_at), (
        Column("note", "code"), Column("principal", "money"), Column("interest", "money"), Column("fees", "money", 1),
        Column("total", "money"), Column("days", "count"), Column("bucket", "code")))
    for n in figures.notes.values():
        parts = (n.principal, n.interest, n.fees, n.total)
        section.add(n.note, *(p.amount for p in parts), n.total.days(figures.as_of), _bucket(n.total, figures.as_of))
    if figures.facility_fees.amount:
        f = figures.facility_fees
        section.add("(facility fees)", None, None, f.amount, f.amount, f.days(figures.as_of), _bucket(f, figures.as_of))
    section.total("total", *(figures.component(c).amount for c in ("principal", "interest", "fees")),
                  figures.total.amount, figures.days_past_due, figures.bucket)
    show(ctx, Report([section], json=past_due_json(figures)))


def explain(ctx: typer.Context, code: Code, as_of: AsOf = "today", known_at: KnownAt = None) -> None:
    """Every figure with its derivation: sub-intervals, bills, allocations, premiums.

    Example: loanledger explain ATG-LAURUS-2005 --as-of 2008-01-31
    """
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import explain_json  # start-up: deferred (docs/architecture.md, "Start-up")
    from domain.money import to_cents  # start-up: idem

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    x = reports.explain(events, day, instant, fixings=fixings)
    accrual = Section("Current-period interest", (
        Column("note", "code"), Column("from", "date"), Column("to (excl.)", "date", key="to"),
        Column("principal", "money"), Column("rate %", "rate", key="rate"), Column("DCF", "exact", 2, key="dcf"),
        Column("interest", "exact")))
    for period in x.current:
        for s in period.sub_intervals:
            accrual.add(period.note, s.start, s.end, s.principal, s.rate, s.dcf, s.interest)
        accrual.total(period.note, None, None, None, None, None, to_cents(period.amount))
    bills = Section("Interest bills", (
        Column("note", "code"), Column("from", "date"), Column("to (excl.)", "date", key="to"), Column("due", "date"),
        Column("billed", "money"), Column("what", "text", 2), Column("sub-intervals", "count", 1, key="sub_intervals")))
    for b in x.bills:
        bills.add(b.note, b.period_start, b.period_end, b.due_date, b.amount, None, len(b.sub_intervals))
    for p in x.pik:  # capitalised, not billed: a negative line, as the bill it replaces
        bills.add(p.note, p.period_start, p.period_end, p.capitalised_on, -p.amount, "PIK: capitalised into principal", None)
    for b in x.overdue_bills:
        bills.add(b.note, b.period_start, b.period_end, b.due_date, b.amount,
                  "overdue interest: " + "; ".join(f"{p.principal:,.2f} at {p.rate}% {p.start}..{p.end}"
                                                   for p in b.sub_intervals), None)
    payments = Section("Payments and their allocations", (
        Column("v", "count", key="version"), Column("value date", "date", key="value_date"),
        Column("amount", "money", 1), Column("applied to", "text", key="applied_to"), Column("due", "date"),
        Column("part", "money")))
    for p in x.payments:
        for a in p.allocations:
            payments.add(p.version, p.value_date, p.amount, f"{a.note or 'facility'} {a.label}", a.due_date, a.amount)
        if p.unapplied:
            payments.add(p.version, p.value_date, p.amount, "unapplied credit", None, p.unapplied)
    for c in x.credit:
        for a in c.allocations:
            payments.add(None, c.day, None, f"credit: {a.note or 'facility'} {a.label}", a.due_date, a.amount)
    premiums = Section("Default premiums", (
        Column("note", "code"), Column("date", "date"), Column("rate %", "rate", key="rate"),
        Column("principal", "money", 1), Column("interest", "money", 1), Column("base", "money"),
        Column("premium", "money")))
    for r in x.premiums:
        premiums.add(r.note, r.effective_date, r.rate, r.principal, r.interest, r.base, r.amount)
    fixings = Section("Index fixings used (SOFR-era conventions)", (
        Column("note", "code"), Column("period", "text", 2), Column("from", "date"), Column("to (excl.)", "date", key="to"),
        Column("fixing of", "date", key="fixing_of"), Column("rate %", "rate", key="rate"), Column("days", "count")))
    derived = Section("Rates from fixings", (
        Column("note", "code"), Column("from", "date"), Column("to (excl.)", "date", key="to"),
        Column("convention", "text", 3), Column("index rate %", "exact", key="index_rate"),
        Column("spread adj.", "rate", 2, key="spread_adjustment"), Column("margin", "rate", 2),
        Column("bounds", "text", 4), Column("default margin", "rate", 4, key="default_margin"),
        Column("all-in %", "exact", key="all_in_rate"), Column("interest", "exact", 1)))
    periods = [(b.note, f"{b.period_start}..{b.period_end}", b.sub_intervals) for b in x.bills]
    periods += [(c.note, f"{c.period_start}..(open)", c.sub_intervals) for c in x.current]
    for note, period, pieces in periods:
        for s in pieces:
            if not hasattr(s, "fixings"):
                continue
            for o in s.fixings:
                fixings.add(note, period, o.day, o.day + timedelta(days=o.days), o.observed, o.rate, o.days)
            derived.add(note, s.start, s.end, s.convention, s.index_rate, s.spread_adjustment, s.margin, s.bounds,
                        s.default_margin, s.rate, s.interest)
    fees = Section("Unused and ticking fees", (
        Column("note", "code"), Column("fee", "code"), Column("period", "text", 3), Column("from", "date", 1),
        Column("to (excl.)", "date", 1, key="to"), Column("undrawn", "money", 1), Column("rate %", "rate", 2, key="rate"),
        Column("days", "count", 2), Column("fee", "exact", key="amount")))
    fee_periods = [(b.note, b.kind, f"{b.period_start}..{b.period_end} due {b.due_date}", b.sub_intervals, b.amount)
                   for b in x.fee_bills]
    fee_periods += [(c.note, c.kind, f"{c.period_start}..(open)", c.sub_intervals, c.amount) for c in x.current_fees]
    for note, kind, period, pieces, amount in fee_periods:
        for p in pieces:
            fees.add(note, kind, period, p.start, p.end, p.undrawn, p.rate, p.days, p.fee)
        fees.total(note, kind, period, None, None, None, None, None, amount)
    terms = Section("Terms in force", (
        Column("note", "code"), Column("from", "date"), Column("to (excl.)", "date", key="to"),
        Column("amendment", "code", 1), Column("basis", "text", 3), Column("terms changed", "text", 2, key="changed")))
    for tf in x.terms:
        terms.add(tf.note, tf.start, tf.end, f"v{tf.version}" if tf.version else "as issued", tf.basis or "",
                  ", ".join(f"{k} {v}" for k, v in tf.changed.items()))
    skipped = Section("Skipped", (Column("reason", "text"),), rows=[(line,) for line in x.skipped])
    show(ctx, Report([accrual, bills, payments, premiums, fees, terms, derived, fixings, skipped], json=explain_json(x)))


def timeline(
    ctx: typer.Context,
    code: Code,
    start: Annotated[str, typer.Option("--from", metavar="DATE", help="First date (a period: its first day).")],
    end: Annotated[str, typer.Option("--to", metavar="DATE", help="Last date (a period: its last day).")],
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
    from projections.json_views import timeline_json  # start-up: deferred (docs/architecture.md, "Start-up")

    if every not in ("day", "month"):
        raise InvalidInput(f"--every: {every!r} must be 'day' or 'month'", field="every")
    low, high = parse_report_day("--from", start, start=True), parse_report_day("--to", end)
    if high < low:
        raise LedgerError(f"--to {end} is before --from {start}")
    instant = _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    series = list(reports.timeline(events, low, high, every, instant, fixings=fixings))
    section = Section(f"{code} timeline" + _known(known_at), (
        Column("as of", "date", key="as_of"), Column("principal", "money"), Column("interest", "money", 1),
        Column("fees", "money", 2), Column("credit", "money", 3), Column("total", "money", 1),
        Column("past due", "money", key="past_due"), Column("days", "count"), Column("bucket", "code")))
    for r in series:
        p, d = r.position, r.past_due
        section.add(p.as_of, p.principal, p.interest, p.fees, p.unapplied_credit, p.total, d.total.amount,
                    d.days_past_due, d.bucket)
    show(ctx, Report([section], json=timeline_json(series)))


def _timeline_chart(ctx: typer.Context, code: str, start: str, end: str, every: str, known_at: str | None,
                    chart: str) -> None:
    from cli.application.series import facility_series  # start-up: the engine and matplotlib load only for a chart
    from cli.formats.charts import chart_format, timeline_chart  # start-up: idem
    from cli.formats.output_bytes import write_bytes  # start-up: deferred (docs/architecture.md, "Start-up")

    fmt = chart_format(chart)
    if every not in ("day", "month"):
        raise InvalidInput(f"--every: {every!r} must be 'day' or 'month'", field="every")
    low, high = parse_report_day("--from", start, start=True), parse_report_day("--to", end)
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
                      + ", ".join(f"{k} {shown(v, 'money')}" for k, v in c.stated.items()) + f" — {verdict}.")
