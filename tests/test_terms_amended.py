"""TermsAmended (docs/arithmetic.md, "Amended terms"): from its effective date the terms given
replace the note's; explain shows which terms applied when; a backdated amendment reprocesses
and `known_at` before it was recorded reproduces the figures from before. Given / when / then in
the domain, figures derived by hand, a property, and the command line on both backends."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain import facts
from projections.report import explain, past_due_as_of, position_as_of
from tests.helpers import OPEN, run, run_json
from tests.streams import advance, append, note, opened, rate, stream
from tests.test_commitments_and_fees import Book

D = date.fromisoformat
LATER = datetime(2026, 1, 2, tzinfo=timezone.utc)


def amendment(day: str, basis: str = "Amendment No. 1", note_code: str = "P", **terms) -> dict:
    return {"type": "TermsAmended", "note": note_code, "effective_date": day, "terms": terms, "basis": basis}


def prime_note():
    return stream(opened(), rate("PRIME", "5", "2005-01-01"),
                  note("P", interest={"index": "PRIME", "margin": "1"}), advance("100000", "2005-01-03", "P"))


def test_a_new_margin_applies_from_the_amendment_date_and_explain_shows_both_terms():
    events = append(prime_note(), amendment("2005-01-16", margin="2"), at=LATER)

    x = explain(events, D("2005-02-01"))

    # 3..16 Jan (13 days) at 5 + 1 = 6; 16 Jan..1 Feb (16 days) at 5 + 2 = 7:
    # 100,000 × (13 × 6 + 16 × 7) / 36,000 = 527.78
    (bill,) = x.bills
    assert bill.amount == Decimal("527.78")
    assert [(s.start, s.end, s.rate) for s in bill.sub_intervals] == [
        (D("2005-01-03"), D("2005-01-16"), Decimal("6")), (D("2005-01-16"), D("2005-02-01"), Decimal("7"))]
    assert [(t.start, t.end, t.version, t.changed) for t in x.terms] == [
        (D("2005-01-03"), D("2005-01-16"), None, {}), (D("2005-01-16"), None, 5, {"margin": "2"})]


def test_a_backdated_amendment_reprocesses_and_known_at_reproduces_the_figures_before_it():
    events = prime_note()
    before = position_as_of(events, D("2005-01-31"))
    recorded_at = events[-1].recorded_at + timedelta(hours=1)
    amended = append(events, amendment("2005-01-03", margin="3", floor="8.5"), at=LATER)

    now = position_as_of(amended, D("2005-01-31"))
    then = position_as_of(amended, D("2005-01-31"), known_at=recorded_at)

    # from the start: max(5 + 3, 8.5) = 8.5 for 29 days on 100,000: 684.72 (before: 6% = 483.33)
    assert (before.interest, now.interest) == (Decimal("483.33"), Decimal("684.72"))
    assert (then.interest, then.notes) == (before.interest, before.notes)


def test_a_fee_rate_amendment_splits_the_fee_period():
    book = Book().note("R", unused_fee={"rate": "0.5", "period_months": 3})
    book.record(facts.AmendTerms, note="R", effective_date="2005-02-01", terms={"fee_rate": "0.25"}, basis="A1")

    sweep = book.sweep("2005-04-04")

    # 29 days at 0.5% and 61 days at 0.25% on 1,000,000: (14.5 + 15.25) × 1,000,000 / 36,000 = 826.39
    assert [(b.amount, [p.rate for p in b.sub_intervals]) for b in sweep.journal.fee_bills] == [
        (Decimal("826.39"), [Decimal("0.5"), Decimal("0.25")])]


def test_an_amended_maturity_and_schedule_replace_those_not_yet_due():
    book = Book().note("T", kind="term").advance("T", "30000", "2005-01-03")
    book.record(facts.AmendTerms, note="T", effective_date="2005-02-01", basis="A2",
                terms={"maturity_date": "2005-06-01", "amortization": [{"due_date": "2005-04-01", "amount": "10000"}]})

    due = past_due_as_of(book.events, D("2005-06-01"))

    # 10,000 fell due on 1 Apr (61 days before 1 Jun), the remaining 20,000 at the new maturity 1 Jun
    assert due.component("principal").amount == Decimal("30000")
    assert due.component("principal").oldest == D("2005-04-01")
    assert book.facility.notes["T"].maturity_date == D("2005-06-01")


def test_amendments_naming_terms_the_note_does_not_have_are_refused():
    book = Book().note("T", kind="term")

    book.refuses(facts.AmendTerms, "has a fixed rate: margin applies only to an index note",
                 note="T", effective_date="2005-02-01", terms={"margin": "2"}, basis="b")
    book.refuses(facts.AmendTerms, "has no unused or ticking fee", note="T", effective_date="2005-02-01",
                 terms={"fee_rate": "1"}, basis="b")
    with pytest.raises(ValidationError, match="an amendment changes at least one term"):
        facts.AmendTerms(note="T", effective_date="2005-02-01", terms={}, basis="b")
    with pytest.raises(ValidationError, match="maturity_date must be after"):
        facts.AmendTerms(note="T", effective_date="2005-02-01", terms={"maturity_date": "2005-01-01"}, basis="b")


@settings(max_examples=40, deadline=None)
@given(day=st.integers(0, 120), margin=st.sampled_from(["0.5", "1", "2.25"]), as_of=st.integers(0, 200))
def test_restating_the_terms_in_force_changes_no_figure(day, margin, as_of):
    base = stream(opened(), rate("PRIME", "5", "2005-01-01"),
                  note("P", interest={"index": "PRIME", "margin": margin}), advance("100000", "2005-01-03", "P"))
    effective = (date(2005, 1, 3) + timedelta(days=day)).isoformat()
    restated = append(base, amendment(effective, margin=margin), at=LATER)
    when = date(2005, 1, 3) + timedelta(days=as_of)

    assert position_as_of(restated, when) == position_as_of(base, when)
    assert past_due_as_of(restated, when) == past_due_as_of(base, when)


# ---- through the command line, on both backends ---------------------------------------------

def test_record_amendment_then_explain_and_known_at(db_url):
    run(db_url, *OPEN)
    run(db_url, "note", "issue", "ACME-1", "T", "--kind", "term", "--face-amount", "100000", "--issue-date",
        "2024-01-15", "--maturity-date", "2026-01-15", "--rate", "6")
    run(db_url, "record", "advance", "ACME-1", "--note", "T", "--amount", "100000", "--date", "2024-01-15")
    before = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-01-31")
    stamp = run_json(db_url, "events", "ACME-1")[-1]["recorded_at"]

    run(db_url, "record", "amendment", "ACME-1", "--note", "T", "--date", "2024-01-15", "--rate", "9",
        "--basis", "Amendment No. 1")
    after = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-01-31")
    then = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-01-31", "--known-at", stamp)
    terms = run_json(db_url, "explain", "ACME-1", "--as-of", "2024-01-31")["terms_in_force"]

    # 100,000 for 17 days (15..31 Jan inclusive) at 6% = 283.33, at 9% = 425.00
    assert (before["interest"], after["interest"], then["interest"]) == ("283.33", "425.00", "283.33")
    assert terms[-1]["changed"] == {"rate": "9"} and terms[-1]["basis"] == "Amendment No. 1"


def test_the_pik_rate_and_the_overdue_margin_can_be_amended_from_a_date():
    pik = stream(opened(), note("P", interest={"rate": "10"}, pik_rate="4"), advance("100000", "2005-01-03", "P"),
                 amendment("2005-01-16", pik_rate="2"))

    (record,) = [p for p in explain(pik, D("2005-02-01")).pik]

    # 13 days at 4% and 16 days at 2% on 100,000: (52 + 32) × 100,000 / 36,000 = 233.33
    assert record.amount == Decimal("233.33")


def test_an_amendment_cannot_give_an_overdue_margin_or_pik_rate_to_a_note_issued_without():
    book = Book().note("T", kind="term")

    book.refuses(facts.AmendTerms, "has no overdue margin to change", note="T", effective_date="2005-02-01",
                 terms={"overdue_margin": "2"}, basis="b")
    book.refuses(facts.AmendTerms, "has no PIK rate to change", note="T", effective_date="2005-02-01",
                 terms={"pik_rate": "2"}, basis="b")


def test_an_amendment_that_would_put_the_floor_above_the_cap_in_force_is_refused():
    # NoteIssued refuses a floor above the cap; an amended cap of 5 under a floor of 8.5 in force
    # (or a floor above a cap in force) was accepted, and the cap then silently won every day
    book = Book().record(facts.IssueNote, note="P", kind="term", face_amount="100000", issue_date="2005-01-03",
                         maturity_date="2010-01-04", interest={"index": "PRIME", "margin": "1", "floor": "8.5"})
    book.record(facts.AmendTerms, note="P", effective_date="2005-02-01", terms={"cap": "12"}, basis="A1")

    book.refuses(facts.AmendTerms, "floor 8.5 would be above the cap 5", note="P", effective_date="2005-03-01",
                 terms={"cap": "5"}, basis="A2")
    book.refuses(facts.AmendTerms, "floor 13 would be above the cap 12", note="P", effective_date="2005-03-01",
                 terms={"floor": "13"}, basis="A3")
    book.refuses(facts.AmendTerms, "floor 8.5 would be above the cap 5", note="P", effective_date="2005-01-10",
                 terms={"cap": "5"}, basis="A4")  # before the cap of 12: the issued floor is in force
    book.record(facts.AmendTerms, note="P", effective_date="2005-03-01", terms={"cap": "5", "floor": "4"}, basis="A5")
