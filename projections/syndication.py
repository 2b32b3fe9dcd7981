"""Syndication: each lender's part of every amount the waterfall allocates (the contract §12,
docs/syndication.md).

Shares come from LenderPositionSet (a lender's share of a note's commitment from a date) and
AssignmentSettled (part of a share moved on its settlement date). A note without positions is
held whole by the facility's lender. Each allocation of a payment (or of unapplied credit) is
split:

* principal by the shares held on the value date;
* interest by each lender's own accrual over the bill's period: the bill's sub-intervals, cut
  again where shares change, each lender accruing on its share of the principal (an assignment
  settled `to_buyer` inside the period gives the assignee the assigned part's accrual from the
  period start);
* fees by the shares on the fee's date (a facility fee by the shares of all notes together),
  unless the fee names a lender.

A split rounds each lender's amount half-up to the cent and gives the remainder to the lender
with the largest share (ties: the first in lender order, the order in which lenders first took a
position), so lenders' amounts always add up to the allocation exactly.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain import events as ev
from domain.money import ZERO, to_cents

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.fixings import NO_FIXINGS, Fixings
from projections.selection import active
from projections.waterfall import Allocation

Shares = dict[str, Decimal]


@dataclass(frozen=True)
class LenderPart:
    """One lender's part of one allocation."""

    lender: str
    note: str | None
    component: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Receipt:
    """A payment received (or credit applied on a day), split among the lenders."""

    version: int | None  # the PaymentReceived's version; None for credit applied
    value_date: date
    amount: Decimal  # received (or credit applied)
    allocated: Decimal  # what the waterfall allocated of it (the rest stays unapplied credit)
    parts: tuple[LenderPart, ...]

    def owed(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for p in self.parts:
            out[p.lender] = out.get(p.lender, ZERO) + p.amount
        return out


@dataclass(frozen=True)
class Distribution:
    facility: str
    as_of: date
    receipts: tuple[Receipt, ...]  # on `as_of`
    paid: dict[str, Decimal]  # DistributionPaid on `as_of`
    owed_to_date: dict[str, Decimal]  # every receipt through `as_of`
    paid_to_date: dict[str, Decimal]

    def owed(self) -> dict[str, Decimal]:
        out: dict[str, Decimal] = {}
        for r in self.receipts:
            for lender, amount in r.owed().items():
                out[lender] = out.get(lender, ZERO) + amount
        return out


@dataclass
class Syndicate:
    """The lenders of a facility and their shares of each note over time."""

    facility_lender: str
    faces: dict[str, Decimal]
    changes: dict[str, list[tuple[date, int, str, tuple[str, Decimal]]]] = field(default_factory=dict)
    to_buyer: dict[str, list[tuple[date, str, str, Decimal]]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, facts: Sequence[ev.FacilityEvent]) -> "Syndicate":
        opened = next(e for e in facts if isinstance(e, ev.FacilityOpened))
        notes = [e for e in facts if isinstance(e, ev.NoteIssued)]
        syndicate = cls(opened.lender, {n.note: n.face_amount for n in notes})
        for e in facts:
            if isinstance(e, ev.LenderPositionSet):
                syndicate._add(e.note, e.effective_date, e.version, e.lender, ("set", e.commitment))
            elif isinstance(e, ev.AssignmentSettled):
                day = e.settlement_date
                syndicate._add(e.note, day, e.version, e.assignor, ("move", -e.amount))
                syndicate._add(e.note, day, e.version, e.assignee, ("move", e.amount))
                if e.accrued == "to_buyer":
                    syndicate.to_buyer.setdefault(e.note, []).append((day, e.assignor, e.assignee, e.amount))
        if not syndicate.order:
            syndicate.order.append(opened.lender)
        return syndicate

    def _add(self, note: str, day: date, version: int, lender: str, change: tuple[str, Decimal]) -> None:
        self.changes.setdefault(note, []).append((day, version, lender, change))
        if lender not in self.order:
            self.order.append(lender)

    def shares(self, note: str, day: date) -> Shares:
        """Each lender's share of `note` at the end of `day`; the whole note is the facility
        lender's when no position was ever set. Shares must add up to the note's face amount."""
        if not self.changes.get(note):
            return {self.facility_lender: self.faces.get(note, Decimal(1))}
        held = self.held(note, day)
        total = sum(held.values(), ZERO)
        if total != self.faces[note]:
            raise ReportRefused(
                f"lenders' shares of note {note} add up to {total} on {day}, not its commitment "
                f"{self.faces[note]}: record the missing positions with 'loanledger lender set'")
        return held

    def held(self, note: str, day: date) -> Shares:
        """What each lender holds of `note` at the end of `day` by its positions and assignments
        (nothing checked: `shares` refuses a sum other than the commitment)."""
        held: Shares = {}
        for effective, _, lender, (kind, amount) in sorted(self.changes.get(note, ())):
            if effective > day:
                break
            held[lender] = amount if kind == "set" else held.get(lender, ZERO) + amount
        return {lender: amount for lender, amount in held.items() if amount > 0}

    def facility_shares(self, day: date) -> Shares:
        """Each lender's share of every note together (facility fees)."""
        out: Shares = {}
        for note in self.faces:
            for lender, amount in self.shares(note, day).items():
                out[lender] = out.get(lender, ZERO) + amount
        return out

    def change_days(self, note: str) -> list[date]:
        return sorted({day for day, *_ in self.changes.get(note, ())})

    def accrual_shares(self, note: str, day: date, period: tuple[date, date]) -> Shares:
        """Shares for the interest accrued on `day` of a bill's period: those held, with each
        `to_buyer` assignment settled later in the period already moved to the assignee."""
        held = dict(self.shares(note, day))
        start, end = period
        for settled, assignor, assignee, amount in self.to_buyer.get(note, ()):
            if start < settled < end and day < settled:
                held[assignor] = held.get(assignor, ZERO) - amount
                held[assignee] = held.get(assignee, ZERO) + amount
        return {lender: amount for lender, amount in held.items() if amount > 0}

    def split(self, amount: Decimal, weights: Shares) -> dict[str, Decimal]:
        """`amount` split by `weights`: each part rounded half-up to the cent, the remainder to
        the largest weight (ties: the first in lender order)."""
        total = sum(weights.values(), ZERO)
        lenders = sorted((w for w in weights if weights[w] > 0), key=self.rank)
        if not lenders or total <= 0:
            raise ReportRefused(f"no lender holds a share to receive {amount}")
        parts = {lender: to_cents(amount * weights[lender] / total) for lender in lenders}
        largest = max(lenders, key=lambda lender: (weights[lender], -self.rank(lender)))
        parts[largest] += amount - sum(parts.values(), ZERO)
        return parts

    def rank(self, lender: str) -> int:
        """The lender's place in lender order (the order lenders first took a position)."""
        return self.order.index(lender) if lender in self.order else len(self.order)


class Splitter:
    """Splits the allocations a sweep made among the lenders (the sweep ran with explain)."""

    def __init__(self, sweep: Sweep) -> None:
        self.sweep = sweep
        self.syndicate = Syndicate.of(sweep.facts)
        self.bills = {(b.note, f"interest {b.period_start}..{b.period_end}"): b for b in sweep.journal.bills}
        self.fee_lender = {e.version: e.lender for e in sweep.facts if isinstance(e, ev.FeeAssessed)}

    def receipts(self) -> list[Receipt]:
        out = [Receipt(p.version, p.value_date, p.amount, _allocated(p.allocations),
                       self._parts(p.allocations, p.value_date)) for p in self.sweep.journal.payments]
        out += [Receipt(None, c.day, _allocated(c.allocations), _allocated(c.allocations),
                        self._parts(c.allocations, c.day)) for c in self.sweep.journal.credit]
        return sorted(out, key=lambda r: (r.value_date, r.version is None, r.version or 0))

    def _parts(self, allocations: Iterable[Allocation], day: date) -> tuple[LenderPart, ...]:
        parts = []
        for a in allocations:
            for lender, amount in self.syndicate.split(a.amount, self.weights(a, day)).items():
                parts.append(LenderPart(lender, a.note, a.component, a.label, amount))
        return tuple(parts)

    def weights(self, a: Allocation, day: date) -> Shares:
        """The weights an allocation applied on `day` is split by (the rules above); also what a
        lender's part of an item still due would be (projections.lender_exposure)."""
        s = self.syndicate
        if a.component == "interest" and a.note is not None and (a.note, a.label) in self.bills:
            return self.interest_weights(self.bills[(a.note, a.label)])
        if a.component == "fees":
            named = self._named_lender(a.label)
            if named is not None:
                return {named: Decimal(1)}
            on = a.due_date or day
            return s.facility_shares(on) if a.note is None else s.shares(a.note, on)
        return s.shares(a.note, day) if a.note is not None else s.facility_shares(day)

    def _named_lender(self, label: str) -> str | None:
        version = label.rpartition(" v")[2]
        return self.fee_lender.get(int(version)) if label.endswith(f" v{version}") and version.isdigit() else None

    def interest_weights(self, bill) -> Shares:  # type: ignore[no-untyped-def]
        """Each lender's exact accrual over the bill's sub-intervals, cut where shares change."""
        s = self.syndicate
        cuts = s.change_days(bill.note)
        weights: Shares = {}
        period = (bill.period_start, bill.period_end)
        for piece in bill.sub_intervals:
            starts = [piece.start, *(d for d in cuts if piece.start < d < piece.end)]
            ends = [*starts[1:], piece.end]
            for a, b in zip(starts, ends):
                held = s.accrual_shares(bill.note, a, period)
                total = sum(held.values(), ZERO)
                days = Decimal((b - a).days)
                for lender, amount in held.items():
                    weights[lender] = weights.get(lender, ZERO) + piece.principal * amount / total * piece.rate * days
        if not weights or sum(weights.values(), ZERO) <= 0:  # e.g. a zero rate: by shares at the period's start
            return s.shares(bill.note, bill.period_start)
        return weights


def _allocated(allocations: Iterable[Allocation]) -> Decimal:
    return sum((a.amount for a in allocations), ZERO)


def _sweep(events: Iterable[ev.FacilityEvent], through: date, known_at: datetime | None,
           fixings: Fixings = NO_FIXINGS) -> Sweep:
    sweep = Sweep(events, known_at, explain=True, fixings=fixings)
    sweep.run_to(through)
    return sweep


def distribution(events: Iterable[ev.FacilityEvent], day: date, known_at: datetime | None = None,
                 fixings: Fixings = NO_FIXINGS) -> Distribution:
    """What each lender is owed from each receipt of `day`, and what was paid to it that day
    and to date. `fixings`: the market's, as known at `known_at` (a facility on SOFR)."""
    events = list(events)
    sweep = _sweep(events, day, known_at, fixings)
    receipts = Splitter(sweep).receipts()
    owed_to_date: dict[str, Decimal] = {}
    for r in receipts:
        for lender, amount in r.owed().items():
            owed_to_date[lender] = owed_to_date.get(lender, ZERO) + amount
    paid, paid_to_date = _paid(sweep.facts, day)
    return Distribution(sweep.facility.code, day, tuple(r for r in receipts if r.value_date == day), paid,
                        owed_to_date, paid_to_date)


def _paid(facts: Iterable[ev.FacilityEvent], day: date) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    on, through = {}, {}
    for e in facts:
        if isinstance(e, ev.DistributionPaid) and e.effective_date <= day:
            through[e.lender] = through.get(e.lender, ZERO) + e.amount
            if e.effective_date == day:
                on[e.lender] = on.get(e.lender, ZERO) + e.amount
    return on, through


@dataclass(frozen=True)
class LenderBalance:
    lender: str
    note: str
    share: Decimal  # of the note's commitment
    principal: Decimal


def balance_by_lender(events: Iterable[ev.FacilityEvent], day: date, known_at: datetime | None = None,
                      fixings: Fixings = NO_FIXINGS) -> list[LenderBalance]:
    """Each lender's share of each note and of its principal at the end of `day`."""
    sweep = _sweep(events, day, known_at, fixings)
    syndicate = Syndicate.of(sweep.facts)
    out = []
    for code, note in sweep.notes.items():
        shares = syndicate.shares(code, day)
        split = syndicate.split(note.principal, shares) if note.principal else {lender: ZERO for lender in shares}
        out += [LenderBalance(lender, code, shares[lender], split[lender]) for lender in sorted(shares, key=syndicate.rank)]
    return out


@dataclass(frozen=True)
class StatementLine:
    facility: str
    day: date
    what: str  # "receipt v12", "credit applied", "distribution v15"
    owed: Decimal
    paid: Decimal


def lender_statement(facility_events: Iterable[Iterable[ev.FacilityEvent]], lender: str, start: date, end: date,
                     known_at: datetime | None = None,
                     fixings_of: Callable[[list[ev.FacilityEvent]], Fixings] | None = None) -> list[StatementLine]:
    """One lender's receipts owed and distributions paid across facilities, from `start` to `end`.
    `fixings_of(events)`: the market's fixings a facility reads, as known at `known_at`."""
    lines = []
    for events in facility_events:
        events = list(events)
        facts = active(events, known_at)
        if not any(getattr(e, "lender", None) == lender or getattr(e, "assignee", None) == lender
                   for e in facts if isinstance(e, (ev.LenderPositionSet, ev.AssignmentSettled, ev.FacilityOpened))):
            continue
        sweep = _sweep(events, end, known_at, fixings_of(events) if fixings_of is not None else NO_FIXINGS)
        for r in Splitter(sweep).receipts():
            owed = sum((p.amount for p in r.parts if p.lender == lender), ZERO)
            if start <= r.value_date <= end and owed:
                what = f"receipt v{r.version}" if r.version is not None else "credit applied"
                lines.append(StatementLine(sweep.facility.code, r.value_date, what, owed, ZERO))
        for e in sweep.facts:
            if isinstance(e, ev.DistributionPaid) and e.lender == lender and start <= e.effective_date <= end:
                lines.append(StatementLine(sweep.facility.code, e.effective_date, f"distribution v{e.version}", ZERO, e.amount))
    return sorted(lines, key=lambda x: (x.day, x.facility, x.what))
