"""The read side's public functions: pure functions of (events, as_of, known_at)."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from domain.events import FacilityEvent

from projections.availability import Availability, availability
from projections.engine import Sweep
from projections.exact import wide
from projections.explain import Explanation, explanation
from projections.figures import PastDue, Position, past_due, position
from projections.fixings import NO_FIXINGS, Fixings
from projections.payoff import Payoff, quote
from projections.schedule import month_end

Events = Iterable[FacilityEvent]


@dataclass(frozen=True)
class Report:
    position: Position
    past_due: PastDue


def replay(events: Events, as_of: date, known_at: datetime | None = None, *, explain: bool = False,
           fixings: Fixings = NO_FIXINGS) -> Sweep:
    """The sweep at the end of `as_of`; with `explain`, keeping the journal that explains it.
    `fixings`: the market's index fixings as known at `known_at` (the application reads them)."""
    sweep = Sweep(events, known_at, explain=explain, fixings=fixings)
    sweep.run_to(as_of)
    return sweep


def position_as_of(events: Events, as_of: date, known_at: datetime | None = None, *,
                   fixings: Fixings = NO_FIXINGS) -> Position:
    return position(replay(events, as_of, known_at, fixings=fixings))


def past_due_as_of(events: Events, as_of: date, known_at: datetime | None = None, *,
                   fixings: Fixings = NO_FIXINGS) -> PastDue:
    return past_due(replay(events, as_of, known_at, fixings=fixings))


def report(events: Events, as_of: date, known_at: datetime | None = None, *,
           fixings: Fixings = NO_FIXINGS) -> Report:
    sweep = replay(events, as_of, known_at, fixings=fixings)
    return Report(position(sweep), past_due(sweep))


def explain(events: Events, as_of: date, known_at: datetime | None = None, *,
            fixings: Fixings = NO_FIXINGS) -> Explanation:
    return explanation(replay(events, as_of, known_at, explain=True, fixings=fixings))


def availability_as_of(events: Events, as_of: date, known_at: datetime | None = None, *,
                       fixings: Fixings = NO_FIXINGS) -> Availability:
    return availability(replay(events, as_of, known_at, fixings=fixings))


def payoff_on(events: Events, good_through: date, known_at: datetime | None = None, *,
              fixings: Fixings = NO_FIXINGS) -> Payoff:
    """What must be paid on `good_through` to retire every note (projections.payoff)."""
    return quote(events, good_through, known_at, fixings=fixings)


def timeline(
    events: Events, start: date, end: date, every: str = "day", known_at: datetime | None = None, *,
    fixings: Fixings = NO_FIXINGS,
) -> Iterator[Report]:
    """Reports at each date of the range, from one forward pass over the events."""
    sweep = Sweep(events, known_at, explain=False, fixings=fixings)
    for day in timeline_dates(start, end, every):
        yield _report_at(sweep, day)


@wide
def _report_at(sweep: Sweep, day: date) -> Report:
    """The sweep moved to `day` and both figures read off it, in one WIDE context (the engine's
    exact sums would otherwise enter it call by call). Not held across the generator's `yield`:
    the caller's Decimal context stays its own."""
    sweep.run_to(day)
    return Report(position(sweep), past_due(sweep))


def timeline_dates(start: date, end: date, every: str = "day") -> list[date]:
    """`day`: every day from start to end. `month`: the end of each month in the range, and
    `end` itself when it is not a month end."""
    if end < start:
        raise ValueError(f"the range {start}..{end} runs backwards")
    if every == "day":
        return [start + timedelta(days=n) for n in range((end - start).days + 1)]
    if every != "month":
        raise ValueError(f"every must be 'day' or 'month', not {every!r}")
    dates, day = [], month_end(start)
    while day < end:
        dates.append(day)
        day = month_end(day + timedelta(days=1))
    return dates + [end]
