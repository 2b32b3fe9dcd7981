"""Business days for the engine: the calendars live in the domain (`domain.calendars`), whose
rules need them too (an assignment settles on a business day); this module names them for the
engine's modules and for code written before they moved."""

from domain.calendars import MARKETS, BusinessCalendar, GoodFridays, calendar_for

__all__ = ["MARKETS", "BusinessCalendar", "GoodFridays", "calendar_for"]
