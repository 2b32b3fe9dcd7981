"""What a document says, computed from the facility's events (docs/documents.md).

A document (a notice of default, a billing notice, a rate-set notice, a payoff statement, an
account statement) is a template filled with the values built here, and only with them: every
figure is the engine's, as of a date and as known at an instant, every party, note, date and
clause comes from a recorded event. Nothing here is typed in by whoever renders the document.

The values are plain JSON-like data (amounts as strings with two decimals, dates as ISO text
plus a long form for prose), so a user's template needs no Python and the same data can be
printed as JSON (`notice render --format json`).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from domain import events as ev
from domain.money import to_cents

from projections.business_days import calendar_for
from projections.errors import ReportRefused
from projections.explain import explanation
from projections.facility_state import default_periods
from projections.fixings import NO_FIXINGS, Fixings, market_indexes
from projections.json_views import balance_json, money, past_due_json, payoff_json
from projections.payoff import quote
from projections.rates import IndexRates, contractual_rate
from projections.report import replay
from projections.selection import active, as_utc, known

KINDS = ("default", "billing", "rate-set", "payoff", "payoff-quote", "statement")
KIND_TITLES = {
    "default": "Notice of default and demand for payment",
    "billing": "Billing notice",
    "rate-set": "Notice of interest rates",
    "payoff": "Payoff statement",
    "payoff-quote": "Payoff letter",
    "statement": "Account statement",
}
NOTE_KINDS = {"revolving": "revolving note", "term": "term note", "minimum_borrowing": "minimum borrowing note"}
ORDINALS = ("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv")


@dataclass(frozen=True)
class Document:
    kind: str
    title: str
    values: dict[str, Any]


def long_date(day: date) -> str:
    """`January 31, 2008`: the form a letter uses."""
    return f"{day:%B} {day.day}, {day.year}"


def dollars(amount: Decimal | str, currency: str = "USD") -> str:
    """`$13,580,810.10` (USD) or `13,580,810.10 EUR`: grouped, with the currency's cents."""
    value = to_cents(Decimal(amount))
    text = f"{value:,.2f}"
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def _deadline_text(instant: datetime, zone: str) -> dict[str, str]:
    local = instant.astimezone(ZoneInfo(zone))
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d} {'a.m.' if local.hour < 12 else 'p.m.'}"
    if local.minute == 0:
        clock = f"{hour} {'a.m.' if local.hour < 12 else 'p.m.'}"
    return {"iso": local.isoformat(), "time": clock, "date": long_date(local.date()), "zone": zone,
            "text": f"{clock} ({zone} time) on {long_date(local.date())}"}


def document(events: list[ev.FacilityEvent], kind: str, as_of: date, known_at: datetime | None = None,
             *, demand_deadline: datetime | None = None, fixings: Fixings = NO_FIXINGS) -> Document:
    """The values of a document of `kind` about the facility as of `as_of`, known at `known_at`.

    A default notice needs an event of default in force on `as_of`; its demand deadline and
    delivery come from a DefaultNoticeIssued of that date when one is recorded (else
    `demand_deadline` must be given)."""
    if kind not in KINDS:
        raise ReportRefused(f"--kind: {kind!r} is not one of {', '.join(KINDS)}")
    seen = known(events, known_at)
    if not seen or not isinstance(seen[0], ev.FacilityOpened):
        raise ReportRefused("the facility is not known at that instant")
    standing = active(events, known_at)
    opened: ev.FacilityOpened = seen[0]  # type: ignore[assignment]
    x = explanation(replay(events, as_of, known_at, explain=True, fixings=fixings))
    last = seen[-1]
    values: dict[str, Any] = {
        "kind": kind, "title": KIND_TITLES[kind],
        "facility": {"code": opened.code, "borrower": opened.borrower, "lender": opened.lender,
                     "agent": opened.agent, "currency": opened.currency, "timezone": opened.timezone,
                     "agreement_date": opened.agreement_date.isoformat(),
                     "agreement_date_long": long_date(opened.agreement_date)},
        "sender": opened.agent or opened.lender,
        "as_of": as_of.isoformat(), "as_of_long": long_date(as_of),
        "known_at": as_utc(known_at).isoformat() if known_at else None,
        "ledger": {"version": last.version, "chain_hash": last.chain_hash,
                   "recorded_at": as_utc(last.recorded_at).isoformat()},
        "notes": _notes(standing, as_of, opened.currency),
        "balance": balance_json(x.position),
        "past_due": past_due_json(x.past_due),
    }
    values["past_due_text"] = {k: dollars(values["past_due"][k], opened.currency)
                               for k in ("principal", "interest", "fees", "total")}
    values["balance_text"] = {k: dollars(values["balance"][k], opened.currency)
                              for k in ("principal", "interest", "fees", "unapplied_credit", "total")}
    if kind == "payoff-quote":
        _payoff_quote(values, quote(events, as_of, known_at, fixings=fixings), opened)
    else:
        builder = {"default": _default, "billing": _billing, "rate-set": _rates, "payoff": _payoff,
                   "statement": _statement}[kind]
        builder(values, standing, x, as_of, opened, demand_deadline)
    if kind == "rate-set":
        values["indices"] += _market_indices(standing, as_of, fixings)
    return Document(kind, KIND_TITLES[kind], values)


def _market_indices(standing: list[ev.FacilityEvent], as_of: date, fixings: Fixings) -> list[dict[str, Any]]:
    """The latest fixing on or before the date of each index the notes read from the market data
    (docs/market-data.md), as the rate-set notice lists the facility's own index rates."""
    out = []
    for index in sorted(market_indexes(standing)):
        published = [d for d in fixings.dates(index) if d <= as_of]
        if published:
            out.append({"index": index, "rate": _rate(fixings.on(index, published[-1])),
                        "effective_date": published[-1].isoformat(),
                        "effective_date_long": long_date(published[-1]), "source": "index fixings (market data)"})
    return out


def _notes(standing: list[ev.FacilityEvent], as_of: date, currency: str) -> list[dict[str, Any]]:
    maturity = {e.note: e.new_maturity_date for e in standing
                if isinstance(e, ev.MaturityExtended) and e.effective_date <= as_of}
    notes = []
    for i, e in enumerate(n for n in standing if isinstance(n, ev.NoteIssued) and n.issue_date <= as_of):
        due = maturity.get(e.note, e.maturity_date)
        notes.append({"ordinal": ORDINALS[i] if i < len(ORDINALS) else str(i + 1), "code": e.note,
                      "kind": e.kind.value, "kind_text": NOTE_KINDS.get(e.kind.value, e.kind.value),
                      "face_amount": money(e.face_amount), "face_text": dollars(e.face_amount, currency),
                      "issue_date": e.issue_date.isoformat(), "issue_date_long": long_date(e.issue_date),
                      "maturity_date": due.isoformat(), "maturity_date_long": long_date(due),
                      "sublimit_of": e.sublimit_of})
    return notes


def _default(values: dict[str, Any], standing: list[ev.FacilityEvent], x: Any, as_of: date,
             opened: ev.FacilityOpened, demand_deadline: datetime | None) -> None:
    declared = [e for e in standing if isinstance(e, ev.EventOfDefaultDeclared)]
    waived = [e for e in standing if isinstance(e, ev.DefaultWaived)]
    in_force = [(p, d) for p, d in zip(default_periods(declared, waived), declared)
                if p.start <= as_of and (p.end is None or as_of < p.end)]
    if not in_force:
        raise ReportRefused(f"no event of default is in force on {as_of}: a default notice needs one "
                            "(record it with 'loanledger record default')")
    values["defaults"] = [{"ordinal": ORDINALS[i] if i < len(ORDINALS) else str(i + 1), "clause": d.clause,
                           "description": d.description, "effective_date": d.effective_date.isoformat(),
                           "effective_date_long": long_date(d.effective_date),
                           "notes": list(d.notes) if d.notes is not None else None}
                          for i, (_, d) in enumerate(in_force)]
    accelerated = [e for e in standing if isinstance(e, (ev.ObligationsAccelerated, ev.AccelerationRescinded))
                   and e.effective_date <= as_of]
    last = accelerated[-1] if accelerated else None
    values["acceleration"] = ({"effective_date": last.effective_date.isoformat(),
                               "effective_date_long": long_date(last.effective_date),
                               "notes": list(last.notes) if last.notes is not None else None}
                              if isinstance(last, ev.ObligationsAccelerated) else None)
    notices = [e for e in standing if isinstance(e, ev.DefaultNoticeIssued) and e.effective_date == as_of]
    notice = notices[-1] if notices else None
    deadline = notice.demand_deadline if notice is not None else demand_deadline
    if deadline is None:
        raise ReportRefused(f"no notice of default of {as_of} is recorded to take the demand deadline from: "
                            "pass --demand-deadline (an instant with its offset)")
    if deadline.tzinfo is None:
        raise ReportRefused("the demand deadline needs an offset, e.g. 2008-02-01T14:00:00-05:00")
    if deadline.date() < as_of:
        raise ReportRefused(f"the demand deadline {deadline.isoformat()} is before the notice date {as_of}")
    values["demand_deadline"] = _deadline_text(deadline, opened.timezone)
    values["delivery"] = notice.delivery if notice is not None else None
    values["notice"] = ({"version": notice.version, "recorded_at": as_utc(notice.recorded_at).isoformat(),
                         "clauses": list(notice.clauses),
                         "stated_past_due": {k: money(getattr(notice.stated_past_due, k))
                                             for k in ("principal", "interest", "fees", "total")}}
                        if notice is not None else None)


def _billing(values: dict[str, Any], standing: list[ev.FacilityEvent], x: Any, as_of: date,
             opened: ev.FacilityOpened, _: datetime | None) -> None:
    """The latest interest bill of each note, and every item due and not paid as of the date."""
    latest: dict[str, Any] = {}
    for bill in x.bills:
        latest[bill.note] = bill
    values["bills"] = [{"note": b.note, "period_start": b.period_start.isoformat(),
                        "period_end": b.period_end.isoformat(), "due_date": b.due_date.isoformat(),
                        "due_date_long": long_date(b.due_date), "amount": money(b.amount),
                        "amount_text": dollars(b.amount, opened.currency)} for b in latest.values()]
    values["open_items"] = [{"note": i.note, "component": i.component, "label": i.label,
                             "due_date": i.due_date.isoformat(), "amount": money(i.amount),
                             "outstanding": money(i.outstanding),
                             "outstanding_text": dollars(i.outstanding, opened.currency)}
                            for i in x.open_items if i.outstanding]
    owing = sum((i.outstanding for i in x.open_items), Decimal(0))
    values["amount_due"] = money(owing)
    values["amount_due_text"] = dollars(owing, opened.currency)


def _rates(values: dict[str, Any], standing: list[ev.FacilityEvent], x: Any, as_of: date,
           opened: ev.FacilityOpened, _: datetime | None) -> None:
    """The index rates in force, and each note's rate on the date (the engine's, default margin included)."""
    settings = [e for e in standing if isinstance(e, ev.IndexRateSet)]
    rates = IndexRates(settings)
    indices = sorted({e.index for e in settings})
    values["indices"] = []
    for index in indices:
        in_force = [e for e in settings if e.index == index and e.effective_date <= as_of]
        if in_force:
            latest = max(in_force, key=lambda e: (e.effective_date, e.version))
            values["indices"].append({"index": index, "rate": _rate(latest.rate),
                                      "effective_date": latest.effective_date.isoformat(),
                                      "effective_date_long": long_date(latest.effective_date),
                                      "source": latest.source})
    accruing = {c.note: c.sub_intervals[-1].rate for c in x.current if c.sub_intervals}
    issued = {e.note: e for e in standing if isinstance(e, ev.NoteIssued)}
    for note in values["notes"]:
        terms = issued[note["code"]].interest
        index_rate = rates.in_force(terms.index, as_of) if terms.index else None
        contractual = contractual_rate(terms, index_rate) if terms.rate is not None or index_rate is not None else None
        note["terms"] = (f"fixed {_rate(terms.rate)}%" if terms.rate is not None else
                         f"{terms.index}"
                         + (f" + {terms.spread_adjustment.normalize():f}% adjustment"  # as agreed, never rounded
                            if terms.spread_adjustment is not None else "")
                         + f" + {_rate(terms.margin)}%"
                         + (f", index floor {_rate(terms.index_floor)}%" if terms.index_floor is not None else "")
                         + (f", floor {_rate(terms.floor)}%" if terms.floor is not None else "")
                         + (f", cap {_rate(terms.cap)}%" if terms.cap is not None else "")
                         + _convention_text(terms))
        note["contractual_rate"] = _rate(contractual) if contractual is not None else None
        note["rate_in_force"] = _rate(accruing[note["code"]]) if note["code"] in accruing else None


def _convention_text(terms: Any) -> str:
    """A SOFR-era note's convention in words (none for a rate in force)."""
    if terms.convention is None or terms.convention.value == "in_force":
        return ""
    said = [terms.convention.value.replace("_", " ")]
    if terms.lookback_days:
        said.append(f"{terms.lookback_days}-business-day lookback")
    if terms.observation_shift:
        said.append("observation shift")
    if terms.lockout_days:
        said.append(f"{terms.lockout_days}-day lockout")
    if terms.interest_period_months:
        said.append(f"{terms.interest_period_months}-month interest periods")
    return f" ({', '.join(said)})"


def _rate(value: Decimal | None) -> str | None:
    if value is None:
        return None
    shown = Decimal(value).quantize(Decimal("0.0001")).normalize()
    text = f"{shown:f}"
    return text if "." in text and len(text.split(".")[1]) >= 2 else f"{Decimal(text):.2f}"


def _payoff(values: dict[str, Any], standing: list[ev.FacilityEvent], x: Any, as_of: date,
            opened: ev.FacilityOpened, _: datetime | None) -> None:
    """Principal + accrued interest through the date + unpaid fees, less unapplied credit: the
    balance as the engine has it. No breakage, prepayment premium or per-diem after the date."""
    position = x.position
    payoff = position.total - position.unapplied_credit
    values["payoff"] = {"principal": money(position.principal), "interest": money(position.interest),
                        "fees": money(position.fees), "unapplied_credit": money(position.unapplied_credit),
                        "total": money(payoff)}
    values["payoff_text"] = {k: dollars(v, opened.currency) for k, v in values["payoff"].items()}


def _payoff_quote(values: dict[str, Any], payoff: Any, opened: ev.FacilityOpened) -> None:
    """The `payoff` command's quote, as a letter: its JSON (`quote`, the same as `payoff --json`),
    the amounts with the currency (`quote_text`), and the wire cut-off of the value date (a payment
    received after it takes value on the next business day, which this quote does not retire)."""
    values["quote"] = figures = payoff_json(payoff)
    currency = opened.currency
    values["quote_text"] = {
        "notes": [{k: (dollars(v, currency) if k != "note" and v is not None else v) for k, v in n.items()}
                  for n in figures["notes"]],
        **{k: dollars(figures[k], currency) for k in ("facility_fees", "unapplied_credit", "total", "per_diem")}}
    day = payoff.good_through
    cutoff = datetime.combine(day, opened.payment_cutoff, ZoneInfo(opened.timezone))
    values["cutoff"] = _deadline_text(cutoff, opened.timezone)
    later = calendar_for(opened.calendar).following(day + timedelta(days=1))
    values["good_through"] = {"date": day.isoformat(), "long": long_date(day), "next_business_day": later.isoformat(),
                              "next_business_day_long": long_date(later)}


def _statement(values: dict[str, Any], standing: list[ev.FacilityEvent], x: Any, as_of: date,
               opened: ev.FacilityOpened, _: datetime | None) -> None:
    """The balance and past due, and the activity of the month up to the date."""
    start = as_of.replace(day=1)
    values["period_start"], values["period_start_long"] = start.isoformat(), long_date(start)
    activity = []
    for e in standing:
        day = e.effective()
        if day is None or not start <= day <= as_of:
            continue
        if isinstance(e, ev.AdvanceMade):
            what, amount = f"advance on {e.note}", e.amount
        elif isinstance(e, ev.PaymentReceived):
            what, amount = "payment received" + (f" for {e.note}" if e.note else ""), e.amount
        elif isinstance(e, ev.FeeAssessed):
            what, amount = f"{e.kind.value} fee" + (f" on {e.note}" if e.note else ""), e.amount
        elif isinstance(e, ev.EventOfDefaultDeclared):
            what, amount = f"event of default declared: {e.clause}", None
        elif isinstance(e, ev.DefaultWaived):
            what, amount = f"default waived: {e.clause}", None
        elif isinstance(e, ev.ObligationsAccelerated):
            what, amount = "obligations accelerated", None
        elif isinstance(e, ev.IndexRateSet):
            what, amount = f"{e.index} set to {_rate(e.rate)}%", None
        else:
            continue
        activity.append({"date": day.isoformat(), "version": e.version, "what": what,
                         "amount": money(amount) if amount is not None else None,
                         "amount_text": dollars(amount, opened.currency) if amount is not None else ""})
    values["activity"] = sorted(activity, key=lambda a: (a["date"], a["version"]))
