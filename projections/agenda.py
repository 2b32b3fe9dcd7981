"""The facts of each effective date, in the same-day order of the contract §3:
advances, index changes (and other state changes) first; then items falling due; then
payments in recorded order; then fees and acceleration."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from domain import events as ev

from projections.business_days import BusinessCalendar

OPENING = (ev.AdvanceMade, ev.MaturityExtended, ev.AccelerationRescinded, ev.CommitmentChanged,
           ev.CommitmentTerminated, ev.TermsAmended)  # a commitment's change only moves the undrawn amount (end of day)
CLOSING = (ev.FeeAssessed, ev.ObligationsAccelerated)


@dataclass
class Day:
    opening: list[ev.FacilityEvent] = field(default_factory=list)
    payments: list[tuple[ev.PaymentReceived, date]] = field(default_factory=list)
    closing: list[ev.FacilityEvent] = field(default_factory=list)


def value_date(
    payment: ev.PaymentReceived, zone: ZoneInfo, cutoff: time, calendar: BusinessCalendar
) -> date:
    """First business day on or after the later of effective_date and the receipt day,
    the receipt day moving on when received after the cut-off (local time)."""
    day = payment.effective_date
    if payment.received_at is not None:
        local = payment.received_at.astimezone(zone)
        receipt = local.date() + timedelta(days=1 if local.time() > cutoff else 0)
        day = max(day, receipt)
    return calendar.following(day)


def build(
    events: Iterable[ev.FacilityEvent], zone: ZoneInfo, cutoff: time, calendar: BusinessCalendar
) -> dict[date, Day]:
    """Active events (in version order) grouped by the date they take effect."""
    days: dict[date, Day] = {}
    for event in events:
        kind = type(event)
        if kind is ev.PaymentReceived:
            when = value_date(event, zone, cutoff, calendar)  # type: ignore[arg-type]
            _day(days, when).payments.append((event, when))  # type: ignore[arg-type]
        elif kind in OPENING:
            _day(days, event.effective_date).opening.append(event)  # type: ignore[attr-defined]
        elif kind in CLOSING:
            _day(days, event.effective_date).closing.append(event)  # type: ignore[attr-defined]
    return days


def _day(days: dict[date, Day], when: date) -> Day:
    found = days.get(when)
    if found is None:
        found = days[when] = Day()
    return found

