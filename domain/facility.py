"""The Facility aggregate: one credit arrangement, one event stream.

Decide, then record: each public command method checks the rules against the current state and
the dates it is given, then records one event through `_record`, which stamps the version, the
recorded time and the chain hash. `when` only changes state; it runs again on every replay, so
no rule lives there.
"""

import hashlib
import json
from collections.abc import MutableMapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Protocol
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import BaseAggregate
from eventsourcing.utils import get_topic

from domain import events as ev
from domain import facts
from domain.chain import chain_start, next_chain_hash
from domain.errors import ReferenceConflict, RuleViolation, UnknownNote
from domain import reversals as reversal_rules
from domain.values import NoteKind

FACILITY_NAMESPACE = uuid5(NAMESPACE_URL, "https://loanledger.invalid/facility")


def facility_id(code: str) -> UUID:
    """The same code always names the same stream."""
    return uuid5(FACILITY_NAMESPACE, code)


class PrincipalOf(Protocol):
    """What the ledger's engine knows: a note's principal at the end of a day (all facts so far)."""

    def __call__(self, note: str, day: date) -> Decimal: ...


@dataclass
class NoteState:
    code: str
    kind: NoteKind
    face_amount: Decimal
    issue_date: date
    maturity_date: date
    grace_days: int


@dataclass
class Default:
    version: int
    clause: str
    effective_date: date
    notes: tuple[str, ...] | None
    waived_on: date | None = None


@dataclass
class Recorded:
    """The outcome of a command: the event recorded, or the earlier one a reference matched.

    `event` is None only for a duplicate found by a compact aggregate (`forget_details`), which
    no longer holds the earlier event itself.
    """

    event: ev.FacilityEvent
    duplicate: bool = False


# The events the rules read again after they are recorded. Of every other event the aggregate
# needs only its kind (a reversal may not target an opening or a note issue), and of an advance
# its note, date and amount (`advances`, for the commitment), so a compact aggregate (a long
# import) keeps just those and one byte per version.
RULE_EVENTS: tuple[type[ev.FacilityEvent], ...] = (
    ev.FacilityOpened, ev.NoteIssued, ev.EventOfDefaultDeclared,
    ev.DefaultWaived, ev.MaturityExtended, ev.ObligationsAccelerated,
    ev.AccelerationRescinded, ev.EventReversed,
)
_KIND_NAMES = list(ev.EVENT_TYPES)
_KIND_INDEX = {name: i for i, name in enumerate(_KIND_NAMES)}


class Facility(BaseAggregate[UUID]):
    @staticmethod
    def create_id(code: str) -> UUID:
        return facility_id(code)

    # ---- creation -------------------------------------------------------------------------

    @classmethod
    def open(
        cls, fact: facts.OpenFacility, *, today: date, recorded_by: str,
        source: str | None = None, reference: str | None = None,
    ) -> "Facility":
        if fact.agreement_date > today:
            raise RuleViolation(f"agreement_date {fact.agreement_date} is after today ({today})")
        originator_id = facility_id(fact.code)
        draft = ev.FacilityOpened(
            originator_id=originator_id, originator_version=cls.INITIAL_VERSION,
            timestamp=ev.FacilityOpened.create_timestamp(), originator_topic=get_topic(cls),
            recorded_by=recorded_by, source=source, reference=reference, **fact.model_dump(),
        )
        opened = _chained(draft, chain_start(originator_id))
        facility = opened.mutate(None)
        facility.pending_events.append(opened)
        return facility

    def __init__(self) -> None:
        self.code = ""
        self.notes: dict[str, NoteState] = {}
        self.references: dict[str, tuple[int, bytes]] = {}
        self.reversals: dict[int, int] = {}
        self.chain_head = ""
        self.opened: ev.FacilityOpened | None = None
        self.history: dict[int, ev.FacilityEvent] = {}
        self.advances: dict[int, tuple[str, date, Decimal]] = {}  # version -> (note, effective date, amount)
        self.kinds = bytearray()  # kinds[version - 1]: index of the event's type in EVENT_TYPES
        self.keeps_history = True
        self.archive: MutableMapping[int, ev.FacilityEvent] | None = None

    def forget_details(self, references: MutableMapping[str, tuple[int, bytes]] | None = None,
                       archive: MutableMapping[int, ev.FacilityEvent] | None = None) -> None:
        """Keep only what the rules need (RULE_EVENTS, kinds, references): for long imports.

        The rules judge exactly as before; only `history` stops holding the other events.
        `references` may be another mapping (e.g. one kept on disk) to hold the references in.
        `archive` (e.g. kept on disk) receives the other events instead of forgetting them, for
        a facility whose commitment rule asks the engine for a principal (`all_events`).
        """
        self.keeps_history = False
        if archive is not None:
            archive.update((v, e) for v, e in self.history.items() if not isinstance(e, RULE_EVENTS))
        self.archive = archive
        self.history = {v: e for v, e in self.history.items() if isinstance(e, RULE_EVENTS)}
        if references is not None:
            references.update(self.references)
            self.references = references  # type: ignore[assignment]

    def all_events(self) -> list[ev.FacilityEvent]:
        """Every event of the stream so far, in version order: the history, plus the archive of a
        facility that keeps its other events aside (`forget_details`)."""
        if self.archive is None:
            return [self.history[v] for v in sorted(self.history)]
        merged = dict(self.archive.items())
        merged.update(self.history)
        return [merged[v] for v in sorted(merged)]

    # ---- commands -------------------------------------------------------------------------

    def record(
        self, fact: facts.Fact, *, today: date, recorded_by: str,
        source: str | None = None, reference: str | None = None,
        principal_of: PrincipalOf | None = None,
    ) -> Recorded:
        """Check `fact` against the rules and record it, or return the earlier identical record."""
        event_class = _EVENT_FOR[type(fact)]
        if reference is not None and reference in self.references:
            version, content = self.references[reference]
            if content != _content(event_class.__name__, fact.model_dump(mode="json")):
                raise ReferenceConflict(reference, version)
            return Recorded(self.history.get(version), duplicate=True)  # type: ignore[arg-type]
        check = getattr(self, "_check_" + type(fact).__name__, None)
        self._check_dates(fact, today)
        if check is not None:
            check(fact, today=today, principal_of=principal_of)
        return Recorded(self._record(event_class, fact, recorded_by, source, reference))

    def _record(
        self, event_class: type[ev.FacilityEvent], fact: facts.Fact,
        recorded_by: str, source: str | None, reference: str | None,
    ) -> ev.FacilityEvent:
        draft = event_class(
            originator_id=self.id, originator_version=self.version + 1,
            timestamp=event_class.create_timestamp(), recorded_by=recorded_by,
            source=source, reference=reference, **fact.model_dump(),
        )
        event = _chained(draft, self.chain_head)
        event.mutate(self)
        self.pending_events.append(event)
        return event

    # ---- rules ----------------------------------------------------------------------------

    def _check_dates(self, fact: facts.Fact, today: date) -> None:
        effective = fact.effective()
        if effective is None:
            return
        if effective > today:
            raise RuleViolation(f"effective date {effective} is after today ({today})")
        if not isinstance(fact, facts.SetIndexRate) and effective < self.agreement_date:
            raise RuleViolation(
                f"effective date {effective} is before the agreement date {self.agreement_date}"
            )

    def _check_IssueNote(self, fact: facts.IssueNote, **_: Any) -> None:
        if fact.note in self.notes:
            raise RuleViolation(f"note {fact.note!r} is already issued under {self.code}")

    def _check_MakeAdvance(
        self, fact: facts.MakeAdvance, principal_of: PrincipalOf | None, **_: Any
    ) -> None:
        note = self.note(fact.note)
        if fact.effective_date < note.issue_date:
            raise RuleViolation(f"advance on {fact.effective_date} is before note {note.code} was issued ({note.issue_date})")
        if fact.effective_date > note.maturity_date:
            raise RuleViolation(f"advance on {fact.effective_date} is after note {note.code} matured ({note.maturity_date})")
        if note.kind in (NoteKind.REVOLVING, NoteKind.MINIMUM_BORROWING) and principal_of is not None:
            # A revolver's principal on a day is at most what was advanced by then (payments only
            # reduce it), so the engine is asked only when that bound leaves too little room.
            drawn = self._advanced(note.code, through=fact.effective_date)
            if fact.amount > note.face_amount - drawn:
                drawn = principal_of(note.code, fact.effective_date)
        else:
            drawn = self._advanced(note.code)
        room = note.face_amount - drawn
        if fact.amount > room:
            raise RuleViolation(
                f"advance of {fact.amount} on note {note.code} exceeds its commitment: "
                f"{room} of {note.face_amount} is available"
            )

    def _check_ReceivePayment(self, fact: facts.ReceivePayment, **_: Any) -> None:
        if fact.note is not None:
            self.note(fact.note)

    def _check_MissPayment(self, fact: facts.MissPayment, today: date, **_: Any) -> None:
        note = self.note(fact.note)
        if (today - fact.due_date).days <= note.grace_days:
            raise RuleViolation(
                f"payment due {fact.due_date} on note {note.code} is still within its "
                f"{note.grace_days}-day grace period on {today}"
            )

    def _check_AssessFee(self, fact: facts.AssessFee, **_: Any) -> None:
        if fact.note is not None:
            self.note(fact.note)

    def _check_DeclareDefault(self, fact: facts.DeclareDefault, **_: Any) -> None:
        for code in fact.notes or ():
            self.note(code)

    def _check_WaiveDefault(self, fact: facts.WaiveDefault, **_: Any) -> None:
        if not any(
            d.clause == fact.clause and d.effective_date <= fact.effective_date and d.waived_on is None
            for d in self._defaults()
        ):
            raise RuleViolation(
                f"no event of default under {fact.clause!r} is open on {fact.effective_date} to waive"
            )

    def _check_ExtendMaturity(self, fact: facts.ExtendMaturity, **_: Any) -> None:
        note = self.note(fact.note)
        if fact.effective_date < note.issue_date:
            raise RuleViolation(f"extension on {fact.effective_date} is before note {note.code} was issued")
        for item in fact.amortization or ():
            if item.due_date > fact.new_maturity_date:
                raise RuleViolation(f"installment due {item.due_date} falls after the new maturity")

    def _check_IssueDefaultNotice(self, fact: facts.IssueDefaultNotice, **_: Any) -> None:
        return None

    def _check_AccelerateObligations(self, fact: facts.AccelerateObligations, **_: Any) -> None:
        codes = fact.notes if fact.notes is not None else tuple(self.notes)
        for code in codes:
            self.note(code)
            if not self._in_default(code, fact.effective_date):
                raise RuleViolation(
                    f"cannot accelerate note {code}: no event of default is in force on "
                    f"{fact.effective_date} (record one with 'loanledger record default')"
                )

    def _check_RescindAcceleration(self, fact: facts.RescindAcceleration, **_: Any) -> None:
        if not self._accelerated_on(fact.effective_date):
            raise RuleViolation(f"nothing is accelerated on {fact.effective_date} to rescind")

    def _check_ReverseEvent(self, fact: facts.ReverseEvent, **_: Any) -> None:
        target = fact.target
        if not 1 <= target <= len(self.kinds):
            raise RuleViolation(f"{self.code} has no version {target} to reverse (last is {self.version})")
        kind = self.kind_of(target)
        if kind in ("FacilityOpened", "NoteIssued"):
            raise RuleViolation(
                f"version {target} is a {kind}, which cannot be reversed: "
                "open or issue a corrected one under a new code"
            )
        cancelled = self.cancelled()
        if target in cancelled:
            raise RuleViolation(f"version {target} is already reversed (by version {cancelled[target]})")

    # ---- queries used by the rules --------------------------------------------------------

    @property
    def agreement_date(self) -> date:
        assert self.opened is not None
        return self.opened.agreement_date

    def note(self, code: str) -> NoteState:
        try:
            return self.notes[code]
        except KeyError:
            raise UnknownNote(self.code, code) from None

    def kind_of(self, version: int) -> str:
        return _KIND_NAMES[self.kinds[version - 1]]

    def cancelled(self) -> dict[int, int]:
        """Versions whose effect is cancelled, each with the reversal in force that cancels it."""
        return reversal_rules.cancelled(self.reversals)

    def live(self, *types: type[ev.FacilityEvent]) -> list[Any]:
        cancelled = self.cancelled()
        return [
            e for v, e in sorted(self.history.items())
            if v not in cancelled and isinstance(e, types)
        ]

    def _defaults(self) -> list[Default]:
        defaults: list[Default] = []
        for e in self.live(ev.EventOfDefaultDeclared, ev.DefaultWaived):
            if isinstance(e, ev.EventOfDefaultDeclared):
                defaults.append(Default(e.version, e.clause, e.effective_date, e.notes))
                continue
            for d in defaults:
                if d.clause == e.clause and d.effective_date <= e.effective_date and d.waived_on is None:
                    d.waived_on = e.effective_date
        return defaults

    def _in_default(self, note: str, day: date) -> bool:
        return any(
            d.effective_date <= day
            and (d.waived_on is None or d.waived_on > day)
            and (d.notes is None or note in d.notes)
            for d in self._defaults()
        )

    def _accelerated_on(self, day: date) -> bool:
        state = False
        for e in sorted(
            self.live(ev.ObligationsAccelerated, ev.AccelerationRescinded),
            key=lambda e: (e.effective_date, e.version),
        ):
            if e.effective_date <= day:
                state = isinstance(e, ev.ObligationsAccelerated)
        return state

    def _advanced(self, note: str, through: date | None = None) -> Decimal:
        cancelled = self.cancelled()
        return sum((
            amount for version, (code, day, amount) in self.advances.items()
            if version not in cancelled and code == note and (through is None or day <= through)
        ), Decimal("0"))

    # ---- state changes (run on every replay) ---------------------------------------------

    def when(self, event: ev.FacilityEvent) -> None:
        self.kinds.append(_KIND_INDEX[type(event).__name__])
        if isinstance(event, ev.AdvanceMade):
            self.advances[event.version] = (event.note, event.effective_date, event.amount)
        if self.keeps_history or isinstance(event, RULE_EVENTS):
            self.history[event.version] = event
        elif self.archive is not None:
            self.archive[event.version] = event
        self.chain_head = event.chain_hash
        if event.reference is not None:
            self.references[event.reference] = (
                event.version, _content(type(event).__name__, event.fact_fields())
            )
        if isinstance(event, ev.FacilityOpened):
            self.code = event.code
            self.opened = event
        elif isinstance(event, ev.NoteIssued):
            self.notes[event.note] = NoteState(
                event.note, event.kind, event.face_amount, event.issue_date,
                event.maturity_date, event.grace_days,
            )
        elif isinstance(event, ev.MaturityExtended):
            self.notes[event.note].maturity_date = event.new_maturity_date
        elif isinstance(event, ev.EventReversed):
            self.reversals[event.version] = event.target


_EVENT_FOR: dict[type[facts.Fact], type[ev.FacilityEvent]] = ev.EVENT_FOR  # explicit, in domain.events


def _content(event_type: str, fields: dict[str, Any]) -> bytes:
    """What 'identical content' means for a repeated reference: the type and the fact's fields.

    Kept as a digest of their canonical JSON (equal exactly when the fields are), so a facility
    with many references stays small.
    """
    canonical = json.dumps({"type": event_type, **fields}, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(canonical.encode("utf-8"), digest_size=16).digest()


def _chained(draft: ev.FacilityEvent, previous: str) -> Any:
    stored = draft.model_dump(mode="json")
    return draft.model_copy(
        update={"chain_hash": next_chain_hash(previous, type(draft).__name__, stored)}
    )
