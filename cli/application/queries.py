"""Read-side use cases that both the CLI and the web view call, so that `--json` and the JSON
API are one code path: the portfolio (read models where they can answer, else the engine)."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

from cli.application.market import fixings_for
from cli.application.readmodel_sync import close_view, open_view
from cli.persistence.notification_log import notifications
from projections.readmodels import portfolio as pf


def portfolio(book: Any, day: date, instant: datetime | None, status: str | None = None,
              bucket: str | None = None) -> tuple[list[Any], list[Any]]:
    """The portfolio's lines (selected by status and bucket) and its totals per bucket."""
    view = open_view(book.db)
    try:
        lagging = _lagging(book, view.position())
        if view.stale_rules():  # computed by another edition of the rules: the engine answers
            lagging = {s.facility_id for s in view.summaries()}
        lines = pf.portfolio(view, day, instant, lagging, lambda fid: list(book.events.get(UUID(fid))),
                             lambda events: fixings_for(book, events, instant))
    finally:
        close_view(view)
    lines = pf.select(lines, status, bucket)
    return lines, pf.totals(lines)


def _lagging(book: Any, position: int) -> set[str]:
    """Ids of the facilities with events after `position` (not yet in the read models)."""
    return {str(n.originator_id) for n in notifications(book.recorder, position, limit=5000)}


def exposure_by_lender(book: Any, day: date, instant: datetime | None,
                       lender: str | None = None) -> tuple[list[Any], list[Any]]:
    """`portfolio --by-lender`: every lender's part of every facility's principal and past due
    as of `day` (known at `instant`), computed by the engine per facility
    (projections.lender_exposure), and the facilities the engine refused. `lender`: only its rows."""
    from projections.lender_exposure import Refused, facility_exposure  # start-up: deferred (docs/architecture.md, "Start-up")

    rows, refused = [], []
    held = _held_by(book, lender, day) if lender is not None and instant is None else None
    for opened in book.facilities():
        if held is not None and str(opened.originator_id) not in held:
            continue  # the lender never held a share of it (rm_lender_shares, current)
        events = book.facility_events(opened.code)
        found = facility_exposure(events, day, instant, fixings_for(book, events, instant))
        if isinstance(found, Refused):
            refused.append(found)
        elif found is not None:
            rows += [x for x in found if lender is None or x.lender == lender]
    return rows, refused


def _held_by(book: Any, lender: str, day: date) -> set[str] | None:
    """Ids of the facilities in which `lender` held a share on some day up to `day`, from the read
    models when they are current (same rules edition, no event after their position); else None
    (every facility is asked)."""
    view = open_view(book.db)
    try:
        if view.stale_rules() or _lagging(book, view.position()):
            return None
        return view.lender_facilities(lender, day)
    finally:
        close_view(view)
