"""Payments: the waterfall, directed payments, prepayment and unapplied credit
(docs/arithmetic.md, "Payments, waterfall, credit"; the order of items is
`projections.waterfall`'s)."""

from datetime import date
from decimal import Decimal

from domain import events as ev
from domain.money import ZERO
from domain.values import Component

from projections.facility_state import NoteState
from projections.journal import CreditApplication, PaymentRecord
from projections.waterfall import Allocation, Item, allocation, in_waterfall_order, oldest_first, pay


class Payments:
    """Payments and credit of a `Sweep` (a mixin)."""

    def _receive(self, payment: ev.PaymentReceived, day: date) -> None:
        """Step 4 of the day, one payment: accelerated notes' interest billed up to today; then
        (the contract §3 Revisions, docs/arithmetic.md "Directed payments"):

        * to a note, no component: that note's due items in waterfall order; the rest is that
          note's credit (paid into its items as they fall due, never a prepayment);
        * to a note and a component: that note's due items of the component, oldest first, and
          for `principal` its principal not yet due (prepaid); the rest goes down the waterfall;
        * to `fees` without a note: the facility fees due, oldest first; the rest down the waterfall;
        * a payoff (`payoff`): everything owed falls due today (projections.paying_off) and is
          paid, due or not, in waterfall order;
        * undirected: the waterfall.
        What the waterfall leaves is unapplied credit."""
        if self.accelerated_notes:
            for note in self._note_states:
                if note.accelerated and note.accruer.period_start is not None:
                    self._bill(note, day, day, interim=True)
        rest, parts, kept = payment.amount, [], ZERO
        target = self.notes.get(payment.note) if payment.note else None
        component = payment.component
        if payment.payoff:  # every note paid off: everything owed falls due today and is paid, due or not
            self._pay_off(day)
            rest = self._pay(rest, in_waterfall_order(self.open_items()), parts)
        elif target is not None and component is None:
            rest = self._pay(rest, in_waterfall_order([i for i in self.due(day) if i.note == target.code]), parts)
            if payment.rest_rule == "prepaid":  # a row from before the second edition, read as then
                rest = self._prepay(target, rest, parts)
            else:
                target.credit += rest
                kept, rest = rest, ZERO
                self._held_for_notes = self._held_for_notes or kept > 0
        elif target is not None or (component is Component.FEES and payment.note is None):
            code = target.code if target is not None else None
            rest = self._pay(rest, oldest_first(
                i for i in self.due(day) if i.note == code and i.component is component), parts)
            if target is not None and component is Component.PRINCIPAL:
                rest = self._prepay(target, rest, parts)
        if rest and self._earliest_due is not None and self._earliest_due <= day:  # else nothing is due yet
            rest = self._pay(rest, in_waterfall_order(self.due(day)), parts)
        self.credit += rest
        if self.explains:
            self.journal.payments.append(PaymentRecord(
                payment.version, payment.amount, payment.effective_date, day, payment.received_at,
                payment.note, component.value if component else None, tuple(parts), rest,
                kept))

    def _prepay(self, note: NoteState, amount: Decimal, parts: list[Allocation]) -> Decimal:
        part = min(amount, self.not_yet_due(note))
        if part <= 0:
            return amount
        note.principal -= part
        if self.explains:
            parts.append(Allocation(note.code, Component.PRINCIPAL.value, "prepayment", None, part))
        return amount - part

    def _apply_credit(self, day: date) -> None:
        """Each note's credit pays that note's items due, then unapplied credit pays the items
        due, in waterfall order (never principal not yet due)."""
        if self._earliest_due is None or self._earliest_due > day or (self.credit <= 0 and not self._held_for_notes):
            return  # nothing open is due yet, or no credit (a hot path: the test is inline)
        parts: list[Allocation] = []
        if self._held_for_notes:
            for note in self._note_states:
                if note.credit > 0:
                    note.credit = self._pay(
                        note.credit, in_waterfall_order([i for i in self.due(day) if i.note == note.code]), parts)
            self._held_for_notes = any(note.credit > 0 for note in self._note_states)
        if self.credit > 0:
            self.credit = self._pay(self.credit, in_waterfall_order(self.due(day)), parts)
        if parts and self.explains:
            self.journal.credit.append(CreditApplication(day, tuple(parts)))

    @property
    def note_credit(self) -> Decimal:
        """The credit held for notes by payments directed to them (beyond their due items)."""
        return sum((note.credit for note in self._note_states), ZERO)

    def _pay(self, amount: Decimal, items: list[Item], parts: list[Allocation]) -> Decimal:
        """`amount` paid into `items` in their order; what is left."""
        paid, rest = pay(amount, items)
        for item, part in paid:
            if item.component is Component.PRINCIPAL and item.note is not None:
                self.notes[item.note].principal -= part
            if self.explains:
                parts.append(allocation(item, part))
        if paid:
            self._reduced([item for item, _ in paid])
            self._settled()
        return rest
