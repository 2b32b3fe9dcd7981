"""Interest: accrual on end-of-day principal, rates, sub-intervals, periods and bills (the contract §3)."""

from datetime import date
from decimal import Decimal

import pytest

from projections.errors import MissingIndexRate
from projections.report import explain, past_due_as_of, position_as_of
from tests.streams import advance, declare, note, opened, payment, rate, stream, waive

D = date.fromisoformat


def given(*records, **note_terms):
    return stream(opened(), note(**note_terms), advance("100000.00", "2005-01-03"), *records)


def test_interest_accrues_from_the_advance_day_through_the_as_of_day():
    """100,000 × 6% × 29/360 (3..31 January, both included) = 483.333... -> 483.33."""
    position = position_as_of(given(), D("2005-01-31"))
    assert position.notes["A"].interest_current == Decimal("483.33")
    assert position.interest == Decimal("483.33")


def test_a_period_is_billed_rounded_on_the_interest_day_and_a_new_period_starts():
    """1 Feb: bill 483.33 for 3 Jan..1 Feb; plus 1 day of February: 100,000 × 6%/360 = 16.67."""
    position = position_as_of(given(), D("2005-02-01"))
    assert position.notes["A"].interest_billed == Decimal("483.33")
    assert position.notes["A"].interest_current == Decimal("16.67")
    bill = explain(given(), D("2005-02-01")).bills[0]
    assert (bill.period_start, bill.period_end, bill.due_date, bill.amount) == (D("2005-01-03"), D("2005-02-01"), D("2005-02-01"), Decimal("483.33"))


def test_a_bill_is_past_due_only_from_its_business_day_adjusted_due_date():
    """Nothing paid. Bills: Feb 1 483.33 (29 days), Mar 1 466.67 (28), Apr 1 516.67 (31),
    May 1 500.00 (30). 1 May 2005 is a Sunday, so May's bill is due Monday 2 May:
    on 1 May it counts in accrued interest but not in past due (1,466.67, oldest 1 Feb,
    89 days); on 2 May past due is 1,966.67 and 90 days (bucket 61-90)."""
    may_1, may_2 = past_due_as_of(given(), D("2005-05-01")), past_due_as_of(given(), D("2005-05-02"))
    assert position_as_of(given(), D("2005-05-01")).notes["A"].interest_billed == Decimal("1966.67")
    assert (may_1.component("interest").amount, may_1.days_past_due, may_1.bucket) == (Decimal("1466.67"), 89, "61-90")
    assert (may_2.component("interest").amount, may_2.days_past_due, may_2.bucket) == (Decimal("1966.67"), 90, "61-90")


def test_a_federal_holiday_moves_the_due_date():
    """Interest day 4: the period ending Monday 4 July 2005 (Independence Day) is due 5 July."""
    bills = explain(given(interest_day=4), D("2005-07-05")).bills
    assert [b.due_date for b in bills if b.period_end == D("2005-07-04")] == [D("2005-07-05")]


def test_index_rate_plus_margin_bounded_by_the_floor():
    """PRIME 5.00 then 6.00 from 16 Jan; margin 1, floor 6.5:
    3-15 Jan (13 days) at 6.5, 16-31 Jan (16 days) at 7.0:
    100,000 × (13 × 6.5 + 16 × 7) / 36,000 = 19,650,000 / 36,000 = 545.833... -> 545.83."""
    events = given(rate("PRIME", "5.00", "2005-01-01"), rate("PRIME", "6.00", "2005-01-16"),
                   interest={"index": "PRIME", "margin": "1", "floor": "6.5"})
    assert position_as_of(events, D("2005-01-31")).interest == Decimal("545.83")
    pieces = explain(events, D("2005-01-31")).current[0].sub_intervals
    assert [(p.start, p.end, p.rate) for p in pieces] == [
        (D("2005-01-03"), D("2005-01-16"), Decimal("6.5")), (D("2005-01-16"), D("2005-02-01"), Decimal("7.00"))]


def test_index_rate_bounded_by_the_cap():
    """As above with cap 6.75: 100,000 × (13 × 6.5 + 16 × 6.75) / 36,000 = 534.722... -> 534.72."""
    events = given(rate("PRIME", "5.00", "2005-01-01"), rate("PRIME", "6.00", "2005-01-16"),
                   interest={"index": "PRIME", "margin": "1", "floor": "6.5", "cap": "6.75"})
    assert position_as_of(events, D("2005-01-31")).interest == Decimal("534.72")


def test_on_one_date_the_later_index_record_wins():
    """PRIME 9 then 4 both on 1 Jan: 4 + 0 margin = 4%: 100,000 × 4% × 29/360 = 322.22."""
    events = given(rate("PRIME", "9", "2005-01-01"), rate("PRIME", "4", "2005-01-01"), interest={"index": "PRIME"})
    assert position_as_of(events, D("2005-01-31")).interest == Decimal("322.22")


def test_a_note_on_an_index_with_no_rate_in_force_when_it_first_accrues_is_refused():
    events = given(rate("PRIME", "5.00", "2005-02-01"), interest={"index": "PRIME", "margin": "1"})
    with pytest.raises(MissingIndexRate, match=r"PRIME.*2005-01-03"):
        position_as_of(events, D("2005-01-31"))


def test_default_margin_applies_from_the_declaration_to_the_waiver_exclusive():
    """6% base, +2 from 10 Jan to 20 Jan (exclusive): 7 × 6 + 10 × 8 + 12 × 6 = 194;
    100,000 × 194 / 36,000 = 538.888... -> 538.89."""
    events = given(declare("2005-01-10"), waive("2005-01-20"), default_margin="2")
    assert position_as_of(events, D("2005-01-31")).interest == Decimal("538.89")


def test_default_margin_only_on_the_notes_the_declaration_covers():
    """The declaration covers note B only: A accrues 6% throughout: 483.33."""
    events = given(declare("2005-01-10", notes=["B"]), default_margin="2")
    assert position_as_of(events, D("2005-01-31")).interest == Decimal("483.33")


def test_a_repayment_stops_accrual_from_its_own_day():
    """100,000 from 3 Jan; 50,000 repaid (directed principal) dated 17 Jan 2005, which is
    Martin Luther King Jr. Day, so it takes value on 18 Jan:
    15 days × 100,000 + 14 days × 50,000 at 6%/360 = 250 + 116.667 = 366.67."""
    events = given(payment("50000.00", "2005-01-17", note="A", component="principal"))
    assert position_as_of(events, D("2005-01-31")).interest == Decimal("366.67")
    assert position_as_of(events, D("2005-01-31")).principal == Decimal("50000.00")


def test_sub_intervals_are_maximal_so_30_360_is_not_split_where_nothing_changes():
    """30/360, interest day 15, advance 15 Jan; PRIME moves on 31 Jan but the floor (6) binds
    both sides, so the rate does not change: one sub-interval of 30 days:
    100,000 × 6% × 30/360 = 500.00 (a split at 31 Jan would give 31 days, 516.67)."""
    events = stream(opened(), rate("PRIME", "3", "2005-01-01"), rate("PRIME", "4", "2005-01-31"),
                    note(day_count="30/360", interest_day=15, interest={"index": "PRIME", "margin": "1", "floor": "6"}),
                    advance("100000.00", "2005-01-15"))
    bills = explain(events, D("2005-02-15")).bills
    assert [b.amount for b in bills] == [Decimal("500.00")]
    assert len(bills[0].sub_intervals) == 1


def test_interest_day_31_means_the_last_day_of_shorter_months():
    ends = [b.period_end for b in explain(given(interest_day=31), D("2005-05-01")).bills]
    assert ends == [D("2005-01-31"), D("2005-02-28"), D("2005-03-31"), D("2005-04-30")]


def test_a_zero_bill_is_not_created():
    """At 0% nothing accrues: no bills, no interest."""
    x = explain(given(interest={"rate": "0"}), D("2005-04-15"))
    assert x.bills == () and x.position.interest == 0 and x.position.principal == Decimal("100000.00")


def test_act_365f_day_count_is_used_for_the_note():
    """100,000 × 6% × 29/365 = 476.712... -> 476.71."""
    assert position_as_of(given(day_count="ACT/365F"), D("2005-01-31")).interest == Decimal("476.71")
