"""The facility's events: immutable, flat, past tense (the contract §2). The permanent contract.

Stored topics are `domain.events:<Name>`: these names are permanent (docs/events.md). Each event
declares its own stored schema here, apart from the commands (`domain.facts`) that produce it:
storage types only (Decimal, date, datetime, str, int, closed enums, small frozen value models)
and no business rule, so that tightening a command's validation never makes an old stream
unreadable. The one constraint kept, amounts > 0, has held for every stored row since the first
release; a storage constraint may be loosened, never tightened.

A change of shape gets a `class_version` and an `upcast_vN_vN+1(state)` static method, the
library's convention, applied here on every decode path ("Changing an event's shape").
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Self
from uuid import UUID

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_serializer, model_validator

from domain import facts
from domain.values import Component, Convention, DayCount, FeeKind, NoteKind, PremiumBase, omit_unused_additions

StoredAmount = Annotated[Decimal, Field(gt=0)]
_FROM_STORAGE: dict[str, bool] = {"from_storage": True}  # the validation context of a stored state


class Stored(BaseModel):
    """A stored shape: frozen, and no key that the shape does not name.

    `added_fields` are optional fields added after rows were stored without them ("Changing an
    event's shape"): their default is None or False, and a state holding the default is stored
    without the key, so every row written before the field existed encodes back to its own bytes
    (and its chain hash) and a new row that does not use the field looks the same.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_enum_values=False, defer_build=True)
    added_fields: ClassVar[frozenset[str]] = frozenset()

    @model_serializer(mode="wrap")
    def _stored_shape(self, handler: Any) -> Any:
        state = omit_unused_additions(self, handler(self))
        if isinstance(state, dict):
            version = getattr(type(self), "class_version", 1)
            if version > 1:  # version 1 is stored without a marker (every event so far)
                state["class_version"] = version
        return state


# ---- value models inside events (their module and names are not stored) --------------------


class StoredInterest(Stored):
    added_fields: ClassVar[frozenset[str]] = frozenset({
        "index_floor", "spread_adjustment", "convention", "lookback_days", "observation_shift", "lockout_days",
        "fixing_lag_days", "interest_period_months"})

    rate: Decimal | None = None
    index: str | None = None
    margin: Decimal = Decimal("0")
    floor: Decimal | None = None
    cap: Decimal | None = None
    index_floor: Decimal | None = None  # added in the second edition (the contract §3 Revisions)
    spread_adjustment: Decimal | None = None  # idem
    convention: Convention | None = None  # added in the third edition (the contract §10); None: in force
    lookback_days: int | None = None  # idem
    observation_shift: bool = False  # idem
    lockout_days: int | None = None  # idem
    fixing_lag_days: int | None = None  # idem
    interest_period_months: int | None = None  # idem

    @property
    def period_based(self) -> bool:
        """Whether interest periods follow `interest_period_months` from the issue date (modified
        following) rather than the note's interest day: any convention but in force, or a period
        length given (docs/arithmetic.md, "Interest periods of SOFR-era notes")."""
        return (self.convention not in (None, Convention.IN_FORCE)) or self.interest_period_months is not None


class StoredInstallment(Stored):
    due_date: date
    amount: StoredAmount


class StoredFee(Stored):
    rate: Decimal
    day_count: DayCount = DayCount.ACT_360
    period_months: int = 3


class StoredAmendedTerms(Stored):
    added_fields: ClassVar[frozenset[str]] = frozenset({  # only the terms given are stored
        "rate", "margin", "floor", "cap", "index_floor", "spread_adjustment", "default_margin", "fee_rate",
        "overdue_margin", "pik_rate", "maturity_date", "amortization"})

    rate: Decimal | None = None
    margin: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    index_floor: Decimal | None = None
    spread_adjustment: Decimal | None = None
    default_margin: Decimal | None = None
    fee_rate: Decimal | None = None
    overdue_margin: Decimal | None = None
    pik_rate: Decimal | None = None
    maturity_date: date | None = None
    amortization: tuple[StoredInstallment, ...] | None = None

    def given(self) -> dict[str, Any]:
        """The terms it changes, by name."""
        return {name: getattr(self, name) for name in type(self).model_fields if getattr(self, name) is not None}


class StoredPremiumStep(Stored):
    until: date
    rate: Decimal


class StoredPremium(Stored):
    rate: Decimal
    base: PremiumBase = PremiumBase.PRINCIPAL_AND_INTEREST


class StoredFigures(Stored):
    principal: Decimal
    interest: Decimal
    fees: Decimal
    total: Decimal


# ---- the common part ------------------------------------------------------------------------


class StreamEvent:
    """How every stored stream event reads (facility events here, market data in domain.market):
    decoded through `from_stored`; its version and recorded time under their ledger names. A
    plain mixin (no fields), so the stored key order of each shape is its own."""

    originator_version: int
    timestamp: datetime

    @classmethod
    def from_stored(cls, state: bytes | str | dict[str, Any]) -> Self:
        """The event from its stored state (JSON, or a dict of JSON values), upcast to this version.

        Every reader of stored rows decodes through here: a state without a `class_version`
        was stored as version 1. A constructor call or a plain `model_validate` takes a state
        of the current version (new events are never upcast).
        """
        if isinstance(state, dict):
            return cls.model_validate(state, context=_FROM_STORAGE)  # type: ignore[attr-defined, no-any-return]
        return cls.model_validate_json(state, context=_FROM_STORAGE)  # type: ignore[attr-defined, no-any-return]

    @property
    def version(self) -> int:
        return self.originator_version

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp


class FacilityEvent(StreamEvent, Stored, CanMutateAggregate[UUID]):
    """Common to every event: who recorded it, from which document, with which external id."""

    class_version: ClassVar[int] = 1
    added_fields: ClassVar[frozenset[str]] = frozenset({"on_behalf_of"})

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    recorded_by: str
    source: str | None = None
    reference: str | None = None
    chain_hash: str = ""
    on_behalf_of: str | None = None  # who the recorder said it acted for (--actor); stored only when given


    @model_validator(mode="before")
    @classmethod
    def _upcast(cls, state: Any, info: ValidationInfo) -> Any:
        """Bring a stored state of an older class version up to this one, step by step."""
        if not isinstance(state, dict):
            return state
        stored = info.context is _FROM_STORAGE
        if "class_version" not in state and (cls.class_version == 1 or not stored):
            return state
        state = dict(state)
        version = state.pop("class_version", 1)
        if not isinstance(version, int) or not 1 <= version <= cls.class_version:
            raise ValueError(f"class_version {version!r} is not one of 1..{cls.class_version} of {cls.__name__}")
        while version < cls.class_version:
            getattr(cls, f"upcast_v{version}_v{version + 1}")(state)
            version += 1
        return state

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)

    def effective(self) -> date | None:
        """The date the event takes effect (None for a reversal), as its fact's `effective()`."""
        return getattr(self, "effective_date", None)

    def fact_fields(self) -> dict[str, Any]:
        """The fields of the fact alone, as JSON values (what import and export carry)."""
        fields = self.model_dump(mode="json", exclude=set(FacilityEvent.model_fields) | {"originator_topic"})
        fields.pop("class_version", None)
        return fields


# ---- each event's own fields, then the event (the field order is the stored key order) ------


class FacilityOpenedFields(Stored):
    code: str
    borrower: str
    lender: str
    agent: str | None = None
    agreement_date: date
    currency: str = "USD"
    timezone: str = "America/New_York"
    payment_cutoff: time = time(12, 0)
    calendar: str = "US"


class FacilityOpened(FacilityEvent, FacilityOpenedFields, CanInitAggregate[UUID]):
    originator_topic: str

    def mutate(self, aggregate: Any) -> Any:
        return CanInitAggregate.mutate(self, aggregate)

    def effective(self) -> date:
        return self.agreement_date


class NoteIssuedFields(Stored):
    note: str
    kind: NoteKind
    face_amount: StoredAmount
    issue_date: date
    maturity_date: date
    interest: StoredInterest
    day_count: DayCount = DayCount.ACT_360
    interest_day: int = 1
    amortization: tuple[StoredInstallment, ...] = ()
    default_margin: Decimal = Decimal("0")
    default_premium: StoredPremium | None = None
    grace_days: int = 0
    sublimit_of: str | None = None  # added in the second edition (the contract §3 Revisions)
    commitment: Decimal | None = None  # added with commitments and fees: None means the face amount
    unused_fee: StoredFee | None = None  # idem: on a revolving or minimum borrowing note
    ticking_fee: StoredFee | None = None  # idem: on a (delayed-draw) term note
    prepayment_premium: tuple[StoredPremiumStep, ...] | None = None  # idem: charged on principal paid off early
    overdue_margin: Decimal | None = None  # idem: overdue principal and interest accrue at the rate plus this
    pik_rate: Decimal | None = None  # idem: this part of the rate is capitalised, not billed


class NoteIssued(FacilityEvent, NoteIssuedFields):
    added_fields: ClassVar[frozenset[str]] = frozenset({
        "sublimit_of", "commitment", "unused_fee", "ticking_fee", "prepayment_premium", "overdue_margin", "pik_rate"})

    def prepayment_rate(self, day: date) -> Decimal | None:
        """The premium rate for principal prepaid on `day`: the first tier whose `until` is on or after it."""
        return next((step.rate for step in self.prepayment_premium or () if day <= step.until), None)

    @property
    def initial_commitment(self) -> Decimal:
        return self.face_amount if self.commitment is None else self.commitment

    @property
    def fee_terms(self) -> "tuple[str, StoredFee] | None":
        """The note's unused or ticking fee, with its kind, or None."""
        if self.unused_fee is not None:
            return "unused", self.unused_fee
        if self.ticking_fee is not None:
            return "ticking", self.ticking_fee
        return None

    def effective(self) -> date:
        return self.issue_date


class AdvanceMadeFields(Stored):
    note: str
    amount: StoredAmount
    effective_date: date
    protective: bool = False  # added in the second edition (the contract §3 Revisions)
    basis: str | None = None  # idem: why a protective advance was made


class AdvanceMade(FacilityEvent, AdvanceMadeFields):
    added_fields: ClassVar[frozenset[str]] = frozenset({"protective", "basis"})


class PaymentReceivedFields(Stored):
    amount: StoredAmount
    effective_date: date
    received_at: datetime | None = None
    note: str | None = None
    component: Component | None = None
    # Added in the second edition, for a payment to a note without a component: what its rest
    # does. `held_for_note` (the second edition) or `prepaid` (the first: the rest prepays the
    # note's principal). Absent on a row stored before: such a row is read as `prepaid`.
    rest: str | None = None
    payoff: bool = False  # added with payoff quotes: pays off every note on its value date


class PaymentReceived(FacilityEvent, PaymentReceivedFields):
    added_fields: ClassVar[frozenset[str]] = frozenset({"rest", "payoff"})

    @property
    def rest_rule(self) -> str | None:
        """For a payment to a note without a component, what the rest after the note's due items
        does: `held_for_note` or `prepaid` (a row from before the second edition); else None."""
        if self.note is None or self.component is not None:
            return None
        return self.rest or "prepaid"

    def fact_fields(self) -> dict[str, Any]:
        """As stored, and with a first-edition row's `rest` said (`prepaid`), so that an export
        imported elsewhere is read as it was read here."""
        fields = super().fact_fields()
        if self.rest_rule is not None:
            fields["rest"] = self.rest_rule
        return fields


class PaymentMissedFields(Stored):
    note: str
    due_date: date
    amount: StoredAmount
    component: Component


class PaymentMissed(FacilityEvent, PaymentMissedFields):
    def effective(self) -> date:
        return self.due_date


class IndexRateSetFields(Stored):
    index: str
    rate: Decimal
    effective_date: date


class IndexRateSet(FacilityEvent, IndexRateSetFields):
    pass


class FeeAssessedFields(Stored):
    amount: StoredAmount
    kind: FeeKind
    effective_date: date
    note: str | None = None
    basis: str
    lender: str | None = None  # added with syndication: the fee is that lender's alone


class FeeAssessed(FacilityEvent, FeeAssessedFields):
    added_fields: ClassVar[frozenset[str]] = frozenset({"lender"})


class EventOfDefaultDeclaredFields(Stored):
    effective_date: date
    clause: str
    description: str
    notes: tuple[str, ...] | None = None


class EventOfDefaultDeclared(FacilityEvent, EventOfDefaultDeclaredFields):
    pass


class DefaultWaivedFields(Stored):
    effective_date: date
    clause: str
    description: str


class DefaultWaived(FacilityEvent, DefaultWaivedFields):
    pass


class MaturityExtendedFields(Stored):
    note: str
    new_maturity_date: date
    effective_date: date
    amortization: tuple[StoredInstallment, ...] | None = None


class MaturityExtended(FacilityEvent, MaturityExtendedFields):
    pass


class DefaultNoticeIssuedFields(Stored):
    effective_date: date
    demand_deadline: datetime
    stated_past_due: StoredFigures
    clauses: tuple[str, ...] = ()
    delivery: str | None = None


class DefaultNoticeIssued(FacilityEvent, DefaultNoticeIssuedFields):
    pass


class DocumentIssuedFields(Stored):
    effective_date: date
    kind: str
    format: str
    known_at: datetime
    sha256: str
    size: int
    template_sha256: str | None = None
    file_name: str | None = None


class DocumentIssued(FacilityEvent, DocumentIssuedFields):
    """A rendered document that was sent: the SHA-256 of its bytes (docs/documents.md)."""


class ObligationsAcceleratedFields(Stored):
    effective_date: date
    notes: tuple[str, ...] | None = None


class ObligationsAccelerated(FacilityEvent, ObligationsAcceleratedFields):
    pass


class AccelerationRescindedFields(Stored):
    effective_date: date


class AccelerationRescinded(FacilityEvent, AccelerationRescindedFields):
    pass


class LenderPositionSetFields(Stored):
    note: str
    lender: str
    commitment: Decimal  # the lender's share of the note's commitment; 0 ends its position
    effective_date: date


class LenderPositionSet(FacilityEvent, LenderPositionSetFields):
    pass


class AssignmentSettledFields(Stored):
    note: str
    assignor: str
    assignee: str
    amount: StoredAmount
    trade_date: date
    settlement_date: date
    accrued: str = "to_seller"  # to_seller | to_buyer: who gets interest accrued before settlement


class AssignmentSettled(FacilityEvent, AssignmentSettledFields):
    def effective(self) -> date:
        return self.settlement_date


class DistributionPaidFields(Stored):
    lender: str
    amount: StoredAmount
    effective_date: date


class DistributionPaid(FacilityEvent, DistributionPaidFields):
    pass


class CommitmentChangedFields(Stored):
    note: str
    amount: Decimal  # the new commitment (may be 0); at most the note's face amount
    effective_date: date


class CommitmentChanged(FacilityEvent, CommitmentChangedFields):
    pass


class CommitmentTerminatedFields(Stored):
    effective_date: date
    note: str | None = None  # None: every note issued on or before the date


class CommitmentTerminated(FacilityEvent, CommitmentTerminatedFields):
    pass


class TermsAmendedFields(Stored):
    note: str
    effective_date: date
    terms: StoredAmendedTerms
    basis: str


class TermsAmended(FacilityEvent, TermsAmendedFields):
    """From its effective date, the terms given replace the note's (docs/arithmetic.md, "Amended terms")."""


class EventReversedFields(Stored):
    target: int
    reason: str


class EventReversed(FacilityEvent, EventReversedFields):
    pass


# ---- the catalogue, and which command records which event ----------------------------------

EVENT_TYPES: dict[str, type[FacilityEvent]] = {
    cls.__name__: cls
    for cls in (
        FacilityOpened,
        NoteIssued,
        AdvanceMade,
        PaymentReceived,
        PaymentMissed,
        IndexRateSet,
        FeeAssessed,
        EventOfDefaultDeclared,
        DefaultWaived,
        MaturityExtended,
        DefaultNoticeIssued,
        ObligationsAccelerated,
        AccelerationRescinded,
        EventReversed,
        LenderPositionSet,
        AssignmentSettled,
        DistributionPaid,
        DocumentIssued,
        CommitmentChanged,
        CommitmentTerminated,
        TermsAmended,
    )
}

EVENT_FOR: dict[type[facts.Fact], type[FacilityEvent]] = {
    facts.OpenFacility: FacilityOpened,
    facts.IssueNote: NoteIssued,
    facts.MakeAdvance: AdvanceMade,
    facts.ReceivePayment: PaymentReceived,
    facts.MissPayment: PaymentMissed,
    facts.SetIndexRate: IndexRateSet,
    facts.AssessFee: FeeAssessed,
    facts.DeclareDefault: EventOfDefaultDeclared,
    facts.WaiveDefault: DefaultWaived,
    facts.ExtendMaturity: MaturityExtended,
    facts.IssueDefaultNotice: DefaultNoticeIssued,
    facts.AccelerateObligations: ObligationsAccelerated,
    facts.RescindAcceleration: AccelerationRescinded,
    facts.ReverseEvent: EventReversed,
    facts.SetLenderPosition: LenderPositionSet,
    facts.SettleAssignment: AssignmentSettled,
    facts.PayDistribution: DistributionPaid,
    facts.IssueDocument: DocumentIssued,
    facts.ChangeCommitment: CommitmentChanged,
    facts.TerminateCommitment: CommitmentTerminated,
    facts.AmendTerms: TermsAmended,
}
"""The event each command (fact) records, when the facility's rules accept it."""

FACT_OF: dict[str, type[facts.Fact]] = {event.__name__: fact for fact, event in EVENT_FOR.items()}
"""The command that an event type's record in an import file is read as."""
