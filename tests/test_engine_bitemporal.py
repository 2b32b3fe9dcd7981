"""Reversals and known-at: what the ledger said at T about D (the contract §1, §2)."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from projections.report import position_as_of
from projections.selection import active
from tests.streams import START, advance, append, note, opened, payment, reverse, stream

D = date.fromisoformat


def base():
    """v1 opened, v2 note A, v3 advance 36,000, v4 advance 10,000 (recorded START + v hours)."""
    return stream(opened(), note("A"), advance("36000.00", "2005-01-03"), advance("10000.00", "2005-01-10"))


def principal(events, known_at=None):
    return position_as_of(events, D("2005-01-31"), known_at).principal


def test_a_reversed_event_counts_as_never_having_happened():
    events = stream(opened(), note("A"), advance("36000.00", "2005-01-03"), advance("10000.00", "2005-01-10"), reverse(4))
    assert principal(events) == Decimal("36000.00")


def test_reversing_the_reversal_reinstates_its_target():
    events = stream(opened(), note("A"), advance("36000.00", "2005-01-03"), advance("10000.00", "2005-01-10"),
                    reverse(4), reverse(5))
    assert principal(events) == Decimal("46000.00")
    assert [e.version for e in active(events)] == [1, 2, 3, 4]


def test_known_at_ignores_events_recorded_later_reversals_included():
    """Reversal v5 recorded at START+5h: known at START+4h30 the advance still counts."""
    events = stream(opened(), note("A"), advance("36000.00", "2005-01-03"), advance("10000.00", "2005-01-10"), reverse(4))
    assert principal(events, START + timedelta(hours=4, minutes=30)) == Decimal("46000.00")
    assert principal(events, START + timedelta(hours=3, minutes=30)) == Decimal("36000.00")
    assert principal(events, START + timedelta(hours=5)) == Decimal("36000.00")


def test_a_backdated_payment_changes_as_of_figures_from_its_value_date_only_and_not_the_past_knowledge():
    """Payment of 10,000 to A's principal dated 17 Jan 2005, recorded in 2006."""
    later = datetime(2006, 3, 1, tzinfo=timezone.utc)
    events = append(base(), payment("10000.00", "2005-01-18", note="A", component="principal"), at=later)
    assert position_as_of(events, D("2005-01-17")).principal == Decimal("46000.00")
    assert position_as_of(events, D("2005-01-18")).principal == Decimal("36000.00")
    before = later - timedelta(seconds=1)
    assert position_as_of(events, D("2005-01-31"), before) == position_as_of(base(), D("2005-01-31"), before)


def test_a_naive_known_at_is_read_as_utc():
    events = base()
    aware = START + timedelta(hours=3, minutes=30)
    assert principal(events, aware.replace(tzinfo=None)) == principal(events, aware) == Decimal("36000.00")


def test_reversing_an_acceleration_removes_its_premium_and_its_past_due_principal():
    """v5 accelerates (premium 10% of 36,000 + interest), v6 reverses it: nothing past due on 20 Jan."""
    from tests.streams import accelerate, declare

    records = (opened(), note("A", default_premium={"rate": "10", "base": "principal"}),
               advance("36000.00", "2005-01-03"), declare("2005-01-10"), accelerate("2005-01-20"))
    assert position_as_of(stream(*records), D("2005-01-20")).fees == Decimal("3600.00")
    undone = position_as_of(stream(*records, reverse(5)), D("2005-01-20"))
    assert undone.fees == 0
    from projections.report import past_due_as_of
    assert past_due_as_of(stream(*records, reverse(5)), D("2005-01-20")).total.amount == 0


def test_reversing_a_payment_restores_what_it_paid():
    """A 36,000 principal repayment on 10 Jan, reversed: principal back to 36,000 as of 31 Jan."""
    records = (opened(), note("A"), advance("36000.00", "2005-01-03"),
               payment("36000.00", "2005-01-10", note="A", component="principal"))
    assert position_as_of(stream(*records), D("2005-01-31")).principal == 0
    assert position_as_of(stream(*records, reverse(4)), D("2005-01-31")).principal == Decimal("36000.00")
