"""Paying off a facility (docs/arithmetic.md, "Payoff"): what a payoff payment makes due on its
value date, and the quote (`payoff CODE --good-through D`) read off the same steps.

On the value date D of a payoff payment, before it is applied, for every note: the interest
accrued in its open period up to D (exclusive: principal repaid on D earns nothing that day) is
billed, due D; an unused or ticking fee accrued in the open fee period up to D is billed, due D;
the principal not yet due is charged its `prepayment_premium` (the first tier whose `until` is on
or after D; rounded to the cent), then falls due on D. The payment then pays every open item,
due or not, in waterfall order; what is left is unapplied credit.

The quote does exactly this to a sweep at the end of D (no payment) and adds up the open items
less the credit, so paying the quoted total on D leaves nothing (a property test checks it).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.money import ZERO, to_cents
from domain.values import Component, Convention, DayCount

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.facility_state import NoteState
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


def payoff(sweep: Sweep) -> Payoff:
    """The payoff on the sweep's day (the sweep is used up: it is paid off in place). Refused for a
    day that is not a business day: a payment dated then takes effect on the next one (more
    interest), so paying such a quote would not retire the notes."""
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
    total = sum((n.total for n in lines), ZERO) + facility_fees - credit
    return Payoff(sweep.facility.code, day, tuple(lines), facility_fees, credit, max(total, ZERO),
                  sum((d for d in per_diem.values() if d is not None), ZERO))


def _per_diem(sweep: Sweep, note: NoteState, day: date) -> Decimal | None:
    """One more day's interest on the note's principal at its rate on `day`, rounded to the cent."""
    if note.convention is not None and note.terms.interest.convention not in (None, Convention.IN_FORCE):
        return None
    if not note.principal:
        return ZERO
    basis = {DayCount.ACT_365F: 365}.get(note.terms.day_count, 360)
    if note.terms.day_count is DayCount.ACT_ACT_ISDA:
        basis = 366 if _leap(day.year) else 365
    return to_cents(note.principal * sweep.rate(note, day) / 100 / basis)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
