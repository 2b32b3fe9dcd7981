"""One note's interest accrual: maximal sub-intervals of constant principal and rate, closed
at period ends, summed exactly and billed rounded once per period (the contract §3, Interest)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from domain.money import ZERO, to_cents
from domain.values import DayCount

from projections.daycount import year_fraction
from projections.exact import Accrual


@dataclass(frozen=True)
class SubInterval:
    """[start, end): principal and rate constant; interest = principal × rate/100 × DCF.

    `dcf` and `interest` are worked out when an explanation reads them: the sweep keeps a
    sub-interval for every segment, and most reports never show one."""

    start: date
    end: date
    principal: Decimal
    rate: Decimal
    day_count: DayCount
    shown_fields: ClassVar = ("start", "end", "principal", "rate", "dcf", "interest")

    @cached_property
    def dcf(self) -> Decimal:
        dcf = Accrual()
        dcf.add(Decimal(100), Decimal(1), year_fraction(self.day_count, self.start, self.end))
        return dcf.value()

    @cached_property
    def interest(self) -> Decimal:
        interest = Accrual()
        interest.add(self.principal, self.rate, year_fraction(self.day_count, self.start, self.end))
        return interest.value()


@dataclass(frozen=True)
class Bill:
    """A period's interest, rounded once, billed on `billed_on` and due on `due_date`."""

    note: str
    period_start: date
    period_end: date
    due_date: date
    amount: Decimal
    exact: Decimal
    sub_intervals: tuple[Any, ...]  # SubInterval, or projections.conventions.RateSubInterval
    interim: bool = False


@dataclass
class Accruer:
    """The running accrual of one note in its current period."""

    note: str
    day_count: DayCount
    keep_pieces: bool = True  # False: bills carry no sub-intervals (nothing will explain them)
    period_start: date | None = None
    seg_start: date | None = None
    seg_principal: Decimal = ZERO
    seg_rate: Decimal | None = None
    closed: Accrual = field(default_factory=Accrual)
    pieces: list[Any] = field(default_factory=list)
    # A SOFR-era convention (projections.conventions) works out a sub-interval's interest from
    # (start, end, principal, default margin); the segment's "rate" is then the default margin.
    convention: Callable[[date, date, Decimal, Decimal], Any] | None = None

    def start_period(self, day: date) -> None:
        self.period_start = day
        self.seg_start = day
        self.closed = Accrual()
        self.pieces = []

    def set_end_of_day(self, day: date, principal: Decimal, rate: Decimal | None) -> None:
        """Record day's end-of-day principal and rate; split only where either changes."""
        if self.seg_start is None:
            self.start_period(day)
        if principal == self.seg_principal and (principal == 0 or rate == self.seg_rate):
            return
        self._close_segment(day)
        self.seg_start, self.seg_principal, self.seg_rate = day, principal, rate

    def bill(self, end: date, due: date, interim: bool = False) -> Bill | None:
        """Close the period at `end` (exclusive); the bill, or None when it rounds to zero."""
        start, exact, pieces = self.close_period(end)
        bill = Bill(self.note, start or end, end, due, to_cents(exact), exact, pieces, interim)
        return bill if bill.amount > 0 else None

    def close_period(self, end: date) -> tuple[date | None, Decimal, tuple[SubInterval, ...]]:
        """Close the period at `end` (exclusive) and start the next: its start, exact interest
        (what `bill` rounds) and sub-intervals (none unless `keep_pieces`)."""
        self._close_segment(end)
        closed = (self.period_start, self.closed.value(), tuple(self.pieces))
        self.start_period(end)
        return closed

    def through_end_of(self, day: date) -> tuple[Decimal, tuple[SubInterval, ...]]:
        """Exact interest of the current period from its start through the end of `day`, and its
        sub-intervals (the open segment's cut at the end of `day`)."""
        return self._through_end_of(day, True)  # type: ignore[return-value]

    def interest_through_end_of(self, day: date) -> Decimal:
        """`through_end_of(day)[0]` without building the sub-intervals (a daily reading needs
        only the amount): the same sums, in the same order."""
        return self._through_end_of(day, False)  # type: ignore[return-value]

    def _through_end_of(self, day: date, with_pieces: bool) -> Decimal | tuple[Decimal, tuple[SubInterval, ...]]:
        total = self.closed.copy()
        piece = None
        if self.seg_start is not None and self.seg_principal and self.seg_start <= day:
            end = day + timedelta(days=1)
            if self.convention is not None:
                assert self.seg_rate is not None
                piece = self.convention(self.seg_start, end, self.seg_principal, self.seg_rate)
                total.add_amount(piece.interest)
            else:
                assert self.seg_rate is not None
                total.add(self.seg_principal, self.seg_rate, year_fraction(self.day_count, self.seg_start, end))
                if with_pieces:
                    piece = self._piece(self.seg_start, end)
        if not with_pieces:
            return total.value()
        return total.value(), tuple(self.pieces) if piece is None else (*self.pieces, piece)

    def _close_segment(self, end: date) -> None:
        if self.seg_start is None or self.seg_start >= end:
            return
        if self.seg_principal and self.convention is not None:
            assert self.seg_rate is not None
            piece = self.convention(self.seg_start, end, self.seg_principal, self.seg_rate)
            self.closed.add_amount(piece.interest)
            if self.keep_pieces:
                self.pieces.append(piece)
        elif self.seg_principal:
            parts = year_fraction(self.day_count, self.seg_start, end)
            assert self.seg_rate is not None
            self.closed.add(self.seg_principal, self.seg_rate, parts)
            if self.keep_pieces:
                self.pieces.append(self._piece(self.seg_start, end))
        self.seg_start = end

    def _piece(self, start: date, end: date) -> SubInterval:
        assert self.seg_rate is not None
        return SubInterval(start, end, self.seg_principal, self.seg_rate, self.day_count)
