"""Every figure with its derivation, as data (the contract §4, Explain)."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.money import to_cents

from projections.accrual import Bill, SubInterval
from projections.commitment_fees import FeeBill, FeePiece, fee_piece
from projections.terms import TermsInForce, terms_in_force
from projections.engine import Sweep
from projections.figures import PastDue, Position, past_due, position
from projections.journal import (AdvanceRecord, CreditApplication, DueRecord, FeeRecord,
                                 PaymentRecord, PremiumRecord)


@dataclass(frozen=True)
class CurrentPeriod:
    """Interest of a note's open period through the end of as_of."""

    note: str
    period_start: date | None
    sub_intervals: tuple[SubInterval, ...]
    exact: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CurrentFee:
    """A note's unused or ticking fee accrued in its open fee period through the end of as_of."""

    note: str
    kind: str
    period_start: date | None
    sub_intervals: tuple[FeePiece, ...]
    exact: Decimal
    amount: Decimal


@dataclass(frozen=True)
class OpenItem:
    note: str | None
    component: str
    label: str
    due_date: date
    amount: Decimal
    outstanding: Decimal


@dataclass(frozen=True)
class Explanation:
    facility: str
    as_of: date
    known_at: datetime | None
    position: Position
    past_due: PastDue
    advances: tuple[AdvanceRecord, ...]
    bills: tuple[Bill, ...]
    current: tuple[CurrentPeriod, ...]
    payments: tuple[PaymentRecord, ...]
    credit: tuple[CreditApplication, ...]
    principal_due: tuple[DueRecord, ...]
    cancelled: tuple[DueRecord, ...]
    fees: tuple[FeeRecord, ...]
    premiums: tuple[PremiumRecord, ...]
    open_items: tuple[OpenItem, ...]
    skipped: tuple[str, ...]
    fee_bills: tuple[FeeBill, ...] = ()
    current_fees: tuple[CurrentFee, ...] = ()
    terms: tuple[TermsInForce, ...] = ()  # per amended note, which terms applied from when to when
    overdue_bills: tuple[Bill, ...] = ()  # interest on overdue amounts, each period's (projections.overdue)
    pik: tuple[Any, ...] = ()  # projections.pik.PikRecord: each period's PIK part, capitalised
    # installments still to fall due after as_of (label "installment D", due the business day on
    # or after D), as the engine holds them after any extension's replacement schedule
    upcoming: tuple[DueRecord, ...] = ()


def explanation(sweep: Sweep) -> Explanation:
    journal, day = sweep.journal, sweep.day
    return Explanation(
        sweep.facility.code, day, sweep.known_at, position(sweep), past_due(sweep),
        tuple(journal.advances), tuple(journal.bills), tuple(_current(sweep, day)),
        tuple(journal.payments), tuple(journal.credit), tuple(journal.principal_due),
        tuple(journal.cancelled), tuple(journal.fees), tuple(journal.premiums),
        tuple(OpenItem(i.note, i.component.value, i.label, i.due_date, i.amount, i.outstanding)
              for i in sorted(sweep.open_items(), key=lambda i: i.waterfall_key())),
        tuple(journal.skipped), tuple(journal.fee_bills), tuple(_current_fees(sweep, day)),
        tuple(t for note in sweep.notes.values() if note.amendments for t in terms_in_force(note, day)),
        tuple(journal.overdue_bills), tuple(journal.pik),
        tuple(DueRecord(n.code, sweep.calendar.following(s.due_date), f"installment {s.due_date}", s.amount)
              for n in sweep.notes.values() if n.accelerated_on is None
              for s in n.installments[n.next_installment:]),
    )


def _current(sweep: Sweep, day: date) -> list[CurrentPeriod]:
    periods = []
    for note in sweep.notes.values():
        accruer = note.accruer
        if accruer.period_start is None:
            continue
        exact, pieces = accruer.through_end_of(day)
        periods.append(CurrentPeriod(note.code, accruer.period_start, pieces, exact, to_cents(exact)))
    return periods


def _current_fees(sweep: Sweep, day: date) -> list[CurrentFee]:
    fees = []
    for note in sweep.notes.values():
        if note.fee is None or note.fee.next_end is None or note.fee.accruer.period_start is None:
            continue
        exact, pieces = note.fee.accruer.through_end_of(day)
        fees.append(CurrentFee(note.code, note.fee.kind, note.fee.accruer.period_start,
                               tuple(fee_piece(p) for p in pieces), exact, to_cents(exact)))
    return fees
