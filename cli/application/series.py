"""The series behind the charts (cli.formats.charts): a facility's figures day by day or month
by month, its events as marks, and the portfolio's past due by bucket at each month end. Every
figure is the engine's (projections.report.timeline, one pass per facility)."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from cli.application.market import fixings_for
from cli.formats.charts import BUCKETS, Mark, Point
from domain import events as ev
from projections import report as reports
from projections.errors import ReportRefused
from projections.selection import active

MARKED = ((ev.AdvanceMade, "advance"), (ev.PaymentReceived, "payment"), (ev.EventOfDefaultDeclared, "default"),
          (ev.DefaultWaived, "waiver"), (ev.ObligationsAccelerated, "acceleration"),
          (ev.AccelerationRescinded, "rescission"), (ev.DefaultNoticeIssued, "notice"))


def facility_series(events: list[Any], start: date, end: date, every: str,
                    known_at: datetime | None, fixings: Any = None) -> tuple[list[Point], list[Mark]]:
    """`fixings`: the market's, as known at `known_at` (projections.fixings), for notes on SOFR."""
    points = [Point(r.position.as_of, r.position.principal, r.position.interest, r.past_due.total.amount,
                    r.past_due.bucket)
              for r in reports.timeline(events, start, end, every, known_at,
                                        **({"fixings": fixings} if fixings is not None else {}))]
    marks = []
    for e in active(events, known_at):
        for cls, kind in MARKED:
            day = e.effective()
            if isinstance(e, cls) and day is not None and start <= day <= end:
                marks.append(Mark(day, kind, f"v{e.version} {type(e).__name__}"))
    return points, marks


def first_day(events: list[Any]) -> date:
    """The agreement date (the first event is the FacilityOpened)."""
    return min(e.agreement_date for e in events if isinstance(e, ev.FacilityOpened))


def portfolio_series(book: Any, end: date, known_at: datetime | None) -> tuple[list[date], dict[str, list[Decimal]]]:
    """Past due per bucket at each month end (and `end`), from the first agreement date on."""
    streams = [book.facility_events(f.code) for f in book.facilities()]
    streams = [s for s in streams if first_day(s) <= end]
    if not streams:
        return [end], {b: [Decimal(0)] for b in BUCKETS}
    start = min(first_day(s) for s in streams)
    days = reports.timeline_dates(start, end, "month")
    totals = {b: [Decimal(0)] * len(days) for b in BUCKETS}
    for events in streams:
        opened = first_day(events)
        wanted = [d for d in days if d >= opened]
        if not wanted:
            continue
        offset = len(days) - len(wanted)
        try:
            series = list(reports.timeline(events, wanted[0], end, "month", known_at,
                                           fixings=fixings_for(book, events, known_at)))
        except ReportRefused:  # the engine refuses this facility (the portfolio lists it as refused)
            continue
        for i, r in enumerate(series):
            if r.past_due.bucket in totals:
                totals[r.past_due.bucket][offset + i] += r.past_due.total.amount
    return days, totals
