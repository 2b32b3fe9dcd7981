"""The Facility aggregate: one credit arrangement, one event stream.

Decide, then record: each public command method (`issue_note`, `make_advance`, ...) checks the
rules against the current state and the dates it is given, then records one event through
`_record`, which stamps the version, the recorded time and the chain hash. `when` only changes
state; it runs again on every replay, so no rule lives there.

The aggregate keeps the state its rules read and nothing else: no events. Whoever needs the
events themselves (the engine asked for a revolver's principal, a long import, `facility show`)
reads them from the store or keeps them aside (cli.application).

Generic input (an import file's records) is decided through `COMMANDS`, an explicit table from
fact type to command method; a recordable fact without a command is an error when this module
is imported.
"""

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, NotRequired, Protocol, TypedDict, Unpack
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import BaseAggregate
from eventsourcing.utils import get_topic

from domain import events as ev
from domain import facts
from domain.chain import chain_start, chained, content_digest
from domain.calendars import calendar_for
from domain.commitments import CommitmentOn, CommitmentStep, commitment_on
from domain.errors import ReferenceConflict, RuleViolation, UnknownNote
from domain.minor_units import check_minor_units
from domain import reversals as reversal_rules
from domain.values import Convention, NoteKind

FACILITY_NAMESPACE = uuid5(NAMESPACE_URL, "https://loanledger.invalid/facility")


def facility_id(code: str) -> UUID:
    """The same code always names the same stream."""
    return uuid5(FACILITY_NAMESPACE, code)


class PrincipalOf(Protocol):
    """What the ledger's engine knows: a note's principal at the end of a day (all facts so far)."""

    def __call__(self, note: str, day: date) -> Decimal: ...


class Stamp(TypedDict):
    """What every command is given besides its fact: the facility's today and who records it."""

    today: date
    recorded_by: str
    source: NotRequired[str | None]
    reference: NotRequired[str | None]
    on_behalf_of: NotRequired[str | None]


@dataclass
class NoteState:
    code: str
    kind: NoteKind
    face_amount: Decimal
    issue_date: date
    maturity_date: date
    grace_days: int
    sublimit_of: str | None = None
    commitment: Decimal = Decimal("0")  # at issue (the face amount unless given)
    on_index: bool = False
    fee_kind: str | None = None  # unused | ticking
    sofr_convention: bool = False  # its interest follows a SOFR-era convention (not "in force")
    overdue: bool = False  # it has an overdue margin
    pik: bool = False  # it has a PIK rate
    commitment_steps: list[CommitmentStep] = field(default_factory=list)
    # the all-in floor and cap as issued (version 0) and as each amendment gives them: (date, version, floor, cap)
    bounds: list[tuple[date, int, Decimal | None, Decimal | None]] = field(default_factory=list)


@dataclass
class Default:
    """A declaration in force, with the date of the waiver that ends it (the first waiver of its
    clause after it in (date, recorded order): a waiver and a re-declaration on one day apply in
    the order recorded)."""

    version: int
    clause: str
    effective_date: date
    notes: tuple[str, ...] | None
    waived_on: date | None = None

    def open_on(self, day: date) -> bool:
        return self.effective_date <= day and (self.waived_on is None or self.waived_on > day)

    def covers(self, note: str, day: date) -> bool:
        return self.open_on(day) and (self.notes is None or note in self.notes)


@dataclass
class Recorded:
    """The outcome of a command: the event recorded, or the version a repeated reference matched.

    A repeat carries only the version (`event` None): the aggregate keeps no events, so the
    application reads the earlier one from the store if it wants to show it.
    """

    event: ev.FacilityEvent | None
    duplicate: bool = False
    version: int = 0

    def __post_init__(self) -> None:
        if self.event is not None:
            self.version = self.event.version


# Versions a reversal may not target, by the kind of their event.
UNREVERSIBLE = (ev.FacilityOpened, ev.NoteIssued)


class Facility(BaseAggregate[UUID]):
    @staticmethod
    def create_id(code: str) -> UUID:
        return facility_id(code)

    # ---- creation -------------------------------------------------------------------------

    @classmethod
    def open(
        cls, fact: facts.OpenFacility, *, today: date, recorded_by: str,
        source: str | None = None, reference: str | None = None, on_behalf_of: str | None = None,
    ) -> "Facility":
        if fact.agreement_date > today:
            raise RuleViolation(f"agreement_date {fact.agreement_date} is after today ({today})")
        originator_id = facility_id(fact.code)
        draft = ev.FacilityOpened(
            originator_id=originator_id, originator_version=cls.INITIAL_VERSION,
            timestamp=ev.FacilityOpened.create_timestamp(), originator_topic=get_topic(cls),
            recorded_by=recorded_by, source=source, reference=reference, on_behalf_of=on_behalf_of,
            **fact.model_dump(),
        )
        opened = chained(draft, chain_start(originator_id))
        facility = opened.mutate(None)
        facility.pending_events.append(opened)
        return facility

    def __init__(self) -> None:
        self.code = ""
        self.agreement_date = date.min
        self.timezone = ""  # the facility's dates are days in this zone: the caller's "today" too
        self.currency = ""
        self.notes: dict[str, NoteState] = {}
        # reference -> (version, content digest). Any mapping will do: a long import keeps it on disk.
        self.references: MutableMapping[str, tuple[int, bytes]] = {}
        self.reversals: dict[int, int] = {}  # reversal version -> target version
        self.unreversible: dict[int, str] = {}  # version -> kind, for openings and note issues
        self.advances: dict[int, tuple[str, date, Decimal]] = {}  # version -> (note, effective date, amount)
        self.protective_advances: set[int] = set()  # versions of advances recorded as protective
        self.defaults: dict[int, tuple[str, date, tuple[str, ...] | None]] = {}  # version -> (clause, date, notes)
        self.waivers: dict[int, tuple[str, date]] = {}  # version -> (clause, date)
        # version -> (accelerated?, date, notes named or None); False: rescinded (every note)
        self.accelerations: dict[int, tuple[bool, date, tuple[str, ...] | None]] = {}
        self.chain_head = ""
        self.calendar = "US-FED"
        # lender positions: (effective date, version, note, lender, change); change is
        # ("set", commitment) or ("move", amount) with a negative amount for the assignor
        self.positions: list[tuple[date, int, str, str, tuple[str, Decimal]]] = []

    # ---- commands -------------------------------------------------------------------------

    def issue_note(self, fact: facts.IssueNote, **stamp: Unpack[Stamp]) -> Recorded:
        """Issue a note: its code is new under this facility."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        if fact.note in self.notes:
            raise RuleViolation(f"note {fact.note!r} is already issued under {self.code}")
        if fact.sublimit_of is not None:
            parent = self.note(fact.sublimit_of)
            if parent.sublimit_of is not None:
                raise RuleViolation(
                    f"note {parent.code} is itself drawn under {parent.sublimit_of}: a sublimit "
                    "names a note with its own commitment")
            if fact.face_amount > parent.face_amount:
                raise RuleViolation(
                    f"note {fact.note}'s face amount {fact.face_amount} is more than the commitment "
                    f"of {parent.code} ({parent.face_amount}) it is drawn under")
        return self._record(fact, stamp)

    def make_advance(
        self, fact: facts.MakeAdvance, *, principal_of: PrincipalOf | None = None, **stamp: Unpack[Stamp],
    ) -> Recorded:
        """Advance on a note between its issue and maturity, within its commitment. A revolver's
        room depends on repayments, which only the engine knows (`principal_of`)."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        note = self.note(fact.note)
        if fact.effective_date < note.issue_date:
            raise RuleViolation(f"advance on {fact.effective_date} is before note {note.code} was issued ({note.issue_date})")
        if fact.effective_date > note.maturity_date:
            raise RuleViolation(f"advance on {fact.effective_date} is after note {note.code} matured ({note.maturity_date})")
        self._check_protective(note, fact)
        for commitment in (note, self.notes.get(note.sublimit_of or "")):
            if commitment is None:
                continue
            limit = self.commitment_on(commitment.code, fact.effective_date, protective=fact.protective)
            room = limit.amount - self._used(commitment, limit.amount, fact, principal_of)
            if fact.amount > room:
                under = "its commitment" if commitment is note else (
                    f"the commitment of {commitment.code}, which it is drawn under")
                raise RuleViolation(
                    f"advance of {fact.amount} on note {note.code} exceeds {under}: "
                    + (_why_zero(limit) or f"{max(room, Decimal('0'))} of {limit.amount} is available"))
        return self._record(fact, stamp)

    def change_commitment(
        self, fact: facts.ChangeCommitment, *, principal_of: PrincipalOf | None = None, **stamp: Unpack[Stamp],
    ) -> Recorded:
        """Set a note's commitment from a date: between its issue and maturity, at most its face
        amount, not below what is drawn on it that day, and not after it was terminated."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        note = self.note(fact.note)
        day = fact.effective_date
        if not note.issue_date <= day <= note.maturity_date:
            raise RuleViolation(f"commitment change on {day} is outside note {note.code}'s term "
                                f"({note.issue_date} to {note.maturity_date})")
        if fact.amount > note.face_amount:
            raise RuleViolation(f"commitment {fact.amount} is more than note {note.code}'s face amount "
                                f"{note.face_amount} (a larger facility needs a new note)")
        terminated = self._terminated(note, day)
        if terminated is not None:
            raise RuleViolation(f"the commitment of note {note.code} was terminated on {terminated}: "
                                "it cannot be changed after that")
        cancelled = self.cancelled()
        until = min((s.effective_date for s in note.commitment_steps
                     if s.version not in cancelled and s.effective_date > day), default=None)
        for when in (day, *self._later_advances(note, day, until)):  # a backdated change governs later drawings
            drawn = self._drawn(note, when, principal_of)
            if fact.amount < drawn:
                raise RuleViolation(f"commitment {fact.amount} is less than the {drawn} drawn on note {note.code} "
                                    f"on {when}: record the repayment first")
        return self._record(fact, stamp)

    def _check_floor_and_cap(self, note: NoteState, day: date, floor: Decimal | None, cap: Decimal | None) -> None:
        """An amendment from `day` giving a floor or a cap: with the other bound in force on that
        day (as issued, then amended, reversed amendments left out), the floor is not above the cap."""
        cancelled = self.cancelled()
        in_force_floor = in_force_cap = None
        for when, version, f, c in sorted(note.bounds, key=lambda b: (b[0], b[1])):
            if when > day or version in cancelled:
                continue
            in_force_floor = f if f is not None else in_force_floor
            in_force_cap = c if c is not None else in_force_cap
        floor = floor if floor is not None else in_force_floor
        cap = cap if cap is not None else in_force_cap
        if floor is not None and cap is not None and floor > cap:
            raise RuleViolation(f"floor {floor} would be above the cap {cap} in force on note {note.code} from {day}")

    def _check_no_advance_from(self, note: NoteState, day: date) -> None:
        """A termination from `day` recorded after an advance on or after that day under the note's
        commitment (protective ones aside) would leave that advance over a terminated commitment."""
        cancelled, members = self.cancelled(), {m.code for m in self._members(note)}
        later = sorted((when, version, code, amount) for version, (code, when, amount) in self.advances.items()
                       if code in members and version not in cancelled and version not in self.protective_advances
                       and when >= day)
        if later:
            when, version, code, amount = later[0]
            raise RuleViolation(f"the commitment of note {note.code} cannot end on {day}: an advance of {amount} on "
                                f"{when} was made under it (version {version}, note {code}); reverse it first")

    def _later_advances(self, note: NoteState, day: date, until: date | None) -> list[date]:
        """The dates after `day` (and before `until`) of the advances drawn on the note's commitment
        (its own and its sublimits'), protective ones left out."""
        cancelled, members = self.cancelled(), {m.code for m in self._members(note)}
        return sorted({when for version, (code, when, _) in self.advances.items()
                       if code in members and version not in cancelled and version not in self.protective_advances
                       and when > day and (until is None or when < until)})

    def terminate_commitment(self, fact: facts.TerminateCommitment, **stamp: Unpack[Stamp]) -> Recorded:
        """End the commitment of a note (or of every note issued on or before the date) from a
        date; a commitment already terminated by then cannot be terminated again. Without a note,
        the notes already terminated are left as they are, and it is refused only if every one is."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        day = fact.effective_date
        codes = (fact.note,) if fact.note is not None else self._issued_by(day)
        if not codes:
            raise RuleViolation(f"no note is issued on or before {day} whose commitment could end")
        ended = []
        for code in codes:
            note = self.note(code)
            if day < note.issue_date:
                raise RuleViolation(f"termination on {day} is before note {code} was issued ({note.issue_date})")
            terminated = self._terminated(note, day)
            if terminated is not None:
                ended.append((code, terminated))
                continue
            self._check_no_advance_from(note, day)
        if len(ended) == len(codes):
            if len(ended) == 1:
                raise RuleViolation(f"the commitment of note {ended[0][0]} is already terminated (on {ended[0][1]})")
            raise RuleViolation("the commitments of notes " + ", ".join(f"{c} (on {t})" for c, t in ended)
                                + " are already terminated")
        return self._record(fact, stamp)

    def amend_terms(self, fact: facts.AmendTerms, **stamp: Unpack[Stamp]) -> Recorded:
        """Change a note's terms from a date: the terms given must be terms the note has (an index
        note's margin, floors, caps; a fixed note's rate; a fee's rate only if it has a fee)."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        note = self.note(fact.note)
        if fact.effective_date < note.issue_date:
            raise RuleViolation(f"amendment on {fact.effective_date} is before note {note.code} was issued")
        terms = fact.terms
        index_terms = [n for n in terms.INTEREST_FIELDS if getattr(terms, n) is not None]
        if note.on_index and terms.rate is not None:
            raise RuleViolation(f"note {note.code} is on an index: amend its margin, floor or cap, not a fixed rate")
        if note.sofr_convention and (index_terms or terms.default_margin is not None):
            raise RuleViolation(f"note {note.code} follows a SOFR-era convention: its interest terms cannot be "
                                "amended here yet (issue a new note)")
        if not note.on_index and index_terms:
            raise RuleViolation(f"note {note.code} has a fixed rate: {', '.join(index_terms)} "
                                f"{'applies' if len(index_terms) == 1 else 'apply'} only to an index note")
        if terms.fee_rate is not None and note.fee_kind is None:
            raise RuleViolation(f"note {note.code} has no unused or ticking fee whose rate could change")
        if terms.overdue_margin is not None and not note.overdue:
            raise RuleViolation(f"note {note.code} has no overdue margin to change (it was issued without one)")
        if terms.pik_rate is not None and not note.pik:
            raise RuleViolation(f"note {note.code} has no PIK rate to change (it was issued without one)")
        if terms.floor is not None or terms.cap is not None:
            self._check_floor_and_cap(note, fact.effective_date, terms.floor, terms.cap)
        maturity = terms.maturity_date or note.maturity_date
        for item in terms.amortization or ():
            if item.due_date > maturity:
                raise RuleViolation(f"installment due {item.due_date} falls after the maturity {maturity}")
        return self._record(fact, stamp)

    def receive_payment(self, fact: facts.ReceivePayment, **stamp: Unpack[Stamp]) -> Recorded:
        """Receive a payment, on the whole facility or on a named note."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        if fact.note is not None:
            self.note(fact.note)
        return self._record(fact, stamp)

    def miss_payment(self, fact: facts.MissPayment, **stamp: Unpack[Stamp]) -> Recorded:
        """Record a missed payment, once the note's grace period is over."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        today = stamp["today"]
        self._check_fact(fact, today)
        note = self.note(fact.note)
        if (today - fact.due_date).days <= note.grace_days:
            raise RuleViolation(
                f"payment due {fact.due_date} on note {note.code} is still within its "
                f"{note.grace_days}-day grace period on {today}"
            )
        return self._record(fact, stamp)

    def set_index_rate(self, fact: facts.SetIndexRate, **stamp: Unpack[Stamp]) -> Recorded:
        """Set an index rate: it may predate the agreement (the rate in force when it began)."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"], before_agreement=True)
        return self._record(fact, stamp)

    def assess_fee(self, fact: facts.AssessFee, **stamp: Unpack[Stamp]) -> Recorded:
        """Assess a fee, on the whole facility or on a named note."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        if fact.note is not None:
            self.note(fact.note)
        return self._record(fact, stamp)

    def declare_default(self, fact: facts.DeclareDefault, **stamp: Unpack[Stamp]) -> Recorded:
        """Declare an event of default, on every note or on the notes named."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        for code in fact.notes or ():
            self.note(code)
        return self._record(fact, stamp)

    def waive_default(self, fact: facts.WaiveDefault, **stamp: Unpack[Stamp]) -> Recorded:
        """Waive an event of default that is open under the same clause on that day."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        if not any(d.clause == fact.clause and d.open_on(fact.effective_date) for d in self._defaults()):
            raise RuleViolation(
                f"no event of default under {fact.clause!r} is open on {fact.effective_date} to waive"
            )
        return self._record(fact, stamp)

    def extend_maturity(self, fact: facts.ExtendMaturity, **stamp: Unpack[Stamp]) -> Recorded:
        """Extend a note's maturity; a new schedule must fall within the new maturity."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        note = self.note(fact.note)
        if fact.effective_date < note.issue_date:
            raise RuleViolation(f"extension on {fact.effective_date} is before note {note.code} was issued")
        for item in fact.amortization or ():
            if item.due_date > fact.new_maturity_date:
                raise RuleViolation(f"installment due {item.due_date} falls after the new maturity")
        return self._record(fact, stamp)

    def issue_default_notice(self, fact: facts.IssueDefaultNotice, **stamp: Unpack[Stamp]) -> Recorded:
        """Record a notice of default sent to the borrower: only its dates are checked."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        return self._record(fact, stamp)

    def issue_document(self, fact: facts.IssueDocument, **stamp: Unpack[Stamp]) -> Recorded:
        """Record a document rendered from the ledger and sent: only its as-of date is checked."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        return self._record(fact, stamp)

    def accelerate(self, fact: facts.AccelerateObligations, **stamp: Unpack[Stamp]) -> Recorded:
        """Accelerate every note, or the notes named: each needs an event of default in force."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        codes = fact.notes if fact.notes is not None else self._issued_by(fact.effective_date)
        if not codes:
            raise RuleViolation(f"no note is issued on or before {fact.effective_date} to accelerate")
        for code in codes:
            self.note(code)
            if not self._in_default(code, fact.effective_date):
                raise RuleViolation(
                    f"cannot accelerate note {code}: no event of default is in force on "
                    f"{fact.effective_date} (record one with 'loanledger record default')"
                )
        return self._record(fact, stamp)

    def rescind_acceleration(self, fact: facts.RescindAcceleration, **stamp: Unpack[Stamp]) -> Recorded:
        """Rescind an acceleration in force on that day."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        if not any(self._accelerated(code, fact.effective_date) for code in self.notes):
            raise RuleViolation(f"nothing is accelerated on {fact.effective_date} to rescind")
        return self._record(fact, stamp)

    def set_lender_position(self, fact: facts.SetLenderPosition, **stamp: Unpack[Stamp]) -> Recorded:
        """A lender's share of a note's commitment from a date; the shares never add up to more
        than the note's face amount on any day."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        note = self.note(fact.note)
        if fact.effective_date < note.issue_date:
            raise RuleViolation(f"position on {fact.effective_date} is before note {note.code} was issued")
        change = (fact.effective_date, self.version + 1, note.code, fact.lender, ("set", fact.commitment))
        self._check_holdings(note, change)
        return self._record(fact, stamp)

    def settle_assignment(self, fact: facts.SettleAssignment, **stamp: Unpack[Stamp]) -> Recorded:
        """Part of a lender's share assigned to another, settled on a business day: never more
        than the assignor holds on the settlement date, nor later."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        note = self.note(fact.note)
        if not calendar_for(self.calendar).is_business_day(fact.settlement_date):
            raise RuleViolation(
                f"settlement date {fact.settlement_date} is not a business day of the {self.calendar} calendar")
        day, version = fact.settlement_date, self.version + 1
        held = self._holdings(note.code, day).get(fact.assignor, Decimal("0"))
        if fact.amount > held:
            raise RuleViolation(
                f"{fact.assignor} holds {held} of note {note.code} on {day}: it cannot assign {fact.amount}")
        self._check_holdings(note, (day, version, note.code, fact.assignor, ("move", -fact.amount)),
                             (day, version, note.code, fact.assignee, ("move", fact.amount)))
        return self._record(fact, stamp)

    def pay_distribution(self, fact: facts.PayDistribution, **stamp: Unpack[Stamp]) -> Recorded:
        """A distribution wired to a lender that holds, or held, a share of the facility."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        if fact.lender not in {lender for _, _, _, lender, _ in self.positions}:
            raise RuleViolation(f"{fact.lender!r} holds no share of {self.code} (record one with 'loanledger lender set')")
        return self._record(fact, stamp)

    def reverse(self, fact: facts.ReverseEvent, **stamp: Unpack[Stamp]) -> Recorded:
        """Reverse an earlier event that is not an opening or a note issue and is in force."""
        if (earlier := self._repeat(fact, stamp)) is not None:
            return earlier
        self._check_fact(fact, stamp["today"])
        target = fact.target
        if not 1 <= target <= self.version:
            raise RuleViolation(f"{self.code} has no version {target} to reverse (last is {self.version})")
        if target in self.unreversible:
            raise RuleViolation(
                f"version {target} is a {self.unreversible[target]}, which cannot be reversed: "
                "open or issue a corrected one under a new code"
            )
        cancelled = self.cancelled()
        if target in cancelled:
            raise RuleViolation(f"version {target} is already reversed (by version {cancelled[target]})")
        return self._record(fact, stamp)

    # ---- what every command does ----------------------------------------------------------

    def _repeat(self, fact: facts.Fact, stamp: Stamp) -> Recorded | None:
        """The earlier record of this fact's reference, if it was recorded already (a no-op);
        the same reference with other content is refused."""
        reference = stamp.get("reference")
        if reference is None or reference not in self.references:
            return None
        version, content = self.references[reference]
        if content != _content(_EVENT_FOR[type(fact)].__name__, fact.model_dump(mode="json")):
            raise ReferenceConflict(reference, version)
        return Recorded(None, duplicate=True, version=version)

    def _check_fact(self, fact: facts.Fact, today: date, before_agreement: bool = False) -> None:
        """What every fact must satisfy: amounts in the facility currency's minor units, and an
        effective date neither after today nor (except where allowed) before the agreement."""
        check_minor_units(fact, self.currency)
        effective = fact.effective()
        if effective is None:
            return
        if effective > today:
            raise RuleViolation(f"effective date {effective} is after today ({today})")
        if not before_agreement and effective < self.agreement_date:
            raise RuleViolation(
                f"effective date {effective} is before the agreement date {self.agreement_date}"
            )

    def _record(self, fact: facts.Fact, stamp: Stamp) -> Recorded:
        event_class = _EVENT_FOR[type(fact)]
        recorded_by, source, reference = stamp["recorded_by"], stamp.get("source"), stamp.get("reference")
        draft = event_class(
            originator_id=self.id, originator_version=self.version + 1,
            # recorded times never decrease along a stream, even when writers' clocks differ a little
            timestamp=max(event_class.create_timestamp(), self.modified_on), recorded_by=recorded_by,
            source=source, reference=reference, on_behalf_of=stamp.get("on_behalf_of"), **fact.model_dump(),
        )
        event = chained(draft, self.chain_head)
        event.mutate(self)
        self.pending_events.append(event)
        return Recorded(event)

    # ---- queries used by the rules --------------------------------------------------------

    def note(self, code: str) -> NoteState:
        try:
            return self.notes[code]
        except KeyError:
            raise UnknownNote(self.code, code) from None

    def cancelled(self) -> dict[int, int]:
        """Versions whose effect is cancelled, each with the reversal in force that cancels it."""
        return reversal_rules.cancelled(self.reversals)

    def commitment_on(self, code: str, day: date, *, protective: bool = False) -> CommitmentOn:
        """The note's commitment on `day` (domain.commitments), its reversed changes left out."""
        note = self.note(code)
        cancelled = self.cancelled()
        steps = [s for s in note.commitment_steps if s.version not in cancelled]
        return commitment_on(note.commitment, steps, day, accelerated=self._accelerated(code, day),
                             protective=protective)

    def _terminated(self, note: NoteState, day: date) -> date | None:
        """The date of a termination of the note's commitment in force, if any is dated on or
        before `day` (or, for a change, at all before it)."""
        cancelled = self.cancelled()
        ends = [s.effective_date for s in note.commitment_steps
                if s.amount is None and s.version not in cancelled and s.effective_date <= day]
        return min(ends, default=None)

    def _check_protective(self, note: NoteState, fact: facts.MakeAdvance) -> None:
        """While the note is accelerated or an event of default covering it is open, only a
        protective advance (with its basis) is accepted; a protective advance is only that."""
        day = fact.effective_date
        accelerated, defaulted = self._accelerated(note.code, day), self._in_default(note.code, day)
        if not fact.protective and (accelerated or defaulted):
            why = "accelerated" if accelerated else "in default"
            raise RuleViolation(
                f"note {note.code} is {why} on {day}: an advance then is refused unless it is "
                "protective (--protective with --basis saying why)")
        if fact.protective and not (accelerated or defaulted):
            raise RuleViolation(
                f"a protective advance is made while the note is accelerated or in default; "
                f"note {note.code} is neither on {day}")

    def _used(self, commitment: NoteState, limit: Decimal, fact: facts.MakeAdvance,
              principal_of: PrincipalOf | None) -> Decimal:
        """What is drawn on a commitment on the advance's day: its note and the notes drawn under
        it (sublimits). A revolving note's drawing depends on repayments, which only the engine
        knows; it is asked only when the cheap bound (advances so far) leaves too little room."""
        day = fact.effective_date
        asks = principal_of is not None
        bound = sum((self._advanced(m.code, through=day if asks and _revolves(m) else None)
                     for m in self._members(commitment)), Decimal("0"))
        if principal_of is None or fact.amount <= limit - bound:
            return bound
        return self._drawn(commitment, day, principal_of)

    def _drawn(self, commitment: NoteState, day: date, principal_of: PrincipalOf | None) -> Decimal:
        """What is drawn on a commitment at the end of `day`: revolving notes' principal (from the
        engine; without it, their advances so far), term and other notes' advances so far."""
        return sum((principal_of(m.code, day) if principal_of is not None and _revolves(m) else self._advanced(m.code)
                    for m in self._members(commitment)), Decimal("0"))

    def _members(self, commitment: NoteState) -> list[NoteState]:
        """The note and the notes drawn under it (its sublimits)."""
        return [commitment, *(n for n in self.notes.values() if n.sublimit_of == commitment.code)]

    def _holdings(self, note: str, day: date, extra: tuple = ()) -> dict[str, Decimal]:
        """Each lender's share of `note` at the end of `day` (positions and assignments in
        force, in (date, version) order), with `extra` changes as if recorded."""
        cancelled = self.cancelled()
        held: dict[str, Decimal] = {}
        for effective, version, code, lender, (kind, amount) in sorted([*self.positions, *extra]):
            if code != note or effective > day or version in cancelled:
                continue
            held[lender] = amount if kind == "set" else held.get(lender, Decimal("0")) + amount
        return held

    def _check_holdings(self, note: NoteState, *changes: tuple) -> None:
        """On every day a change takes effect, no lender holds less than nothing and the shares
        add up to at most the note's face amount."""
        days = sorted({c[0] for c in self.positions if c[2] == note.code} | {c[0] for c in changes})
        for day in days:
            held = self._holdings(note.code, day, changes)
            short = [lender for lender, amount in held.items() if amount < 0]
            if short:
                raise RuleViolation(f"{short[0]} would hold less than nothing of note {note.code} on {day}")
            total = sum(held.values(), Decimal("0"))
            if total > note.face_amount:
                raise RuleViolation(
                    f"lenders' shares of note {note.code} would add up to {total} on {day}, "
                    f"more than its commitment {note.face_amount}")

    def _advanced(self, note: str, through: date | None = None) -> Decimal:
        cancelled = self.cancelled()
        return sum((
            amount for version, (code, day, amount) in self.advances.items()
            if version not in cancelled and code == note and (through is None or day <= through)
        ), Decimal("0"))

    def _defaults(self) -> list[Default]:
        """The declarations in force, each with the date of the waiver that ends it: the first
        waiver of its clause after it in (effective date, recorded order)."""
        cancelled = self.cancelled()
        waivers = sorted((day, version, clause) for version, (clause, day) in self.waivers.items()
                         if version not in cancelled)
        defaults = []
        for version, (clause, day, notes) in sorted(self.defaults.items()):
            if version in cancelled:
                continue
            ends = (w_day for w_day, w_version, w_clause in waivers
                    if w_clause == clause and (w_day, w_version) > (day, version))
            defaults.append(Default(version, clause, day, notes, next(ends, None)))
        return defaults

    def _in_default(self, note: str, day: date) -> bool:
        return any(d.covers(note, day) for d in self._defaults())

    def _issued_by(self, day: date) -> tuple[str, ...]:
        return tuple(code for code, note in self.notes.items() if note.issue_date <= day)

    def _accelerated(self, note: str, day: date) -> bool:
        """Whether `note` is accelerated on `day`: the last acceleration covering it or rescission
        on or before `day`, in (effective date, recorded order), says so. An acceleration without
        notes covers the notes issued on or before its date."""
        cancelled = self.cancelled()
        state = False
        live = sorted((effective, version, accelerated, notes)  # versions are unique: notes never compared
                      for version, (accelerated, effective, notes) in self.accelerations.items()
                      if version not in cancelled)
        for effective, _, accelerated, notes in live:
            if effective > day:
                break
            if not accelerated:
                state = False
            elif note in notes if notes is not None else self.notes[note].issue_date <= effective:
                state = True
        return state

    # ---- state changes (run on every replay) ---------------------------------------------

    def when(self, event: ev.FacilityEvent) -> None:
        self.chain_head = event.chain_hash
        if event.reference is not None:
            self.references[event.reference] = (
                event.version, _content(type(event).__name__, event.fact_fields())
            )
        if isinstance(event, UNREVERSIBLE):
            self.unreversible[event.version] = type(event).__name__
        if isinstance(event, ev.FacilityOpened):
            self.code = event.code
            self.agreement_date = event.agreement_date
            self.timezone = event.timezone
            self.currency = event.currency
            self.calendar = event.calendar
        elif isinstance(event, ev.NoteIssued):
            self.notes[event.note] = NoteState(
                event.note, event.kind, event.face_amount, event.issue_date,
                event.maturity_date, event.grace_days, event.sublimit_of, event.initial_commitment,
                event.interest.index is not None, event.fee_terms[0] if event.fee_terms else None,
                event.interest.convention not in (None, Convention.IN_FORCE),
                event.overdue_margin is not None, event.pik_rate is not None,
            )
            self.notes[event.note].bounds.append((event.issue_date, 0, event.interest.floor, event.interest.cap))
        elif isinstance(event, ev.TermsAmended):
            if event.terms.floor is not None or event.terms.cap is not None:
                self.notes[event.note].bounds.append((event.effective_date, event.version, event.terms.floor,
                                                      event.terms.cap))
            if event.terms.maturity_date is not None:
                self.notes[event.note].maturity_date = event.terms.maturity_date
        elif isinstance(event, ev.CommitmentChanged):
            self.notes[event.note].commitment_steps.append(
                CommitmentStep(event.effective_date, event.version, event.amount))
        elif isinstance(event, ev.CommitmentTerminated):
            codes = (event.note,) if event.note is not None else self._issued_by(event.effective_date)
            for code in codes:
                self.notes[code].commitment_steps.append(CommitmentStep(event.effective_date, event.version, None))
        elif isinstance(event, ev.AdvanceMade):
            self.advances[event.version] = (event.note, event.effective_date, event.amount)
            if event.protective:
                self.protective_advances.add(event.version)
        elif isinstance(event, ev.EventOfDefaultDeclared):
            self.defaults[event.version] = (event.clause, event.effective_date, event.notes)
        elif isinstance(event, ev.DefaultWaived):
            self.waivers[event.version] = (event.clause, event.effective_date)
        elif isinstance(event, ev.MaturityExtended):
            self.notes[event.note].maturity_date = event.new_maturity_date
        elif isinstance(event, (ev.ObligationsAccelerated, ev.AccelerationRescinded)):
            accelerated = isinstance(event, ev.ObligationsAccelerated)
            notes = event.notes if isinstance(event, ev.ObligationsAccelerated) else None
            self.accelerations[event.version] = (accelerated, event.effective_date, notes)
        elif isinstance(event, ev.LenderPositionSet):
            self.positions.append((event.effective_date, event.version, event.note, event.lender,
                                   ("set", event.commitment)))
        elif isinstance(event, ev.AssignmentSettled):
            day = event.settlement_date
            self.positions.append((day, event.version, event.note, event.assignor, ("move", -event.amount)))
            self.positions.append((day, event.version, event.note, event.assignee, ("move", event.amount)))
        elif isinstance(event, ev.EventReversed):
            self.reversals[event.version] = event.target


_EVENT_FOR: dict[type[facts.Fact], type[ev.FacilityEvent]] = ev.EVENT_FOR


Command = Callable[..., Recorded]


def command_table(commands: Mapping[type[facts.Fact], Command], recordable: Iterable[type[facts.Fact]]) -> dict[type[facts.Fact], Command]:
    """The table as given, once every recordable fact has its command (else a TypeError)."""
    missing = sorted(f.__name__ for f in recordable if f not in commands)
    if missing:
        raise TypeError(f"no Facility command records {', '.join(missing)}: add one to COMMANDS")
    return dict(commands)


# Which command decides each fact, for generic input (an import file's records, test helpers).
# Opening a facility is not here: it creates the aggregate (`Facility.open`).
COMMANDS = command_table({
    facts.IssueNote: Facility.issue_note,
    facts.MakeAdvance: Facility.make_advance,
    facts.ReceivePayment: Facility.receive_payment,
    facts.MissPayment: Facility.miss_payment,
    facts.SetIndexRate: Facility.set_index_rate,
    facts.AssessFee: Facility.assess_fee,
    facts.DeclareDefault: Facility.declare_default,
    facts.WaiveDefault: Facility.waive_default,
    facts.ExtendMaturity: Facility.extend_maturity,
    facts.IssueDefaultNotice: Facility.issue_default_notice,
    facts.AccelerateObligations: Facility.accelerate,
    facts.RescindAcceleration: Facility.rescind_acceleration,
    facts.ReverseEvent: Facility.reverse,
    facts.SetLenderPosition: Facility.set_lender_position,
    facts.SettleAssignment: Facility.settle_assignment,
    facts.PayDistribution: Facility.pay_distribution,
    facts.IssueDocument: Facility.issue_document,
    facts.ChangeCommitment: Facility.change_commitment,
    facts.TerminateCommitment: Facility.terminate_commitment,
    facts.AmendTerms: Facility.amend_terms,
}, recordable=(f for f in _EVENT_FOR if f is not facts.OpenFacility))


def decide(
    facility: Facility, fact: facts.Fact, *, principal_of: PrincipalOf | None = None, **stamp: Unpack[Stamp],
) -> Recorded:
    """Decide a fact of any type with its command from `COMMANDS`. Only an advance or a commitment change may ask the
    engine (`principal_of`); the other commands are not given it."""
    if isinstance(fact, facts.MakeAdvance):
        return facility.make_advance(fact, principal_of=principal_of, **stamp)
    if isinstance(fact, facts.ChangeCommitment):
        return facility.change_commitment(fact, principal_of=principal_of, **stamp)
    return COMMANDS[type(fact)](facility, fact, **stamp)


def _why_zero(limit: CommitmentOn) -> str:
    if limit.terminated_on is not None:
        return f"nothing is available, the commitment was terminated on {limit.terminated_on}"
    if limit.accelerated:
        return "nothing is available, the commitment is terminated while the note is accelerated"
    return ""


def _revolves(note: NoteState) -> bool:
    """Whether repaid principal may be drawn again (so drawn = principal, not advances so far)."""
    return note.kind in (NoteKind.REVOLVING, NoteKind.MINIMUM_BORROWING)


def _content(event_type: str, fields: dict[str, Any]) -> bytes:
    """What 'identical content' means for a repeated reference: the type and the fact's fields,
    kept as a digest so that a facility with many references stays small. A payment's `rest` is
    left out: the ledger sets it (the edition's reading), so a file recorded under the first
    edition and imported again is still a repeat."""
    if event_type == "PaymentReceived":
        fields = {k: v for k, v in fields.items() if k != "rest"}
    return content_digest({"type": event_type, **fields})


def repeats_opening(opened: ev.FacilityOpened, fact: facts.OpenFacility, *, reference: str | None,
                    source: str | None, by_content: bool) -> bool:
    """Whether opening `fact` again is a no-op rather than a second facility under one code: the
    same reference with identical content (the contract §2); and, for an imported record without a
    reference (`by_content`), identical content and source (docs/architecture.md, "Import")."""
    if opened.fact_fields() != fact.model_dump(mode="json"):
        return False
    if reference is not None:
        return opened.reference == reference
    return by_content and opened.reference is None and opened.source == source
