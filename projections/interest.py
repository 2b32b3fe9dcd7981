"""Interest: each note's rate, its end-of-day principal and the billing of its periods
(docs/arithmetic.md, "Rates" and "Interest, periods and bills"; the exact sums are
`projections.accrual.Accruer`'s)."""

from bisect import bisect_right
from datetime import date
from decimal import Decimal
from typing import Any

from domain.money import to_cents
from domain.values import Component

from projections.errors import MissingIndexRate
from projections.facility_state import NoteState
from projections.rates import contractual_rate
from projections.schedule import next_interest_day, period_end_after
from projections.terms import default_margin_on, interest_on


class InterestBilling:
    """Rates, accrual and bills of a `Sweep` (a mixin)."""

    def _end_of_day(self, note: NoteState, day: date) -> None:
        """Step 6 of the day: the note's end-of-day principal and rate (a sub-interval closes only
        where either changes); its first period starts the day it first has principal."""
        if note.principal and note.accruer.period_start is None:
            note.accruer.start_period(day)
            note.next_end = self._period_end_after(note, day)
        if note.accruer.period_start is not None:
            rate = self.rate(note, day) if note.principal else None
            note.accruer.set_end_of_day(day, note.principal, rate)
            if note.pik is not None:
                self._pik_end_of_day(note, day, rate)

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

    def _period_end_after(self, note: NoteState, day: date) -> date:
        """The end of the period running on `day`: the next interest day, or for a period-based
        note (the contract §10) the next modified-following end every `interest_period_months` months
        from the issue date."""
        terms = note.terms.interest
        if terms.period_based:
            return period_end_after(day, note.terms.issue_date, terms.interest_period_months or 1,
                                    self.facility.calendar)
        return next_interest_day(day, note.terms.interest_day)

    def _rate(self, note: NoteState, day: date) -> Decimal:
        """Fixed rate, or index + margin within floor and cap; then + default margin once if the
        note is in default or accelerated on `day`. For a note on a SOFR-era convention, only the
        default margin: its convention works out the rest per sub-interval (`_convention_piece`)."""
        terms = interest_on(note, day)
        if note.convention is not None:
            return default_margin_on(note, day) if self._in_default(note, day) else Decimal(0)
        index_rate = None
        if terms.index is not None:
            index_rate = self.rates.in_force(terms.index, day)
            if index_rate is None:
                if self.need_rates:
                    raise MissingIndexRate(note.code, terms.index, day)
                index_rate = Decimal(0)
        rate = contractual_rate(terms, index_rate)
        if self._in_default(note, day):
            rate += default_margin_on(note, day)
        return rate

    def _in_default(self, note: NoteState, day: date) -> bool:
        return note.accelerated or any(p.covers(note.code, day) for p in self.defaults)

    def _convention_piece(self, note: NoteState, start: date, end: date, principal: Decimal,
                          default_margin: Decimal) -> Any:
        """A SOFR-era note's sub-interval [start, end) in its current period (the accruer's)."""
        period_start = note.accruer.period_start
        assert period_start is not None and note.next_end is not None
        return note.convention.interest(start, end, principal, default_margin, (period_start, note.next_end))

    def _bill_period(self, note: NoteState, day: date) -> None:
        """Step 1 of the day: the period ending today is billed, due on the adjusted day (the
        period's end is read while billing: a convention's lockout counts back from it)."""
        self._bill(note, day, self.calendar.following(day), interim=False)
        if note.overdue is not None:
            self._bill_overdue(note, day, self.calendar.following(day))
        note.next_end = self._period_end_after(note, day)

    def _bill(self, note: NoteState, end: date, due: date, interim: bool) -> None:
        """The period up to `end` (exclusive) billed, rounded once to the cent; no zero bill. A PIK
        note's PIK part is capitalised instead (projections.pik): the item is the cash part."""
        pik = self._pik_part(note, end, due, interim) if note.pik is not None else Decimal(0)
        if not self.explains:
            amount = to_cents(note.accruer.close_period(end)[1]) - pik
            if amount > 0:  # a zero bill is not created (Accruer.bill)
                self._item(Component.INTEREST, note, due, amount, "")
            return
        bill = note.accruer.bill(end, due, interim)
        if bill is None:
            return
        self.journal.bills.append(bill)
        if bill.amount - pik > 0:
            self._item(Component.INTEREST, note, due, bill.amount - pik, f"interest {bill.period_start}..{bill.period_end}")
