"""Commitments (NoteIssued.commitment, CommitmentChanged, CommitmentTerminated, termination by
acceleration) and the unused and ticking fees the engine computes on the undrawn commitment
(docs/arithmetic.md, "Commitments" and "Unused and ticking fees"): given / when / then in the
domain, the engine's figures derived by hand, and a property test against a day-by-day sum."""

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from domain import facts
from domain.errors import RuleViolation
from projections.availability import availability
from projections.engine import Sweep
from projections.figures import past_due, position
from tests.test_money_rules import Book as _Book

D = date.fromisoformat


class Book(_Book):
    """tests/test_money_rules.py's Book (facts decided by the aggregate, as the ledger does; `events`
    is what it recorded, which the engine then reads), its notes revolving by default."""

    def note(self, code: str, kind: str = "revolving", face: str = "1000000", **more) -> "Book":
        return self.record(facts.IssueNote, note=code, kind=kind, face_amount=face, issue_date="2005-01-03",
                           maturity_date="2010-01-04", interest={"rate": "6"}, **more)

    def sweep(self, day: str, **options) -> Sweep:
        sweep = Sweep(self.events, **options)
        sweep.run_to(D(day))
        return sweep


def fee_bills(book: Book, day: str) -> list[tuple[date, date, Decimal]]:
    return [(b.period_start, b.period_end, b.amount) for b in book.sweep(day).journal.fee_bills]


# ---- commitments in the domain ---------------------------------------------------------------

def test_an_advance_is_checked_against_the_commitment_not_the_face_amount():
    book = Book().note("R", commitment="600000")

    book.refuses(facts.MakeAdvance, r"exceeds its commitment: 600000(\.00)? of 600000(\.00)? is available",
                 note="R", amount="600000.01", effective_date="2005-02-01")
    book.advance("R", "600000", "2005-02-01")


def test_a_commitment_above_the_face_amount_is_refused_at_issue():
    with pytest.raises(ValidationError, match="commitment 1000000.01 is more than the face amount"):
        facts.IssueNote(note="R", kind="revolving", face_amount="1000000", commitment="1000000.01",
                        issue_date="2005-01-03", maturity_date="2010-01-04", interest={"rate": "6"})


def test_a_reduced_commitment_limits_later_advances_and_an_increase_restores_room():
    book = Book().note("R").advance("R", "300000", "2005-02-01")
    book.record(facts.ChangeCommitment, note="R", amount="400000", effective_date="2005-03-01")

    book.refuses(facts.MakeAdvance, "100000.00 of 400000.00 is available", note="R", amount="150000",
                 effective_date="2005-03-02")
    book.advance("R", "100000", "2005-03-02")  # exactly the room
    book.record(facts.ChangeCommitment, note="R", amount="900000", effective_date="2005-04-01")
    book.advance("R", "500000", "2005-04-01")


def test_a_commitment_is_not_reduced_below_what_is_drawn_nor_raised_above_the_face():
    book = Book().note("R").advance("R", "300000", "2005-02-01")

    book.refuses(facts.ChangeCommitment, "less than the 300000.00 drawn on note R on 2005-03-01",
                 note="R", amount="299999.99", effective_date="2005-03-01")
    book.refuses(facts.ChangeCommitment, "more than note R's face amount", note="R", amount="1000000.01",
                 effective_date="2005-03-01")
    book.pay("100000", "2005-03-01", note="R", component="principal")
    book.record(facts.ChangeCommitment, note="R", amount="200000", effective_date="2005-03-01")


def test_a_terminated_commitment_refuses_advances_changes_and_a_second_termination():
    book = Book().note("T", kind="term").record(facts.TerminateCommitment, note="T", effective_date="2005-06-01")

    book.advance("T", "1000", "2005-05-31")  # the day before: still committed
    book.refuses(facts.MakeAdvance, "exceeds its commitment: nothing is available, the commitment was terminated on 2005-06-01",
                 note="T", amount="1000", effective_date="2005-06-01")
    book.refuses(facts.ChangeCommitment, "was terminated on 2005-06-01", note="T", amount="5000",
                 effective_date="2005-07-01")
    book.refuses(facts.TerminateCommitment, "already terminated", note="T", effective_date="2005-07-01")


def test_a_backdated_reduction_or_termination_is_refused_when_a_later_advance_would_exceed_it():
    # R drawn 100,000 on 1 Feb and 800,000 more on 1 Apr; a reduction to 200,000 dated 1 Mar, or a
    # termination dated 1 Mar, recorded afterwards would leave the 1 Apr advance over the commitment
    book = Book().note("R").note("T", kind="term").advance("R", "100000", "2005-02-01")
    book.advance("R", "800000", "2005-04-01").advance("T", "50000", "2005-04-01")

    book.refuses(facts.ChangeCommitment, "less than the 900000.00 drawn on note R on 2005-04-01",
                 note="R", amount="200000", effective_date="2005-03-01")
    book.refuses(facts.TerminateCommitment, "an advance of 800000.00 on 2005-04-01 was made under it",
                 note="R", effective_date="2005-03-01")
    book.refuses(facts.TerminateCommitment, "note R cannot end on 2005-04-01: an advance of 800000.00",
                 effective_date="2005-04-01")
    book.refuses(facts.TerminateCommitment, "note T cannot end on 2005-04-01: an advance of 50000.00",
                 note="T", effective_date="2005-04-01")
    book.record(facts.ChangeCommitment, note="R", amount="900000", effective_date="2005-03-01")  # still fits
    book.record(facts.TerminateCommitment, note="R", effective_date="2005-04-02")


def test_reversing_a_termination_reinstates_the_commitment():
    book = Book().note("T", kind="term").record(facts.TerminateCommitment, note="T", effective_date="2005-06-01")
    termination = book.events[-1].version

    book.record(facts.ReverseEvent, target=termination, reason="sent in error")

    book.advance("T", "1000", "2005-07-01")


def test_acceleration_terminates_the_commitment_until_it_is_rescinded():
    book = Book().note("R", commitment="500000").advance("R", "400000", "2005-02-01")
    book.record(facts.DeclareDefault, effective_date="2005-03-01", clause="§8", description="d")
    book.record(facts.AccelerateObligations, effective_date="2005-03-01")

    # a protective advance is measured against the last commitment before the termination
    book.refuses(facts.MakeAdvance, "100000.00 of 500000.00 is available", note="R", amount="100000.01",
                 effective_date="2005-03-02", protective=True, basis="taxes")
    assert book.facility.commitment_on("R", D("2005-03-02")).amount == 0
    assert availability(book.sweep("2005-03-02")).notes[0].why_not[0].startswith("accelerated on 2005-03-01")
    book.record(facts.RescindAcceleration, effective_date="2005-04-01")
    book.record(facts.WaiveDefault, effective_date="2005-04-01", clause="§8", description="cured")

    assert book.facility.commitment_on("R", D("2005-04-01")).amount == Decimal("500000")
    book.advance("R", "100000", "2005-04-01")


def test_a_termination_without_a_note_covers_the_notes_issued_by_then():
    book = Book().note("R").note("T", kind="term").record(facts.TerminateCommitment, effective_date="2005-06-01")

    report = availability(book.sweep("2005-06-01"))

    assert [(n.note, n.commitment, n.why_not) for n in report.notes] == [
        ("R", 0, ("commitment terminated on 2005-06-01",)), ("T", 0, ("commitment terminated on 2005-06-01",))]


def test_a_termination_without_a_note_ends_the_others_when_one_note_is_already_terminated():
    # closing the facility after one note's commitment ended earlier: the termination covers the
    # notes still committed (refusing it left no way to close the facility in one fact)
    book = Book().note("R").note("T", kind="term").record(facts.TerminateCommitment, note="T", effective_date="2005-03-01")

    book.record(facts.TerminateCommitment, effective_date="2005-06-01")

    report = availability(book.sweep("2005-06-01"))
    assert [(n.note, n.commitment, n.why_not) for n in report.notes] == [
        ("R", 0, ("commitment terminated on 2005-06-01",)), ("T", 0, ("commitment terminated on 2005-03-01",))]
    book.refuses(facts.TerminateCommitment, "already terminated", effective_date="2005-07-01")


# ---- availability --------------------------------------------------------------------------

def test_availability_of_a_sublimit_is_limited_by_its_parent():
    book = Book().note("R", face="1000000").note("SW", face="200000", sublimit_of="R")
    book.advance("R", "900000", "2005-02-01").advance("SW", "50000", "2005-02-02")

    parent, swing = availability(book.sweep("2005-02-02")).notes

    # R: 1,000,000 - (900,000 + its sublimit's 50,000) = 50,000; SW: its own room 150,000, R's 50,000
    assert (parent.commitment, parent.drawn, parent.available) == (Decimal("1000000"), Decimal("950000"), Decimal("50000"))
    assert (swing.drawn, swing.available) == (Decimal("50000"), Decimal("50000"))
    assert swing.why_not == ("limited by R, which it is drawn under: 50000.00 available there",)


def test_availability_of_a_term_note_counts_every_advance_even_repaid():
    book = Book().note("T", kind="term", face="500000").advance("T", "500000", "2005-02-01")
    book.pay("100000", "2005-03-01", note="T", component="principal")

    (term,) = availability(book.sweep("2005-03-01")).notes

    assert (term.drawn, term.available) == (Decimal("500000"), 0)
    assert term.why_not == ("fully drawn (repaid term principal cannot be drawn again)",)


def test_availability_after_maturity_and_in_default_is_zero_with_the_reason():
    book = Book().note("R").advance("R", "100000", "2005-02-01")
    book.record(facts.DeclareDefault, effective_date="2005-03-01", clause="§8", description="d")

    (in_default,) = availability(book.sweep("2005-03-01")).notes
    (matured,) = availability(book.sweep("2010-01-05")).notes

    assert in_default.available == 0 and "event of default" in in_default.why_not[0]
    assert matured.commitment == 0 and matured.why_not == ("matured on 2010-01-04",)


# ---- unused and ticking fees in the engine -------------------------------------------------

QUARTERLY = {"rate": "0.5", "day_count": "ACT/360", "period_months": 3}


def test_the_unused_fee_accrues_on_the_undrawn_commitment_and_is_billed_in_arrears():
    book = Book().note("R", unused_fee=QUARTERLY).advance("R", "400000", "2005-02-01")

    # 3 Jan..1 Feb: 29 days on 1,000,000; 1 Feb..3 Apr: 61 days on 600,000 (0.5% ACT/360):
    # (29,000,000 + 36,600,000) × 0.5 / 36,000 = 911.111... -> 911.11, due Monday 4 Apr (3 Apr a Sunday)
    sweep = book.sweep("2005-04-04")

    (bill,) = sweep.journal.fee_bills
    assert (bill.period_start, bill.period_end, bill.due_date, bill.amount) == (
        D("2005-01-03"), D("2005-04-03"), D("2005-04-04"), Decimal("911.11"))
    assert [(p.undrawn, p.days) for p in bill.sub_intervals] == [(Decimal("1000000"), 29), (Decimal("600000"), 61)]
    assert position(sweep).fees == Decimal("911.11")
    assert past_due(sweep).component("fees").amount == Decimal("911.11")


def test_the_fee_is_paid_first_by_the_waterfall():
    book = Book().note("R", unused_fee=QUARTERLY).advance("R", "400000", "2005-02-01").pay("1000", "2005-04-04")

    sweep = book.sweep("2005-04-04")

    assert past_due(sweep).component("fees").amount == 0
    (payment,) = sweep.journal.payments
    assert payment.allocations[0].label == "unused fee 2005-01-03..2005-04-03"
    assert payment.allocations[0].amount == Decimal("911.11")


def test_a_reduction_of_the_commitment_reduces_the_fee_from_its_date():
    book = Book().note("R", unused_fee=QUARTERLY)
    book.record(facts.ChangeCommitment, note="R", amount="400000", effective_date="2005-02-01")

    # 29 days on 1,000,000 + 61 days on 400,000: (29,000,000 + 24,400,000) × 0.5 / 36,000 = 741.67
    assert fee_bills(book, "2005-04-04") == [(D("2005-01-03"), D("2005-04-03"), Decimal("741.67"))]


def test_the_ticking_fee_stops_when_the_commitment_is_terminated_and_no_later_period_is_billed():
    monthly = {"rate": "1", "period_months": 1}
    book = Book().note("T", kind="term", face="500000", commitment="400000", ticking_fee=monthly)
    book.advance("T", "100000", "2005-01-20")
    book.record(facts.TerminateCommitment, note="T", effective_date="2005-03-15")

    # 3..20 Jan 17 days on 400,000 and 20 Jan..3 Feb 14 days on 300,000: (6,800,000 + 4,200,000)/36,000 = 305.56
    # 3 Feb..3 Mar: 28 days on 300,000 = 233.33; 3..15 Mar: 12 days on 300,000 = 100.00, billed 3 Apr
    assert fee_bills(book, "2005-12-31") == [
        (D("2005-01-03"), D("2005-02-03"), Decimal("305.56")),
        (D("2005-02-03"), D("2005-03-03"), Decimal("233.33")),
        (D("2005-03-03"), D("2005-04-03"), Decimal("100.00")),
    ]


def test_acceleration_stops_the_unused_fee_from_its_date():
    book = Book().note("R", unused_fee=QUARTERLY).advance("R", "400000", "2005-02-01")
    book.record(facts.DeclareDefault, effective_date="2005-03-01", clause="§8", description="d")
    book.record(facts.AccelerateObligations, effective_date="2005-03-01")

    # 29 days on 1,000,000 + 28 days (1 Feb..1 Mar) on 600,000: (29,000,000 + 16,800,000) × 0.5 / 36,000
    assert fee_bills(book, "2005-04-04") == [(D("2005-01-03"), D("2005-04-03"), Decimal("636.11"))]


def test_no_fee_accrues_after_maturity():
    book = Book().record(facts.IssueNote, note="R", kind="revolving", face_amount="360000", issue_date="2005-01-03",
                         maturity_date="2005-02-15", interest={"rate": "6"},
                         unused_fee={"rate": "1", "period_months": 1})

    # 3 Jan..3 Feb: 31 days; 3 Feb..15 Feb inclusive: 13 days (the commitment ends after the maturity date)
    assert fee_bills(book, "2005-12-31") == [(D("2005-01-03"), D("2005-02-03"), Decimal("310.00")),
                                              (D("2005-02-03"), D("2005-03-03"), Decimal("130.00"))]


def test_an_extension_recorded_after_the_fee_stopped_starts_the_fee_again():
    # matured 15 Feb, last fee billed 3 Mar; extended on 1 Apr to 2006: the commitment is back
    # (an advance is accepted), so the fee accrues again from 1 Apr: 3 Mar..3 Apr has 2 days
    # (1 and 2 Apr) on 360,000 at 1% = 20.00, 3 Apr..3 May 30 days = 300.00
    book = Book().record(facts.IssueNote, note="R", kind="revolving", face_amount="360000", issue_date="2005-01-03",
                         maturity_date="2005-02-15", interest={"rate": "6"},
                         unused_fee={"rate": "1", "period_months": 1})
    book.record(facts.ExtendMaturity, note="R", new_maturity_date="2006-01-03", effective_date="2005-04-01")

    assert fee_bills(book, "2005-05-03") == [(D("2005-01-03"), D("2005-02-03"), Decimal("310.00")),
                                              (D("2005-02-03"), D("2005-03-03"), Decimal("130.00")),
                                              (D("2005-03-03"), D("2005-04-03"), Decimal("20.00")),
                                              (D("2005-04-03"), D("2005-05-03"), Decimal("300.00"))]


def test_fee_terms_belong_to_their_kind_of_note():
    with pytest.raises(ValidationError, match="unused_fee applies to a revolving"):
        facts.IssueNote(note="T", kind="term", face_amount="1", issue_date="2005-01-03", maturity_date="2006-01-03",
                        interest={"rate": "6"}, unused_fee={"rate": "1"})
    with pytest.raises(ValidationError, match="ticking_fee applies to a term"):
        facts.IssueNote(note="R", kind="revolving", face_amount="1", issue_date="2005-01-03",
                        maturity_date="2006-01-03", interest={"rate": "6"}, ticking_fee={"rate": "1"})
    with pytest.raises(ValidationError, match="period_months must be 1, 3, 6 or 12"):
        facts.IssueNote(note="R", kind="revolving", face_amount="1", issue_date="2005-01-03",
                        maturity_date="2006-01-03", interest={"rate": "6"}, unused_fee={"rate": "1", "period_months": 2})


def test_a_note_without_fee_terms_keeps_the_bytes_of_its_stored_event():
    book = Book().note("R")

    stored = book.events[-1].model_dump(mode="json")

    assert not {"commitment", "unused_fee", "ticking_fee"} & set(stored)


# ---- property: a fee period's bill is the day-by-day sum on the undrawn amount ---------------

FED_HOLIDAYS_2005 = {date(2005, 1, 17), date(2005, 2, 21), date(2005, 5, 30), date(2005, 7, 4), date(2005, 9, 5)}
moves = st.lists(st.tuples(st.integers(0, 200), st.booleans(), st.integers(1, 40)), max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(moves=moves, months=st.sampled_from([1, 3]), rate=st.sampled_from(["0.25", "0.375", "0.5"]))
def test_each_fee_bill_equals_the_rounded_day_by_day_sum_of_undrawn_times_rate(moves, months, rate):
    book = Book().note("R", unused_fee={"rate": rate, "period_months": months})
    drawn, by_day = Decimal(0), {}
    for offset, draws, thousands in sorted(moves):
        day = date(2005, 1, 3) + timedelta(days=offset)
        amount = Decimal(thousands * 10_000)
        if not draws and (day.weekday() >= 5 or day in FED_HOLIDAYS_2005):
            continue  # a payment then would take effect on the next business day: kept out of the hand sum
        if draws and drawn + amount <= 1_000_000:
            book.advance("R", str(amount), day.isoformat())
            drawn += amount
        elif not draws and 0 < amount <= drawn:
            book.pay(str(amount), day.isoformat(), note="R", component="principal")
            drawn -= amount
        else:
            continue
        by_day[day] = drawn
    bills = book.sweep("2005-09-30").journal.fee_bills

    # independently: walk every day, undrawn at the end of that day, one day's fee each
    principal, total, start, expected = Decimal(0), Decimal(0), date(2005, 1, 3), []
    day = start
    ends = {date(2005, m, 3) for m in range(1 + months, 10, months)}
    while day < date(2005, 9, 30):
        if day in ends:
            expected.append((start, day, (total / 36_000).quantize(Decimal("0.01"), ROUND_HALF_UP)))
            start, total = day, Decimal(0)
        principal = by_day.get(day, principal)
        total += (1_000_000 - principal) * Decimal(rate)  # exact; divided once per period
        day += timedelta(days=1)
    assert [(b.period_start, b.period_end, b.amount) for b in bills] == [e for e in expected if e[2] > 0]


@settings(max_examples=30, deadline=None)
@given(moves=moves)
def test_skipping_quiet_days_changes_no_fee(moves):
    book = Book().note("R", unused_fee=QUARTERLY).note("T", kind="term", ticking_fee={"rate": "1", "period_months": 1})
    for offset, draws, thousands in sorted(moves):
        day = (date(2005, 1, 3) + timedelta(days=offset)).isoformat()
        try:
            book.advance("R" if draws else "T", str(thousands * 10_000), day)
        except RuleViolation:
            continue

    fast, slow = book.sweep("2005-12-31"), book.sweep("2005-12-31", step_every_day=True)

    assert fast.journal.fee_bills == slow.journal.fee_bills
    assert position(fast) == position(slow)


# ---- property: availability is what the domain's advance check accepts -----------------------

steps = st.lists(st.tuples(st.sampled_from(["R", "SW", "T"]), st.sampled_from(["draw", "repay", "cut"]),
                           st.integers(1, 60), st.integers(1, 30)), max_size=8)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=steps, probe=st.sampled_from(["R", "SW", "T"]), day=st.integers(0, 200))
def test_availability_is_exactly_what_an_advance_may_draw(steps, probe, day):
    book = Book().note("R", face="1000000").note("SW", face="300000", sublimit_of="R")
    book.note("T", kind="term", face="500000", commitment="400000")
    on = date(2005, 1, 3)
    for code, action, days, tens in steps:
        on += timedelta(days=days)
        amount, when = str(tens * 10_000), on.isoformat()
        try:
            if action == "draw":
                book.advance(code, amount, when)
            elif action == "repay" and on.weekday() < 5 and on not in FED_HOLIDAYS_2005:
                book.pay(amount, when, note=code, component="principal")
            elif action == "cut":
                book.record(facts.ChangeCommitment, note=code, amount=amount, effective_date=when)
        except RuleViolation:
            continue
    when = max(on, date(2005, 1, 3) + timedelta(days=day))
    available = next(n.available for n in availability(book.sweep(when.isoformat())).notes if n.note == probe)

    if available > 0:
        book.refuses(facts.MakeAdvance, "exceeds", note=probe, amount=str(available + Decimal("0.01")),
                     effective_date=when.isoformat())
        book.advance(probe, str(available), when.isoformat())
    else:
        book.refuses(facts.MakeAdvance, "exceeds", note=probe, amount="0.01", effective_date=when.isoformat())
