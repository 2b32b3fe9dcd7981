"""What a payoff payment makes due on its value date (docs/arithmetic.md, "Payoff"); the quote
is projections.payoff."""

from datetime import date

from domain.money import ZERO, to_cents
from domain.values import Component

PREMIUM = "prepayment premium"


class PayingOff:
    """The payoff steps of a `Sweep` (a mixin)."""

    def _pay_off(self, day: date) -> None:
        for note in self._note_states:
            if note.pik is not None and note.pik.pending:  # PIK billed but not yet capitalised: principal now
                note.principal += sum((amount for _, amount in note.pik.pending), ZERO)
                note.pik.pending = []
            if note.accruer.period_start is not None:
                self._bill(note, day, day, interim=True)
            if note.overdue is not None:
                self._bill_overdue(note, day, day)
            fee = note.fee
            if fee is not None and fee.next_end is not None and fee.accruer.period_start is not None:
                self._bill_fee_to(note, day)
            prepaid = self.not_yet_due(note)
            if prepaid <= 0:
                continue
            rate = note.terms.prepayment_rate(day)
            premium = to_cents(rate / 100 * prepaid) if rate is not None else ZERO
            if premium > 0:
                self._item(Component.FEES, note, day, premium, f"{PREMIUM} {rate}% of {prepaid:.2f}")
            self._due_principal(note, day, prepaid, "payoff")
