"""Commitments, availability and the fees on undrawn commitments (docs/arithmetic.md,
"Commitments" and "Unused and ticking fees").

A note's commitment on a day is `domain.commitments.commitment_on` (the rule the domain's
advance check reads too), zero before its issue date and after its maturity. What is drawn on
it: for a revolving or minimum borrowing note its end-of-day principal, for a term or other note
every advance so far (repaid term principal cannot be drawn again); a note's sublimits draw on it
too. The undrawn commitment is the commitment less what is drawn, never below zero.

An unused fee (revolving) or ticking fee (term) accrues on the undrawn commitment exactly as
interest accrues on principal (`projections.accrual.Accruer`, with the fee's own day count):
maximal sub-intervals of constant undrawn amount, summed exactly, rounded once per fee period.
Fee periods run every `period_months` months from the issue date (the issue date's day of month,
or the month's last day in shorter months); a period's fee is a fee item of the note, due on the
period end adjusted to the next business day. The last period billed is the first one ending
after the commitment ended (maturity or termination).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.commitments import CommitmentOn, CommitmentStep, commitment_on
from domain.money import ZERO, to_cents
from domain.values import Component, NoteKind

from projections.accrual import Accruer
from projections.facility_state import NoteState
from projections.schedule import period_end_after
from projections.terms import fee_rate_on

REVOLVING = (NoteKind.REVOLVING, NoteKind.MINIMUM_BORROWING)


@dataclass(frozen=True)
class FeePiece:
    """[start, end): the undrawn commitment and the fee rate constant; fee = undrawn × rate/100 × DCF."""

    start: date
    end: date
    undrawn: Decimal
    rate: Decimal
    days: int
    dcf: Decimal
    fee: Decimal


@dataclass(frozen=True)
class FeeBill:
    """A fee period's unused or ticking fee, rounded once, due on `due_date`."""

    note: str
    kind: str  # unused | ticking
    period_start: date
    period_end: date
    due_date: date
    amount: Decimal
    exact: Decimal
    day_count: str
    sub_intervals: tuple[FeePiece, ...]


@dataclass
class FeeState:
    kind: str
    rate: Decimal
    months: int
    accruer: Accruer
    next_end: date | None


def fee_period_end_after(after: date, anchor: date, months: int) -> date:
    """The first fee period end after `after`: anchor + k × months (k ≥ 1), unadjusted."""
    return period_end_after(after, anchor, months, None)


def fee_state(note: NoteState, explain: bool) -> FeeState | None:
    terms = note.terms.fee_terms
    if terms is None:
        return None
    kind, fee = terms
    issue = note.terms.issue_date
    return FeeState(kind, fee.rate, fee.period_months, Accruer(note.code, fee.day_count, keep_pieces=explain),
                    fee_period_end_after(issue, issue, fee.period_months))


class CommitmentFees:
    """Commitments and fees of a `Sweep` (a mixin): reads `notes`, `sublimits`, `calendar`."""

    def commitment(self, note: NoteState, day: date) -> CommitmentOn:
        """The note's commitment on `day` (zero before issue and after maturity)."""
        if day < note.terms.issue_date or (note.maturity is not None and day > note.maturity):
            return CommitmentOn(ZERO)
        return commitment_on(note.terms.initial_commitment, note.commitment_steps, day,
                             accelerated=note.accelerated)

    def drawn(self, note: NoteState) -> Decimal:
        """What is drawn on the note's commitment at the end of the current day: its own drawing
        and its sublimits'."""
        members = (note, *self.sublimits.get(note.code, ()))
        return sum((m.principal if m.terms.kind in REVOLVING else m.advanced for m in members), ZERO)

    def undrawn(self, note: NoteState, day: date) -> Decimal:
        return max(self.commitment(note, day).amount - self.drawn(note), ZERO)

    def _fee_end_of_day(self, note: NoteState, day: date) -> None:
        """Step 6 for a note with a fee: the day's undrawn commitment (a sub-interval closes only
        where it changes)."""
        if day >= note.terms.issue_date and note.fee.next_end is not None:
            note.fee.accruer.set_end_of_day(day, self.undrawn(note, day), fee_rate_on(note, day))

    def _bill_fee(self, note: NoteState, day: date) -> None:
        """Step 1 for a note with a fee: the fee period ending today is billed (no zero bill)."""
        fee = note.fee
        self._bill_fee_to(note, day, self.calendar.following(day))
        ended = (note.maturity is not None and day > note.maturity) or self.commitment(note, day).terminated_on
        fee.next_end = None if ended else fee_period_end_after(day, note.terms.issue_date, fee.months)

    def _resume_fee(self, note: NoteState, day: date) -> None:
        """Step 2, a new maturity: a fee whose last period was billed after the old maturity
        accrues again from `day` (its undrawn commitment is recorded at the end of the day), unless
        the commitment was terminated; its periods keep their schedule from the issue date."""
        if self.commitment(note, day).terminated_on is None:
            note.fee.next_end = fee_period_end_after(day, note.terms.issue_date, note.fee.months)

    def _bill_fee_to(self, note: NoteState, day: date, due: date | None = None) -> None:
        """The fee accrued in the open fee period up to `day` (exclusive) billed, due `due` (by
        default `day` itself: a payoff's interim bill); the next period starts on `day`."""
        fee = note.fee
        start, exact, pieces = fee.accruer.close_period(day)
        bill = FeeBill(note.code, fee.kind, start or day, day, due or day, to_cents(exact), exact,
                       note.terms.fee_terms[1].day_count.value, tuple(fee_piece(p) for p in pieces))
        if bill.amount <= 0:
            return
        if self.explains:
            self.journal.fee_bills.append(bill)
        self._item(Component.FEES, note, bill.due_date, bill.amount,
                   f"{fee.kind} fee {bill.period_start}..{bill.period_end}")

    def fee_stops(self, after: date, best: date) -> date:
        """The next day after `after` on which a note's undrawn commitment can change without an
        event (its issue date, the day after its maturity) or a fee period ends."""
        for note in self._fee_notes:
            if note.fee.next_end is None:
                continue
            for day in (note.terms.issue_date, note.fee.next_end,
                        note.maturity + timedelta(days=1) if note.maturity is not None else None):
                if day is not None and after < day < best:
                    best = day
        return best


def fee_piece(piece) -> FeePiece:  # type: ignore[no-untyped-def]
    return FeePiece(piece.start, piece.end, piece.principal, piece.rate, (piece.end - piece.start).days, piece.dcf,
                    piece.interest)


def commitment_steps(note: NoteState, changed: list, terminated: list, issue_versions: dict[str, int]) -> list[CommitmentStep]:
    """The note's steps from the facility's CommitmentChanged and CommitmentTerminated events
    (a termination without a note covers the notes issued on or before its date and recorded
    before it, as the domain read it)."""
    steps = [CommitmentStep(e.effective_date, e.version, e.amount) for e in changed if e.note == note.code]
    for e in terminated:
        covers = e.note == note.code if e.note is not None else (
            note.terms.issue_date <= e.effective_date and issue_versions[note.code] < e.version)
        if covers:
            steps.append(CommitmentStep(e.effective_date, e.version, None))
    return steps
