"""What a user asks the ledger to record: one validated model per event type (the contract §2).

These are the fields of each event without the common metadata. Input from the CLI and from
import files becomes one of these first; a validation error means nothing was recorded.
"""

from datetime import date, time
from decimal import Decimal
from typing import Any, ClassVar, Literal

from pydantic import Field, StrictBool, field_validator, model_validator

from domain.values import (
    AmendedTerms,
    Convention,
    Amount,
    AmountOrZero,
    AwareDateTime,
    Code,
    Component,
    CurrencyCode,
    Day,
    DayCount,
    DefaultPremium,
    FeeKind,
    FeeTerms,
    Frozen,
    Installment,
    Interest,
    PremiumStep,
    NonNegativeRate,
    NoteKind,
    Rate,
    ShortText,
    StatedFigures,
    Text,
    TimeZoneName,
    WholeNumber,
)


class Fact(Frozen):
    """Base of every fact; `effective` names the date the rules check against today."""

    def effective(self) -> date | None:
        return getattr(self, "effective_date", None)


class OpenFacility(Fact):
    code: Code
    borrower: ShortText
    lender: ShortText
    agent: ShortText | None = None
    agreement_date: Day
    currency: CurrencyCode = "USD"
    timezone: TimeZoneName = "America/New_York"
    payment_cutoff: time = time(12, 0)
    calendar: str = Field(default="US-FED", pattern=r"^(US-GOVT|[A-Z]{2}(-[A-Z0-9]{1,3})?)$")

    def effective(self) -> date:
        return self.agreement_date


class IssueNote(Fact):
    note: Code
    kind: NoteKind
    face_amount: Amount
    issue_date: Day
    maturity_date: Day
    interest: Interest
    day_count: DayCount = DayCount.ACT_360
    interest_day: WholeNumber = Field(default=1, ge=1, le=31)
    amortization: tuple[Installment, ...] = ()
    default_margin: NonNegativeRate = Decimal("0")
    default_premium: DefaultPremium | None = None
    grace_days: WholeNumber = Field(default=0, ge=0, le=366)
    sublimit_of: Code | None = None  # the note whose commitment this one is drawn under
    commitment: AmountOrZero | None = None  # what the lenders are bound to lend (default: the face amount)
    unused_fee: FeeTerms | None = None  # on the undrawn commitment of a revolving or minimum borrowing note
    ticking_fee: FeeTerms | None = None  # on the undrawn commitment of a (delayed-draw) term note
    prepayment_premium: tuple[PremiumStep, ...] | None = None  # % of principal paid off early, by date
    overdue_margin: NonNegativeRate | None = None  # overdue principal and interest: the rate plus this, % p.a.
    pik_rate: NonNegativeRate | None = None  # the part of the rate capitalised into principal, % p.a.

    added_fields: ClassVar[frozenset[str]] = frozenset({
        "sublimit_of", "commitment", "unused_fee", "ticking_fee", "prepayment_premium", "overdue_margin", "pik_rate"})

    def effective(self) -> date:
        return self.issue_date

    @model_validator(mode="after")
    def _schedule_fits(self) -> "IssueNote":
        _check_schedule(self.amortization, self.issue_date, self.maturity_date, self.face_amount)
        if self.sublimit_of == self.note:
            raise ValueError("a note cannot be a sublimit of itself")
        _check_commitment_terms(self)
        daily = (Convention.DAILY_SIMPLE, Convention.COMPOUNDED_IN_ARREARS)
        if self.interest.convention in daily and self.day_count is not DayCount.ACT_360:
            raise ValueError(f"day_count: the {self.interest.convention.value} convention counts actual days "
                             f"over 360 (ACT/360), not {self.day_count.value}")
        return self


class MakeAdvance(Fact):
    note: Code
    amount: Amount
    effective_date: Day
    protective: StrictBool = False  # made while accelerated or in default, to protect the collateral
    basis: Text | None = None  # why: required for a protective advance

    added_fields: ClassVar[frozenset[str]] = frozenset({"protective", "basis"})

    @model_validator(mode="after")
    def _protective_has_basis(self) -> "MakeAdvance":
        if self.protective and self.basis is None:
            raise ValueError("a protective advance needs a basis (why it was made)")
        if self.basis is not None and not self.protective:
            raise ValueError("a basis is given only for a protective advance")
        return self


class ReceivePayment(Fact):
    amount: Amount
    effective_date: Day
    received_at: AwareDateTime | None = None
    note: Code | None = None
    component: Component | None = None
    # To a note without a component: what the rest after that note's due items does. The ledger
    # sets `held_for_note` (the contract §3 Revisions); `prepaid` is the first edition's reading, which
    # an export of a payment recorded then carries (docs/arithmetic.md, "Directed payments").
    rest: Literal["held_for_note", "prepaid"] | None = None
    payoff: StrictBool = False  # pays off every note: all principal, interest and fees to its value date

    added_fields: ClassVar[frozenset[str]] = frozenset({"rest", "payoff"})

    @model_validator(mode="before")
    @classmethod
    def _rest_held_for_the_note(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("note") is not None and data.get("component") is None \
                and data.get("rest") is None:
            return {**data, "rest": "held_for_note"}
        return data

    @model_validator(mode="after")
    def _component_needs_note(self) -> "ReceivePayment":
        if self.rest is not None and (self.note is None or self.component is not None):
            raise ValueError("rest applies only to a payment to a note without a component")
        if self.component not in (None, Component.FEES) and self.note is None:
            raise ValueError("a payment directed to interest or principal must also name its note "
                             "(component fees without a note pays facility fees)")
        if self.received_at is not None and self.received_at.date() < self.effective_date:
            raise ValueError("received_at is before the payment's effective_date")
        if self.payoff and (self.note is not None or self.component is not None):
            raise ValueError("a payoff pays off every note: it takes neither note nor component")
        return self


class MissPayment(Fact):
    note: Code
    due_date: Day
    amount: Amount
    component: Component

    def effective(self) -> date:
        return self.due_date


class SetIndexRate(Fact):
    index: Code
    rate: Rate  # index rates may be negative (the contract §3 Revisions)
    effective_date: Day


class AssessFee(Fact):
    amount: Amount
    kind: FeeKind
    effective_date: Day
    note: Code | None = None
    basis: Text
    lender: ShortText | None = None  # the fee is that lender's alone (else shared by commitment)

    added_fields: ClassVar[frozenset[str]] = frozenset({"lender"})


class DeclareDefault(Fact):
    effective_date: Day
    clause: ShortText
    description: Text
    notes: tuple[Code, ...] | None = None


class WaiveDefault(Fact):
    effective_date: Day
    clause: ShortText
    description: Text


class ExtendMaturity(Fact):
    note: Code
    new_maturity_date: Day
    effective_date: Day
    amortization: tuple[Installment, ...] | None = None

    @model_validator(mode="after")
    def _after_effective(self) -> "ExtendMaturity":
        if self.new_maturity_date <= self.effective_date:
            raise ValueError("new_maturity_date must be after the extension's effective_date")
        return self


class IssueDefaultNotice(Fact):
    effective_date: Day
    demand_deadline: AwareDateTime
    stated_past_due: StatedFigures
    clauses: tuple[ShortText, ...] = ()
    delivery: Text | None = None

    @field_validator("demand_deadline")
    @classmethod
    def _deadline_not_before_notice(cls, value, info):  # type: ignore[no-untyped-def]
        notice = info.data.get("effective_date")
        if notice is not None and value.date() < notice:
            raise ValueError("demand_deadline is before the notice date")
        return value


DOCUMENT_KINDS = ("default", "billing", "rate-set", "payoff", "payoff-quote", "statement")
DOCUMENT_FORMATS = ("html", "pdf", "md")


class IssueDocument(Fact):
    """A document rendered from the ledger and sent (docs/documents.md): what it was about (kind,
    as-of date, the instant its figures were known at) and the SHA-256 of the exact bytes sent."""

    effective_date: Day
    kind: Literal["default", "billing", "rate-set", "payoff", "payoff-quote", "statement"]
    format: Literal["html", "pdf", "md"]
    known_at: AwareDateTime
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    size: WholeNumber = Field(ge=1)
    template_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    file_name: ShortText | None = None


class AccelerateObligations(Fact):
    effective_date: Day
    notes: tuple[Code, ...] | None = None


class RescindAcceleration(Fact):
    effective_date: Day


class SetLenderPosition(Fact):
    """A lender's share of a note's commitment from a date (0 ends it); shares add up to the
    note's face amount before anything is split (the contract §12)."""

    note: Code
    lender: ShortText
    commitment: AmountOrZero
    effective_date: Day


class SettleAssignment(Fact):
    """Part of a lender's share moved to another lender, traded on one date and settled on a
    business day on or after it."""

    note: Code
    assignor: ShortText
    assignee: ShortText
    amount: Amount
    trade_date: Day
    settlement_date: Day
    accrued: Literal["to_seller", "to_buyer"] = "to_seller"

    def effective(self) -> date:
        return self.settlement_date

    @model_validator(mode="after")
    def _dates_and_parties(self) -> "SettleAssignment":
        if self.settlement_date < self.trade_date:
            raise ValueError("settlement_date is before trade_date")
        if self.assignor == self.assignee:
            raise ValueError("assignor and assignee are the same lender")
        return self


class PayDistribution(Fact):
    """What the agent wired to a lender."""

    lender: ShortText
    amount: Amount
    effective_date: Day


class ChangeCommitment(Fact):
    """A note's commitment from a date (an increase up to its face amount, a reduction, or 0)."""

    note: Code
    amount: AmountOrZero
    effective_date: Day


class TerminateCommitment(Fact):
    """The lenders' commitment under a note (or, without a note, under every note issued on or
    before the date) ends from a date."""

    effective_date: Day
    note: Code | None = None


class AmendTerms(Fact):
    """A note's terms changed from a date by an amendment (the document in `basis`)."""

    note: Code
    effective_date: Day
    terms: AmendedTerms
    basis: Text

    @model_validator(mode="after")
    def _maturity_after(self) -> "AmendTerms":
        maturity = self.terms.maturity_date
        if maturity is not None and maturity <= self.effective_date:
            raise ValueError("terms.maturity_date must be after the amendment's effective_date")
        dates = [i.due_date for i in self.terms.amortization or ()]
        if dates != sorted(set(dates)):
            raise ValueError("terms.amortization due dates must be distinct and in order")
        if any(d <= self.effective_date for d in dates):
            raise ValueError("terms.amortization: every installment must fall after the effective_date")
        return self


class ReverseEvent(Fact):
    target: WholeNumber = Field(ge=1)
    reason: Text

    def effective(self) -> None:
        return None


def _check_commitment_terms(note: IssueNote) -> None:
    """A commitment is at most the face amount; an unused fee is a revolving (or minimum
    borrowing) note's, a ticking fee a term (or other) note's; a sublimit's undrawn amount is
    its parent's, so it carries no fee of its own."""
    if note.commitment is not None and note.commitment > note.face_amount:
        raise ValueError(f"commitment {note.commitment} is more than the face amount {note.face_amount}")
    revolving = note.kind in (NoteKind.REVOLVING, NoteKind.MINIMUM_BORROWING)
    if note.unused_fee is not None and not revolving:
        raise ValueError("unused_fee applies to a revolving or minimum_borrowing note (a term note has ticking_fee)")
    if note.ticking_fee is not None and revolving:
        raise ValueError("ticking_fee applies to a term or other note (a revolving note has unused_fee)")
    if note.sublimit_of is not None and (note.unused_fee or note.ticking_fee):
        raise ValueError("a sublimit note carries no fee of its own: its undrawn amount is its parent's")
    if note.overdue_margin is not None and note.interest.convention not in (None, Convention.IN_FORCE):
        raise ValueError("overdue_margin is not available on a SOFR-era convention note yet")
    if note.pik_rate is not None and (revolving or note.interest.convention not in (None, Convention.IN_FORCE)):
        raise ValueError("pik_rate applies to a term or other note on a fixed rate or an index in force "
                         "(capitalised interest on a revolver would use its commitment)")
    if note.pik_rate is not None and note.interest.rate is not None and note.pik_rate > note.interest.rate:
        raise ValueError(f"pik_rate {note.pik_rate} is more than the note's rate {note.interest.rate}: "
                         "the PIK part is a part of the rate")
    tiers = [step.until for step in note.prepayment_premium or ()]
    if tiers != sorted(set(tiers)):
        raise ValueError("prepayment_premium tiers must have distinct 'until' dates, in order")


def _check_schedule(
    schedule: tuple[Installment, ...], start: date, maturity: date, face: Decimal
) -> None:
    if maturity <= start:
        raise ValueError("maturity_date must be after the issue date")
    dates = [i.due_date for i in schedule]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError("amortization due dates must be distinct and in order")
    if any(d <= start or d > maturity for d in dates):
        raise ValueError("every amortization due date must fall after issue and by maturity")
    if sum((i.amount for i in schedule), Decimal(0)) > face:
        raise ValueError("amortization installments add up to more than the face amount")

