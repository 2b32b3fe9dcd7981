"""Principal due: amortization, maturity, extension, acceleration, premium, rescission (the contract §3)."""

from datetime import date
from decimal import Decimal

from projections.report import explain, past_due_as_of, position_as_of
from tests.streams import accelerate, advance, declare, extend, note, opened, payment, rescind, stream

D = date.fromisoformat
SCHEDULE = [{"due_date": "2005-03-01", "amount": "10000.00"}, {"due_date": "2005-04-01", "amount": "10000.00"}]


def amortizing(*records):
    """36,000 at 0% (so only principal matters), installments 10,000 on 1 Mar and 1 Apr,
    maturity Sunday 1 May 2005 (due Monday 2 May)."""
    return stream(opened(), note(interest={"rate": "0"}, maturity_date="2005-05-01", amortization=SCHEDULE),
                  advance("36000.00", "2005-01-03"), *records)


def principal_due(events, day):
    figures = past_due_as_of(events, D(day))
    return figures.component("principal").amount, figures.days_past_due, figures.bucket


def test_installments_fall_due_on_their_dates_and_age():
    """1 Mar: 10,000, 0 days. 31 Mar: 30 days (0-30). 1 Apr: 20,000, 31 days (31-60)."""
    events = amortizing()
    assert principal_due(events, "2005-02-28") == (0, 0, "current")
    assert principal_due(events, "2005-03-01") == (Decimal("10000.00"), 0, "0-30")
    assert principal_due(events, "2005-03-31") == (Decimal("10000.00"), 30, "0-30")
    assert principal_due(events, "2005-04-01") == (Decimal("20000.00"), 31, "31-60")


def test_all_remaining_principal_falls_due_at_the_adjusted_maturity():
    """Maturity Sunday 1 May -> 2 May: 10,000 + 10,000 + 16,000 balloon = 36,000; oldest 1 Mar: 62 days."""
    assert principal_due(amortizing(), "2005-05-01")[0] == Decimal("20000.00")
    assert principal_due(amortizing(), "2005-05-02") == (Decimal("36000.00"), 62, "61-90")


def test_a_prepayment_reduces_the_last_installments_and_the_balloon_first():
    """20,000 prepaid on 20 Jan leaves 16,000: 1 Mar 10,000; 1 Apr capped at 6,000; balloon 0."""
    events = amortizing(payment("20000.00", "2005-01-20", note="A", component="principal"))
    due = explain(events, D("2005-05-02")).principal_due
    assert [(d.label, d.amount) for d in due] == [("installment 2005-03-01", Decimal("10000.00")),
                                                 ("installment 2005-04-01", Decimal("6000.00"))]


def test_a_maturity_extension_cancels_the_unpaid_balloon_but_overdue_installments_stay():
    """Balloon 16,000 fell due 2 May; extended on 10 May: past due 20,000 (the installments)."""
    events = amortizing(extend("2005-05-10", "2005-08-01"))
    assert principal_due(events, "2005-05-09")[0] == Decimal("36000.00")
    assert principal_due(events, "2005-05-10")[0] == Decimal("20000.00")
    assert principal_due(events, "2005-08-01")[0] == Decimal("36000.00")


def accelerated(*records, base="principal_and_interest"):
    """36,000 at 6% (6.00 a day), default margin 2 (8.00 a day), premium 10% of base;
    default from 10 Jan, accelerated 20 Jan."""
    return stream(opened(), note(default_margin="2", default_premium={"rate": "10", "base": base}),
                  advance("36000.00", "2005-01-03"), declare("2005-01-10"), accelerate("2005-01-20"), *records)


def test_acceleration_makes_everything_past_due_and_charges_the_premium():
    """Interest: 3-9 Jan 7 × 6 = 42; 10-20 Jan 11 × 8 = 88: 130.00 (at the default rate through
    the acceleration date). Premium round(10% × (36,000 + 130)) = 3,613.00."""
    figures = past_due_as_of(accelerated(), D("2005-01-20"))
    assert [figures.component(c).amount for c in ("principal", "interest", "fees")] == [
        Decimal("36000.00"), Decimal("130.00"), Decimal("3613.00")]
    assert (figures.days_past_due, figures.bucket) == (0, "0-30")
    premium = explain(accelerated(), D("2005-01-20")).premiums[0]
    assert (premium.principal, premium.interest, premium.base, premium.amount) == (
        Decimal("36000.00"), Decimal("130.00"), Decimal("36130.00"), Decimal("3613.00"))


def test_premium_on_principal_only():
    """round(10% × 36,000) = 3,600.00."""
    assert past_due_as_of(accelerated(base="principal"), D("2005-01-20")).component("fees").amount == Decimal("3600.00")


def test_after_acceleration_accrued_interest_keeps_growing_past_due():
    """As of 25 Jan: 130 + 5 × 8 = 170.00 past due, 5 days."""
    figures = past_due_as_of(accelerated(), D("2005-01-25"))
    assert figures.component("interest").amount == Decimal("170.00") and figures.days_past_due == 5


def test_a_payment_on_an_accelerated_note_first_bills_the_interest_accrued_to_its_value_date():
    """Tuesday 25 Jan, 200 to A's interest: bill 3-24 Jan = 42 + 15 × 8 = 162.00, paid; the 38
    left goes down the waterfall to the premium (a fee)."""
    x = explain(accelerated(payment("200.00", "2005-01-25", note="A", component="interest")), D("2005-01-25"))
    assert [(a.component, a.amount) for a in x.payments[0].allocations] == [
        ("interest", Decimal("162.00")), ("fees", Decimal("38.00"))]
    assert x.bills[-1].interim and x.bills[-1].period_end == D("2005-01-25")
    assert x.position.notes["A"].interest == Decimal("8.00")  # 25 Jan itself


def test_accelerating_an_accelerated_note_does_nothing():
    """A second acceleration on 21 Jan charges no second premium."""
    figures = past_due_as_of(accelerated(accelerate("2005-01-21")), D("2005-01-21"))
    assert figures.component("fees").amount == Decimal("3613.00")


def test_rescission_cancels_accelerated_principal_but_keeps_the_premium():
    """Rescinded 10 Feb: principal past due 0 (nothing scheduled), premium 3,613 still due,
    the 1 Feb bill (3-31 Jan: 42 + 22 × 8 = 218.00) past due as scheduled."""
    figures = past_due_as_of(accelerated(rescind("2005-02-10")), D("2005-02-10"))
    assert figures.component("principal").amount == 0
    assert figures.component("fees").amount == Decimal("3613.00")
    assert figures.component("interest").amount == Decimal("218.00")


def test_the_position_total_is_principal_plus_interest_plus_fees():
    position = position_as_of(accelerated(), D("2005-01-20"))
    assert position.total == Decimal("36000.00") + Decimal("130.00") + Decimal("3613.00")
