"""Amortization rules with monthly, quarterly, semi-annual and annual steps and an end-of-month
rule, and the schedule `facility show` prints from the engine (docs/cli.md, "Amortization")."""

import calendar
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.formats.amortization import parse_schedule
from tests.helpers import OPEN, run, run_json

STEPS = {"monthly": 1, "quarterly": 3, "semi-annual": 6, "annual": 12}


def months_later(day: date, months: int, *, month_end: bool = False) -> date:
    """Written here from calendar arithmetic alone: the same day `months` later, clipped to the
    month's last day (or that last day itself)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, last if month_end else min(day.day, last))


@given(st.sampled_from(sorted(STEPS)), st.integers(1, 40), st.dates(date(1990, 1, 1), date(2100, 12, 31)))
def test_each_installment_falls_k_steps_after_the_first(step, count, first):
    schedule = parse_schedule([f"{count} {step} installments of 1000.00 from {first}"])
    assert [s["due_date"] for s in schedule] == [months_later(first, k * STEPS[step]).isoformat() for k in range(count)]
    assert {s["amount"] for s in schedule} == {"1000.00"}


@given(st.sampled_from(sorted(STEPS)), st.integers(1, 40), st.integers(1990, 2100), st.integers(1, 12))
def test_end_of_month_keeps_every_installment_on_a_month_end(step, count, year, month):
    first = date(year, month, calendar.monthrange(year, month)[1])
    schedule = parse_schedule([f"{count} {step} installments of 5.00 from {first} end of month"])
    assert [s["due_date"] for s in schedule] == [months_later(first, k * STEPS[step], month_end=True).isoformat()
                                                 for k in range(count)]


def test_worked_examples():
    quarterly = parse_schedule(["4 quarterly installments of 10000.00 from 2024-02-29"])
    assert [s["due_date"] for s in quarterly] == ["2024-02-29", "2024-05-29", "2024-08-29", "2024-11-29"]
    month_ends = parse_schedule(["4 quarterly installments of 10000.00 from 2024-02-29 end of month"])
    assert [s["due_date"] for s in month_ends] == ["2024-02-29", "2024-05-31", "2024-08-31", "2024-11-30"]
    assert [s["due_date"] for s in parse_schedule(["2 annual installments of 1.00 from 2024-02-29"])] == [
        "2024-02-29", "2025-02-28"]
    with pytest.raises(ValueError, match="month's last day"):
        parse_schedule(["2 monthly installments of 1.00 from 2024-02-28 end of month"])
    with pytest.raises(ValueError, match="semi-annual"):
        parse_schedule(["2 fortnightly installments of 1.00 from 2024-02-28"])


def test_facility_show_prints_what_fell_due_what_is_paid_and_what_is_open(db_url):
    run(db_url, *OPEN)
    run(db_url, "note", "issue", "ACME-1", "TERM", "--kind", "term", "--face-amount", "100000",
        "--issue-date", "2024-01-15", "--maturity-date", "2026-01-15", "--rate", "6",
        "--amortization", "4 quarterly installments of 10000.00 from 2024-03-31 end of month")
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "100000", "--date", "2024-01-16")
    # directed to the note's principal component: prepays nothing, pays what is due (docs/arithmetic.md)
    run(db_url, "record", "payment", "ACME-1", "--note", "TERM", "--amount", "4000", "--date", "2024-04-01")

    shown = run_json(db_url, "facility", "show", "ACME-1", "--as-of", "2024-07-15")
    items = {s["item"]: s for s in shown["schedule"]}
    # 2024-03-31 is a Sunday: due the following business day, 2024-04-01; 06-30 (Sunday) -> 07-01
    first, second = items["installment 2024-03-31"], items["installment 2024-06-30"]
    assert (first["due_date"], second["due_date"]) == ("2024-04-01", "2024-07-01")
    assert second == {**second, "amount": "10000.00", "paid": "0.00", "open": "10000.00", "status": "open"}
    assert first["amount"] == "10000.00"
    assert Decimal(first["paid"]) + Decimal(first["open"]) == Decimal("10000.00") and first["status"] == "open"
    assert [(s["item"], s["status"], s["paid"]) for s in shown["schedule"][2:]] == [
        ("installment 2024-09-30", "not yet due", None), ("installment 2024-12-31", "not yet due", None)]

    table = run(db_url, "facility", "show", "ACME-1", "--as-of", "2024-07-15").stdout
    assert "ACME-1 amortization as of 2024-07-15" in table and "not yet due" in table
