"""Day counts against reference values (the contract §2), including 30/360-US end-of-February rules."""

from datetime import date
from decimal import Decimal

import pytest

from projections.daycount import days_360, dcf, year_fraction

START, END = date(2005, 9, 7), date(2008, 1, 31)


def q12(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1e-12"))


def test_act_360_counts_876_actual_days_over_360():
    """2005-09-07 to 2008-01-31 is 876 days; 876/360 = 2.4333..."""
    assert year_fraction("ACT/360", START, END) == ((876, 360),)
    assert q12(dcf("ACT/360", START, END)) == Decimal("2.433333333333")


def test_act_365f_is_876_over_365():
    """876/365 = 2.4 exactly."""
    assert dcf("ACT/365F", START, END) == Decimal("2.4")


def test_act_act_isda_splits_days_by_leap_and_common_years():
    """116 days of 2005 + 365 (2006) + 365 (2007) over 365, 30 days of 2008 over 366:
    2 + 116/365 + 30/366 = 2.399775432293..."""
    assert year_fraction("ACT/ACT-ISDA", START, END) == ((846, 365), (30, 366))
    assert q12(dcf("ACT/ACT-ISDA", START, END)) == Decimal("2.399775432293")


def test_bond_basis_keeps_the_31st_when_the_start_is_before_the_30th():
    """30/360 (§4.16(f)): D1=7, D2=31 stays 31 -> 3*360 - 8*30 + 24 = 864 days = 2.4."""
    assert days_360("30/360", START, END) == 864
    assert dcf("30/360", START, END) == Decimal("2.4")


def test_eurobond_basis_turns_every_31st_into_30():
    """30E/360 (§4.16(g)): D2=31 -> 30 -> 863 days."""
    assert days_360("30E/360", START, END) == 863


@pytest.mark.parametrize(
    "start, end, us, bond",
    [
        # D1 last of Feb -> 30; then D2=31 with D1>=30 -> 30: one month. Bond basis: 28->31 = 33.
        (date(2007, 2, 28), date(2007, 3, 31), 30, 33),
        # leap year: 29 Feb is the last day of February.
        (date(2008, 2, 29), date(2008, 3, 31), 30, 32),
        # both last of Feb: D2 -> 30 and D1 -> 30: a year is 360 days. Bond basis: 361.
        (date(2007, 2, 28), date(2008, 2, 29), 360, 361),
        # only the end is the last of Feb: no change to D2 (D1=31 -> 30): 28 days.
        (date(2007, 1, 31), date(2007, 2, 28), 28, 28),
        # 28 Feb in a leap year is not the last day of February.
        (date(2008, 2, 28), date(2008, 3, 31), 33, 33),
    ],
)
def test_30_360_us_end_of_february_rules(start, end, us, bond):
    assert days_360("30/360-US", start, end) == us
    assert days_360("30/360", start, end) == bond


def test_30_360_family_is_not_additive_at_month_ends():
    """[Jan 15, Feb 15) is 30 days; split at Jan 31 it is 16 + 15 = 31 (why sub-intervals are maximal)."""
    whole = days_360("30/360", date(2005, 1, 15), date(2005, 2, 15))
    split = days_360("30/360", date(2005, 1, 15), date(2005, 1, 31)) + days_360("30/360", date(2005, 1, 31), date(2005, 2, 15))
    assert (whole, split) == (30, 31)


def test_a_backwards_interval_is_refused():
    with pytest.raises(ValueError):
        year_fraction("ACT/360", END, START)
