"""Interest: each note's rate, its end-of-day principal and the billing of its periods
(docs/arithmetic.md, "Rates" and "Interest, periods and bills"; the exact sums are
`projections.accrual.Accruer`'s)."""

from bisect import bisect_right
from datetime import date
from decimal import Decimal

from domain.money import to_cents
from domain.values import Component

from projections.errors import MissingIndexRate
from projections.facility_state import NoteState
from projections.rates import contractual_rate
from projections.schedule import next_interest_day


class InterestBilling:
    """Rates, accrual and bills of a `Sweep` (a mixin)."""

    def _end_of_day(self, note: NoteState, day: date) -> None:
        """Step 6 of the day: the note's end-of-day principal and rate (a sub-interval closes only
        where either changes); its first period starts the day it first has principal."""
        if note.principal and note.accruer.period_start is None:
            note.accruer.start_period(day)
            note.next_end = next_interest_day(day, note.terms.interest_day)
        if note.accruer.period_start is not None:
            rate = self.rate(note, day) if note.principal else None
            note.accruer.set_end_of_day(day, note.principal, rate)

    def rate(self, note: NoteState, day: date) -> Decimal:
        """The note's rate on `day`, kept in `note.rate_kept` for the run of days between two of
        `_rate_bounds` in the same acceleration state (nothing else moves it)."""
        kept = note.rate_kept
        accelerated = note.accelerated_on is not None
        if kept is not None and kept[0] <= day < kept[1] and kept[2] is accelerated:
            return kept[3]
        rate = self._rate(note, day)
        bounds = self._rate_bounds
        at = bisect_right(bounds, day)
        note.rate_kept = (bounds[at - 1] if at else date.min, bounds[at] if at < len(bounds) else date.max,
                          accelerated, rate)
        return rate

    def _rate(self, note: NoteState, day: date) -> Decimal:
        """Fixed rate, or index + margin within floor and cap; then + default margin once if the
        note is in default or accelerated on `day`."""
        terms = note.terms.interest
        index_rate = None
        if terms.index is not None:
            index_rate = self.rates.in_force(terms.index, day)
            if index_rate is None:
                if self.need_rates:
                    raise MissingIndexRate(note.code, terms.index, day)
                index_rate = Decimal(0)
        rate = contractual_rate(terms, index_rate)
        if note.accelerated or any(p.covers(note.code, day) for p in self.defaults):
            rate += note.terms.default_margin
        return rate

    def _bill_period(self, note: NoteState, day: date) -> None:
        """Step 1 of the day: the period ending today is billed, due on the adjusted day."""
        note.next_end = next_interest_day(day, note.terms.interest_day)
        self._bill(note, day, self.calendar.following(day), interim=False)

    def _bill(self, note: NoteState, end: date, due: date, interim: bool) -> None:
        """The period up to `end` (exclusive) billed, rounded once to the cent; no zero bill."""
        if not self.explains:
            amount = to_cents(note.accruer.close_period(end)[1])
            if amount > 0:  # a zero bill is not created (Accruer.bill)
                self._item(Component.INTEREST, note, due, amount, "")
            return
        bill = note.accruer.bill(end, due, interim)
        if bill is None:
            return
        self.journal.bills.append(bill)
        self._item(Component.INTEREST, note, due, bill.amount, f"interest {bill.period_start}..{bill.period_end}")
