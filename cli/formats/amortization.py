"""Amortization schedules from the command line: a rule or explicit DATE:AMOUNT items."""

import re
from datetime import date
from dateutil.relativedelta import relativedelta

from domain import parsing

_RULE = re.compile(
    r"^\s*([0-9]+)\s+(monthly|quarterly|semi-annual|annual)\s+installments?\s+of\s+(\S+)\s+from\s+(\S+)"
    r"(\s+end\s+of\s+month)?\s*$",
    re.IGNORECASE,
)
STEP_MONTHS = {"monthly": 1, "quarterly": 3, "semi-annual": 6, "annual": 12}
RULE_FORM = "'N monthly|quarterly|semi-annual|annual installments of AMOUNT from YYYY-MM-DD [end of month]'"


def parse_schedule(items: list[str]) -> list[dict[str, str]]:
    """['22 monthly installments of 75000.00 from 2006-04-01'] or ['2006-04-01:75000.00', ...];
    docs/cli.md ("Amortization") gives the rule."""
    schedule: list[dict[str, str]] = []
    for item in items:
        rule = _RULE.match(item)
        if rule:
            count, step, amount, first = int(rule[1]), STEP_MONTHS[rule[2].lower()], rule[3], rule[4]
            # the amount as typed: the fact reads it
            schedule.extend(installments(count, amount, _day(first), step, end_of_month=bool(rule[5])))
        elif ":" in item:
            due, amount = item.split(":", 1)
            schedule.append({"due_date": due.strip(), "amount": amount.strip()})
        else:
            raise ValueError(
                f"{item!r} is neither {RULE_FORM} nor DATE:AMOUNT"
            )
    return schedule


def installments(count: int, amount: str, first: date, step: int = 1, *, end_of_month: bool = False) -> list[dict[str, str]]:
    """The k-th installment falls k*step months after the first, clipped to the month's last day
    (2024-01-31 monthly: 02-29, 03-31, 04-30). With `end_of_month` every installment falls on
    its month's last day, which the first must be (2024-02-29 quarterly: 05-31, 08-31, 11-30)."""
    if not 1 <= count <= 600:
        raise ValueError("the number of installments must be between 1 and 600")
    if end_of_month and first != _month_end(first):
        raise ValueError(f"'end of month' needs a first installment on a month's last day, not {first}")
    days = [first + relativedelta(months=k * step) for k in range(count)]
    if end_of_month:
        days = [_month_end(d) for d in days]
    return [{"due_date": d.isoformat(), "amount": amount} for d in days]


def _month_end(day: date) -> date:
    return day + relativedelta(day=31)


def _day(text: str) -> date:
    return parsing.day(text)
