"""Interest on overdue amounts (docs/arithmetic.md, "Overdue interest"): a note with an
`overdue_margin` charges, on every day an amount of it is past due (from its due date, inclusive,
until paid), interest at the note's rate plus that margin, whether or not an event of default is
declared; billed with the note's next interest bill as its own interest item.

Not stacked with the default margin: on a day the default margin applies, overdue amounts bear
the rate plus the larger of the two margins. Overdue principal already bears the note's rate as
principal, so its extra is that larger margin less the default margin in force; overdue interest
bears the whole rate (the contractual rate plus the larger margin). Both accrue exactly like
interest (`projections.accrual.Accruer`, the note's day count), rounded once per period.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.money import ZERO, to_cents
from domain.values import Component

from projections.accrual import Accruer, Bill
from projections.facility_state import NoteState
from projections.terms import default_margin_on, overdue_margin_on


@dataclass
class OverdueState:
    margin: Decimal
    principal: Accruer  # overdue principal, at the extra margin
    interest: Accruer  # overdue interest, at the whole rate


def overdue_state(note: NoteState, explain: bool) -> OverdueState | None:
    margin = note.terms.overdue_margin
    if margin is None:
        return None
    return OverdueState(margin, Accruer(note.code, note.terms.day_count, keep_pieces=explain),
                        Accruer(note.code, note.terms.day_count, keep_pieces=explain))


class OverdueInterest:
    """Overdue interest of a `Sweep` (a mixin)."""

    def _overdue_end_of_day(self, note: NoteState, day: date) -> None:
        overdue = note.overdue
        principal = interest = ZERO
        for item in self.items:
            if item.note == note.code and item.outstanding > 0 and item.due_date <= day:
                if item.component is Component.PRINCIPAL:
                    principal += item.outstanding
                elif item.component is Component.INTEREST:
                    interest += item.outstanding
        if not (principal or interest or overdue.principal.seg_principal or overdue.interest.seg_principal):
            return
        extra = full = None
        if principal or interest:
            rate = self.rate(note, day)
            default = default_margin_on(note, day) if self._in_default(note, day) else ZERO
            larger = max(overdue_margin_on(note, day), default)
            extra, full = larger - default, rate - default + larger
        overdue.principal.set_end_of_day(day, principal, extra)
        overdue.interest.set_end_of_day(day, interest, full)

    def _bill_overdue(self, note: NoteState, end: date, due: date) -> None:
        """The overdue interest accrued up to `end` (exclusive) billed, due `due`; none if zero."""
        overdue = note.overdue
        start_p, exact_p, pieces_p = overdue.principal.close_period(end)
        start_i, exact_i, pieces_i = overdue.interest.close_period(end)
        exact = exact_p + exact_i
        amount = to_cents(exact)
        if amount <= 0:
            return
        start = min(d for d in (start_p, start_i, end) if d is not None)
        if self.explains:
            self.journal.overdue_bills.append(Bill(note.code, start, end, due, amount, exact, pieces_p + pieces_i))
        self._item(Component.INTEREST, note, due, amount, f"overdue interest {start}..{end}")
