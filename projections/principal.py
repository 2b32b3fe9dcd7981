"""Principal: advances, installments and maturities falling due, maturity extension,
acceleration with its default premium, and rescission (docs/arithmetic.md, "Principal due" and
"Acceleration and the default premium")."""

from datetime import date
from decimal import Decimal

from domain import events as ev
from domain.money import ZERO, to_cents
from domain.values import Component, PremiumBase

from projections.facility_state import NoteState, Scheduled
from projections.journal import AdvanceRecord, DueRecord, PremiumRecord
from projections.waterfall import Item


class PrincipalFallingDue:
    """Principal of a `Sweep` (a mixin)."""

    def _advance(self, event: ev.AdvanceMade, day: date) -> None:
        note = self.notes.get(event.note)
        if note is None:
            self.journal.skipped.append(f"v{event.version}: advance on unknown note {event.note}")
            return
        note.principal += event.amount
        note.advanced += event.amount
        if self.explains:
            self.journal.advances.append(AdvanceRecord(event.version, note.code, day, event.amount))
        if note.accelerated:  # a protective advance: due at once, until a rescission
            item = self._due_principal(note, day, event.amount, "advance after acceleration")
            if item is not None:
                note.acceleration_items.append(item)

    def not_yet_due(self, note: NoteState) -> Decimal:
        """The note's principal that is not an open principal item."""
        return note.principal - sum((i.outstanding for i in self._open(note.code, Component.PRINCIPAL)), ZERO)

    def _fall_due(self, day: date) -> None:
        """Step 3 of the day: each installment and maturity whose adjusted date has come falls
        due, capped at the principal not already due (installments of an accelerated note wait)."""
        following = self.calendar.following
        for note in self._note_states:
            if note.accelerated_on is not None:
                continue
            while note.next_installment < len(note.installments):
                scheduled = note.installments[note.next_installment]
                due = following(scheduled.due_date)
                if due > day:
                    break
                amount = min(scheduled.amount, self.not_yet_due(note))
                self._due_principal(note, due, amount, f"installment {scheduled.due_date}")
                note.next_installment += 1
            if not note.matured and note.maturity is not None and following(note.maturity) <= day:
                due = following(note.maturity)
                note.maturity_item = self._due_principal(note, due, self.not_yet_due(note), f"maturity {note.maturity}")
                note.matured = True
        self._next_fall_due = None

    def _due_principal(self, note: NoteState, due: date, amount: Decimal, label: str) -> Item | None:
        if amount <= 0:
            return None
        if self.explains:
            self.journal.principal_due.append(DueRecord(note.code, due, label, amount))
        return self._item(Component.PRINCIPAL, note, due, amount, label)

    def _extend(self, event: ev.MaturityExtended) -> None:
        """The unpaid balloon is cancelled and falls due again at the new maturity; a new
        amortization replaces the installments not yet fallen due."""
        self._reschedule(event.note, event.effective_date, event.new_maturity_date, event.amortization)

    def _reschedule(self, code: str, day: date, maturity: date | None, amortization: tuple | None) -> None:
        """A new maturity (an extension, or an amendment's) and/or installments replacing those not
        yet fallen due (the unpaid balloon of the old maturity is cancelled)."""
        note = self.notes.get(code)
        if note is None:
            return
        if maturity is not None:
            if note.matured:
                self._cancel(note, note.maturity_item, day, "extension of maturity")
            note.maturity, note.matured, note.maturity_item = maturity, False, None
            if note.fee is not None and note.fee.next_end is None:  # the fee had stopped after the old maturity
                self._resume_fee(note, day)
        self._next_fall_due = None
        if amortization is not None:
            kept = note.installments[: note.next_installment]
            note.installments = kept + [Scheduled(i.due_date, i.amount) for i in amortization]

    def _rescind(self, day: date) -> None:
        """Every accelerated note: what fell due only by acceleration (its principal then, and
        protective advances made while accelerated) is cancelled; its waiting installments fall
        due with their own dates (`_fall_due`, later the same day)."""
        for note in self._note_states:
            if note.accelerated:
                for item in note.acceleration_items:
                    self._cancel(note, item, day, "acceleration rescinded")
                note.accelerated_on, note.acceleration_items = None, []
                self.accelerated_notes -= 1
                self._next_fall_due = None

    def _cancel(self, note: NoteState, item: Item | None, day: date, why: str) -> None:
        if item is None or item.outstanding <= 0:
            return
        if self.explains:
            self.journal.cancelled.append(DueRecord(note.code, day, f"{item.label}: {why}", item.outstanding))
        item.cancelled, item.outstanding = item.outstanding, ZERO
        self._reduced([item])

    def _accelerate(self, note: NoteState, version: int, day: date) -> None:
        """All principal not already due falls due today; the premium is round(rate/100 × base),
        base = principal (+ accrued interest through today at the default rate)."""
        note.accelerated_on = day
        self.accelerated_notes += 1
        self._next_fall_due = None
        item = self._due_principal(note, day, self.not_yet_due(note), "acceleration")
        if item is not None:
            note.acceleration_items.append(item)
        premium = note.terms.default_premium
        if premium is None:
            return
        self._end_of_day(note, day)
        interest = ZERO
        if premium.base is PremiumBase.PRINCIPAL_AND_INTEREST:
            interest = self.billed_unpaid(note) + to_cents(note.accruer.interest_through_end_of(day))
        base = note.principal + interest
        exact = premium.rate / 100 * base
        amount = to_cents(exact)
        if self.explains:
            self.journal.premiums.append(PremiumRecord(
                version, note.code, day, premium.rate, premium.base.value, note.principal, interest, base, exact,
                amount))
        if amount > 0:
            self._item(Component.FEES, note, day, amount, "default premium")
