"""The facility's events: immutable, flat, past tense (DESIGN §2).

Each event is a fact (domain.facts) plus the common metadata. Stored topics are
`domain.events:<Name>`: these names are permanent (docs/events.md).
"""

from datetime import datetime
from typing import Any
from uuid import UUID

from eventsourcing.domain import CanInitAggregate, CanMutateAggregate
from pydantic import Field

from domain import facts
from domain.values import Frozen, Text


class FacilityEvent(Frozen, CanMutateAggregate[UUID]):
    """Common to every event: who recorded it, from which document, with which external id."""

    originator_id: UUID
    originator_version: int
    timestamp: datetime
    recorded_by: str = Field(min_length=1, max_length=200)
    source: Text | None = None
    reference: str | None = Field(default=None, min_length=1, max_length=200)
    chain_hash: str = ""

    @property
    def version(self) -> int:
        return self.originator_version

    @property
    def recorded_at(self) -> datetime:
        return self.timestamp

    def apply(self, aggregate: Any) -> None:
        aggregate.when(self)

    def fact_fields(self) -> dict[str, Any]:
        """The fields of the fact alone, as JSON values (what import and export carry)."""
        return self.model_dump(mode="json", exclude=set(FacilityEvent.model_fields) | {"originator_topic"})


class FacilityOpened(FacilityEvent, facts.OpenFacility, CanInitAggregate[UUID]):
    originator_topic: str

    def mutate(self, aggregate: Any) -> Any:
        return CanInitAggregate.mutate(self, aggregate)


class NoteIssued(FacilityEvent, facts.IssueNote):
    pass


class AdvanceMade(FacilityEvent, facts.MakeAdvance):
    pass


class PaymentReceived(FacilityEvent, facts.ReceivePayment):
    pass


class PaymentMissed(FacilityEvent, facts.MissPayment):
    pass


class IndexRateSet(FacilityEvent, facts.SetIndexRate):
    pass


class FeeAssessed(FacilityEvent, facts.AssessFee):
    pass


class EventOfDefaultDeclared(FacilityEvent, facts.DeclareDefault):
    pass


class DefaultWaived(FacilityEvent, facts.WaiveDefault):
    pass


class MaturityExtended(FacilityEvent, facts.ExtendMaturity):
    pass


class DefaultNoticeIssued(FacilityEvent, facts.IssueDefaultNotice):
    pass


class ObligationsAccelerated(FacilityEvent, facts.AccelerateObligations):
    pass


class AccelerationRescinded(FacilityEvent, facts.RescindAcceleration):
    pass


class EventReversed(FacilityEvent, facts.ReverseEvent):
    pass


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
    )
}

FACT_OF: dict[str, type[facts.Fact]] = {
    name: next(b for b in cls.__mro__ if b.__module__ == facts.__name__ and b is not facts.Fact)
    for name, cls in EVENT_TYPES.items()
}
