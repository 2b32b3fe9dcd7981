"""The figures read off the sweep at the end of a day: position and past due (the contract §3)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain.money import ZERO, to_cents
from domain.values import Component

from projections.engine import Sweep
from projections.facility_state import NoteState
from projections.open_items import outstanding_by

BUCKETS = ((30, "0-30"), (60, "31-60"), (90, "61-90"))


def bucket(amount: Decimal, days: int) -> str:
    if amount <= 0:
        return "current"
    return next((name for limit, name in BUCKETS if days <= limit), "91+")


@dataclass(frozen=True)
class NotePosition:
    note: str
    principal: Decimal
    interest_billed: Decimal
    interest_current: Decimal
    fees: Decimal

    @property
    def interest(self) -> Decimal:
        return self.interest_billed + self.interest_current

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True)
class Position:
    facility: str
    as_of: date
    known_at: datetime | None
    notes: dict[str, NotePosition]
    facility_fees: Decimal
    unapplied_credit: Decimal

    @property
    def principal(self) -> Decimal:
        return sum((n.principal for n in self.notes.values()), ZERO)

    @property
    def interest(self) -> Decimal:
        return sum((n.interest for n in self.notes.values()), ZERO)

    @property
    def fees(self) -> Decimal:
        return self.facility_fees + sum((n.fees for n in self.notes.values()), ZERO)

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True)
class Overdue:
    """An amount past due and the oldest due date among its unpaid items."""

    amount: Decimal = ZERO
    oldest: date | None = None

    def __add__(self, other: "Overdue") -> "Overdue":
        mine = self.oldest if self.amount > 0 else None
        theirs = other.oldest if other.amount > 0 else None
        if mine is None or (theirs is not None and theirs < mine):
            mine = theirs
        return Overdue(self.amount + other.amount, mine)

    def days(self, as_of: date) -> int:
        return (as_of - self.oldest).days if self.amount > 0 and self.oldest else 0


NOTHING_DUE = Overdue()


@dataclass(frozen=True)
class NotePastDue:
    note: str
    principal: Overdue
    interest: Overdue
    fees: Overdue

    @property
    def total(self) -> Overdue:
        return self.principal + self.interest + self.fees


@dataclass(frozen=True)
class PastDue:
    facility: str
    as_of: date
    known_at: datetime | None
    notes: dict[str, NotePastDue]
    facility_fees: Overdue

    def component(self, name: str) -> Overdue:
        parts = [getattr(n, name) for n in self.notes.values()]
        if name == "fees":
            parts.append(self.facility_fees)
        return sum(parts, Overdue())

    @property
    def total(self) -> Overdue:
        return sum((n.total for n in self.notes.values()), self.facility_fees)

    @property
    def days_past_due(self) -> int:
        return self.total.days(self.as_of)

    @property
    def bucket(self) -> str:
        return bucket(self.total.amount, self.days_past_due)


def position(sweep: Sweep) -> Position:
    day, items = sweep.day, sweep.open_items()
    owed = outstanding_by(items)
    notes = {code: _note_position(note, day, owed) for code, note in sweep.notes.items()}
    facility_fees = sum((i.outstanding for i in items if i.note is None), ZERO)
    return Position(sweep.facility.code, day, sweep.known_at, notes, facility_fees, sweep.credit + sweep.note_credit)


def principal(sweep: Sweep) -> Decimal:
    """`position(sweep).principal` without working out interest: the notes' end-of-day principal."""
    return sum((n.principal for n in sweep.notes.values()), ZERO)


def _note_position(note: NoteState, day: date, owed: dict) -> NotePosition:
    """`owed`: `outstanding_by` of the open items (its interest entry is `Sweep.billed_unpaid`)."""
    code = note.code
    return NotePosition(code, note.principal, owed.get((code, Component.INTEREST), ZERO), current_interest(note, day),
                        owed.get((code, Component.FEES), ZERO))


def current_interest(note: NoteState, day: date) -> Decimal:
    """The current period's interest through the end of `day` (with, for a note with an overdue
    margin, the overdue interest accrued since its last bill), rounded to the cent."""
    if note.accruer.period_start is None:
        return ZERO
    exact = note.accruer.interest_through_end_of(day)
    if note.overdue is not None:
        exact += (note.overdue.principal.interest_through_end_of(day)
                  + note.overdue.interest.interest_through_end_of(day))
    return to_cents(exact)


def past_due(sweep: Sweep) -> PastDue:
    day, due = sweep.day, _due_items(sweep)
    notes = {code: _note_past_due(sweep, note, day, due) for code, note in sweep.notes.items()}
    facility = _overdue(due, None, Component.FEES)  # items without a note are facility fees
    return PastDue(sweep.facility.code, day, sweep.known_at, notes, facility)


def past_due_totals(sweep: Sweep) -> tuple[Overdue, Overdue, Overdue, Overdue]:
    """`past_due(sweep)`'s principal, interest and fees components and its total, without the
    per-note view (what the read models store for every step). With no note accelerated each
    component is the sum of the due items' (note, component) sums; otherwise past_due itself."""
    if sweep.accelerated_notes:
        due = past_due(sweep)
        return due.component("principal"), due.component("interest"), due.component("fees"), due.total
    totals: dict[Component, list] = {}
    amount, oldest = ZERO, None
    for (_, component), (part, since) in _due_items(sweep).items():
        found = totals.get(component)
        if found is None:
            totals[component] = [part, since]
        else:
            found[0] += part
            found[1] = min(found[1], since)
        amount += part
        oldest = since if oldest is None else min(oldest, since)

    def of(component: Component) -> Overdue:
        found = totals.get(component)
        return NOTHING_DUE if found is None else Overdue(found[0], found[1])

    total = Overdue(amount, oldest) if oldest is not None else NOTHING_DUE
    return of(Component.PRINCIPAL), of(Component.INTEREST), of(Component.FEES), total


def _due_items(sweep: Sweep) -> dict[tuple[str | None, Component], list]:
    """(note, component) -> [outstanding, oldest due date] of the open items due by the sweep's
    day (projections.open_items.DueSums; read-only)."""
    return sweep.due_sums()


def _note_past_due(sweep: Sweep, note: NoteState, day: date, due: dict) -> NotePastDue:
    code = note.code
    principal = _overdue(due, code, Component.PRINCIPAL)
    interest = _overdue(due, code, Component.INTEREST)
    fees = _overdue(due, code, Component.FEES)
    if note.accelerated_on is not None:
        accelerated = note.accelerated_on
        principal = principal + Overdue(note.principal - principal.amount, accelerated)
        all_interest = sweep.billed_unpaid(note) + current_interest(note, day)
        interest = interest + Overdue(all_interest - interest.amount, accelerated)
    return NotePastDue(code, _tidy(principal), _tidy(interest), fees)


def _tidy(overdue: Overdue) -> Overdue:
    return overdue if overdue.amount > 0 else NOTHING_DUE


def _overdue(due: dict, note: str | None, component: Component) -> Overdue:
    """The amount past due of one note's component (`due`: what past_due summed) and its oldest date."""
    found = due.get((note, component))
    return NOTHING_DUE if found is None else Overdue(found[0], found[1])
