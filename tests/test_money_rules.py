"""The money rules of the contract §3 Revisions (second edition), given / when / then, in the domain
(the Facility aggregate decides each fact) and in the engine (the same events replayed) alike.

Each scenario records its facts through the aggregate, as the ledger does, so a fact the domain
refuses never reaches the engine; the engine then reads the events the aggregate produced.
"""

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from domain import facts
from domain.errors import RuleViolation
from domain.facility import Facility, decide
from projections.engine import Sweep
from projections.rates import contractual_rate
from projections.report import explain, past_due_as_of, position_as_of

TODAY = date(2026, 1, 1)
D = date.fromisoformat


class Book:
    """One facility, its facts decided by the aggregate; `events` is what it recorded."""

    def __init__(self, agreement: str = "2005-01-03") -> None:
        self.facility = Facility.open(
            facts.OpenFacility(code="F", borrower="B", lender="L", agreement_date=agreement),
            today=TODAY, recorded_by="t")
        self.events = list(self.facility.collect_events())

    def record(self, model: type[facts.Fact], **fields) -> "Book":
        decide(self.facility, model(**fields), principal_of=self._principal_of, today=TODAY, recorded_by="t")
        self.events += self.facility.collect_events()
        return self

    def refuses(self, model: type[facts.Fact], match: str, **fields) -> None:
        with pytest.raises(RuleViolation, match=match):
            self.record(model, **fields)
        assert self.facility.collect_events() == []  # nothing recorded

    def _principal_of(self, note: str, day: date) -> Decimal:
        sweep = Sweep(self.events, need_rates=False, explain=False)
        sweep.run_to(day)
        return sweep.notes[note].principal

    # shorthands
    def note(self, code: str, face: str = "1000000", issued: str = "2005-01-03", **more) -> "Book":
        terms = {"note": code, "kind": "term", "face_amount": face, "issue_date": issued,
                 "maturity_date": "2010-01-04", "interest": {"rate": "6"}, **more}
        return self.record(facts.IssueNote, **terms)

    def advance(self, code: str, amount: str, on: str, **more) -> "Book":
        return self.record(facts.MakeAdvance, note=code, amount=amount, effective_date=on, **more)

    def declare(self, on: str, clause: str = "§19(a)", notes=None) -> "Book":
        return self.record(facts.DeclareDefault, effective_date=on, clause=clause, description="d", notes=notes)

    def waive(self, on: str, clause: str = "§19(a)") -> "Book":
        return self.record(facts.WaiveDefault, effective_date=on, clause=clause, description="w")

    def accelerate(self, on: str, notes=None) -> "Book":
        return self.record(facts.AccelerateObligations, effective_date=on, notes=notes)

    def rescind(self, on: str) -> "Book":
        return self.record(facts.RescindAcceleration, effective_date=on)

    def pay(self, amount: str, on: str, **more) -> "Book":
        return self.record(facts.ReceivePayment, amount=amount, effective_date=on, **more)


# ---- advances while accelerated or in default ------------------------------------------------

def test_an_advance_after_acceleration_is_refused_unless_protective_with_a_basis():
    """The seed's case: acceleration on 2008-01-31, an advance of 1,000,000 dated 2008-02-05."""
    book = Book().note("A").advance("A", "500000", "2005-01-03").declare("2008-01-31").accelerate("2008-01-31")

    book.refuses(facts.MakeAdvance, "note A is accelerated on 2008-02-05.*protective",
                 note="A", amount="100000", effective_date="2008-02-05")
    book.advance("A", "100000", "2008-02-05", protective=True, basis="insurance premium on the collateral")

    assert book.events[-1].protective is True and book.events[-1].basis == "insurance premium on the collateral"


def test_an_advance_during_an_event_of_default_is_refused_until_it_is_waived():
    book = Book().note("A").advance("A", "500000", "2005-01-03").declare("2006-03-01", notes=["A"])

    book.refuses(facts.MakeAdvance, "note A is in default on 2006-03-02",
                 note="A", amount="1000", effective_date="2006-03-02")
    book.waive("2006-04-01").advance("A", "1000", "2006-04-01")

    assert book.events[-1].amount == Decimal("1000.00")


def test_a_default_on_another_note_does_not_stop_advances():
    book = Book().note("A").note("B").declare("2006-03-01", notes=["B"])

    book.advance("A", "1000", "2006-03-02")

    assert book.events[-1].note == "A"


def test_a_protective_advance_needs_a_basis_and_a_reason_to_be_protective():
    with pytest.raises(ValidationError, match="needs a basis"):
        facts.MakeAdvance(note="A", amount="1", effective_date="2006-01-01", protective=True)
    with pytest.raises(ValidationError, match="only for a protective advance"):
        facts.MakeAdvance(note="A", amount="1", effective_date="2006-01-01", basis="why")
    with pytest.raises(ValidationError):
        facts.MakeAdvance(note="A", amount="1", effective_date="2006-01-01", protective="yes", basis="x")

    Book().note("A").refuses(facts.MakeAdvance, "neither", note="A", amount="1", effective_date="2006-01-01",
                             protective=True, basis="no reason")


def test_an_old_advance_reads_as_not_protective_and_encodes_back_unchanged():
    book = Book().note("A").advance("A", "10", "2005-01-04")
    stored = book.events[-1].model_dump(mode="json")

    assert "protective" not in stored and "basis" not in stored
    assert book.events[-1].protective is False


# ---- rescission ------------------------------------------------------------------------------

def test_rescission_cancels_the_acceleration_and_the_protective_advances_made_under_it():
    """A: 100,000 from 3 Jan 2005 at 6%. Accelerated 1 Mar 2006; a protective advance of 5,000
    on 10 Mar falls due at once; the rescission on 20 Mar cancels both: nothing principal is past
    due after it, and the 105,000 is A's principal."""
    book = (Book().note("A").advance("A", "100000", "2005-01-03").declare("2006-03-01")
            .accelerate("2006-03-01").advance("A", "5000", "2006-03-10", protective=True, basis="taxes")
            .waive("2006-03-15"))

    before = past_due_as_of(book.events, D("2006-03-10"))
    book.rescind("2006-03-20")
    after = past_due_as_of(book.events, D("2006-03-20"))

    assert before.component("principal").amount == Decimal("105000.00")
    assert after.component("principal").amount == 0
    assert position_as_of(book.events, D("2006-03-20")).notes["A"].principal == Decimal("105000.00")
    cancelled = explain(book.events, D("2006-03-20")).cancelled
    assert sorted(c.amount for c in cancelled) == [Decimal("5000.00"), Decimal("100000.00")]


# ---- acceleration scope ----------------------------------------------------------------------

def test_acceleration_without_notes_covers_only_the_notes_issued_by_its_date():
    """A issued 3 Jan 2005, accelerated (all notes) 2 Mar 2005 and the default waived on 1 May;
    B issued 1 Jun 2005 is not accelerated: an advance on it is accepted and nothing of it is due."""
    book = (Book().note("A").advance("A", "100000", "2005-01-03").declare("2005-03-01")
            .accelerate("2005-03-02").waive("2005-05-01").note("B", issued="2005-06-01"))

    book.advance("B", "50000", "2005-06-02")
    due = past_due_as_of(book.events, D("2005-06-10"))

    assert due.notes["A"].principal.amount == Decimal("100000.00")
    assert due.notes["B"].principal.amount == 0
    book.refuses(facts.MakeAdvance, "note A is accelerated", note="A", amount="1", effective_date="2005-06-02")


def test_acceleration_needs_a_note_issued_by_its_date():
    book = Book().declare("2005-02-01").note("A", issued="2005-03-01")

    book.refuses(facts.AccelerateObligations, "no note is issued on or before 2005-02-02", effective_date="2005-02-02")


# ---- sublimits -------------------------------------------------------------------------------

def seed_lines() -> Book:
    """The seed's structure: a 7,000,000 revolver that includes, without duplication, a
    3,000,000 minimum borrowing note."""
    return (Book().note("REVOLVER", face="7000000", kind="revolving")
            .note("MBN", face="3000000", kind="minimum_borrowing", sublimit_of="REVOLVER"))


def test_a_sublimit_advance_must_fit_the_parents_commitment_too():
    book = seed_lines().advance("MBN", "3000000", "2005-01-03").advance("REVOLVER", "4000000", "2005-01-03")

    book.refuses(facts.MakeAdvance, "exceeds its commitment: 0.00 of 7000000.00 is available",
                 note="REVOLVER", amount="0.01", effective_date="2005-01-04")
    book.refuses(facts.MakeAdvance, "exceeds its commitment: 0.00 of 3000000.00",
                 note="MBN", amount="0.01", effective_date="2005-01-04")


def test_the_parent_commitment_binds_a_sublimit_with_room_of_its_own():
    book = seed_lines().advance("REVOLVER", "6000000", "2005-01-03")

    book.refuses(facts.MakeAdvance, "exceeds the commitment of REVOLVER, which it is drawn under: "
                                    "1000000.00 of 7000000.00 is available",
                 note="MBN", amount="1000000.01", effective_date="2005-01-04")
    book.advance("MBN", "1000000", "2005-01-04")


def test_repaying_the_revolver_makes_room_for_the_sublimit():
    book = seed_lines().advance("REVOLVER", "7000000", "2005-01-03")
    book.refuses(facts.MakeAdvance, "drawn under", note="MBN", amount="1", effective_date="2005-01-05")

    book.pay("500000", "2005-01-04", note="REVOLVER", component="principal").advance("MBN", "500000", "2005-01-05")

    assert position_as_of(book.events, D("2005-01-05")).principal == Decimal("7000000.00")


@pytest.mark.parametrize("sublimit_of, face, match", [
    ("NOPE", "1", "unknown note|no note"),
    ("REVOLVER", "7000000.01", "more than the commitment of REVOLVER"),
])
def test_a_sublimit_names_an_issued_note_with_room_for_it(sublimit_of, face, match):
    book = Book().note("REVOLVER", face="7000000", kind="revolving")
    from domain.errors import LedgerError
    with pytest.raises(LedgerError, match=match):
        book.note("MBN", face=face, sublimit_of=sublimit_of)


def test_a_sublimit_of_a_sublimit_is_refused():
    book = seed_lines()
    book.refuses(facts.IssueNote, "itself drawn under REVOLVER", note="X", kind="term", face_amount="1",
                 issue_date="2005-01-03", maturity_date="2006-01-03", interest={"rate": "5"}, sublimit_of="MBN")


# ---- same-day waiver and re-declaration ------------------------------------------------------

def _rate_on(book: Book, note: str, day: str) -> Decimal:
    sweep = Sweep(book.events, explain=False)
    sweep.run_to(D(day))
    return sweep.rate(sweep.notes[note], D(day))


def test_waived_then_declared_again_the_same_day_is_in_default_in_the_domain_and_the_engine():
    """Declared 1 Mar; on 1 Apr waived and then (recorded after) declared again: in default from
    1 Apr on, so acceleration on 1 Apr is accepted and the engine charges the default margin."""
    book = (Book().note("A", default_margin="2").advance("A", "100000", "2005-01-03")
            .declare("2005-03-01").waive("2005-04-01").declare("2005-04-01"))

    book.accelerate("2005-04-01")

    assert _rate_on(book, "A", "2005-04-01") == Decimal("8")
    assert _rate_on(book, "A", "2005-04-20") == Decimal("8")


def test_declared_again_then_waived_the_same_day_ends_both_in_the_domain_and_the_engine():
    """Declared 1 Mar; on 1 Apr declared again and then (recorded after) waived: the waiver ends
    both, so there is no default on 1 Apr: acceleration is refused and the rate is the contract's."""
    book = (Book().note("A", default_margin="2").advance("A", "100000", "2005-01-03")
            .declare("2005-03-01").declare("2005-04-01").waive("2005-04-01"))

    book.refuses(facts.AccelerateObligations, "no event of default is in force", effective_date="2005-04-01")
    assert _rate_on(book, "A", "2005-03-31") == Decimal("8")
    assert _rate_on(book, "A", "2005-04-01") == Decimal("6")


# ---- index rates: negative, index floor, spread adjustment -------------------------------------

@pytest.mark.parametrize("index, expected", [
    ("-0.50", "2.00"),   # -0.50 + 0.10 = -0.40, floored at 0, + 2 margin
    ("0.30", "2.40"),    # 0.30 + 0.10 = 0.40 above the floor, + 2
    ("-0.10", "2.00"),   # exactly the floor after the adjustment
])
def test_the_index_floor_bounds_the_index_plus_adjustment_before_the_margin(index, expected):
    book = (Book().note("S", interest={"index": "SOFR", "margin": "2", "index_floor": "0",
                                       "spread_adjustment": "0.10"})
            .record(facts.SetIndexRate, index="SOFR", rate=index, effective_date="2005-01-03")
            .advance("S", "1000000", "2005-01-03"))

    assert _rate_on(book, "S", "2005-01-10") == Decimal(expected)


def test_a_negative_index_without_floors_gives_a_rate_below_the_margin():
    book = (Book().note("E", interest={"index": "EURIBOR", "margin": "1.5"})
            .record(facts.SetIndexRate, index="EURIBOR", rate="-0.55", effective_date="2005-01-03")
            .advance("E", "1000000", "2005-01-03"))

    assert _rate_on(book, "E", "2005-01-10") == Decimal("0.95")
    bill = explain(book.events, D("2005-02-01")).bills[0]
    assert bill.amount == Decimal("765.28")  # 29 days × 1,000,000 × 0.95% / 360 = 765.2777…


def test_the_all_in_floor_applies_after_the_index_floor_and_margin():
    from domain.events import StoredInterest
    terms = StoredInterest(index="SOFR", margin=Decimal("1"), index_floor=Decimal("0"), floor=Decimal("2.5"))
    assert contractual_rate(terms, Decimal("-1")) == Decimal("2.5")
    assert contractual_rate(terms, Decimal("3")) == Decimal("4")


def test_index_terms_belong_to_an_index_rate():
    with pytest.raises(ValidationError, match="apply only to an index rate"):
        facts.IssueNote(note="X", kind="term", face_amount="1", issue_date="2005-01-03",
                        maturity_date="2006-01-03", interest={"rate": "5", "index_floor": "0"})


# ---- directed payments -----------------------------------------------------------------------

def test_an_installment_paid_the_business_day_before_it_is_due_is_not_a_prepayment():
    """The issue's case: a quarterly installment of 25,000 due Saturday 1 Oct 2005 (rolled to
    Monday 3 Oct), paid Friday 30 Sep directed to the note. Held as the note's credit, it pays
    the installment on Monday: nothing past due, and the last installment is untouched."""
    schedule = [{"due_date": d, "amount": "25000"} for d in ("2005-07-01", "2005-10-01", "2006-01-01", "2006-04-01")]
    book = (Book().note("T", face="100000", interest={"rate": "0"}, amortization=schedule)
            .advance("T", "100000", "2005-01-03").pay("25000", "2005-07-01", note="T")
            .pay("25000", "2005-09-30", note="T"))

    friday = explain(book.events, D("2005-09-30"))
    monday = past_due_as_of(book.events, D("2005-10-03"))
    later = past_due_as_of(book.events, D("2005-10-31"))

    assert [a.label for p in friday.payments for a in p.allocations if a.label == "prepayment"] == []
    assert friday.position.notes["T"].principal == Decimal("75000.00")
    assert friday.position.unapplied_credit == Decimal("25000.00")
    assert monday.total.amount == 0 and later.total.amount == 0
    assert position_as_of(book.events, D("2005-10-03")).notes["T"].principal == Decimal("50000.00")
    assert position_as_of(book.events, D("2005-10-03")).unapplied_credit == 0


def test_component_principal_prepays_in_inverse_order_of_maturity():
    schedule = [{"due_date": d, "amount": "25000"} for d in ("2005-07-01", "2005-10-03", "2006-01-03")]
    book = (Book().note("T", face="100000", interest={"rate": "0"}, amortization=schedule,
                        maturity_date="2006-04-03")
            .advance("T", "100000", "2005-01-03").pay("30000", "2005-03-01", note="T", component="principal"))

    due = past_due_as_of(book.events, D("2006-01-03"))

    # the balloon (25,000) and 5,000 of the last installment were prepaid: 25 + 25 + 20 fall due
    assert due.notes["T"].principal.amount == Decimal("70000.00")


def test_a_payment_to_facility_fees_needs_no_note_but_other_components_do():
    facts.ReceivePayment(amount="1", effective_date="2005-01-03", component="fees")
    with pytest.raises(ValidationError, match="interest or principal must also name its note"):
        facts.ReceivePayment(amount="1", effective_date="2005-01-03", component="interest")


def test_facility_fee_direction_pays_facility_fees_before_an_older_note_fee():
    book = (Book().note("A").advance("A", "100000", "2005-01-03")
            .record(facts.AssessFee, amount="50", kind="late", effective_date="2005-01-04", note="A", basis="b")
            .record(facts.AssessFee, amount="30", kind="other", effective_date="2005-01-05", basis="b")
            .pay("30", "2005-01-06", component="fees"))

    due = past_due_as_of(book.events, D("2005-01-06"))

    assert due.facility_fees.amount == 0 and due.notes["A"].fees.amount == Decimal("50.00")


def test_a_payment_to_a_note_stored_before_the_second_edition_is_still_read_as_then():
    """A first-edition row (no `rest`) with a note and no component: the rest prepays the note's
    principal, as the ledger read it when it was recorded (the golden fixture holds one)."""
    from domain.events import PaymentReceived
    book = Book().note("A").advance("A", "36000", "2005-01-03").pay("200", "2005-02-02", note="A")
    state = book.events[-1].model_dump(mode="json")
    assert state.pop("rest") == "held_for_note"
    first_edition = PaymentReceived.from_stored(state)
    events = [*book.events[:-1], first_edition]

    x = explain(events, D("2005-02-02"))

    assert [(a.component, a.label) for a in x.payments[0].allocations] == [
        ("interest", "interest 2005-01-03..2005-02-01"), ("principal", "prepayment")]
    assert first_edition.fact_fields()["rest"] == "prepaid"
    assert first_edition.model_dump(mode="json") == state  # encodes back as stored
