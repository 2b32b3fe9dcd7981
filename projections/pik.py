"""Payment-in-kind interest (docs/arithmetic.md, "PIK"): a note with `pik_rate` accrues that part
of its rate (at most the whole rate on a day) alongside its interest, on the same end-of-day
principal and sub-intervals; at each period end the PIK part, rounded once, is taken out of the
bill and added to the principal on the bill's due date, where it earns interest from then on. Only
the cash part is an interest item, so past due never counts capitalised interest. An interim bill
(a payment on an accelerated note, a payoff) is all cash: the PIK accrued in it is dropped from
the PIK accrual and billed in cash."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from domain.money import ZERO, to_cents

from projections.accrual import Accruer
from projections.facility_state import NoteState
from projections.terms import pik_rate_on


@dataclass(frozen=True)
class PikRecord:
    """The PIK part of a period's interest, capitalised into principal on `capitalised_on`."""

    note: str
    period_start: date
    period_end: date
    capitalised_on: date
    amount: Decimal
    exact: Decimal


@dataclass
class PikState:
    rate: Decimal
    accruer: Accruer
    pending: list[tuple[date, Decimal]] = field(default_factory=list)  # (due date, amount) not yet added


def pik_state(note: NoteState) -> PikState | None:
    rate = note.terms.pik_rate
    if rate is None:
        return None
    return PikState(rate, Accruer(note.code, note.terms.day_count, keep_pieces=False))


class PaymentInKind:
    """PIK of a `Sweep` (a mixin)."""

    def _pik_end_of_day(self, note: NoteState, day: date, rate: Decimal | None) -> None:
        note.pik.accruer.set_end_of_day(day, note.principal, None if rate is None else min(pik_rate_on(note, day), rate))

    def _pik_part(self, note: NoteState, end: date, due: date, interim: bool) -> Decimal:
        """Close the PIK accrual at `end`; for a regular bill, the part to capitalise on `due`."""
        start, exact, _ = note.pik.accruer.close_period(end)
        if interim:
            return ZERO
        amount = to_cents(exact)
        if amount > 0:
            note.pik.pending.append((due, amount))
            if self.explains:
                self.journal.pik.append(PikRecord(note.code, start or end, end, due, amount, exact))
        return amount

    def _capitalise(self, day: date) -> None:
        """Step 2: PIK parts whose due date has come are added to principal."""
        for note in self._pik_notes:
            kept = []
            for due, amount in note.pik.pending:
                if due <= day:
                    note.principal += amount
                else:
                    kept.append((due, amount))
            note.pik.pending = kept

    def pik_stops(self, after: date, best: date) -> date:
        for note in self._pik_notes:
            for due, _ in note.pik.pending:
                if after < due < best:
                    best = due
        return best
