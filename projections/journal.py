"""What the sweep did, kept as data so every figure can be explained (the contract §4, Explain)."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from projections.accrual import Bill
from projections.waterfall import Allocation


@dataclass(frozen=True)
class AdvanceRecord:
    version: int
    note: str
    effective_date: date
    amount: Decimal


@dataclass(frozen=True)
class PaymentRecord:
    version: int
    amount: Decimal
    effective_date: date
    value_date: date
    received_at: datetime | None
    note: str | None
    component: str | None
    allocations: tuple[Allocation, ...]
    unapplied: Decimal
    held_for_note: Decimal = Decimal(0)  # directed to a note without component, beyond its due items


@dataclass(frozen=True)
class CreditApplication:
    day: date
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True)
class FeeRecord:
    version: int
    note: str | None
    effective_date: date
    kind: str
    amount: Decimal
    basis: str


@dataclass(frozen=True)
class PremiumRecord:
    """round(rate/100 × base), base = principal (+ accrued interest at the default rate)."""

    version: int
    note: str
    effective_date: date
    rate: Decimal
    base_kind: str
    principal: Decimal
    interest: Decimal
    base: Decimal
    exact: Decimal
    amount: Decimal


@dataclass(frozen=True)
class DueRecord:
    """Principal that fell due (installment, maturity, acceleration) or was cancelled."""

    note: str
    day: date
    label: str
    amount: Decimal


@dataclass
class Journal:
    advances: list[AdvanceRecord] = field(default_factory=list)
    payments: list[PaymentRecord] = field(default_factory=list)
    credit: list[CreditApplication] = field(default_factory=list)
    fees: list[FeeRecord] = field(default_factory=list)
    premiums: list[PremiumRecord] = field(default_factory=list)
    bills: list[Bill] = field(default_factory=list)
    fee_bills: list[Any] = field(default_factory=list)  # projections.commitment_fees.FeeBill
    overdue_bills: list[Bill] = field(default_factory=list)  # interest on overdue amounts (projections.overdue)
    pik: list[Any] = field(default_factory=list)  # projections.pik.PikRecord: PIK parts capitalised
    principal_due: list[DueRecord] = field(default_factory=list)
    cancelled: list[DueRecord] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
