"""What a user asks the ledger to record: one validated model per event type (DESIGN §2).

These are the fields of each event without the common metadata. Input from the CLI and from
import files becomes one of these first; a validation error means nothing was recorded.
"""

from datetime import date, time
from decimal import Decimal

from pydantic import Field, field_validator, model_validator

from domain.values import (
    Amount,
    AwareDateTime,
    Code,
    Component,
    CurrencyCode,
    Day,
    DayCount,
    DefaultPremium,
    FeeKind,
    Frozen,
    Installment,
    Interest,
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

    def effective(self) -> date:
        return self.issue_date

    @model_validator(mode="after")
    def _schedule_fits(self) -> "IssueNote":
        _check_schedule(self.amortization, self.issue_date, self.maturity_date, self.face_amount)
        return self


class MakeAdvance(Fact):
    note: Code
    amount: Amount
    effective_date: Day


class ReceivePayment(Fact):
    amount: Amount
    effective_date: Day
    received_at: AwareDateTime | None = None
    note: Code | None = None
    component: Component | None = None

    @model_validator(mode="after")
    def _component_needs_note(self) -> "ReceivePayment":
        if self.component is not None and self.note is None:
            raise ValueError("a payment directed to a component must also name its note")
        if self.received_at is not None and self.received_at.date() < self.effective_date:
            raise ValueError("received_at is before the payment's effective_date")
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
    rate: Rate  # index rates may be negative (DESIGN §3 Revisions)
    effective_date: Day


class AssessFee(Fact):
    amount: Amount
    kind: FeeKind
    effective_date: Day
    note: Code | None = None
    basis: Text


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


class AccelerateObligations(Fact):
    effective_date: Day
    notes: tuple[Code, ...] | None = None


class RescindAcceleration(Fact):
    effective_date: Day


class ReverseEvent(Fact):
    target: WholeNumber = Field(ge=1)
    reason: Text

    def effective(self) -> None:
        return None


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

