"""Paying off a facility (docs/arithmetic.md, "Payoff"): what a payoff payment makes due on its
value date, and the quote (`payoff CODE --good-through D`) read off the same steps.

On the value date D of a payoff payment, before it is applied, for every note: the interest
accrued in its open period up to D (exclusive: principal repaid on D earns nothing that day) is
billed, due D; an unused or ticking fee accrued in the open fee period up to D is billed, due D;
the principal not yet due is charged its `prepayment_premium` (the first tier whose `until` is on
or after D; rounded to the cent), then falls due on D. The payment then pays every open item,
due or not, in waterfall order; what is left is unapplied credit.

The quote does exactly this to a sweep at the end of D (no payment) and adds up the open items
less the credit, so paying the quoted total on D leaves nothing (a property test checks it). An
acceleration effective on D comes after the day's payments, so after the payoff: the quote's sweep
leaves it out (`PayingOff.set_aside_accelerations`; it would find nothing to accelerate). The one
case where it would still charge something is refused: unapplied credit is applied only after the
day's acceleration, so the principal the credit was to pay would be charged the default premium.
"""

from calendar import isleap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain import events as ev
from domain.money import ZERO, to_cents
from domain.values import Component, Convention, DayCount

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.facility_state import NoteState
from projections.fixings import NO_FIXINGS, Fixings
from projections.paying_off import PREMIUM


@dataclass(frozen=True)
class NotePayoff:
    note: str
    principal: Decimal
    interest: Decimal
    fees: Decimal  # billed fees, accrued unused or ticking fee, premiums on acceleration
    prepayment_premium: Decimal
    total: Decimal
    per_diem: Decimal | None  # interest of one more day on its principal; None for a SOFR-era convention


@dataclass(frozen=True)
class Payoff:
    facility: str
    good_through: date
    notes: tuple[NotePayoff, ...]
    facility_fees: Decimal
    unapplied_credit: Decimal
    total: Decimal
    per_diem: Decimal


def quote(events: Iterable[ev.FacilityEvent], day: date, known_at: datetime | None = None, *,
          fixings: Fixings = NO_FIXINGS) -> Payoff:
    """What a payoff payment on `day` must pay: the sweep to the end of `day` with the day's
    accelerations set aside (they come after the payment), then `payoff`."""
    sweep = Sweep(events, known_at, explain=False, fixings=fixings)
    set_aside = sweep.set_aside_accelerations(day)
    sweep.run_to(day)
    return payoff(sweep, set_aside)


def payoff(sweep: Sweep, set_aside: Sequence[ev.ObligationsAccelerated] = ()) -> Payoff:
    """The payoff on the sweep's day (the sweep is used up: it is paid off in place). Refused for a
    day that is not a business day: a payment dated then takes effect on the next one (more
    interest), so paying such a quote would not retire the notes. `set_aside`: the day's
    accelerations, left out of the sweep (`quote`)."""
    day = sweep.day
    if not sweep.calendar.is_business_day(day):
        raise ReportRefused(
            f"{day} is not a business day on the facility's calendar: a payoff payment dated then takes "
            f"effect on {sweep.calendar.following(day)}; quote for that day")
    per_diem = {code: _per_diem(sweep, note, day) for code, note in sweep.notes.items()}
    sweep._pay_off(day)
    items = sweep.open_items()
    lines = []
    for code in sweep.notes:
        mine = [i for i in items if i.note == code]
        of = lambda c: sum((i.outstanding for i in mine if i.component is c), ZERO)  # noqa: E731
        premium = sum((i.outstanding for i in mine if i.label.startswith(PREMIUM)), ZERO)
        fees = of(Component.FEES) - premium
        principal, interest = of(Component.PRINCIPAL), of(Component.INTEREST)
        lines.append(NotePayoff(code, principal, interest, fees, premium, principal + interest + fees + premium,
                                per_diem[code]))
    facility_fees = sum((i.outstanding for i in items if i.note is None), ZERO)
    credit = sweep.credit + sweep.note_credit
    if credit > 0:
        _refuse_credit_under_a_premium(sweep, set_aside, credit)
    total = sum((n.total for n in lines), ZERO) + facility_fees - credit
    return Payoff(sweep.facility.code, day, tuple(lines), facility_fees, credit, max(total, ZERO),
                  sum((d for d in per_diem.values() if d is not None), ZERO))


def _refuse_credit_under_a_premium(sweep: Sweep, set_aside: Sequence[ev.ObligationsAccelerated],
                                   credit: Decimal) -> None:
    """The quote nets the credit, so the payment leaves that much principal for the credit to pay;
    but credit is applied only after the day's acceleration, which charges its default premium on
    that principal: paying the quote would leave the premium owed. Refused, naming why."""
    day = sweep.day
    for event in set_aside:
        codes = event.notes if event.notes is not None else tuple(
            code for code, note in sweep.notes.items() if note.terms.issue_date <= day)
        for code in codes:
            note = sweep.notes.get(code)
            premium = note.terms.default_premium if note is not None else None
            if note is None or note.accelerated or premium is None or premium.rate <= 0:
                continue
            raise ReportRefused(
                f"no payoff quote for {day}: an acceleration of note {code} takes effect that day, after the "
                f"day's payments and before the unapplied credit of {credit:.2f} is applied, so the principal "
                f"that credit would pay is charged the {premium.rate}% default premium and paying the quote "
                f"would leave it owed; quote for {sweep.calendar.following(day + timedelta(days=1))} instead")


def _per_diem(sweep: Sweep, note: NoteState, day: date) -> Decimal | None:
    """One more day's interest on the note's principal at its rate on `day`, rounded to the cent."""
    if note.convention is not None and note.terms.interest.convention not in (None, Convention.IN_FORCE):
        return None
    if not note.principal:
        return ZERO
    basis = {DayCount.ACT_365F: 365}.get(note.terms.day_count, 360)
    if note.terms.day_count is DayCount.ACT_ACT_ISDA:
        basis = 366 if isleap(day.year) else 365
    return to_cents(note.principal * sweep.rate(note, day) / 100 / basis)
