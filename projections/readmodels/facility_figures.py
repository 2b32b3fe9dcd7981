"""What the read models store about one facility, computed by the engine in one forward pass.

`steps` is the facility's portfolio figures as a step function of the as-of date: each step
holds for as-of dates in [valid_from, valid_until). The figures are read off the engine only on
the days on which they can change: the sweep's own stops (`Sweep.next_stop`: events, period ends,
due dates, rate changes, default bounds). On other days past-due amounts and the oldest due date
are unchanged, and days past due and bucket follow from the as-of date alone
(figures.Overdue.days, figures.bucket). A new step starts only where the fingerprint of the
engine's state changes, so the steps are the same as when every day is read.

The steps end on the day before a note is first accelerated: from then on the accelerated
principal accrues past-due interest every day, so the figures are no step function any more
(one row a day would be needed). `horizon` says so; the portfolio answers later as-of dates
from the engine (docs/read-models.md).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.events import FacilityEvent, FacilityOpened

from projections.engine import Sweep
from projections.exact import wide
from projections.errors import ReportRefused
from projections.figures import past_due_totals, principal
from projections.fixings import market_indexes
from projections.readmodels.lender_shares import LenderShare, lender_shares
from projections.selection import active

HORIZON_DAYS = 366
BEGINNING = date(1, 1, 1)


@dataclass(frozen=True)
class Step:
    valid_from: date
    valid_until: date
    status: str
    principal: Decimal
    past_due_principal: Decimal
    past_due_interest: Decimal
    past_due_fees: Decimal
    past_due_total: Decimal
    oldest_due: date | None
    problem: str | None = None


@dataclass(frozen=True)
class FacilityFigures:
    facility_id: str
    code: str
    borrower: str
    status: str
    principal: Decimal
    last_version: int
    last_effective_date: date | None
    last_recorded_at: datetime
    horizon: date
    steps: tuple[Step, ...]
    problem: str | None = None
    swept_through: date | None = None  # the last day the engine processed (without refusal, when no problem)
    lender_shares: tuple[LenderShare, ...] = ()  # rm_lender_shares (projections.readmodels.lender_shares)


STATUSES = ("accelerated", "in_default", "past_due", "current")
MARKET_DATA = "market_data"  # a summary's status when the figures read the market's index fixings


def status_of(sweep: Sweep) -> str:
    """At the end of the sweep's current day, the first that holds: `accelerated` (a note is),
    `in_default` (an event of default is open), `past_due` (an item due is unpaid), `current`.
    It always agrees with the figures: `current` exactly when nothing is past due and no note is
    accelerated or in default."""
    if sweep.accelerated_notes:
        return "accelerated"
    day = sweep.day
    for p in sweep.defaults:
        if p.start <= day and (p.end is None or day < p.end):
            return "in_default"
    if sweep.due_sums():  # an open item is due
        return "past_due"
    return "current"


def step_at(sweep: Sweep, valid_from: date) -> Step:
    due_principal, due_interest, due_fees, total = past_due_totals(sweep)
    return Step(
        valid_from, valid_from, status_of(sweep), principal(sweep),
        due_principal.amount, due_interest.amount, due_fees.amount, total.amount,
        total.oldest if total.amount > 0 else None,
    )


def _fingerprint(sweep: Sweep, looks: list[int]) -> tuple:
    """What a step is read from: the open items (seq, outstanding, due by the day), each note's
    principal and the status. The items are stood for by a count of the looks that found them
    changed (`looks`, one per pass: Sweep.open_items_changed), so comparing two fingerprints
    compares the items without listing them."""
    if sweep.open_items_changed():
        looks[0] += 1
    principals = [n.principal for n in sweep.notes.values()]
    return looks[0], principals, status_of(sweep)



def last_effective_date(events: Sequence[FacilityEvent]) -> date | None:
    return _latest_effective(active(events))


def _latest_effective(facts: Sequence[FacilityEvent]) -> date | None:
    """The latest effective date among active events (`facts`: selection.active's)."""
    dates = [d for d in (e.effective() for e in facts) if d is not None]
    return max(dates, default=None)


def _base(opened: FacilityOpened, last: FacilityEvent, last_effective: date | None, horizon_days: int) -> dict:
    horizon = (last_effective or opened.agreement_date) + timedelta(days=horizon_days)
    return dict(facility_id=str(opened.originator_id), code=opened.code, borrower=opened.borrower,
                last_version=last.version, last_effective_date=last_effective,
                last_recorded_at=last.recorded_at, horizon=horizon)


@wide
def facility_figures(events: Sequence[FacilityEvent], horizon_days: int = HORIZON_DAYS, *,
                     step_every_day: bool = False) -> FacilityFigures:
    """The summary and the portfolio steps of one facility's stream (all of it, versions 1..n)."""
    opened = events[0]
    assert isinstance(opened, FacilityOpened), "a facility stream starts with FacilityOpened"
    last = events[-1]
    shares = lender_shares(events)
    if market_indexes(active(events)):
        # its figures read index fixings, which other streams hold and which arrive after its own
        # events: no step is kept, and the portfolio asks the engine (with the fixings) each time
        base = _base(opened, last, last_effective_date(events), horizon_days)
        return FacilityFigures(**base, status=MARKET_DATA, principal=Decimal("0.00"), steps=(),
                               problem=None, lender_shares=shares)
    try:
        sweep = Sweep(events, step_every_day=step_every_day, explain=False)
    except ReportRefused as refused:
        base = _base(opened, last, last_effective_date(events), horizon_days)
        return FacilityFigures(**base, status="refused", principal=Decimal("0.00"), steps=(), problem=str(refused),
                               lender_shares=shares)
    last_effective = _latest_effective(sweep.facts)
    base = _base(opened, last, last_effective, horizon_days)
    horizon = base["horizon"]
    value_dates = [d for d in (last_effective, max(sweep.agenda, default=None)) if d is not None]
    summary_day = max(value_dates, default=None)
    horizon = max(horizon, (summary_day or horizon))
    steps, horizon, summary, problem = _steps(sweep, horizon, summary_day)
    return FacilityFigures(**{**base, "horizon": horizon}, status=summary[0], principal=summary[1],
                           steps=tuple(steps), problem=problem, swept_through=sweep.day, lender_shares=shares)


def _steps(sweep: Sweep, horizon: date,
           summary_day: date | None) -> tuple[list[Step], date, tuple[str, Decimal], str | None]:
    """The steps up to the horizon (or the day before the first acceleration, which becomes the
    horizon), the summary (status, principal) on `summary_day`, and the engine's refusal if any."""
    readings: list[Step] = []  # each step as read on its first day (valid_until set by _closed)
    day = sweep.day
    previous = None
    looks = [0]
    summary = ("current", Decimal("0.00"))
    try:
        sweep.run_to(day)
        while day <= horizon:
            if sweep.accelerated_notes:
                horizon = day - timedelta(days=1)
                break
            key = _fingerprint(sweep, looks)
            if key != previous:
                readings.append(step_at(sweep, BEGINNING if not readings else day))
                previous = key
            if day == summary_day:
                summary = (readings[-1].status, readings[-1].principal)
            limit = horizon + timedelta(days=1)
            if summary_day is not None and day < summary_day < limit:
                limit = summary_day
            sweep.advance(limit)  # to the next day on which the fingerprint (or the summary) can change
            day = sweep.day
        if summary_day is not None and summary_day > horizon:  # accelerated before the summary day
            sweep.run_to(summary_day)
            summary = (status_of(sweep), principal(sweep))
    except ReportRefused as refused:
        day = sweep.day  # the day the engine refused (run_to stops there)
        if day <= horizon:
            readings.append(Step(BEGINNING if not readings else day, day, "refused", Decimal("0.00"), Decimal("0.00"),
                                 Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), None, str(refused)))
        return _closed(readings, horizon), horizon, ("refused", summary[1]), str(refused)
    return _closed(readings, horizon), horizon, summary, None


def _closed(readings: list[Step], horizon: date) -> list[Step]:
    """Each step valid until the next one starts, the last until the day after the horizon."""
    ends = [r.valid_from for r in readings[1:]] + [horizon + timedelta(days=1)]
    return [Step(r.valid_from, end, r.status, r.principal, r.past_due_principal, r.past_due_interest,
                 r.past_due_fees, r.past_due_total, r.oldest_due, r.problem) for r, end in zip(readings, ends)]
