"""Amortization schedules from the command line: a rule or explicit DATE:AMOUNT items."""

import re
from datetime import date
from dateutil.relativedelta import relativedelta

from domain import parsing

_RULE = re.compile(
    r"^\s*([0-9]+)\s+monthly\s+installments?\s+of\s+(\S+)\s+from\s+(\S+)\s*$",
    re.IGNORECASE,
)


def parse_schedule(items: list[str]) -> list[dict[str, str]]:
    """['22 monthly installments of 75000.00 from 2006-04-01'] or ['2006-04-01:75000.00', ...]."""
    schedule: list[dict[str, str]] = []
    for item in items:
        rule = _RULE.match(item)
        if rule:
            count, amount, first = int(rule[1]), rule[2], rule[3]  # the amount as typed: the fact reads it
            schedule.extend(monthly(count, amount, _day(first)))
        elif ":" in item:
            due, amount = item.split(":", 1)
            schedule.append({"due_date": due.strip(), "amount": amount.strip()})
        else:
            raise ValueError(
                f"{item!r} is neither 'N monthly installments of AMOUNT from YYYY-MM-DD' nor DATE:AMOUNT"
            )
    return schedule


def monthly(count: int, amount: str, first: date) -> list[dict[str, str]]:
    if not 1 <= count <= 600:
        raise ValueError("the number of installments must be between 1 and 600")
    return [
        {"due_date": (first + relativedelta(months=k)).isoformat(), "amount": amount}
        for k in range(count)
    ]


def _day(text: str) -> date:
    return parsing.day(text)
