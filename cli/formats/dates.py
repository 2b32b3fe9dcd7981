"""Dates as a user types them in an option: YYYY-MM-DD."""

from datetime import date

from domain.errors import LedgerError


def parse_day(option: str, text: str) -> date:
    """A YYYY-MM-DD option value, or a refusal naming the option."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LedgerError(f"{option}: {text!r} is not a date in the form YYYY-MM-DD") from None
