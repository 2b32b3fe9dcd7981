"""The sweep: one pass over the days of a facility, applying its active events in the
same-day order and carrying per-note state (the contract §3, docs/arithmetic.md "How it is computed").
`Sweep.run_to(day)` moves forward; figures are read off at any point (projections.figures), so a
timeline is one pass.

Each processed day (`Sweep._process`) runs the steps of docs/arithmetic.md in order; each part
of the arithmetic is a mixin of `Sweep`, in its own module:

* projections.stops.StopScheduler: which days are processed (`next_stop`);
* projections.interest.InterestBilling: rates, end-of-day principal, period bills (steps 1, 6);
* projections.principal.PrincipalFallingDue: advances, installments and maturities falling due,
  extension, acceleration with its premium, rescission (steps 2, 3, 5);
* projections.payments.Payments: payments, prepayment, unapplied credit (steps 3, 4, 5);
* projections.open_items.OpenItems: the open items (fees, bills, principal due), fees;
* projections.commitment_fees.CommitmentFees: commitments, what is drawn, unused and ticking
  fees (steps 1, 6);
* projections.paying_off.PayingOff: what a payoff payment makes due (step 4);
* projections.overdue.OverdueInterest: interest on overdue amounts (steps 1, 6);
* projections.pik.PaymentInKind: the PIK part of interest, capitalised on its due date (steps 1, 2, 6).

Caches: each keeps something the sweep could work out again, and is dropped where that changes.
  `_fixed_stops`     sorted event dates and rate bounds; built once (the events are fixed).
  `_rate_bounds`     sorted days on which a rate can change (index-rate changes, default period
                     starts and ends); built once.
  `note.rate_kept`   a note's rate for the run of days between two rate bounds in one
                     acceleration state; worked out again outside it (`InterestBilling.rate`).
  `_next_fall_due`   the first adjusted date on which a scheduled installment or maturity falls
                     due; None (work it out) after anything falls due, an extension, an
                     acceleration or a rescission.
  `_earliest_due`    the earliest due date among the open items (before it no credit or payment
                     goes down the waterfall); lowered by a new item, worked out again after a
                     payment (`OpenItems._settled`).
  `accelerated_notes` how many notes are accelerated; counted up and down with them.
  `_note_states`     the notes as a tuple (fixed after the sweep is built).
Business-day adjustment is memoised by the calendar itself (`BusinessCalendar.following`).
`explain=False` keeps no journal (only explain reads it); every figure is the same.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain import events as ev
from domain.money import ZERO
from domain.values import Convention

from projections import agenda
from projections.business_days import calendar_for
from projections.commitment_fees import CommitmentFees, commitment_steps, fee_state
from projections.conventions import ConventionCalculator
from projections.errors import ReportRefused
from projections.exact import wide
from projections.facility_state import NoteState, default_periods
from projections.fixings import NO_FIXINGS, Fixings
from projections.interest import InterestBilling
from projections.journal import Journal
from projections.open_items import OpenItems
from projections.overdue import OverdueInterest, overdue_state
from projections.paying_off import PayingOff
from projections.pik import PaymentInKind, pik_state
from projections.payments import Payments
from projections.principal import PrincipalFallingDue
from projections.rates import IndexRates
from projections.selection import active
from projections.stops import StopScheduler
from projections.terms import amendments_of
from projections.waterfall import Item


class Sweep(StopScheduler, InterestBilling, PrincipalFallingDue, Payments, OpenItems, CommitmentFees, PayingOff,
            OverdueInterest, PaymentInKind):
    @wide
    def __init__(
        self, events: Iterable[ev.FacilityEvent], known_at: datetime | None = None, *, need_rates: bool = True,
        step_every_day: bool = False, explain: bool = True, fixings: Fixings = NO_FIXINGS,
    ) -> None:
        """`step_every_day`: process every calendar day (the test that skipping quiet days changes
        nothing compares both). `explain=False`: keep no journal (what explain shows: records of
        advances, payments and their allocations, bills' sub-intervals, labels). `fixings`: the
        market's index fixings known at `known_at` (projections.fixings; the application reads
        them from the index streams), for the notes on an index the facility does not set."""
        self.facts = facts = active(events, known_at)  # known, not reversed, in version order
        of_type: dict[type, list[ev.FacilityEvent]] = {}
        for event in facts:
            of_type.setdefault(type(event), []).append(event)
        opened = next(iter(of_type.get(ev.FacilityOpened, ())), None)
        if opened is None:
            raise ReportRefused(
                "nothing is known about this facility at that time: its FacilityOpened was recorded "
                "later (or reversed)")
        assert isinstance(opened, ev.FacilityOpened)
        self.facility, self.known_at, self.need_rates = opened, known_at, need_rates
        self.step_every_day, self.explains = step_every_day, explain
        self.calendar = calendar_for(opened.calendar)
        self.rates = IndexRates(of_type.get(ev.IndexRateSet, ()), fixings)  # type: ignore[arg-type]
        self.notes = {n.note: NoteState(n, rank, explain)  # type: ignore[attr-defined]
                      for rank, n in enumerate(of_type.get(ev.NoteIssued, ()))}
        self._note_states = tuple(self.notes.values())
        issue_versions = {n.note: n.version for n in of_type.get(ev.NoteIssued, ())}  # type: ignore[attr-defined]
        changed, terminated = of_type.get(ev.CommitmentChanged, []), of_type.get(ev.CommitmentTerminated, [])
        self.sublimits: dict[str, list[NoteState]] = {}
        for note in self._note_states:
            if changed or terminated:
                note.commitment_steps = commitment_steps(note, changed, terminated, issue_versions)
            note.fee = fee_state(note, explain)
            note.overdue = overdue_state(note, explain)
            note.pik = pik_state(note)
            if note.terms.sublimit_of is not None:
                self.sublimits.setdefault(note.terms.sublimit_of, []).append(note)
        self._fee_notes = tuple(n for n in self._note_states if n.fee is not None)
        self._overdue_notes = tuple(n for n in self._note_states if n.overdue is not None)
        self._pik_notes = tuple(n for n in self._note_states if n.pik is not None)
        amended = of_type.get(ev.TermsAmended, [])
        for note in self._note_states if amended else ():
            note.amendments = amendments_of(note, amended)  # type: ignore[arg-type]
        market_in_force = set()  # indexes that in-force notes read from the market's fixings
        for note in self._note_states:
            interest = note.terms.interest
            if interest.index is None:
                continue
            if interest.convention in (None, Convention.IN_FORCE):
                market_in_force.add(interest.index)
                continue
            note.convention = ConventionCalculator(note.code, interest, note.terms.day_count, self.rates.fixing,
                                                   strict=need_rates, explain=explain,
                                                   memo=self.rates.memo(interest.index))
            note.accruer.convention = partial(self._convention_piece, note)
        self.defaults = default_periods(of_type.get(ev.EventOfDefaultDeclared, []),  # type: ignore[arg-type]
                                        of_type.get(ev.DefaultWaived, []))  # type: ignore[arg-type]
        self.agenda = agenda.build(facts, _zone(opened.timezone), opened.payment_cutoff, self.calendar)
        self.day = min(min(self.agenda, default=opened.agreement_date), opened.agreement_date) - timedelta(days=1)
        self._started = False
        self._init_items()
        self.credit = ZERO  # unapplied credit of the facility
        self._held_for_notes = False  # whether some note holds credit (NoteState.credit)
        self.accelerated_notes = 0
        self._next_fall_due: date | None = None
        self.journal = Journal()
        bounds = self.rates.change_dates(market_in_force)
        bounds.update(a.effective_date for a in of_type.get(ev.TermsAmended, ()))  # type: ignore[attr-defined]
        for period in self.defaults:
            bounds.add(period.start)
            if period.end is not None:
                bounds.add(period.end)
        self._rate_bounds = sorted(bounds)
        self._fixed_stops = sorted(bounds | set(self.agenda))

    @wide
    def run_to(self, day: date) -> None:
        """Process the days up to `day` (included) on which anything can change."""
        if day < self.day:
            if self._started:
                raise ValueError(f"the sweep is at {self.day} and only moves forward, not to {day}")
            self.day = day
        self._started = True
        one_day = timedelta(days=1)
        while self.day < day:
            if self.step_every_day or day - self.day == one_day:
                self.day += one_day
            else:
                self.day = self.next_stop(day)
            self._process(self.day)

    def advance(self, limit: date) -> None:
        """Process the next day on which anything can change (or `limit`, if that comes first), for
        a caller that already runs in the WIDE context (exact.wide): the read models' pass."""
        self._started = True
        self.day = self.day + timedelta(days=1) if self.step_every_day else self.next_stop(limit)
        self._process(self.day)

    def _process(self, day: date) -> None:
        """One day, in the same-day order of docs/arithmetic.md (steps 1-6)."""
        facts = self.agenda.get(day)
        notes = self._note_states
        for note in notes:
            if note.next_end == day:
                self._bill_period(note, day)
        for note in self._fee_notes:
            if note.fee.next_end == day:
                self._bill_fee(note, day)
        if self._pik_notes:
            self._capitalise(day)
        if facts is not None:
            for event in facts.opening:
                self._opening(event, day)
        falls_due = self.next_fall_due()
        if falls_due is not None and falls_due <= day:
            self._fall_due(day)
        self._apply_credit(day)
        if facts is not None:
            for payment, _ in facts.payments:
                self._receive(payment, day)
            for event in facts.closing:
                self._closing(event, day)
        self._apply_credit(day)
        for note in notes:
            if note.principal or note.accruer.period_start is not None:
                self._end_of_day(note, day)
        for note in self._fee_notes:
            self._fee_end_of_day(note, day)
        for note in self._overdue_notes:
            self._overdue_end_of_day(note, day)

    def _opening(self, event: ev.FacilityEvent, day: date) -> None:
        """Step 2: advances, maturity extensions, acceleration rescissions."""
        if isinstance(event, ev.AdvanceMade):
            self._advance(event, day)
        elif isinstance(event, ev.MaturityExtended):
            self._extend(event)
        elif isinstance(event, ev.AccelerationRescinded):
            self._rescind(day)
        elif isinstance(event, ev.TermsAmended):
            terms = event.terms
            if terms.maturity_date is not None or terms.amortization is not None:
                self._reschedule(event.note, event.effective_date, terms.maturity_date, terms.amortization)

    def _closing(self, event: ev.FacilityEvent, day: date) -> None:
        """Step 5: fees and acceleration."""
        if isinstance(event, ev.FeeAssessed):
            self._fee(event, day)
        elif isinstance(event, ev.ObligationsAccelerated):
            codes = event.notes if event.notes is not None else tuple(
                code for code, note in self.notes.items() if note.terms.issue_date <= day)
            for code in codes:  # without notes: those issued on or before its date
                if code in self.notes and not self.notes[code].accelerated:
                    self._accelerate(self.notes[code], event.version, day)


def _zone(name: str) -> ZoneInfo:
    """The facility's time zone. Stored events are read without re-validating their input, so a
    name the time zone database does not know (a tampered row) is refused here, with its name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportRefused(f"no time zone {name!r} is known") from None
