"""Payments: the waterfall, directed payments, prepayment and unapplied credit
(docs/arithmetic.md, "Payments, waterfall, credit"; the order of items is
`projections.waterfall`'s)."""

from datetime import date
from decimal import Decimal

from domain import events as ev
from domain.values import Component

from projections.facility_state import NoteState
from projections.journal import CreditApplication, PaymentRecord
from projections.waterfall import Allocation, Item, allocation, in_waterfall_order, oldest_first, pay


class Payments:
    """Payments and credit of a `Sweep` (a mixin)."""

    def _receive(self, payment: ev.PaymentReceived, day: date) -> None:
        """Step 4 of the day, one payment: accelerated notes' interest billed up to today; the
        directed part (that note's items, then its prepayment); the waterfall; the rest is credit."""
        if self.accelerated_notes:
            for note in self._note_states:
                if note.accelerated and note.accruer.period_start is not None:
                    self._bill(note, day, day, interim=True)
        rest, parts = payment.amount, []
        target = self.notes.get(payment.note) if payment.note else None
        if target is not None:
            due = [i for i in self.due(day) if i.note == target.code]
            if payment.component is not None:
                due = oldest_first(i for i in due if i.component is payment.component)
            rest = self._pay(rest, in_waterfall_order(due) if payment.component is None else due, parts)
            if payment.component in (None, Component.PRINCIPAL):
                rest = self._prepay(target, rest, parts)
        if self._earliest_due is not None and self._earliest_due <= day:  # else nothing is due yet
            rest = self._pay(rest, in_waterfall_order(self.due(day)), parts)
        self.credit += rest
        if self.explains:
            component = payment.component.value if payment.component else None
            self.journal.payments.append(PaymentRecord(
                payment.version, payment.amount, payment.effective_date, day, payment.received_at,
                payment.note, component, tuple(parts), rest))

    def _prepay(self, note: NoteState, amount: Decimal, parts: list[Allocation]) -> Decimal:
        part = min(amount, self.not_yet_due(note))
        if part <= 0:
            return amount
        note.principal -= part
        if self.explains:
            parts.append(Allocation(note.code, Component.PRINCIPAL.value, "prepayment", None, part))
        return amount - part

    def _apply_credit(self, day: date) -> None:
        """Unapplied credit pays the items due, in waterfall order (never principal not yet due)."""
        if self.credit <= 0 or self._earliest_due is None or self._earliest_due > day:
            return  # no credit, or nothing open is due yet (a hot path: the test is inline)
        parts: list[Allocation] = []
        self.credit = self._pay(self.credit, in_waterfall_order(self.due(day)), parts)
        if parts and self.explains:
            self.journal.credit.append(CreditApplication(day, tuple(parts)))

    def _pay(self, amount: Decimal, items: list[Item], parts: list[Allocation]) -> Decimal:
        """`amount` paid into `items` in their order; what is left."""
        paid, rest = pay(amount, items)
        for item, part in paid:
            if item.component is Component.PRINCIPAL and item.note is not None:
                self.notes[item.note].principal -= part
            if self.explains:
                parts.append(allocation(item, part))
        if paid:
            self._settled()
        return rest
