"""PIK (docs/arithmetic.md, "PIK"): the PIK part of the rate is capitalised into principal on
each interest due date and earns interest afterwards; only the cash part is billed, so past due
never counts capitalised interest. Hand-derived figures, a property, the CLI on both backends."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain import facts
from projections.report import past_due_as_of, payoff_on, position_as_of, replay
from tests.helpers import OPEN, run, run_json
from tests.streams import advance, append, note, opened, payment, stream
from tests.test_payoff import LATER

D = date.fromisoformat


def history(pik="4", rate="10"):
    return stream(opened(), note("A", face_amount="100000", interest={"rate": rate}, **({"pik_rate": pik} if pik else {})),
                  advance("100000", "2005-01-03"))


def test_the_pik_part_is_capitalised_on_the_due_date_and_earns_interest_afterwards():
    sweep = replay(history(), D("2005-03-02"), explain=True)

    # 3 Jan..1 Feb: 100,000 × 10% × 29/360 = 805.56, of which 4%: 322.22 capitalised on 1 Feb, cash 483.34.
    # 1 Feb..1 Mar: 100,322.22 × 10% × 28/360 = 780.28; PIK 100,322.22 × 4% × 28/360 = 312.11; cash 468.17
    assert [(p.capitalised_on, p.amount) for p in sweep.journal.pik] == [
        (D("2005-02-01"), Decimal("322.22")), (D("2005-03-01"), Decimal("312.11"))]
    assert [b.amount for b in sweep.journal.bills] == [Decimal("805.56"), Decimal("780.28")]
    assert sweep.notes["A"].principal == Decimal("100634.33")


def test_past_due_counts_only_the_cash_part():
    due = past_due_as_of(history(), D("2005-03-02"))

    assert due.component("interest").amount == Decimal("483.34") + Decimal("468.17")
    assert due.component("principal").amount == 0


def test_capitalised_interest_falls_due_with_the_principal_at_maturity_and_in_a_payoff():
    events = history()
    quote = payoff_on(events, D("2005-02-15"))
    paid = append(events, payment(str(quote.total), "2005-02-15", payoff=True), at=LATER)

    # principal 100,322.22 (with the capitalised 322.22); cash bill 483.34; 1..15 Feb 14 days on 100,322.22
    # at 10% (all cash in a payoff): 390.14
    assert quote.notes[0].principal == Decimal("100322.22")
    assert quote.notes[0].interest == Decimal("483.34") + Decimal("390.14")
    assert position_as_of(paid, D("2005-02-15")).total == 0


def test_pik_on_a_revolving_note_is_refused():
    with pytest.raises(ValidationError, match="pik_rate applies to a term or other note"):
        facts.IssueNote(note="R", kind="revolving", face_amount="1", issue_date="2005-01-03",
                        maturity_date="2006-01-03", interest={"rate": "6"}, pik_rate="2")


@settings(max_examples=30, deadline=None)
@given(pik=st.sampled_from(["1", "2.5", "4"]), days=st.integers(0, 400))
def test_cash_interest_plus_capitalised_interest_equals_the_interest_on_the_growing_principal(pik, days):
    when = date(2005, 1, 3) + timedelta(days=days)
    sweep = replay(history(pik=pik), when, explain=True)

    billed = sum((b.amount for b in sweep.journal.bills), Decimal(0))
    capitalised = sum((p.amount for p in sweep.journal.pik), Decimal(0))
    cash = sum((i.amount for i in sweep.items if i.component.value == "interest"), Decimal(0))
    assert billed == cash + capitalised
    pending = sum((a for _, a in sweep.notes["A"].pik.pending), Decimal(0))
    assert sweep.notes["A"].principal == Decimal("100000") + capitalised - pending


def test_note_issue_with_a_pik_rate_through_the_cli(db_url):
    run(db_url, *OPEN)
    run(db_url, "note", "issue", "ACME-1", "T", "--kind", "term", "--face-amount", "100000", "--issue-date",
        "2024-01-15", "--maturity-date", "2026-01-15", "--rate", "10", "--pik-rate", "4")
    run(db_url, "record", "advance", "ACME-1", "--note", "T", "--amount", "100000", "--date", "2024-01-16")

    x = run_json(db_url, "explain", "ACME-1", "--as-of", "2024-02-01")

    # 16 Jan..1 Feb, 16 days: 100,000 × 10% × 16/360 = 444.44, PIK 4%: 177.78, cash 266.66
    assert [(p["capitalised_on"], p["amount"]) for p in x["pik_capitalised"]] == [("2024-02-01", "177.78")]
    assert x["balance"]["principal"] == "100177.78"
    assert x["past_due"]["interest"] == "266.66"


def test_a_pik_rate_above_a_fixed_rate_is_refused_at_issue():
    # the PIK part is a part of the rate: 7% of a 6% note would be capped silently at 6% every day
    # (the cap is for an index rate that falls below the PIK rate)
    with pytest.raises(ValidationError, match="pik_rate 7 is more than the note's rate 6"):
        facts.IssueNote(note="T", kind="term", face_amount="1", issue_date="2005-01-03",
                        maturity_date="2006-01-03", interest={"rate": "6"}, pik_rate="7")
    facts.IssueNote(note="T", kind="term", face_amount="1", issue_date="2005-01-03",
                    maturity_date="2006-01-03", interest={"rate": "6"}, pik_rate="6")
