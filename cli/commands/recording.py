"""Commands that record facts: facility open|list|show, note issue, record ...

Every option is validated into a fact (domain.facts) before the ledger is touched; a refused
command prints one message naming what is wrong and records nothing.
"""

from decimal import Decimal
from typing import Annotated, Any

import typer
from cli.commands.tables import output_console, printable, say

from cli.commands.context import build, emit_json, err_console, ledger, meta_text, settings
from domain import facts, parsing
from domain.errors import InvalidInput

console = output_console()

facility_app = typer.Typer(no_args_is_help=True, help="Open, list and show facilities.")
note_app = typer.Typer(no_args_is_help=True, help="Issue notes under a facility.")
record_app = typer.Typer(
    no_args_is_help=True,
    help="Record one fact on a facility. Every fact is an immutable event: correct a mistake "
         "with 'record reversal', never by editing.",
)

Code = Annotated[str, typer.Argument(metavar="CODE", help="The facility code, e.g. ATG-LAURUS-2005.")]
Note = Annotated[str, typer.Option("--note", help="The note code, e.g. TERM-A.")]
OptNote = Annotated[str | None, typer.Option("--note", help="The note code, e.g. TERM-A.")]
Amount = Annotated[str, typer.Option("--amount", help="Positive plain amount, e.g. 75000.00 or 1,000.00; at most the currency's minor units (USD 2, JPY 0).")]
On = Annotated[str, typer.Option("--date", metavar="YYYY-MM-DD", help="Effective (value) date.")]
Source = Annotated[str | None, typer.Option("--source", help="The document this fact comes from.")]
Reference = Annotated[str | None, typer.Option(
    "--reference", help="External id (e.g. a wire reference), unique in the facility: "
                        "recording it again with the same content does nothing.")]
Clause = Annotated[str, typer.Option("--clause", help='The clause, e.g. "Security Agreement §19(a)".')]
Description = Annotated[str, typer.Option("--description", help="What happened, in words.")]


def record_fact(ctx: typer.Context, code: str, model: type[facts.Fact], source: str | None,
                reference: str | None, **fields: Any) -> None:
    fact = build(model, **fields)
    meta = _meta(ctx, source, reference)
    outcome = ledger(ctx).record(code, fact, meta)
    report(code, outcome, ctx)


def _meta(ctx: typer.Context, source: str | None, reference: str | None) -> Any:
    from cli.application.ledger import Meta  # start-up: deferred (docs/architecture.md, "Start-up")

    return Meta(settings(ctx).recorded_by, meta_text("--source", source, parsing.LONG_TEXT),
                meta_text("--reference", reference, parsing.SHORT_TEXT))


def report(code: str, outcome: Any, ctx: typer.Context, extra: dict[str, Any] | None = None) -> None:
    event = outcome.event
    if settings(ctx).json:
        emit_json({
            "facility": code, "type": type(event).__name__, "version": event.version,
            "duplicate": outcome.duplicate, "recorded_at": event.recorded_at.isoformat(),
            "chain_hash": event.chain_hash, **(extra or {}),
        })
    elif outcome.duplicate:
        say(f"Already recorded as version {event.version} of {code} (reference {event.reference}): nothing written.")
    else:
        say(f"Recorded {type(event).__name__} as version {event.version} of {code} (chain {event.chain_hash[:12]}…).")


# ---- facility --------------------------------------------------------------------------------

@facility_app.command("open")
def facility_open(
    ctx: typer.Context,
    code: Code,
    borrower: Annotated[str, typer.Option(help="The borrower's legal name.")],
    lender: Annotated[str, typer.Option(help="The lender's legal name.")],
    agreement_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="Date of the governing agreement.")],
    agent: Annotated[str | None, typer.Option(help="The agent, if any.")] = None,
    currency: Annotated[str, typer.Option(help="ISO 4217 currency code.")] = "USD",
    timezone: Annotated[str, typer.Option(help="IANA time zone of the facility's dates.")] = "America/New_York",
    payment_cutoff: Annotated[str, typer.Option(metavar="HH:MM", help="Payments received later take effect next business day.")] = "12:00",
    calendar: Annotated[str, typer.Option(help="Business-day calendar: US-FED (Federal Reserve), US-GOVT (SIFMA, SOFR), or a country code such as GB.")] = "US-FED",
    source: Source = None,
    reference: Reference = None,
) -> None:
    """Open a facility: the first event of its stream.

    Example: loanledger facility open ATG-LAURUS-2005 --borrower "American Technologies Group, Inc."
    --lender "Laurus Master Fund, Ltd." --agent "LV Administrative Services, Inc." --agreement-date 2005-09-07
    """
    fact = build(facts.OpenFacility, code=code, borrower=borrower, lender=lender, agent=agent,
                 agreement_date=agreement_date, currency=currency, timezone=timezone,
                 payment_cutoff=payment_cutoff, calendar=calendar)
    outcome = ledger(ctx).open_facility(fact, _meta(ctx, source, reference))
    report(code, outcome, ctx)


@facility_app.command("list")
def facility_list(ctx: typer.Context) -> None:
    """List every facility in the ledger.

    Example: loanledger facility list
    """
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    opened = ledger(ctx).facilities()
    section = Section("Facilities", (
        Column("code", "code"), Column("borrower", "text", 2), Column("lender", "text", 1),
        Column("agreement", "date", 3, key="agreement_date"), Column("currency", "code", 4)))
    for e in opened:
        section.add(e.code, e.borrower, e.lender, e.agreement_date, e.currency)
    if not opened and not settings(ctx).format and not settings(ctx).json:
        console.print("No facilities yet: open one with 'loanledger facility open'.")
        return
    show(ctx, Report([section], json=[e.fact_fields() for e in opened], show_empty=True))


@facility_app.command("show")
def facility_show(ctx: typer.Context, code: Code, as_of: Annotated[str, typer.Option(
        "--as-of", metavar="DATE", help="The schedule's paid and open amounts at the end of this date (default today).")] = "today",
) -> None:
    """Show a facility's terms, its notes, its amortization schedule (what fell due, what is paid,
    what is open) and its current version and chain hash.

    Example: loanledger facility show ATG-LAURUS-2005 --as-of 2008-01-31
    """
    from cli.formats.dates import parse_report_day  # start-up: deferred (docs/architecture.md, "Start-up")

    day = parse_report_day("--as-of", as_of)
    facility, events = ledger(ctx).facility_with_events(code)
    from domain.events import NoteIssued  # start-up: deferred (docs/architecture.md, "Start-up")

    o = events[0]
    notes = [e for e in events if isinstance(e, NoteIssued)]
    from cli.commands.output import show  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Report, Section  # start-up: idem

    section = Section(f"{o.code} notes", (
        Column("note", "code"), Column("kind", "text", 2), Column("face", "money", key="face_amount"),
        Column("issued", "date", 3, key="issue_date"), Column("matures", "date", key="maturity_date"),
        Column("interest", "text", 1), Column("day count", "code", 4, key="day_count")), key="notes")
    for n in notes:
        kind = n.kind.value + (f" (under {n.sublimit_of})" if n.sublimit_of else "")
        section.add(n.note, kind, n.face_amount, n.issue_date, facility.notes[n.note].maturity_date, _terms(n),
                    n.day_count.value)
    schedule, schedule_json = _schedule(ctx, code, events, day)
    report = Report([section, schedule], json={**o.fact_fields(), "version": facility.version,
                                               "chain_hash": facility.chain_head, "notes": [n.fact_fields() for n in notes],
                                               "schedule": schedule_json})
    if settings(ctx).format in ("json", "csv") or settings(ctx).json:
        show(ctx, report)
        return
    from rich.text import Text  # start-up: only when a facility is shown

    console.print(Text.assemble((o.code, "bold"), printable(f"  {o.borrower} ← {o.lender}" + (f" (agent {o.agent})" if o.agent else ""))))
    console.print(f"agreement {o.agreement_date} · {o.currency} · {o.timezone} · cut-off "
                  f"{o.payment_cutoff:%H:%M} · calendar {o.calendar}")
    console.print(f"version {facility.version}")
    console.print(f"chain {facility.chain_head}")
    for n in notes:
        if more := _commitment_terms(n):
            section.notes.append(f"{n.note}: {more}")
    show(ctx, report)


def _schedule(ctx: typer.Context, code: str, events: list[Any], day: Any) -> tuple[Any, Any]:
    """Each installment and maturity as the engine sees them at the end of `day`: fallen due
    (amount, paid, open) or not yet due. The engine decides every figure (projections.explain)."""
    from cli.application.market import fixings_for  # start-up: deferred (docs/architecture.md, "Start-up")
    from cli.formats.report import Column, Section  # start-up: idem
    from domain.errors import LedgerError  # start-up: idem
    from projections import report as reports  # start-up: the engine is imported only by the reports

    section = Section(f"{code} amortization as of {day}", (
        Column("note", "code"), Column("item", "text", 3), Column("due", "date"), Column("amount", "money"),
        Column("paid", "money"), Column("open", "money"), Column("status", "code", 1)), key="amortization")
    try:
        x = reports.explain(events, day, None, fixings=fixings_for(ledger(ctx), events, None))
    except LedgerError as error:
        section.notes.append(f"schedule not shown: {error}")
        return section, None
    open_left = {(i.note, i.label): i.outstanding for i in x.open_items if i.component == "principal"}
    rows = []
    for d in x.principal_due:
        if d.label.startswith(("installment", "maturity")):
            left = open_left.get((d.note, d.label), Decimal(0))
            rows.append((d.note, d.label, d.day, d.amount, d.amount - left, left, "open" if left else "paid"))
    for d in x.upcoming:
        rows.append((d.note, d.label, d.day, d.amount, None, None, "not yet due"))
    for row in rows:
        section.add(*row)
    return section, [{"note": r[0], "item": r[1], "due_date": r[2].isoformat(), "amount": f"{r[3]:.2f}",
                      "paid": None if r[4] is None else f"{r[4]:.2f}", "open": None if r[5] is None else f"{r[5]:.2f}",
                      "status": r[6]} for r in rows]


def _commitment_terms(note: Any) -> str:
    """A note's commitment and fee terms (issue #16), '' for a note with none."""
    parts = []
    if note.commitment is not None:
        parts.append(f"commitment {note.commitment:,.2f}")
    for kind, fee in (("unused", note.unused_fee), ("ticking", note.ticking_fee)):
        if fee is not None:
            every = f"{fee.period_months} month" + ("s" if fee.period_months != 1 else "")
            parts.append(f"{kind} fee {fee.rate}% {fee.day_count.value} every {every}")
    if note.prepayment_premium:
        parts.append("prepayment premium " + ", ".join(f"{s.rate}% to {s.until}" for s in note.prepayment_premium))
    if note.overdue_margin is not None:
        parts.append(f"overdue margin {note.overdue_margin}%")
    if note.pik_rate is not None:
        parts.append(f"PIK {note.pik_rate}%")
    return " · ".join(parts)


def _terms(note: Any) -> str:
    i = note.interest
    text = f"{i.rate}%" if i.rate is not None else f"{i.index} + {i.margin}%"
    if i.spread_adjustment is not None:
        text = f"{i.index} + {i.spread_adjustment}% adj + {i.margin}%"
    if i.index_floor is not None:
        text += f", index floor {i.index_floor}%"
    if i.floor is not None:
        text += f", floor {i.floor}%"
    if i.cap is not None:
        text += f", cap {i.cap}%"
    if i.convention is not None and i.convention.value != "in_force":
        terms = [i.convention.value]
        if i.lookback_days is not None:
            terms.append(f"lookback {i.lookback_days}")
        if i.observation_shift:
            terms.append("observation shift")
        if i.lockout_days:
            terms.append(f"lockout {i.lockout_days}")
        if i.fixing_lag_days is not None:
            terms.append(f"fixing lag {i.fixing_lag_days}")
        text += f" ({', '.join(terms)})"
    if i.interest_period_months is not None:
        text += f", {i.interest_period_months}-month periods"
    return text


# ---- notes -----------------------------------------------------------------------------------

@note_app.command("issue")
def note_issue(
    ctx: typer.Context,
    code: Code,
    note: Annotated[str, typer.Argument(metavar="NOTE", help="The new note's code, e.g. TERM-A.")],
    kind: Annotated[str, typer.Option(help="revolving, minimum_borrowing, term or other.")],
    face_amount: Annotated[str, typer.Option(help="Face amount (the commitment).")],
    issue_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD")],
    maturity_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD")],
    rate: Annotated[str | None, typer.Option(help="Fixed rate, % p.a. (or use --index).")] = None,
    index: Annotated[str | None, typer.Option(help="Index name, e.g. PRIME.")] = None,
    margin: Annotated[str | None, typer.Option(help="Margin over the index, % p.a.")] = None,
    floor: Annotated[str | None, typer.Option(help="Minimum all-in rate (index + margin), % p.a.")] = None,
    cap: Annotated[str | None, typer.Option(help="Maximum all-in rate, % p.a.")] = None,
    index_floor: Annotated[str | None, typer.Option(
        help="Minimum of the index (plus any spread adjustment) before the margin is added, % p.a., e.g. 0.")] = None,
    spread_adjustment: Annotated[str | None, typer.Option(
        help="Added to the index before the index floor, % p.a., e.g. 0.11448 (a SOFR credit spread adjustment).")] = None,
    convention: Annotated[str | None, typer.Option(
        help="How the index becomes a rate: in_force (the latest rate on each day, the default), term "
             "(one fixing per period), daily_simple or compounded_in_arrears (daily fixings).")] = None,
    lookback_days: Annotated[str | None, typer.Option(
        metavar="DAYS", help="daily_simple / compounded_in_arrears: US-GOVT business days each day looks back "
                             "for its fixing (0-10; default 5 for daily_simple, 0 compounded).")] = None,
    observation_shift: Annotated[bool, typer.Option(
        "--observation-shift", help="compounded_in_arrears: weight each fixing by the days of the shifted "
                                    "observation period (needs --lookback-days).")] = False,
    lockout_days: Annotated[str | None, typer.Option(
        metavar="DAYS", help="compounded_in_arrears: the last DAYS business days of a period reuse the fixing "
                             "before them (0-10).")] = None,
    fixing_lag_days: Annotated[str | None, typer.Option(
        metavar="DAYS", help="term: the rate is fixed DAYS US-GOVT business days before the period starts "
                             "(0-10, default 2).")] = None,
    interest_period_months: Annotated[str | None, typer.Option(
        metavar="MONTHS", help="Interest periods of 1, 3 or 6 months from the issue date, ends rolled "
                               "modified following (default 1 for term, daily_simple and compounded).")] = None,
    sublimit_of: Annotated[str | None, typer.Option(
        metavar="NOTE", help="The note whose commitment this one is drawn under (an advance must fit both).")] = None,
    day_count: Annotated[str, typer.Option(help="ACT/360, ACT/365F, ACT/ACT-ISDA, 30/360, 30/360-US or 30E/360.")] = "ACT/360",
    interest_day: Annotated[str, typer.Option(metavar="DAY", help="Day of month interest is due, in arrears.")] = "1",
    amortization: Annotated[list[str] | None, typer.Option(
        metavar="RULE",
        help='Installments: "N monthly|quarterly|semi-annual|annual installments of AMOUNT from DATE '
             '[end of month]", or DATE:AMOUNT (repeat the option for each).')] = None,
    default_margin: Annotated[str, typer.Option(help="Extra % p.a. while in default.")] = "0",
    default_premium_rate: Annotated[str | None, typer.Option(help="Premium charged on acceleration, % of its base.")] = None,
    default_premium_base: Annotated[str, typer.Option(help="principal or principal_and_interest.")] = "principal_and_interest",
    grace_days: Annotated[str, typer.Option(metavar="DAYS", help="Days after a due date before a payment counts as missed.")] = "0",
    overdue_margin: Annotated[str | None, typer.Option(
        help="Overdue principal and interest accrue at the rate plus this, % p.a., from their due date until "
             "paid (not stacked with --default-margin: the larger applies).")] = None,
    pik_rate: Annotated[str | None, typer.Option(
        help="The part of the rate, % p.a., capitalised into principal on each interest due date instead of "
             "being billed (a term or other note).")] = None,
    commitment: Annotated[str | None, typer.Option(
        help="What the lenders are bound to lend under it, at most the face amount (default: the face amount).")] = None,
    unused_fee_rate: Annotated[str | None, typer.Option(
        help="Unused (commitment) fee of a revolving or minimum borrowing note, % p.a. on its undrawn commitment.")] = None,
    ticking_fee_rate: Annotated[str | None, typer.Option(
        help="Ticking fee of a (delayed-draw) term note, % p.a. on its undrawn commitment.")] = None,
    fee_day_count: Annotated[str | None, typer.Option(
        help="The fee's day count (as --day-count; default ACT/360); only with a fee rate.")] = None,
    fee_period_months: Annotated[str | None, typer.Option(
        metavar="MONTHS", help="The fee is billed in arrears every 1, 3, 6 or 12 months from the issue date "
                               "(default 3); only with a fee rate.")] = None,
    prepayment_premium: Annotated[list[str] | None, typer.Option(
        metavar="UNTIL:RATE", help="Premium on principal paid off early: RATE % if paid on or before UNTIL, "
                                   "e.g. 2025-01-15:2 --prepayment-premium 2026-01-15:1 (repeat, in order).")] = None,
    source: Source = None,
    reference: Reference = None,
) -> None:
    """Issue a note under a facility.

    Example: loanledger note issue ACME-1 REVOLVER --kind revolving --face-amount 10000000.00
    --issue-date 2024-01-02 --maturity-date 2029-01-02 --index SOFR --margin 2.5
    --unused-fee-rate 0.375 --fee-period-months 3

    Example: loanledger note issue ATG-LAURUS-2005 TERM-A --kind term --face-amount 3000000.00
    --issue-date 2005-09-07 --maturity-date 2008-09-06 --index PRIME --margin 2 --floor 8
    --amortization "30 monthly installments of 90909.09 from 2006-04-01"

    A SOFR note, compounded in arrears with a 5-day lookback and observation shift, quarterly periods,
    credit spread adjustment and a zero index floor:

    loanledger note issue SOFR-2025 TERM --kind term --face-amount 50000000.00 --issue-date 2025-01-06
    --maturity-date 2030-01-07 --index SOFR --convention compounded_in_arrears --lookback-days 5
    --observation-shift --interest-period-months 3 --spread-adjustment 0.11448 --index-floor 0 --margin 2.25

    Term SOFR fixed two business days before each 3-month period: --index TERM-SOFR-3M --convention term
    --fixing-lag-days 2 --interest-period-months 3 --margin 2.5
    """
    interest = {
        "rate": rate, "index": index, "margin": margin if margin is not None or index is None else "0",
        "floor": floor, "cap": cap, "index_floor": index_floor, "spread_adjustment": spread_adjustment,
        "convention": convention, "lookback_days": lookback_days, "lockout_days": lockout_days,
        "observation_shift": True if observation_shift else None, "fixing_lag_days": fixing_lag_days,
        "interest_period_months": interest_period_months,
    }
    premium = None if default_premium_rate is None else {
        "rate": default_premium_rate, "base": default_premium_base}
    if unused_fee_rate is None and ticking_fee_rate is None:
        for option, value in (("--fee-day-count", fee_day_count), ("--fee-period-months", fee_period_months)):
            if value is not None:
                raise InvalidInput(f"{option} describes a fee: give --unused-fee-rate or --ticking-fee-rate "
                                   "with it (without a fee rate the note has no fee)", field=option[2:])
    try:
        from cli.formats.amortization import parse_schedule  # start-up: only for a note's schedule

        schedule = parse_schedule(amortization or [])
    except ValueError as error:
        raise InvalidInput(f"--amortization: {error}", field="amortization") from None
    record_fact(ctx, code, facts.IssueNote, source, reference, note=note, kind=kind,
                face_amount=face_amount, issue_date=issue_date, maturity_date=maturity_date,
                interest={k: v for k, v in interest.items() if v is not None},
                day_count=day_count, interest_day=interest_day, amortization=schedule,
                default_margin=default_margin, default_premium=premium, grace_days=grace_days,
                sublimit_of=sublimit_of, commitment=commitment,
                unused_fee=_fee(unused_fee_rate, fee_day_count, fee_period_months),
                ticking_fee=_fee(ticking_fee_rate, fee_day_count, fee_period_months),
                prepayment_premium=_premium_steps(prepayment_premium), overdue_margin=overdue_margin,
                pik_rate=pik_rate)


def _premium_steps(steps: list[str] | None) -> list[dict[str, str]] | None:
    if not steps:
        return None
    parsed = []
    for step in steps:
        until, colon, rate = step.partition(":")
        if not colon:
            raise InvalidInput(f"--prepayment-premium: {step!r} is not UNTIL:RATE, e.g. 2025-01-15:2",
                               field="prepayment_premium")
        parsed.append({"until": until.strip(), "rate": rate.strip()})
    return parsed


def _fee(rate: str | None, day_count: str | None, period_months: str | None) -> dict[str, str] | None:
    if rate is None:
        return None
    given = {"day_count": day_count, "period_months": period_months}
    return {"rate": rate, **{k: v for k, v in given.items() if v is not None}}  # unset: FeeTerms' defaults


# ---- record ----------------------------------------------------------------------------------

@record_app.command("advance")
def record_advance(
    ctx: typer.Context, code: Code, note: Note, amount: Amount, date: On,
    protective: Annotated[bool, typer.Option(
        "--protective", help="Made while the note is accelerated or in default (e.g. to protect the "
                             "collateral); needs --basis. Such an advance falls due at once on an "
                             "accelerated note.")] = False,
    basis: Annotated[str | None, typer.Option(help="Why a protective advance was made.")] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """An advance (drawing) on a note, within its commitment (and that of the note it is a
    sublimit of). While the note is accelerated or in default only a protective advance is accepted.

    Example: loanledger record advance ATG-LAURUS-2005 --note REVOLVER --amount 2500000.00 --date 2005-09-07
    """
    record_fact(ctx, code, facts.MakeAdvance, source, reference, note=note, amount=amount, effective_date=date,
                protective=protective or None, basis=basis)


@record_app.command("payment")
def record_payment(
    ctx: typer.Context, code: Code, amount: Amount, date: On,
    received_at: Annotated[str | None, typer.Option(
        metavar="DATETIME", help="When the funds arrived, with offset, e.g. 2006-04-03T15:30-04:00 "
                                 "(after the cut-off means next business day).")] = None,
    note: OptNote = None,
    component: Annotated[str | None, typer.Option(
        help="fees, interest or principal, with --note; fees without --note pays facility fees.")] = None,
    payoff: Annotated[bool, typer.Option(
        "--payoff", help="Pays off every note on its value date: all principal, interest and fees to that "
                         "day and any prepayment premium fall due and are paid (see 'loanledger payoff').")] = False,
    source: Source = None, reference: Reference = None,
) -> None:
    """A payment received. Undirected payments follow the waterfall: fees, interest, principal.
    With --note alone it pays that note's due items and the rest is held for that note (never a
    prepayment); with --note and --component principal it also prepays that note's principal.
    With --payoff it retires the facility (the amount 'loanledger payoff' quotes for that day).

    Example: loanledger record payment ATG-LAURUS-2005 --amount 75000.00 --date 2006-04-03 --reference WIRE-0001
    """
    record_fact(ctx, code, facts.ReceivePayment, source, reference, amount=amount,
                effective_date=date, received_at=received_at, note=note, component=component,
                payoff=payoff or None)


@record_app.command("missed-payment")
def record_missed_payment(
    ctx: typer.Context, code: Code, note: Note, amount: Amount,
    due_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD", help="When the payment was due.")],
    component: Annotated[str, typer.Option(help="fees, interest or principal.")],
    source: Source = None, reference: Reference = None,
) -> None:
    """A payment that was due and not made (after any grace days). Changes no figure.

    Example: loanledger record missed-payment ATG-LAURUS-2005 --note TERM-B --amount 2000000.00 --due-date 2007-03-06 --component principal
    """
    record_fact(ctx, code, facts.MissPayment, source, reference, note=note, amount=amount,
                due_date=due_date, component=component)


@record_app.command("rate")
def record_rate(
    ctx: typer.Context, code: Code,
    index: Annotated[str, typer.Option(help="Index name, e.g. PRIME.")],
    rate: Annotated[str, typer.Option(help="The index rate, % p.a.")],
    date: On, source: Source = None, reference: Reference = None,
) -> None:
    """An index rate in force from a date (may precede the agreement date).

    Example: loanledger record rate ATG-LAURUS-2005 --index PRIME --rate 7.25 --date 2007-12-11
    """
    record_fact(ctx, code, facts.SetIndexRate, source, reference, index=index, rate=rate, effective_date=date)


@record_app.command("fee")
def record_fee(
    ctx: typer.Context, code: Code, amount: Amount, date: On,
    kind: Annotated[str, typer.Option(help="late, default or other.")],
    basis: Annotated[str, typer.Option(help="How the fee was computed.")],
    note: OptNote = None,
    lender: Annotated[str | None, typer.Option(help="The fee is this lender's alone (else shared by commitment).")] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """A fee assessed (due on its date); without --note it is a facility fee.

    Example: loanledger record fee ATG-LAURUS-2005 --amount 5000.00 --date 2007-04-01 --kind late --basis "5% of missed installment" --note TERM-B
    """
    record_fact(ctx, code, facts.AssessFee, source, reference, amount=amount, effective_date=date,
                kind=kind, basis=basis, note=note, lender=lender)


@record_app.command("default")
def record_default(
    ctx: typer.Context, code: Code, date: On, clause: Clause, description: Description,
    notes: Annotated[list[str] | None, typer.Option("--notes", help="Notes covered (repeat; default all).")] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """An event of default declared under a clause, in force until waived.

    Example: loanledger record default ATG-LAURUS-2005 --date 2008-01-31 --clause "Security Agreement §19(a)" --description "failure to pay Obligations"
    """
    record_fact(ctx, code, facts.DeclareDefault, source, reference, effective_date=date,
                clause=clause, description=description, notes=notes or None)


@record_app.command("waiver")
def record_waiver(ctx: typer.Context, code: Code, date: On, clause: Clause, description: Description,
                  source: Source = None, reference: Reference = None) -> None:
    """A waiver ending the default period opened under the same clause.

    Example: loanledger record waiver ATG-LAURUS-2005 --date 2007-03-23 --clause "Term Note B §4.1" --description "waived with extension"
    """
    record_fact(ctx, code, facts.WaiveDefault, source, reference, effective_date=date,
                clause=clause, description=description)


@record_app.command("extension")
def record_extension(
    ctx: typer.Context, code: Code, note: Note, date: On,
    new_maturity_date: Annotated[str, typer.Option(metavar="YYYY-MM-DD")],
    amortization: Annotated[list[str] | None, typer.Option(help="Replacement installments (as for 'note issue').")] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """A note's maturity extended (optionally with a replacement amortization).

    Example: loanledger record extension ATG-LAURUS-2005 --note TERM-B --date 2007-03-23 --new-maturity-date 2007-09-30
    """
    try:
        from cli.formats.amortization import parse_schedule  # start-up: only for a note's schedule

        schedule = parse_schedule(amortization) if amortization else None
    except ValueError as error:
        raise InvalidInput(f"--amortization: {error}", field="amortization") from None
    record_fact(ctx, code, facts.ExtendMaturity, source, reference, note=note, effective_date=date,
                new_maturity_date=new_maturity_date, amortization=schedule)


@record_app.command("notice")
def record_notice(
    ctx: typer.Context, code: Code, date: On,
    demand_deadline: Annotated[str, typer.Option(metavar="DATETIME", help="e.g. 2008-02-01T14:00-05:00")],
    principal: Annotated[str, typer.Option(help="Past-due principal as the notice states it.")],
    interest: Annotated[str, typer.Option(help="Past-due interest as stated.")],
    fees: Annotated[str, typer.Option(help="Fees as stated.")],
    total: Annotated[str, typer.Option(help="Total as stated.")],
    clause: Annotated[list[str] | None, typer.Option("--clause", help="A clause cited (repeat).")] = None,
    delivery: Annotated[str | None, typer.Option(help="How it was delivered.")] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """A notice of default, with the figures exactly as it states them (verified later).

    Example: loanledger record notice ATG-LAURUS-2005 --date 2008-01-31 --demand-deadline 2008-02-01T14:00-05:00
    --principal 10350000 --interest 96777 --fees 3134033 --total 13580810 --clause "Security Agreement §19(a)"
    """
    stated = {"principal": principal, "interest": interest, "fees": fees, "total": total}
    fact = build(facts.IssueDefaultNotice, effective_date=date, demand_deadline=demand_deadline,
                 stated_past_due=stated, clauses=clause or (), delivery=delivery)
    book = ledger(ctx)
    outcome = book.record(code, fact, _meta(ctx, source, reference))
    comparison = _compare_notice(book, code, outcome.event)
    report(code, outcome, ctx, extra={"stated_figures": comparison})
    if settings(ctx).json:
        return
    from rich.markup import escape  # start-up: only for a notice's comparison

    for warning in comparison["warnings"]:
        err_console.print(f"[yellow]warning:[/] {escape(warning)}", soft_wrap=True)
    if comparison["agrees"]:
        console.print(f"The stated figures agree with the ledger's past due as of {date}, "
                      f"to within {comparison['tolerance']}.")


def _market_rows(book: Any) -> list[Any]:
    from cli.application.auditing import market_rows  # start-up: deferred (docs/architecture.md, "Start-up")

    return market_rows(book)


def _compare_notice(book: Any, code: str, notice: Any) -> dict[str, Any]:
    """The notice's stated figures beside the engine's past due as of its date, known when it
    was recorded (the check `verify` makes later); each difference over the tolerance is a
    warning. The notice is recorded either way: it was sent."""
    from projections.errors import ReportRefused  # start-up: the engine is imported only by reports and this check
    from projections.json_views import money  # start-up: idem
    from projections.notices import TOLERANCE, check_notice  # start-up: idem
    from projections.fixings import market_indexes  # start-up: idem

    events = book.facility_events(code)
    try:
        check = check_notice(events, notice, _market_rows(book) if market_indexes(events) else ())
    except ReportRefused as refused:
        return {"agrees": None, "tolerance": money(TOLERANCE), "differences": [],
                "warnings": [f"the stated figures could not be compared with the ledger: {refused}"]}
    differences = [{"figure": k, "stated": money(check.stated[k]), "computed": money(check.computed[k]),
                    "difference": money(d)} for k, d in check.differences.items()]
    return {
        "agrees": check.agrees, "tolerance": money(TOLERANCE),
        "stated": {k: money(v) for k, v in check.stated.items()},
        "computed": {k: money(v) for k, v in check.computed.items()},
        "differences": differences,
        "warnings": [f"the notice states {d['figure']} {d['stated']}; the ledger computes {d['computed']} "
                     f"past due as of {notice.effective_date} (difference {d['difference']})" for d in differences],
    }


@record_app.command("acceleration")
def record_acceleration(
    ctx: typer.Context, code: Code, date: On,
    notes: Annotated[list[str] | None, typer.Option("--notes", help="Notes accelerated (repeat; default all).")] = None,
    source: Source = None, reference: Reference = None,
) -> None:
    """Obligations accelerated: all principal falls due (needs an event of default in force).

    Example: loanledger record acceleration ATG-LAURUS-2005 --date 2008-01-31
    """
    record_fact(ctx, code, facts.AccelerateObligations, source, reference, effective_date=date,
                notes=notes or None)


@record_app.command("rescission")
def record_rescission(ctx: typer.Context, code: Code, date: On,
                      source: Source = None, reference: Reference = None) -> None:
    """An acceleration rescinded from a date.

    Example: loanledger record rescission ATG-LAURUS-2005 --date 2008-03-01
    """
    record_fact(ctx, code, facts.RescindAcceleration, source, reference, effective_date=date)


@record_app.command("reversal")
def record_reversal(
    ctx: typer.Context, code: Code,
    target: Annotated[str, typer.Option(metavar="VERSION", help="The version of the event to cancel (see 'loanledger events').")],
    reason: Annotated[str, typer.Option(help="Why it is reversed.")],
    source: Source = None, reference: Reference = None,
) -> None:
    """Cancel an earlier event: it stops counting in every report known after now.

    Example: loanledger record reversal ATG-LAURUS-2005 --target 12 --reason "wire recorded twice"
    """
    record_fact(ctx, code, facts.ReverseEvent, source, reference, target=target, reason=reason)
