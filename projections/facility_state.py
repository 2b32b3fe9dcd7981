"""The per-note state the sweep carries from day to day, and the facility's fixed terms."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.events import DefaultWaived, EventOfDefaultDeclared, NoteIssued
from domain.money import ZERO

from projections.accrual import Accruer
from projections.waterfall import Item


@dataclass
class Scheduled:
    due_date: date
    amount: Decimal


@dataclass
class NoteState:
    terms: NoteIssued
    rank: int
    explain: bool = True  # keep each bill's sub-intervals (Sweep's explain)
    principal: Decimal = ZERO
    next_end: date | None = None
    maturity: date | None = None
    matured: bool = False
    maturity_item: Item | None = None
    installments: list[Scheduled] = field(default_factory=list)
    next_installment: int = 0
    accelerated_on: date | None = None
    acceleration_items: list[Item] = field(default_factory=list)  # what fell due only by acceleration
    credit: Decimal = ZERO  # a payment directed to this note beyond its due items
    accruer: Accruer | None = None
    rate_kept: tuple | None = None  # (from, until, accelerated, rate): Sweep.rate's last answer
    convention: Any = None  # projections.conventions.ConventionCalculator of a SOFR-era note
    advanced: Decimal = ZERO  # every advance so far (what a term note has drawn)
    commitment_steps: list[Any] = field(default_factory=list)  # domain.commitments.CommitmentStep
    fee: Any = None  # projections.commitment_fees.FeeState of a note with an unused or ticking fee
    overdue: Any = None  # projections.overdue.OverdueState of a note with an overdue margin
    pik: Any = None  # projections.pik.PikState of a note with a PIK rate
    amendments: list[Any] = field(default_factory=list)  # its TermsAmended, in (effective date, version) order

    def __post_init__(self) -> None:
        self.maturity = self.terms.maturity_date
        self.installments = [Scheduled(i.due_date, i.amount) for i in self.terms.amortization]
        self.accruer = Accruer(self.terms.note, self.terms.day_count, keep_pieces=self.explain)

    @property
    def code(self) -> str:
        return self.terms.note

    @property
    def accelerated(self) -> bool:
        return self.accelerated_on is not None


@dataclass(frozen=True)
class DefaultPeriod:
    """[start, end) during which `notes` (None = all) are in default under `clause`."""

    clause: str
    start: date
    end: date | None
    notes: tuple[str, ...] | None

    def covers(self, note: str, day: date) -> bool:
        in_time = self.start <= day and (self.end is None or day < self.end)
        return in_time and (self.notes is None or note in self.notes)


def default_periods(
    declared: list[EventOfDefaultDeclared], waived: list[DefaultWaived]
) -> list[DefaultPeriod]:
    """Each declaration runs to the first waiver of the same clause after it in (effective date,
    recorded order): a waiver and a re-declaration on one day apply in the order recorded, as the
    domain's rules read them (domain.facility.Facility._defaults)."""
    periods = []
    for d in declared:
        ends = [w.effective_date for w in waived
                if w.clause == d.clause and (w.effective_date, w.version) > (d.effective_date, d.version)]
        periods.append(DefaultPeriod(d.clause, d.effective_date, min(ends, default=None), d.notes))
    return periods
