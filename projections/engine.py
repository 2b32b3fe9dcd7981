"""The sweep: one pass over the days of a facility, applying its active events in the
same-day order and carrying per-note state (DESIGN §3). `Sweep.run_to(day)` moves forward;
figures are read off at any point (see projections.figures), so a timeline is one pass.

The sweep processes only the days on which `_process` can change something (`next_stop`):
days with events, period ends, due dates of scheduled and open items, index-rate changes,
default period starts and ends, and the target day. On every other day `_process` would only
confirm that each note's end-of-day principal and rate are unchanged, which leaves its open
sub-interval (and so the exact accrual) exactly as it is; sub-interval boundaries are therefore
the same as when every day is processed. `step_every_day=True` processes every calendar day
(used by the test that checks both give the same figures).

Kept between days so that a processed day costs little, each recomputed when what it depends on
changes: a note's rate between two `_rate_bounds` (index changes, default bounds) for one
acceleration state; the earliest due date of the open items (no credit or payment is applied
through the waterfall before it); the first day a scheduled installment or maturity falls due;
the number of accelerated notes. `explain=False` keeps no journal (only `explain` reads it).
"""

from bisect import bisect_right

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain import events as ev
from domain.money import ZERO, to_cents
from domain.values import Component, PremiumBase

from projections import agenda
from projections.business_days import calendar_for
from projections.errors import MissingIndexRate, ReportRefused
from projections.exact import wide
from projections.facility_state import NoteState, Scheduled, default_periods
from projections.journal import (AdvanceRecord, CreditApplication, DueRecord, FeeRecord, Journal,
                                 PaymentRecord, PremiumRecord)
from projections.rates import IndexRates, contractual_rate
from projections.schedule import next_interest_day
from projections.selection import active
from projections.waterfall import (FACILITY_RANK, Allocation, Item, allocation, in_waterfall_order,
                                   oldest_first, pay)


class Sweep:
    @wide
    def __init__(
        self, events: Iterable[ev.FacilityEvent], known_at: datetime | None = None, *, need_rates: bool = True,
        step_every_day: bool = False, explain: bool = True,
    ) -> None:
        """`explain=False`: keep no journal (what explain shows: records of advances, payments and
        their allocations, bills' sub-intervals, labels); every figure is the same."""
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
        self.calendar = calendar_for(opened.calendar)
        self.rates = IndexRates(of_type.get(ev.IndexRateSet, ()))  # type: ignore[arg-type]
        self.explains = explain
        self.notes = {n.note: NoteState(n, rank, explain)  # type: ignore[attr-defined]
                      for rank, n in enumerate(of_type.get(ev.NoteIssued, ()))}
        self._note_states = tuple(self.notes.values())
        self.defaults = default_periods(of_type.get(ev.EventOfDefaultDeclared, []),  # type: ignore[arg-type]
                                        of_type.get(ev.DefaultWaived, []))  # type: ignore[arg-type]
        self.agenda = agenda.build(facts, _zone(opened.timezone), opened.payment_cutoff, self.calendar)
        first = min(self.agenda, default=opened.agreement_date)
        self.day = min(first, opened.agreement_date) - timedelta(days=1)
        self.items: list[Item] = []
        self._earliest_due: date | None = None  # no open item falls due before this (None: no item)
        self.accelerated_notes = 0  # how many notes are accelerated now
        self._next_fall_due: date | None = None  # first day a scheduled item may fall due (None: work it out)
        self.credit = ZERO
        self.journal = Journal()
        self._seq = 0
        self._started = False
        self._adjusted: dict[date, date] = {}
        self.step_every_day = step_every_day
        fixed = set(self.agenda) | self.rates.change_dates()
        for period in self.defaults:
            fixed.add(period.start)
            if period.end is not None:
                fixed.add(period.end)
        self._fixed_stops = sorted(fixed)
        bounds = self.rates.change_dates()
        for period in self.defaults:
            bounds.add(period.start)
            if period.end is not None:
                bounds.add(period.end)
        self._rate_bounds = sorted(bounds)  # the rate of a note can change only on these days

    @wide
    def run_to(self, day: date) -> None:
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

    @wide
    def step(self, limit: date) -> None:
        """Process the next day on which anything can change (or `limit`, if that comes first):
        what `run_to(self.next_stop(limit))` does, without looking for that day twice."""
        self.advance(limit)

    def advance(self, limit: date) -> None:
        """`step`, for a caller that already runs in the WIDE context (exact.wide)."""
        self._started = True
        self.day = self.day + timedelta(days=1) if self.step_every_day else self.next_stop(limit)
        self._process(self.day)

    def next_stop(self, limit: date) -> date:
        """The first day after the current one on which `_process` can change anything, or
        `limit` if that comes first. It reads the same state `_process` tests: event dates
        (agenda), each note's period end, its next installment and maturity (business-day
        adjusted, as `_fall_due` compares them; not while accelerated, as `_fall_due` skips
        them), the due dates of open items (credit is applied and past due grows when one falls
        due), index-rate changes and default period bounds (the rate may change)."""
        after, best = self.day, limit
        fixed = self._fixed_stops
        at = bisect_right(fixed, after)
        if at < len(fixed) and fixed[at] < best:
            best = fixed[at]
        for note in self._note_states:
            end = note.next_end
            if end is not None and after < end < best:
                best = end
        due = self.next_fall_due()
        if due is not None and due <= after:  # overdue before the sweep began: look note by note
            best = self._scheduled_after(after, best)
        elif due is not None and due < best:
            best = due
        for item in self.items:
            if item.outstanding > 0 and after < item.due_date < best:
                best = item.due_date
        return best

    def _scheduled_after(self, after: date, best: date) -> date:
        """The first adjusted installment or maturity date of any note after `after`, or `best`."""
        for note in self._note_states:
            if note.accelerated_on is not None:
                continue
            if note.next_installment < len(note.installments):
                due = self.adjusted(note.installments[note.next_installment].due_date)
                if after < due < best:
                    best = due
            if not note.matured and note.maturity is not None:
                due = self.adjusted(note.maturity)
                if after < due < best:
                    best = due
        return best

    # -- one day ---------------------------------------------------------------------------

    def _process(self, day: date) -> None:
        facts = self.agenda.get(day)
        notes = self._note_states
        for note in notes:
            if note.next_end == day:
                self._bill_period(note, day)
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

    def next_fall_due(self) -> date | None:
        """The first business-day-adjusted date on which a note's next installment or its maturity
        falls due (accelerated notes have none: `_fall_due` skips them), kept until the schedule,
        the maturity or an acceleration changes."""
        if self._next_fall_due is None:
            best = date.max
            for note in self._note_states:
                if note.accelerated_on is not None:
                    continue
                if note.next_installment < len(note.installments):
                    best = min(best, self.adjusted(note.installments[note.next_installment].due_date))
                if not note.matured and note.maturity is not None:
                    best = min(best, self.adjusted(note.maturity))
            self._next_fall_due = best
        return None if self._next_fall_due is date.max else self._next_fall_due

    def _opening(self, event: ev.FacilityEvent, day: date) -> None:
        if isinstance(event, ev.AdvanceMade):
            self._advance(event, day)
        elif isinstance(event, ev.MaturityExtended):
            self._extend(event)
        elif isinstance(event, ev.AccelerationRescinded):
            self._rescind(day)

    def _closing(self, event: ev.FacilityEvent, day: date) -> None:
        if isinstance(event, ev.FeeAssessed):
            self._fee(event, day)
        elif isinstance(event, ev.ObligationsAccelerated):
            for code in event.notes or tuple(self.notes):
                if code in self.notes and not self.notes[code].accelerated:
                    self._accelerate(self.notes[code], event.version, day)

    # -- interest ----------------------------------------------------------------------------

    def _end_of_day(self, note: NoteState, day: date) -> None:
        if note.principal and note.accruer.period_start is None:
            note.accruer.start_period(day)
            note.next_end = next_interest_day(day, note.terms.interest_day)
        if note.accruer.period_start is not None:
            rate = self.rate(note, day) if note.principal else None
            note.accruer.set_end_of_day(day, note.principal, rate)

    def rate(self, note: NoteState, day: date) -> Decimal:
        """The note's rate on `day`. It depends only on the index rate in force, the default
        periods covering the note and acceleration, so it is kept per note for the run of days
        between two of `_rate_bounds` (and the same acceleration state)."""
        kept = note.rate_kept
        accelerated = note.accelerated_on is not None
        if kept is not None and kept[0] <= day < kept[1] and kept[2] is accelerated:
            return kept[3]
        rate = self._rate(note, day)
        bounds = self._rate_bounds
        at = bisect_right(bounds, day)
        note.rate_kept = (bounds[at - 1] if at else date.min, bounds[at] if at < len(bounds) else date.max,
                          accelerated, rate)
        return rate

    def _rate(self, note: NoteState, day: date) -> Decimal:
        terms = note.terms.interest
        index_rate = None
        if terms.index is not None:
            index_rate = self.rates.in_force(terms.index, day)
            if index_rate is None:
                if self.need_rates:
                    raise MissingIndexRate(note.code, terms.index, day)
                index_rate = Decimal(0)
        rate = contractual_rate(terms, index_rate)
        if note.accelerated or any(p.covers(note.code, day) for p in self.defaults):
            rate += note.terms.default_margin
        return rate

    def _bill_period(self, note: NoteState, day: date) -> None:
        note.next_end = next_interest_day(day, note.terms.interest_day)
        self._bill(note, day, self.adjusted(day), interim=False)

    def _bill(self, note: NoteState, end: date, due: date, interim: bool) -> None:
        if not self.explains:
            amount = to_cents(note.accruer.close_period(end)[1])
            if amount > 0:  # a zero bill is not created (Accruer.bill)
                self.items.append(self._item(Component.INTEREST, note, due, amount, ""))
            return
        bill = note.accruer.bill(end, due, interim)
        if bill is None:
            return
        self.journal.bills.append(bill)
        label = f"interest {bill.period_start}..{bill.period_end}"
        self.items.append(self._item(Component.INTEREST, note, due, bill.amount, label))

    # -- principal ---------------------------------------------------------------------------

    def _advance(self, event: ev.AdvanceMade, day: date) -> None:
        note = self.notes.get(event.note)
        if note is None:
            self.journal.skipped.append(f"v{event.version}: advance on unknown note {event.note}")
            return
        note.principal += event.amount
        if self.explains:
            self.journal.advances.append(AdvanceRecord(event.version, note.code, day, event.amount))
        if note.accelerated:
            self._due_principal(note, day, event.amount, "advance after acceleration")

    def not_yet_due(self, note: NoteState) -> Decimal:
        due = sum((i.outstanding for i in self._open(note.code, Component.PRINCIPAL)), ZERO)
        return note.principal - due

    def _fall_due(self, day: date) -> None:
        for note in self._note_states:
            if note.accelerated_on is not None:
                continue
            while note.next_installment < len(note.installments):
                scheduled = note.installments[note.next_installment]
                due = self.adjusted(scheduled.due_date)
                if due > day:
                    break
                amount = min(scheduled.amount, self.not_yet_due(note))
                self._due_principal(note, due, amount, f"installment {scheduled.due_date}")
                note.next_installment += 1
            if not note.matured and note.maturity is not None and self.adjusted(note.maturity) <= day:
                due = self.adjusted(note.maturity)
                note.maturity_item = self._due_principal(note, due, self.not_yet_due(note), f"maturity {note.maturity}")
                note.matured = True
        self._next_fall_due = None

    def _due_principal(self, note: NoteState, due: date, amount: Decimal, label: str) -> Item | None:
        if amount <= 0:
            return None
        if self.explains:
            self.journal.principal_due.append(DueRecord(note.code, due, label, amount))
        item = self._item(Component.PRINCIPAL, note, due, amount, label)
        self.items.append(item)
        return item

    def _extend(self, event: ev.MaturityExtended) -> None:
        note = self.notes.get(event.note)
        if note is None:
            return
        if note.matured:
            self._cancel(note, note.maturity_item, event.effective_date, "extension of maturity")
        note.maturity, note.matured, note.maturity_item = event.new_maturity_date, False, None
        self._next_fall_due = None
        if event.amortization is not None:
            kept = note.installments[: note.next_installment]
            note.installments = kept + [Scheduled(i.due_date, i.amount) for i in event.amortization]

    def _rescind(self, day: date) -> None:
        for note in self.notes.values():
            if note.accelerated:
                self._cancel(note, note.acceleration_item, day, "acceleration rescinded")
                note.accelerated_on, note.acceleration_item = None, None
                self.accelerated_notes -= 1
                self._next_fall_due = None

    def _cancel(self, note: NoteState, item: Item | None, day: date, why: str) -> None:
        if item is None or item.outstanding <= 0:
            return
        if self.explains:
            self.journal.cancelled.append(DueRecord(note.code, day, f"{item.label}: {why}", item.outstanding))
        item.cancelled, item.outstanding = item.outstanding, ZERO

    # -- acceleration and fees --------------------------------------------------------------

    def _accelerate(self, note: NoteState, version: int, day: date) -> None:
        note.accelerated_on = day
        self.accelerated_notes += 1
        self._next_fall_due = None
        note.acceleration_item = self._due_principal(note, day, self.not_yet_due(note), "acceleration")
        premium = note.terms.default_premium
        if premium is None:
            return
        self._end_of_day(note, day)
        interest = ZERO
        if premium.base is PremiumBase.PRINCIPAL_AND_INTEREST:
            interest = self.billed_unpaid(note) + to_cents(note.accruer.through_end_of(day)[0])
        base = note.principal + interest
        exact = premium.rate / 100 * base
        amount = to_cents(exact)
        if self.explains:
            self.journal.premiums.append(PremiumRecord(
                version, note.code, day, premium.rate, premium.base.value, note.principal, interest, base, exact,
                amount))
        if amount > 0:
            self.items.append(self._item(Component.FEES, note, day, amount, "default premium"))

    def _fee(self, event: ev.FeeAssessed, day: date) -> None:
        note = self.notes.get(event.note) if event.note else None
        if event.note and note is None:
            self.journal.skipped.append(f"v{event.version}: fee on unknown note {event.note}")
            return
        if self.explains:
            self.journal.fees.append(FeeRecord(event.version, event.note, day, event.kind.value, event.amount, event.basis))
        self.items.append(self._item(Component.FEES, note, day, event.amount, f"{event.kind.value} fee v{event.version}"))

    # -- payments ----------------------------------------------------------------------------

    def _receive(self, payment: ev.PaymentReceived, day: date) -> None:
        if self.accelerated_notes:
            for note in self._note_states:
                if note.accelerated and note.accruer.period_start is not None:
                    self._bill(note, day, day, interim=True)
        rest, parts = payment.amount, []
        target = self.notes.get(payment.note) if payment.note else None
        if target is not None:
            due = [i for i in self.due(day) if i.note == target.code]
            if payment.component is not None:
                due = oldest_first(i for i in due if i.component is payment.component)
            rest = self._pay(rest, in_waterfall_order(due) if payment.component is None else due, parts)
            if payment.component in (None, Component.PRINCIPAL):
                rest = self._prepay(target, rest, parts)
        if self._earliest_due is not None and self._earliest_due <= day:  # otherwise nothing is due
            rest = self._pay(rest, in_waterfall_order(self.due(day)), parts)
        self.credit += rest
        if self.explains:
            component = payment.component.value if payment.component else None
            self.journal.payments.append(PaymentRecord(
                payment.version, payment.amount, payment.effective_date, day, payment.received_at,
                payment.note, component, tuple(parts), rest))

    def _prepay(self, note: NoteState, amount: Decimal, parts: list[Allocation]) -> Decimal:
        part = min(amount, self.not_yet_due(note))
        if part <= 0:
            return amount
        note.principal -= part
        if self.explains:
            parts.append(Allocation(note.code, Component.PRINCIPAL.value, "prepayment", None, part))
        return amount - part

    def _apply_credit(self, day: date) -> None:
        if self.credit <= 0 or self._earliest_due is None or self._earliest_due > day:
            return  # no credit, or nothing open is due yet: nothing to pay
        parts: list[Allocation] = []
        self.credit = self._pay(self.credit, in_waterfall_order(self.due(day)), parts)
        if parts and self.explains:
            self.journal.credit.append(CreditApplication(day, tuple(parts)))

    def _pay(self, amount: Decimal, items: list[Item], parts: list[Allocation]) -> Decimal:
        paid, rest = pay(amount, items)
        for item, part in paid:
            if item.component is Component.PRINCIPAL and item.note is not None:
                self.notes[item.note].principal -= part
            if self.explains:
                parts.append(allocation(item, part))
        if paid:
            self.items = [i for i in self.items if i.outstanding > 0]
            self._earliest_due = min((i.due_date for i in self.items), default=None)
        return rest

    # -- helpers -----------------------------------------------------------------------------

    def due(self, day: date) -> list[Item]:
        return [i for i in self.items if i.outstanding > 0 and i.due_date <= day]

    def _open(self, note: str, component: Component) -> list[Item]:
        return [i for i in self.items if i.note == note and i.component is component and i.outstanding > 0]

    def billed_unpaid(self, note: NoteState) -> Decimal:
        return sum((i.outstanding for i in self._open(note.code, Component.INTEREST)), ZERO)

    def open_items(self) -> list[Item]:
        return [i for i in self.items if i.outstanding > 0]

    def adjusted(self, day: date) -> date:
        if day not in self._adjusted:
            self._adjusted[day] = self.calendar.following(day)
        return self._adjusted[day]

    def _item(self, component: Component, note: NoteState | None, due: date, amount: Decimal, label: str) -> Item:
        self._seq += 1
        if self._earliest_due is None or due < self._earliest_due:
            self._earliest_due = due
        rank = note.rank if note is not None else FACILITY_RANK
        return Item(component, note.code if note else None, due, amount, rank, self._seq, label)


def _zone(name: str) -> ZoneInfo:
    """The facility's time zone. Stored events are read without re-validating their input, so a
    name the time zone database does not know (a tampered row) is refused here, with its name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ReportRefused(f"no time zone {name!r} is known") from None
