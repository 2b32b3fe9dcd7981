"""Commitment changes, terminations, extensions and amendments recorded after later events, with an
effective date before them (docs/arithmetic.md, "Commitments", "Amended terms", "Backdated terms"):
the facility (the domain) accepts what still fits the recorded advances, the engine reprocesses
from the backdated date (fees, what falls due, where recorded payments go), and `known_at` before
the backdated event was recorded reproduces the figures from before. Figures derived by hand."""

from datetime import date
from decimal import Decimal

from domain import facts
from projections.availability import availability
from projections.engine import Sweep
from projections.figures import past_due, position
from tests.test_commitments_and_fees import Book

D = date.fromisoformat


def at(book: Book, day: str, known_at=None) -> Sweep:
    sweep = Sweep(book.events, known_at, explain=True)
    sweep.run_to(D(day))
    return sweep


def fee_bills(sweep: Sweep) -> list[tuple[date, date, Decimal]]:
    return [(b.period_start, b.period_end, b.amount) for b in sweep.journal.fee_bills]


def revolver(face: str = "360000") -> Book:
    return Book().record(facts.IssueNote, note="R", kind="revolving", face_amount=face, issue_date="2005-01-03",
                         maturity_date="2010-01-04", interest={"rate": "6"},
                         unused_fee={"rate": "1", "period_months": 1})


def test_a_backdated_reduction_recorded_after_a_later_advance_moves_the_fee_from_its_date():
    book = revolver().advance("R", "100000", "2005-02-03")
    before = book.events[-1].recorded_at
    book.record(facts.ChangeCommitment, note="R", amount="180000", effective_date="2005-01-18")  # fits the 100,000

    now, then = at(book, "2005-03-03"), at(book, "2005-03-03", known_at=before)

    # 3 Jan..3 Feb: 15 days (3..17 Jan) undrawn 360,000, 16 days (18 Jan..2 Feb) undrawn 180,000 at 1%:
    # (5,400,000 + 2,880,000) / 36,000 = 230.00; 3 Feb..3 Mar 28 days on 180,000 − 100,000: 62.22
    assert fee_bills(now) == [(D("2005-01-03"), D("2005-02-03"), Decimal("230.00")),
                              (D("2005-02-03"), D("2005-03-03"), Decimal("62.22"))]
    # before it was recorded: 31 days on 360,000 = 310.00; 28 days on 260,000 = 202.22
    assert fee_bills(then) == [(D("2005-01-03"), D("2005-02-03"), Decimal("310.00")),
                               (D("2005-02-03"), D("2005-03-03"), Decimal("202.22"))]
    assert availability(now).notes[0].available == Decimal("80000")
    # a reduction below the recorded advance, dated before it, is still refused (nothing recorded)
    book.refuses(facts.ChangeCommitment, "less than the 100000.00 drawn on note R on 2005-02-03",
                 note="R", amount="99999.99", effective_date="2005-01-20")


def test_a_backdated_termination_recorded_after_its_fee_was_billed_and_paid_leaves_the_overpaid_fee_as_credit():
    book = revolver().advance("R", "100000", "2005-01-10")
    # paid on 10 Feb: the interest bill of 1 Feb (22 days on 100,000 at 6% = 366.67) and the fee of
    # 3 Feb (7 days undrawn 360,000 + 24 days undrawn 260,000 at 1% = 8,760,000 / 36,000 = 243.33)
    book.pay("610.00", "2005-02-10")
    before = book.events[-1].recorded_at
    book.record(facts.TerminateCommitment, note="R", effective_date="2005-01-20")  # after the advance: accepted

    now, then = at(book, "2005-03-31"), at(book, "2005-03-31", known_at=before)

    # terminated from 20 Jan: 7 days on 360,000 + 10 days (10..19 Jan) on 260,000 = 5,120,000 / 36,000 = 142.22,
    # and no later fee period; the 610.00 paid 366.67 + 142.22 and 101.11 is left as credit (until
    # the 1 Mar interest bill, 28 days = 466.67, takes it: 365.56 of that bill is past due on 31 Mar)
    assert fee_bills(now) == [(D("2005-01-03"), D("2005-02-03"), Decimal("142.22"))]
    assert fee_bills(then) == [(D("2005-01-03"), D("2005-02-03"), Decimal("243.33")),
                               (D("2005-02-03"), D("2005-03-03"), Decimal("202.22"))]
    assert position(at(book, "2005-02-28")).unapplied_credit == Decimal("101.11")
    assert past_due(now).component("interest").amount == Decimal("466.67") - Decimal("101.11")
    assert availability(now).notes[0].available == 0
    book.refuses(facts.MakeAdvance, "terminated on 2005-01-20", note="R", amount="1", effective_date="2005-04-01")


def term(**more) -> Book:
    """A on 36,000 at 6% from 3 Jan 2005, maturing Tuesday 1 Mar 2005: bills of 1 Feb (29 days,
    174.00) and 1 Mar (28 days, 168.00); on 1 Mar 10,342.00 is paid: the interest and 10,000 of
    the balloon (or of the installment)."""
    book = Book().record(facts.IssueNote, note="A", kind="term", face_amount="36000", issue_date="2005-01-03",
                         maturity_date=more.pop("maturity", "2005-03-01"), interest={"rate": "6"}, **more)
    return book.advance("A", "36000", "2005-01-03").pay("10342.00", "2005-03-01")


def test_an_extension_recorded_after_the_maturity_fell_due_and_was_partly_paid_cancels_only_the_unpaid_balloon():
    book = term()
    before = book.events[-1].recorded_at
    book.record(facts.ExtendMaturity, note="A", new_maturity_date="2006-03-01", effective_date="2005-03-10")

    now, then = at(book, "2005-03-10"), at(book, "2005-03-10", known_at=before)

    # the 10,000 paid on 1 Mar stays paid; the unpaid 26,000 is cancelled and falls due in 2006
    assert (position(now).principal, past_due(now).total.amount) == (Decimal("26000"), 0)
    assert past_due(then).component("principal").amount == Decimal("26000")
    assert position(at(book, "2006-03-01")).principal == Decimal("26000")
    assert past_due(at(book, "2006-03-01")).component("principal").amount == Decimal("26000")


def test_a_backdated_extension_before_the_old_maturity_turns_the_principal_paid_then_into_credit():
    book = term()
    book.record(facts.ExtendMaturity, note="A", new_maturity_date="2006-03-01", effective_date="2005-02-15")

    now = at(book, "2005-03-01")

    # nothing falls due on 1 Mar any more: the payment pays the two bills (342.00) and the 10,000 it
    # had paid of the balloon is credit (credit never prepays principal); 36,000 still accrues
    assert (position(now).principal, position(now).unapplied_credit) == (Decimal("36000"), Decimal("10000"))
    assert past_due(now).total.amount == 0


def test_a_backdated_amortization_amendment_replaces_the_installment_the_recorded_payment_had_paid():
    book = term(maturity="2007-01-03", amortization=[{"due_date": "2005-03-01", "amount": "10000"},
                                                     {"due_date": "2005-06-01", "amount": "10000"}])
    before = book.events[-1].recorded_at
    book.record(facts.AmendTerms, note="A", effective_date="2005-02-15", basis="Amendment No. 1",
                terms={"amortization": [{"due_date": "2005-04-01", "amount": "5000"}]})

    now, then = at(book, "2005-04-01"), at(book, "2005-04-01", known_at=before)

    # from 15 Feb the schedule is 5,000 on Friday 1 Apr: on 1 Mar nothing falls due, so 10,000 of the
    # payment is credit; on 1 Apr the bill (31 days on 36,000 = 186.00) and the 5,000 are paid from it
    assert (position(now).principal, position(now).unapplied_credit) == (Decimal("31000"), Decimal("4814.00"))
    assert past_due(now).total.amount == 0
    # before: 10,000 repaid on 1 Mar; the 1 Apr bill (31 days on 26,000 = 134.33) unpaid
    assert (position(then).principal, past_due(then).total.amount) == (Decimal("26000"), Decimal("134.33"))
    # and the 1 Jun installment of the old schedule is gone: nothing more falls due in June
    assert past_due(at(book, "2005-06-01")).component("principal").amount == 0
