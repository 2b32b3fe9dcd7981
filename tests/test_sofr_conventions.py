"""Term rates, period ends and refusals of SOFR-era notes (docs/arithmetic.md, "SOFR-era interest")."""

from datetime import date
from decimal import Decimal

import pytest

from projections.engine import Sweep
from projections.errors import MissingFixing
from projections.fixings import Fixings
from tests.streams import advance, note, opened, stream


def sweep_to(day, interest, fixings, issue="2026-01-15"):
    events = stream(opened("T", agreement_date="2026-01-02"),
                    note("A", issue_date=issue, maturity_date="2029-01-15", interest=interest),
                    advance("1000000.00", issue))
    sweep = Sweep(events, fixings=Fixings(fixings))
    sweep.run_to(day)
    return sweep


def test_a_term_rate_is_fixed_two_us_govt_business_days_before_the_period_starts():
    """Period 2026-01-15..2026-04-15 (3 months); fixed on Tuesday 2026-01-13; 90 days at
    3.70 + 2.50 = 6.20: 1,000,000 × 6.20% × 90/360 = 15,500.00."""
    terms = {"index": "TERM-SOFR-3M", "convention": "term", "margin": "2.5", "interest_period_months": 3}
    sweep = sweep_to(date(2026, 4, 15), terms, {"TERM-SOFR-3M": {date(2026, 1, 13): Decimal("3.70")}})

    bill = sweep.journal.bills[0]

    assert (bill.period_start, bill.period_end, bill.amount) == (date(2026, 1, 15), date(2026, 4, 15), Decimal("15500.00"))
    assert bill.sub_intervals[0].fixings[0].observed == date(2026, 1, 13)


def test_period_ends_roll_modified_following():
    """Issued 2026-01-31, monthly: February ends on the 28th (Saturday) → modified following would
    cross into March, so Friday 2026-02-27."""
    terms = {"index": "SOFR", "convention": "term", "fixing_lag_days": 0}
    fixings = {"SOFR": {date(2026, 1, 30): Decimal("3.65")}}
    sweep = sweep_to(date(2026, 2, 27), terms, fixings, issue="2026-01-31")

    assert sweep.journal.bills[0].period_end == date(2026, 2, 27)


def test_a_missing_daily_fixing_is_refused_with_index_and_date():
    terms = {"index": "SOFR", "convention": "daily_simple", "lookback_days": 2}
    with pytest.raises(MissingFixing, match="SOFR fixing for 2026-01-13"):
        sweep_to(date(2026, 2, 20), terms, {"SOFR": {}})
