"""Syndication commands (the contract §12, docs/syndication.md): lender positions, assignments and
distributions recorded as facts; each lender's part of every receipt, balances by lender and a
lender's statement read from the engine."""

from typing import Annotated

import typer

from cli.commands.context import ledger
from cli.commands.recording import Amount, Code, On, Reference, Source, record_fact
from cli.commands.reports import AsOf, KnownAt, _events_and_fixings, _instant, _known, by_lender
from cli.commands.tables import output_console
from cli.formats.dates import parse_report_day
from domain import facts
from domain.money import ZERO

console = output_console()

lender_app = typer.Typer(no_args_is_help=True, help="Lenders of syndicated facilities: positions and statements.")

Lender = Annotated[str, typer.Option("--lender", help="The lender's name, as in its position.")]
Note = Annotated[str, typer.Option("--note", help="The note code, e.g. TERM-A.")]


def register(app: typer.Typer, record_app: typer.Typer) -> None:
    app.add_typer(lender_app, name="lender")
    record_app.command("assignment")(record_assignment)
    record_app.command("distribution")(record_distribution)
    app.command("distribution")(distribution)


@lender_app.command("set")
def lender_set(
    ctx: typer.Context, code: Code, note: Note, lender: Lender,
    commitment: Annotated[str, typer.Option(help="The lender's share of the note's commitment (0 ends it).")],
    date: On, source: Source = None, reference: Reference = None,
) -> None:
    """A lender's share of a note's commitment from a date. The shares of a note must add up to
    its face amount before any payment is split (and never to more).

    Example: loanledger lender set SYND-1 --note TL --lender "Bank A" --commitment 75000000 --date 2024-01-15
    """
    record_fact(ctx, code, facts.SetLenderPosition, source, reference, note=note, lender=lender,
                commitment=commitment, effective_date=date)


def record_assignment(
    ctx: typer.Context, code: Code, note: Note,
    assignor: Annotated[str, typer.Option("--from", help="The lender selling part of its share.")],
    assignee: Annotated[str, typer.Option("--to", help="The lender buying it.")],
    amount: Amount,
    trade_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="When the trade was agreed.")],
    settlement_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="When it settled (a business day).")],
    accrued: Annotated[str, typer.Option(
        help="to_seller: interest accrued before settlement stays the seller's; to_buyer: the buyer "
             "receives the assigned part's interest for the whole period.")] = "to_seller",
    source: Source = None, reference: Reference = None,
) -> None:
    """An assignment settled: part of a lender's share of a note moves to another lender.

    Example: loanledger record assignment SYND-1 --note TL --from "Bank A" --to "Fund B" --amount 25000000
    --trade-date 2024-05-01 --settlement-date 2024-05-10
    """
    record_fact(ctx, code, facts.SettleAssignment, source, reference, note=note, assignor=assignor,
                assignee=assignee, amount=amount, trade_date=trade_date, settlement_date=settlement_date,
                accrued=accrued)


def record_distribution(ctx: typer.Context, code: Code, lender: Lender, amount: Amount, date: On,
                        source: Source = None, reference: Reference = None) -> None:
    """A distribution the agent wired to a lender.

    Example: loanledger record distribution SYND-1 --lender "Bank A" --amount 412500.00 --date 2024-02-01
    """
    record_fact(ctx, code, facts.PayDistribution, source, reference, lender=lender, amount=amount,
                effective_date=date)


def distribution(
    ctx: typer.Context, code: Code,
    day: Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="The value date of the receipts.")],
    known_at: KnownAt = None,
) -> None:
    """What each lender is owed from each receipt of a day, and what was paid to it.

    Receipts are the payments taking value that day and unapplied credit applied that day; the
    last table also gives owed and paid to date.

    Example: loanledger distribution SYND-1 --date 2024-02-01
    """
    from projections.json_views import money  # start-up: the engine is imported only by the reports
    from projections.syndication import distribution as split  # start-up: idem

    on, instant = parse_report_day("--date", day), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    d = split(events, on, instant, fixings)
    lenders = sorted(set(d.owed_to_date) | set(d.paid_to_date))
    owed = d.owed()  # summed over every receipt's parts: once, not per lender
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    data = {
        "facility": d.facility, "date": d.as_of.isoformat(), "known_at": known_at,
        "receipts": [{"version": r.version, "value_date": r.value_date.isoformat(), "amount": money(r.amount),
                      "allocated": money(r.allocated),
                      "lenders": {k: money(v) for k, v in r.owed().items()},
                      "parts": [{"lender": p.lender, "note": p.note, "component": p.component,
                                 "item": p.label, "amount": money(p.amount)} for p in r.parts]}
                     for r in d.receipts],
        "lenders": [{"lender": lender, "owed": money(owed.get(lender, ZERO)),
                     "paid": money(d.paid.get(lender, ZERO)),
                     "owed_to_date": money(d.owed_to_date.get(lender, ZERO)),
                     "paid_to_date": money(d.paid_to_date.get(lender, ZERO)),
                     "unpaid_to_date": money(d.owed_to_date.get(lender, ZERO) - d.paid_to_date.get(lender, ZERO))}
                    for lender in lenders],
    }
    sections = []
    for r in d.receipts:
        what = f"receipt v{r.version}" if r.version is not None else "unapplied credit applied"
        section = Section(f"{code} {what} on {r.value_date}: {r.amount:,.2f}" + _known(known_at), (
            Column("lender", "text"), Column("note", "code", 2), Column("component", "code", 1),
            Column("item", "text", 3), Column("amount", "money")),
            key=f"receipt_v{r.version}" if r.version is not None else "credit_applied")
        for p in r.parts:
            section.add(p.lender, p.note or "facility", p.component, p.label, p.amount)
        sections.append(section)
    summary = Section(f"{code} distribution on {on}" + _known(known_at), (
        Column("lender", "text"), Column("owed", "money"), Column("paid", "money"),
        Column("owed to date", "money", 2, key="owed_to_date"), Column("paid to date", "money", 2, key="paid_to_date"),
        Column("unpaid to date", "money", 1, key="unpaid_to_date")), key="distribution")
    for lender in lenders:
        owed_to_date, paid_to_date = d.owed_to_date.get(lender, ZERO), d.paid_to_date.get(lender, ZERO)
        summary.add(lender, owed.get(lender, ZERO), d.paid.get(lender, ZERO), owed_to_date, paid_to_date,
                    owed_to_date - paid_to_date)
    if not d.receipts:
        summary.notes.append(f"No receipt of {code} takes value on {on}.")
    show(ctx, Report([*sections, summary], json=data, show_empty=True))


@lender_app.command("balance")
def lender_balance(ctx: typer.Context, code: Code, as_of: AsOf, known_at: KnownAt = None) -> None:
    """Each lender's share of each note and of its principal (also: balance CODE --by-lender).

    Example: loanledger lender balance SYND-1 --as-of 2024-06-30
    """
    by_lender(ctx, code, as_of, known_at)


@lender_app.command("statement")
def lender_statement(
    ctx: typer.Context,
    lender: Annotated[str, typer.Argument(metavar="LENDER", help="The lender's name.")],
    start: Annotated[str, typer.Option("--from", metavar="DATE", help="First value date (a period: its first day).")],
    end: Annotated[str, typer.Option("--to", metavar="DATE", help="Last value date (a period: its last day).")],
    known_at: KnownAt = None,
) -> None:
    """A lender's part of every receipt and every distribution paid to it, across facilities.

    Example: loanledger lender statement "Bank A" --from 2024-01-01 --to 2024-12-31
    """
    from projections.json_views import money  # start-up: the engine is imported only by the reports
    from cli.application.market import fixings_for  # start-up: idem
    from projections.syndication import lender_statement as statement  # start-up: idem

    first, last = parse_report_day("--from", start, start=True), parse_report_day("--to", end)
    instant = _instant(known_at)  # refused before any event is read
    book = ledger(ctx)
    lines = statement((book.facility_events(o.code) for o in book.facilities()), lender, first, last, instant,
                      lambda events: fixings_for(book, events, instant))
    owed = sum((x.owed for x in lines), ZERO)
    paid = sum((x.paid for x in lines), ZERO)
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    section = Section(f"{lender} from {first} to {last}", (
        Column("date", "date"), Column("facility", "code"), Column("what", "text", 1),
        Column("owed", "money"), Column("paid", "money")))
    for x in lines:
        section.add(x.day, x.facility, x.what, x.owed, x.paid)
    section.total("total", None, None, owed, paid)
    section.notes.append(f"Owed and not yet paid in the period: {owed - paid:,.2f}")
    show(ctx, Report([section], show_empty=True, json={
        "lender": lender, "from": first.isoformat(), "to": last.isoformat(), "known_at": known_at,
        "lines": [{"facility": x.facility, "date": x.day.isoformat(), "what": x.what,
                   "owed": money(x.owed), "paid": money(x.paid)} for x in lines],
        "owed": money(owed), "paid": money(paid), "unpaid": money(owed - paid)}))
