"""Commitments, the fees on them and payoff (docs/arithmetic.md, "Commitments", "Unused and
ticking fees", "Payoff"): `record commitment`, `record termination`, `availability`, `payoff`."""

from typing import Annotated

import typer

from cli.commands.recording import Code, On, OptNote, Reference, Source, record_fact
from cli.commands.reports import AsOf, KnownAt, _events_and_fixings, _instant, _known
from cli.commands.tables import output_console
from cli.formats.dates import parse_report_day
from cli.formats.amortization import parse_schedule
from domain import facts
from domain.errors import InvalidInput

console = output_console()

Note = Annotated[str, typer.Option("--note", help="The note code, e.g. REVOLVER.")]


def register(app: typer.Typer, record_app: typer.Typer) -> None:
    record_app.command("commitment")(record_commitment)
    record_app.command("termination")(record_termination)
    record_app.command("amendment")(record_amendment)
    app.command("availability")(availability)
    app.command("payoff")(payoff)


def record_commitment(
    ctx: typer.Context, code: Code, note: Note,
    amount: Annotated[str, typer.Option(
        "--amount", help="The note's new commitment (0 allowed), at most its face amount and not below what is drawn.")],
    date: On, source: Source = None, reference: Reference = None,
) -> None:
    """A note's commitment changed from a date (a reduction, an increase up to the face amount).

    Example: loanledger record commitment ACME-1 --note REVOLVER --amount 7500000.00 --date 2024-06-30
    """
    record_fact(ctx, code, facts.ChangeCommitment, source, reference, note=note, amount=amount, effective_date=date)


def record_termination(
    ctx: typer.Context, code: Code, date: On, note: OptNote = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """A commitment terminated from a date: nothing more can be drawn on it and its unused or
    ticking fee stops. Without --note, every note issued on or before the date.
    (An acceleration terminates the commitments of its notes by itself.)

    Example: loanledger record termination ACME-1 --note DDTL --date 2024-09-30
    """
    record_fact(ctx, code, facts.TerminateCommitment, source, reference, effective_date=date, note=note)


Rate = lambda text: Annotated[str | None, typer.Option(help=text)]  # noqa: E731


def record_amendment(
    ctx: typer.Context, code: Code, note: Note, date: On,
    basis: Annotated[str, typer.Option(help='The amendment, e.g. "Amendment No. 2 §3".')],
    rate: Rate("New fixed rate, % p.a. (a fixed-rate note).") = None,
    margin: Rate("New margin over the index, % p.a.") = None,
    floor: Rate("New all-in floor, % p.a.") = None,
    cap: Rate("New all-in cap, % p.a.") = None,
    index_floor: Rate("New floor of the index (plus spread adjustment), % p.a.") = None,
    spread_adjustment: Rate("New spread adjustment, % p.a.") = None,
    default_margin: Rate("New default margin, % p.a.") = None,
    fee_rate: Rate("New rate of the note's unused or ticking fee, % p.a.") = None,
    overdue_margin: Rate("New overdue margin, % p.a. (a note issued with one).") = None,
    pik_rate: Rate("New PIK rate, % p.a. (a note issued with one).") = None,
    maturity_date: Annotated[str | None, typer.Option(metavar="YYYY-MM-DD", help="New maturity date.")] = None,
    amortization: Annotated[list[str] | None, typer.Option(
        help='Installments replacing those not yet due: "12 monthly installments of 10000.00 from 2025-01-01" '
             'or DATE:AMOUNT (repeat).')] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """A note's terms amended from a date: only the terms given change. The rate, default margin
    and fee rate apply from the date (explain shows which terms applied when); a backdated
    amendment recomputes everything after its date, and --known-at before it was recorded shows
    the figures as they were.

    Example: loanledger record amendment ACME-1 --note TERM --date 2024-07-01 --margin 3.25 --basis "Amendment No. 1 §2"

    Example: loanledger record amendment ACME-1 --note DDTL --date 2024-07-01 --fee-rate 0.75 --maturity-date 2030-01-15 --basis "Amendment No. 2"
    """
    try:
        schedule = parse_schedule(amortization) if amortization else None
    except ValueError as error:
        raise InvalidInput(f"--amortization: {error}", field="amortization") from None
    terms = {"rate": rate, "margin": margin, "floor": floor, "cap": cap, "index_floor": index_floor,
             "spread_adjustment": spread_adjustment, "default_margin": default_margin, "fee_rate": fee_rate,
             "overdue_margin": overdue_margin, "pik_rate": pik_rate, "maturity_date": maturity_date, "amortization": schedule}
    record_fact(ctx, code, facts.AmendTerms, source, reference, note=note, effective_date=date, basis=basis,
                terms={k: v for k, v in terms.items() if v is not None})


def availability(ctx: typer.Context, code: Code, as_of: AsOf = "today", known_at: KnownAt = None) -> None:
    """What can be drawn under each note at the end of a day: commitment, drawn, available and,
    when less than the commitment less what is drawn can be, why (terminated, accelerated, in
    default, matured, limited by the note it is a sublimit of). Also the unused or ticking fee
    accrued in the open fee period.

    Example: loanledger availability ATG-LAURUS-2005 --as-of 2006-06-30

    Example: loanledger --json availability ACME-1 --as-of 2024-06-30 --known-at 2024-07-01
    """
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import availability_json  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--as-of", as_of), _instant(known_at)  # refused before any event is read
    events, fixings = _events_and_fixings(ctx, code, known_at)
    figures = reports.availability_as_of(events, day, instant, fixings=fixings)
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    section = Section(f"{code} availability as of {day}" + _known(known_at), (
        Column("note", "code"), Column("kind", "code", 3), Column("drawn under", "code", 4, key="sublimit_of"),
        Column("commitment", "money", 1), Column("drawn", "money", 1), Column("available", "money"),
        Column("fee accrued", "money", 2, key="accrued_fee"), Column("why not", "text", 1, key="why_not")))
    for n in figures.notes:
        section.add(n.note, n.kind, n.sublimit_of or "", n.commitment, n.drawn, n.available, n.accrued_fee,
                    "; ".join(n.why_not))
    section.total("total", None, None, None, None, figures.available, None, None)
    show(ctx, Report([section], json=availability_json(figures)))


def payoff(
    ctx: typer.Context, code: Code,
    good_through: Annotated[str, typer.Option("--good-through", metavar="DATE",
                                              help="The day the payoff is paid (its value date).")],
    known_at: KnownAt = None,
) -> None:
    """What must be paid on a day to retire every note: principal, interest accrued to that day,
    unpaid fees and items, accrued unused or ticking fees, any prepayment premium, less unapplied
    credit; and the per diem (one more day's interest). Recording a payment of the total on that
    day with `record payment --payoff` leaves nothing owed.

    Example: loanledger payoff ACME-1 --good-through 2024-06-28

    Example: loanledger record payment ACME-1 --amount 1020394.17 --date 2024-06-28 --payoff
    """
    from projections import report as reports  # start-up: the engine is imported only by the reports
    from projections.json_views import payoff_json  # start-up: deferred (docs/architecture.md, "Start-up")

    day, instant = parse_report_day("--good-through", good_through), _instant(known_at)
    events, fixings = _events_and_fixings(ctx, code, known_at)
    quote = reports.payoff_on(events, day, instant, fixings=fixings)
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    section = Section(f"{code} payoff good through {day}" + _known(known_at), (
        Column("note", "text"), Column("principal", "money", 1), Column("interest", "money", 1),
        Column("fees", "money", 2), Column("prepayment premium", "money", 3, key="prepayment_premium"),
        Column("total", "money"), Column("per diem", "money", key="per_diem")))
    for n in quote.notes:
        section.add(n.note, n.principal, n.interest, n.fees, n.prepayment_premium, n.total, n.per_diem)
    if quote.facility_fees:
        section.add("(facility fees)", None, None, quote.facility_fees, None, quote.facility_fees, None)
    if quote.unapplied_credit:
        section.add("(unapplied credit)", None, None, None, None, -quote.unapplied_credit, None)
    section.total("total", None, None, None, None, quote.total, quote.per_diem)
    show(ctx, Report([section], json=payoff_json(quote)))
