"""What a payoff payment makes due on its value date (docs/arithmetic.md, "Payoff"); the quote
is projections.payoff."""

from datetime import date

from domain import events as ev
from domain.money import ZERO, to_cents
from domain.values import Component

PREMIUM = "prepayment premium"


class PayingOff:
    """The payoff steps of a `Sweep` (a mixin)."""

    def set_aside_accelerations(self, day: date) -> list[ev.ObligationsAccelerated]:
        """For a quote good through `day`, before the sweep reaches it: the day's accelerations are
        left out and returned. A payoff payment on `day` is applied with the day's payments (step
        4), before them (step 5); once it has paid everything an acceleration finds no principal
        and no interest, charges no default premium and changes no figure of the day (the contract's
        same-day order: payments, then fees and acceleration)."""
        if day <= self.day and self._started:
            raise ValueError(f"the sweep is already at {self.day}, past the payoff day {day}")
        facts = self.agenda.get(day)
        if facts is None:
            return []
        kept = [e for e in facts.closing if not isinstance(e, ev.ObligationsAccelerated)]
        set_aside = [e for e in facts.closing if isinstance(e, ev.ObligationsAccelerated)]
        facts.closing = kept
        return set_aside  # type: ignore[return-value]

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
