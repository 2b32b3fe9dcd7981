"""The portfolio as of a date, known at an instant: every facility's principal and past-due
figures, from the materialised steps where they can answer and from the engine where not.

The tables answer for a facility when (1) the read models have applied all its events,
(2) nothing of it was recorded after `known_at`, and (3) the as-of date is within its steps'
horizon. Otherwise its figures come from a replay (projections.report.replay), the reference.
Either way the figures are the engine's.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.events import FacilityEvent

from projections.engine import Sweep
from projections.fixings import NO_FIXINGS, Fixings, market_indexes
from projections.errors import ReportRefused
from projections.figures import Overdue, bucket
from projections.readmodels.facility_figures import Step, step_at
from projections.selection import as_utc

BUCKET_ORDER = ("current", "0-30", "31-60", "61-90", "91+")


@dataclass(frozen=True)
class Summary:
    """A facility as the summary table knows it."""

    facility_id: str
    code: str
    borrower: str
    last_recorded_at: datetime


class PortfolioTables(Protocol):
    """What the portfolio reads from the materialised tables (cli.persistence.readmodel_tables)."""

    def summaries(self) -> list[Summary]: ...

    def steps_on(self, day: date) -> Mapping[str, Step]:
        """facility id -> the portfolio step valid on `day` (valid_from <= day < valid_until)."""
        ...


@dataclass(frozen=True)
class Line:
    facility: str
    borrower: str
    status: str
    principal: Decimal
    past_due_principal: Decimal
    past_due_interest: Decimal
    past_due_fees: Decimal
    past_due_total: Decimal
    oldest_due: date | None
    days_past_due: int
    bucket: str
    problem: str | None
    computed_by: str  # "tables" or "engine"


def line(code: str, borrower: str, step: Step, as_of: date, computed_by: str) -> Line:
    days = Overdue(step.past_due_total, step.oldest_due).days(as_of)
    return Line(code, borrower, step.status, step.principal, step.past_due_principal, step.past_due_interest,
                step.past_due_fees, step.past_due_total, step.oldest_due, days,
                bucket(step.past_due_total, days) if step.problem is None else "refused",
                step.problem, computed_by)


def engine_line(events: list[FacilityEvent], as_of: date, known_at: datetime | None,
                fixings: Fixings = NO_FIXINGS) -> Line | None:
    """None when the facility was not known at `known_at`. `fixings`: the market's, as known then."""
    try:
        sweep = Sweep(events, known_at, explain=False, fixings=fixings)
    except ReportRefused:
        return None
    code, borrower = sweep.facility.code, sweep.facility.borrower
    try:
        sweep.run_to(as_of)
    except ReportRefused as refused:
        zero = Decimal("0.00")
        step = Step(as_of, as_of, "refused", zero, zero, zero, zero, zero, None, str(refused))
        return line(code, borrower, step, as_of, "engine")
    return line(code, borrower, step_at(sweep, as_of), as_of, "engine")


def portfolio(
    tables: PortfolioTables, as_of: date, known_at: datetime | None,
    lagging: Iterable[str], events_of: Callable[[str], list[FacilityEvent]],
    fixings_of: Callable[[list[FacilityEvent]], Fixings] | None = None,
) -> list[Line]:
    """`lagging`: ids of facilities with events the read models have not applied yet. A facility
    whose notes read the market's index fixings has no steps in the tables: the engine answers
    for it, with `fixings_of(events)` (the fixings as known at `known_at`)."""
    steps = tables.steps_on(as_of)
    stale = set(lagging)
    instant = as_utc(known_at) if known_at is not None else None
    lines: list[Line] = []
    for s in tables.summaries():
        fid = s.facility_id
        step = steps.get(fid)
        if fid in stale or step is None or (instant is not None and as_utc(s.last_recorded_at) > instant):
            stale.add(fid)
            continue
        lines.append(line(s.code, s.borrower, step, as_of, "tables"))
    for fid in sorted(stale):
        events = events_of(fid)
        fixings = fixings_of(events) if fixings_of is not None and market_indexes(events) else NO_FIXINGS
        computed = engine_line(events, as_of, known_at, fixings)
        if computed is not None:
            lines.append(computed)
    return sorted(lines, key=lambda x: x.facility)


def select(lines: list[Line], status: str | None = None, bucket_name: str | None = None) -> list[Line]:
    return [x for x in lines if (status is None or x.status == status) and (bucket_name is None or x.bucket == bucket_name)]


@dataclass(frozen=True)
class BucketTotal:
    bucket: str
    facilities: int
    principal: Decimal
    past_due_total: Decimal


def totals(lines: list[Line]) -> list[BucketTotal]:
    names = [b for b in BUCKET_ORDER if any(x.bucket == b for x in lines)]
    names += sorted({x.bucket for x in lines} - set(names))
    return [BucketTotal(b, sum(1 for x in lines if x.bucket == b),
                        sum((x.principal for x in lines if x.bucket == b), Decimal("0.00")),
                        sum((x.past_due_total for x in lines if x.bucket == b), Decimal("0.00")))
            for b in names]
