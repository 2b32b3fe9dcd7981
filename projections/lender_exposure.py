"""Each lender's exposure across facilities as of a date: its part of every facility's principal
and past due, split by the syndication rules (projections.syndication; docs/syndication.md,
"Exposure by lender"). Nothing here is a second rule: the engine's sweep gives the principal and
the open items, `Syndicate.split` and `Splitter.weights` split them.

For each facility, as of the end of the day D:

* principal of each note: by the shares held at the end of D (as a principal payment on D
  would be split);
* each past-due item (outstanding, due on or before D): as the allocation of a payment on D
  to that item would be split: principal by the shares on D, interest by each lender's own
  accrual over the bill's period, fees by the shares on the fee's due date (or to the lender the
  fee names);
* an accelerated note's principal and interest beyond its due items (past due at once, as the
  portfolio counts them): by the shares on D.

So each facility's lenders' parts add up to its principal and to each past-due component
exactly, to the cent.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from domain import events as ev
from domain.money import ZERO
from domain.values import Component

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.figures import past_due
from projections.fixings import NO_FIXINGS, Fixings
from projections.syndication import Splitter
from projections.waterfall import Allocation

COMPONENTS = ("principal", "interest", "fees")


@dataclass(frozen=True)
class Exposure:
    """One lender's part of one facility as of a date."""

    facility: str
    lender: str
    principal: Decimal
    past_due_principal: Decimal
    past_due_interest: Decimal
    past_due_fees: Decimal

    @property
    def past_due_total(self) -> Decimal:
        return self.past_due_principal + self.past_due_interest + self.past_due_fees


@dataclass(frozen=True)
class Refused:
    facility: str
    problem: str


def facility_exposure(events: Iterable[ev.FacilityEvent], day: date, known_at: datetime | None = None,
                      fixings: Fixings = NO_FIXINGS) -> list[Exposure] | Refused | None:
    """The lenders' parts of one facility (in lender order); None when the facility was not known
    at `known_at`; Refused with the engine's message when it cannot be computed."""
    try:
        sweep = Sweep(events, known_at, explain=True, fixings=fixings)
    except ReportRefused:
        return None
    code = sweep.facility.code
    try:
        sweep.run_to(day)
        return _split(sweep, day)
    except ReportRefused as refused:
        return Refused(code, str(refused))


def _split(sweep: Sweep, day: date) -> list[Exposure]:
    splitter = Splitter(sweep)
    syndicate = splitter.syndicate
    parts: dict[str, dict[str, Decimal]] = {}

    def add(split: dict[str, Decimal], what: str) -> None:
        for lender, amount in split.items():
            held = parts.setdefault(lender, dict.fromkeys(("outstanding", *COMPONENTS), ZERO))
            held[what] += amount

    for code, note in sweep.notes.items():
        shares = syndicate.shares(code, day)
        add(syndicate.split(note.principal, shares) if note.principal else dict.fromkeys(shares, ZERO), "outstanding")
    items: dict[tuple[str | None, str], Decimal] = {}
    for item in sweep.items:
        if item.outstanding > 0 and item.due_date <= day:
            component = Component(item.component).value
            allocation = Allocation(item.note, component, item.label, item.due_date, item.outstanding)
            add(syndicate.split(item.outstanding, splitter.weights(allocation, day)), component)
            items[(item.note, component)] = items.get((item.note, component), ZERO) + item.outstanding
    for code, due in past_due(sweep).notes.items():  # an accelerated note: what is past due beyond its items
        for component in ("principal", "interest"):
            beyond = getattr(due, component).amount - items.get((code, component), ZERO)
            if beyond > 0:
                add(syndicate.split(beyond, syndicate.shares(code, day)), component)
    code = sweep.facility.code
    return [Exposure(code, lender, held["outstanding"], held["principal"], held["interest"], held["fees"])
            for lender, held in sorted(parts.items(), key=lambda item: syndicate.rank(item[0]))]
