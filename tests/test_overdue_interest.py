"""Interest on overdue amounts (docs/arithmetic.md, "Overdue interest"): hand-derived figures,
the rule that the overdue and default margins are not stacked, a payment stopping it, a
property (no overdue margin, or nothing overdue, changes nothing), and the CLI on both backends."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from projections.business_days import calendar_for
from projections.report import explain, past_due_as_of, position_as_of, replay
from tests.helpers import OPEN, run, run_json
from tests.streams import advance, note, opened, payment, stream

D = date.fromisoformat
SCHEDULE = [{"due_date": "2005-03-01", "amount": "10000"}]
BUSINESS = calendar_for("US-FED")


def history(*more, **terms):
    return stream(opened(), note("A", face_amount="36000", amortization=SCHEDULE, **terms),
                  advance("36000", "2005-01-03"), *more)


def overdue_bills(events, day):
    return [(b.period_start, b.period_end, b.amount) for b in replay(events, D(day), explain=True).journal.overdue_bills]


def test_overdue_interest_and_principal_accrue_at_the_rate_plus_the_margin_and_are_billed_with_interest():
    events = history(overdue_margin="2")

    # 36,000 at 6%: bill of 1 Feb 174.00 unpaid; 1 Feb..1 Mar (28 days) at 6 + 2 = 8%: 1.0827 -> 1.08.
    # From 1 Mar: installment 10,000 overdue, extra 2% (it bears 6% as principal already), and
    # interest 174.00 + 168.00 + 1.08 = 343.08 overdue at 8%, for 31 days to 1 Apr:
    # (10,000 × 2 + 343.08 × 8) × 31 / 36,000 = 19.586 -> 19.59
    assert overdue_bills(events, "2005-04-01") == [
        (D("2005-02-01"), D("2005-03-01"), Decimal("1.08")), (D("2005-03-01"), D("2005-04-01"), Decimal("19.59"))]


def test_accrued_interest_counts_overdue_interest_since_the_last_bill():
    with_margin, without = history(overdue_margin="2"), history()

    # 1..10 Feb inclusive: 10 days on 174.00 at 8% = 0.3867; interest accrued 10 days on 36,000 at 6% = 60.00
    assert position_as_of(with_margin, D("2005-02-10")).interest - position_as_of(without, D("2005-02-10")).interest \
        == Decimal("0.39")


def test_paying_the_overdue_amount_stops_its_interest():
    events = history(payment("174", "2005-02-15"), overdue_margin="2")

    # 174.00 overdue from 1 Feb to 15 Feb (14 days) at 8%: 0.5413 -> 0.54
    assert overdue_bills(events, "2005-03-01") == [(D("2005-02-01"), D("2005-03-01"), Decimal("0.54"))]


def test_the_overdue_margin_and_the_default_margin_are_not_stacked():
    default = {"type": "EventOfDefaultDeclared", "effective_date": "2005-02-01", "clause": "§8", "description": "d"}
    events = history(default, overdue_margin="2", default_margin="3")

    # in default the note's rate is 6 + 3 = 9; the larger margin is the default's, so overdue interest bears
    # 6 + 3 = 9%, not 11%: 174 × 9 × 28 / 36,000 = 1.218 -> 1.22
    assert overdue_bills(events, "2005-03-01") == [(D("2005-02-01"), D("2005-03-01"), Decimal("1.22"))]


def test_explain_shows_the_overdue_bill_with_its_sub_intervals():
    x = explain(history(overdue_margin="2"), D("2005-03-01"))

    (bill,) = x.overdue_bills
    assert [(p.principal, p.rate, p.start, p.end) for p in bill.sub_intervals] == [
        (Decimal("174.00"), Decimal("8"), D("2005-02-01"), D("2005-03-01"))]
    assert any(i.label == "overdue interest 2005-02-01..2005-03-01" for i in x.open_items)


@settings(max_examples=15, deadline=None)
@given(installments=st.lists(st.tuples(st.integers(20, 180), st.integers(1, 10)), max_size=3,
                             unique_by=lambda i: i[0]),
       as_of=st.integers(30, 200))
def test_when_every_item_is_paid_on_its_due_date_the_overdue_margin_changes_nothing(installments, as_of):
    # Items really fall due: monthly interest bills from 1 Feb 2005 and the drawn installments. Each
    # is paid on its due date with exactly what is past due that day (read off the history without
    # the margin, one due date after the other, each payment recorded before the next is read).
    schedule = sorted(({"due_date": (date(2005, 1, 3) + timedelta(days=d)).isoformat(), "amount": str(k * 1000)}
                       for d, k in installments), key=lambda i: i["due_date"])
    when = date(2005, 1, 3) + timedelta(days=as_of)
    candidates = sorted({BUSINESS.following(date(2005, m, 1)) for m in range(2, 9)}
                        | {BUSINESS.following(D(i["due_date"])) for i in schedule})
    base = [opened(), note("A", face_amount="36000", amortization=schedule), advance("36000", "2005-01-03")]
    with_margin = [opened(), note("A", face_amount="36000", amortization=schedule, overdue_margin="2"), base[2]]
    paid_days = []
    for day in (d for d in candidates if d <= when):
        due = past_due_as_of(stream(*base), day).total.amount
        if due > 0:
            pay = payment(str(due), day.isoformat())
            base.append(pay)
            with_margin.append(pay)
            paid_days.append(day)
        assert past_due_as_of(stream(*base), day).total.amount == 0  # paid on its due date

    assert date(2005, 2, 1) in paid_days  # the first bill fell due and was paid that day (no credit before)
    assert position_as_of(stream(*with_margin), when) == position_as_of(stream(*base), when)
    assert not replay(stream(*with_margin), when, explain=True).journal.overdue_bills
    # the same history paid one day late is charged overdue interest: the margin is live here
    late = [r if r.get("type") != "PaymentReceived" else {**r, "effective_date": BUSINESS.following(
        D(r["effective_date"]) + timedelta(days=1)).isoformat()} for r in with_margin]
    assert replay(stream(*late), when + timedelta(days=40), explain=True).journal.overdue_bills


def test_note_issue_with_an_overdue_margin_through_the_cli(db_url):
    run(db_url, *OPEN)
    run(db_url, "note", "issue", "ACME-1", "T", "--kind", "term", "--face-amount", "36000", "--issue-date",
        "2024-01-15", "--maturity-date", "2026-01-15", "--rate", "6", "--overdue-margin", "2")
    run(db_url, "record", "advance", "ACME-1", "--note", "T", "--amount", "36000", "--date", "2024-01-16")

    bills = run_json(db_url, "explain", "ACME-1", "--as-of", "2024-03-01")["overdue_interest_bills"]

    # bill of 1 Feb: 36,000 × 6% × 16 / 360 = 96.00, unpaid; 1 Feb..1 Mar (29 days) at 8%: 0.6187 -> 0.62
    assert [(b["period_start"], b["period_end"], b["amount"]) for b in bills] == [
        ("2024-02-01", "2024-03-01", "0.62")]
