"""Payments: waterfall, directed payments, unapplied credit, value dating (the contract §3)."""

from datetime import date
from decimal import Decimal

from projections.report import explain, position_as_of
from tests.streams import advance, fee, note, opened, payment, stream

D = date.fromisoformat


def two_notes(*records):
    """A and B at 6% ACT/360, 36,000 each from Monday 3 Jan 2005: 6.00 a day each;
    each bills 29 × 6 = 174.00 on Tuesday 1 Feb (due that day)."""
    return stream(opened(), note("A"), note("B"), advance("36000.00", "2005-01-03", "A"),
                  advance("36000.00", "2005-01-03", "B"), *records)


def parts(x, version):
    record = next(p for p in x.payments if p.version == version)
    return [(a.note, a.component, a.amount) for a in record.allocations], record.unapplied


def test_waterfall_pays_fees_then_interest_oldest_first_ties_in_issue_order():
    """Fees of 1 Feb: facility 5.00 (ranks first), B 10.00; bills A 174, B 174.
    200.00 on 2 Feb: 5 facility fee, 10 B fee, 174 A interest, 11 B interest."""
    events = two_notes(fee("5.00", "2005-02-01"), fee("10.00", "2005-02-01", "B"), payment("200.00", "2005-02-02"))
    x = explain(events, D("2005-02-02"))
    assert parts(x, 8) == ([(None, "fees", Decimal("5.00")), ("B", "fees", Decimal("10.00")),
                            ("A", "interest", Decimal("174.00")), ("B", "interest", Decimal("11.00"))], 0)
    assert x.position.notes["B"].interest_billed == Decimal("163.00")


def test_payment_directed_to_a_component_pays_it_first_then_the_waterfall():
    """200.00 to B interest: 174 B interest; the 26 left: 5 facility fee, 10 B fee, 11 A interest."""
    events = two_notes(fee("5.00", "2005-02-01"), fee("10.00", "2005-02-01", "B"),
                       payment("200.00", "2005-02-02", note="B", component="interest"))
    assert parts(explain(events, D("2005-02-02")), 8)[0] == [
        ("B", "interest", Decimal("174.00")), (None, "fees", Decimal("5.00")),
        ("B", "fees", Decimal("10.00")), ("A", "interest", Decimal("11.00"))]


def test_payment_directed_to_a_note_pays_its_due_items_and_holds_the_rest_for_that_note():
    """200.00 to B: B fee 10, B interest 174; the 16 left is B's credit, not a prepayment
    (the contract §3 Revisions): B's principal stays 36,000.00, and the credit is unapplied."""
    events = two_notes(fee("10.00", "2005-02-01", "B"), payment("200.00", "2005-02-02", note="B"))
    x = explain(events, D("2005-02-02"))
    record = next(p for p in x.payments if p.version == 7)
    assert parts(x, 7) == ([("B", "fees", Decimal("10.00")), ("B", "interest", Decimal("174.00"))], 0)
    assert record.held_for_note == Decimal("16.00")
    assert x.position.notes["B"].principal == Decimal("36000.00")
    assert x.position.unapplied_credit == Decimal("16.00")


def test_a_note_credit_pays_only_that_notes_items_as_they_fall_due():
    """250.00 to B on 20 Jan, nothing due: all held for B. On 1 Feb B's 174 bill is paid from it
    (76 stays B's); A's 174 bill, due the same day, is not touched."""
    events = two_notes(payment("250.00", "2005-01-20", note="B"))
    x = explain(events, D("2005-02-01"))
    assert [(a.note, a.component, a.amount) for a in x.credit[0].allocations] == [("B", "interest", Decimal("174.00"))]
    assert x.position.notes["A"].interest_billed == Decimal("174.00")
    assert x.position.notes["B"].interest_billed == 0
    assert x.position.unapplied_credit == Decimal("76.00")


def test_payment_directed_to_a_notes_principal_prepays_it():
    """200.00 to B principal on 2 Feb: nothing of B's principal is due, so all 200 prepays it."""
    events = two_notes(payment("200.00", "2005-02-02", note="B", component="principal"))
    x = explain(events, D("2005-02-02"))
    assert parts(x, 6)[0] == [("B", "principal", Decimal("200.00"))]
    assert x.position.notes["B"].principal == Decimal("35800.00")


def test_payment_directed_to_facility_fees_pays_them_first_then_the_waterfall():
    """Facility fees 5 (1 Feb) and 7 (2 Feb), B fee 10; 20.00 to `fees` without a note on 2 Feb:
    facility 5, facility 7, then the waterfall: B fee 8."""
    events = two_notes(fee("5.00", "2005-02-01"), fee("10.00", "2005-02-01", "B"), fee("7.00", "2005-02-02"),
                       payment("20.00", "2005-02-03", component="fees"))
    assert parts(explain(events, D("2005-02-03")), 9)[0] == [
        (None, "fees", Decimal("5.00")), (None, "fees", Decimal("7.00")), ("B", "fees", Decimal("8.00"))]


def test_a_revolver_can_be_repaid_before_anything_is_due():
    """30,000 to A's principal on 10 Jan: A's principal 6,000; nothing left over."""
    events = two_notes(payment("30000.00", "2005-01-10", note="A", component="principal"))
    position = position_as_of(events, D("2005-01-10"))
    assert position.notes["A"].principal == Decimal("6000.00") and position.unapplied_credit == 0


def test_money_left_over_is_unapplied_credit_applied_as_items_fall_due():
    """300.00 on 20 Jan with nothing due: credit 300. On 1 Feb bills fall due (A 174, B 174):
    the credit pays A 174 and 126 of B; B 48.00 stays billed and unpaid."""
    events = two_notes(payment("300.00", "2005-01-20"))
    assert position_as_of(events, D("2005-01-31")).unapplied_credit == Decimal("300.00")
    x = explain(events, D("2005-02-01"))
    assert x.position.unapplied_credit == 0
    assert [(a.note, a.amount) for a in x.credit[0].allocations] == [("A", Decimal("174.00")), ("B", Decimal("126.00"))]
    assert x.position.notes["B"].interest_billed == Decimal("48.00")


def test_an_undirected_payment_never_prepays_principal():
    """1,000 on 2 Feb: 174 + 174 interest, the 652 left is credit, principal unchanged."""
    position = position_as_of(two_notes(payment("1000.00", "2005-02-02")), D("2005-02-02"))
    assert position.unapplied_credit == Decimal("652.00") and position.principal == Decimal("72000.00")


def test_received_exactly_at_the_cutoff_is_on_time_a_second_later_is_the_next_business_day():
    """Cut-off 12:00 New York. Friday 4 Feb 2005 12:00:00 EST -> 4 Feb; 12:00:01 -> Monday 7 Feb;
    17:30 UTC is 12:30 EST -> 7 Feb; dated Saturday 5 Feb without received_at -> 7 Feb."""
    events = two_notes(
        payment("1.00", "2005-02-04", received_at="2005-02-04T12:00:00-05:00"),
        payment("1.00", "2005-02-04", received_at="2005-02-04T12:00:01-05:00"),
        payment("1.00", "2005-02-04", received_at="2005-02-04T17:30:00+00:00"),
        payment("1.00", "2005-02-05"))
    values = [p.value_date for p in explain(events, D("2005-02-10")).payments]
    assert values == [D("2005-02-04"), D("2005-02-07"), D("2005-02-07"), D("2005-02-07")]


def test_a_payment_takes_effect_on_its_value_date_not_before():
    """Received after the cut-off on Friday 4 Feb: as of 4 Feb it has not been applied."""
    events = two_notes(payment("348.00", "2005-02-04", received_at="2005-02-04T15:00:00-05:00"))
    assert position_as_of(events, D("2005-02-04")).notes["A"].interest_billed == Decimal("174.00")
    assert position_as_of(events, D("2005-02-07")).notes["A"].interest_billed == 0


def test_same_day_an_advance_comes_before_the_payment_that_repays_it():
    """Advance and full directed repayment on 3 Jan: principal 0, no interest at all."""
    events = stream(opened(), note("A"), advance("36000.00", "2005-01-03"),
                    payment("36000.00", "2005-01-03", note="A", component="principal"))
    position = position_as_of(events, D("2005-02-15"))
    assert (position.principal, position.interest, position.unapplied_credit) == (0, 0, 0)


def test_same_day_payments_come_before_fees():
    """On 1 Feb: payment 174 (A's bill due that day) then a 10.00 fee: the fee stays unpaid
    although it ranks first in the waterfall, because it is assessed after the payment."""
    events = stream(opened(), note("A"), advance("36000.00", "2005-01-03"),
                    fee("10.00", "2005-02-01", "A"), payment("174.00", "2005-02-01"))
    position = position_as_of(events, D("2005-02-01"))
    assert position.notes["A"].fees == Decimal("10.00") and position.notes["A"].interest_billed == 0
