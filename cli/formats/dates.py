"""Dates as a user types them in an option: exactly YYYY-MM-DD (domain.parsing)."""

from datetime import date

from domain import parsing
from domain.errors import InvalidInput


def parse_day(option: str, text: str) -> date:
    """A YYYY-MM-DD option value, or a usage error naming the option."""
    try:
        return parsing.day(text)
    except ValueError as error:
        raise InvalidInput(f"{option}: {error}", field=option.lstrip("-")) from None
