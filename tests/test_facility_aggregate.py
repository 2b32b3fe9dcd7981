"""Given / when / then for the Facility aggregate: history in, one command, new events out."""

from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest
from eventsourcing.application import project_aggregate

from domain import facts
from domain.chain import chain_start, next_chain_hash
from domain.errors import LedgerError, ReferenceConflict, RuleViolation, UnknownNote
from domain.events import AdvanceMade, EventReversed
from domain.facility import COMMANDS, Facility, _EVENT_FOR, command_table, decide, facility_id

TODAY = date(2026, 1, 1)


def opened():
    return Facility.open(
        facts.OpenFacility(code="F", borrower="B", lender="L", agreement_date="2005-09-07"),
        today=TODAY, recorded_by="t",
    )


def given(*history):
    facility = opened()
    for fact in history:
        decide(facility, fact, today=TODAY, recorded_by="t")
    facility.collect_events()
    return facility


def when(command, fact, **kw):
    """Run one command method of a facility (e.g. `facility.make_advance`); its new events."""
    command(fact, today=TODAY, recorded_by="t", **kw)
    return command.__self__.collect_events()


def term(note="T", face="1000"):
    return facts.IssueNote(note=note, kind="term", face_amount=face, issue_date="2005-09-07",
                           maturity_date="2008-09-06", interest={"rate": "5"})


def revolver(face="1000"):
    return facts.IssueNote(note="R", kind="revolving", face_amount=face, issue_date="2005-09-07",
                           maturity_date="2008-09-06", interest={"index": "PRIME", "margin": "1"})


def advance(note="T", amount="100", on="2005-09-08"):
    return facts.MakeAdvance(note=note, amount=amount, effective_date=on)


def default(on="2007-01-01", clause="SA 19(a)"):
    return facts.DeclareDefault(effective_date=on, clause=clause, description="missed payment")


def test_the_same_code_always_names_the_same_stream():
    # Pinned: stored streams are found by this id, so it may never change between releases.
    assert facility_id("ATG-LAURUS-2005") == UUID("29b78277-899e-5074-a4e1-8d37b3920bdf")
    assert facility_id("OTHER") != facility_id("ATG-LAURUS-2005")
    assert given().id == UUID("065df91f-9d83-5835-94a5-62b53a96e14f")  # the stream of code "F"


def test_an_advance_within_the_commitment_is_recorded():
    new = when(given(term()).make_advance, advance(amount="1000"))
    assert [type(e) for e in new] == [AdvanceMade]
    assert new[0].amount == Decimal("1000.00") and new[0].version == 3


def test_a_term_note_cannot_be_drawn_beyond_its_face_amount_in_total():
    facility = given(term(), advance(amount="600"))
    with pytest.raises(RuleViolation, match="400.00 of 1000.00 is available"):
        when(facility.make_advance, advance(amount="401"))
    assert facility.collect_events() == []


def test_a_revolver_is_limited_by_principal_outstanding_as_the_engine_reports_it():
    facility = given(revolver(), advance(note="R", amount="900"))
    repaid = lambda note, day: Decimal("100")  # the engine says 800 was repaid
    new = when(facility.make_advance, advance(note="R", amount="900"), principal_of=repaid)
    assert new[0].amount == Decimal("900.00")
    with pytest.raises(RuleViolation, match="exceeds its commitment"):
        when(facility.make_advance, advance(note="R", amount="0.01"), principal_of=lambda n, d: Decimal("1000"))


def test_an_unknown_note_is_refused():
    with pytest.raises(UnknownNote):
        when(given(term()).make_advance, advance(note="X"))


def test_an_advance_after_maturity_is_refused():
    with pytest.raises(RuleViolation, match="after note T matured"):
        when(given(term()).make_advance, advance(on="2008-09-07"))


def test_acceleration_needs_an_event_of_default_in_force():
    with pytest.raises(RuleViolation, match="no event of default is in force"):
        when(given(term()).accelerate, facts.AccelerateObligations(effective_date="2007-02-01"))
    new = when(given(term(), default()).accelerate, facts.AccelerateObligations(effective_date="2007-02-01"))
    assert type(new[0]).__name__ == "ObligationsAccelerated"


def test_a_reversed_default_no_longer_supports_acceleration():
    facility = given(term(), default(), facts.ReverseEvent(target=3, reason="declared in error"))
    with pytest.raises(RuleViolation, match="no event of default"):
        when(facility.accelerate, facts.AccelerateObligations(effective_date="2007-02-01"))


def test_a_default_on_other_notes_does_not_cover_this_one():
    facility = given(term(), term("U"), facts.DeclareDefault(
        effective_date="2007-01-01", clause="c", description="d", notes=("U",)))
    with pytest.raises(RuleViolation, match="cannot accelerate note T"):
        when(facility.accelerate, facts.AccelerateObligations(effective_date="2007-02-01"))
    assert when(facility.accelerate, facts.AccelerateObligations(effective_date="2007-02-01", notes=("U",)))


def test_a_waiver_needs_an_open_default_under_the_same_clause():
    with pytest.raises(RuleViolation, match="no event of default under 'other'"):
        when(given(term(), default()).waive_default, facts.WaiveDefault(effective_date="2007-02-01", clause="other", description="x"))


def test_a_reversal_can_be_reversed_once_and_its_target_reversed_again():
    facility = given(term(), advance(), facts.ReverseEvent(target=3, reason="a"))
    with pytest.raises(RuleViolation, match="already reversed \\(by version 4\\)"):
        when(facility.reverse, facts.ReverseEvent(target=3, reason="b"))
    when(facility.reverse, facts.ReverseEvent(target=4, reason="undo"))
    assert facility.cancelled() == {4: 5}
    new = when(facility.reverse, facts.ReverseEvent(target=3, reason="again"))
    assert isinstance(new[0], EventReversed) and facility.cancelled() == {4: 5, 3: 6}


def test_facility_opened_and_notes_cannot_be_reversed():
    with pytest.raises(RuleViolation, match="cannot be reversed"):
        when(given(term()).reverse, facts.ReverseEvent(target=2, reason="x"))


def test_a_repeated_reference_is_a_no_op_and_different_content_is_refused():
    facility = given(term())
    when(facility.make_advance, advance(), reference="W1")
    repeat = facility.make_advance(advance(), today=TODAY, recorded_by="other", reference="W1")
    assert facility.collect_events() == [] and (repeat.duplicate, repeat.version) == (True, 3)
    with pytest.raises(ReferenceConflict):
        when(facility.make_advance, advance(amount="101"), reference="W1")


def test_dates_after_today_or_before_the_agreement_are_refused():
    with pytest.raises(RuleViolation, match="after today"):
        when(given(term()).make_advance, advance(on="2026-01-02"))
    with pytest.raises(RuleViolation, match="before the agreement date"):
        when(given(term()).assess_fee, facts.AssessFee(amount="1", kind="late", effective_date="2005-01-01", basis="x"))


def test_index_rates_may_predate_the_agreement():
    new = when(given().set_index_rate, facts.SetIndexRate(index="PRIME", rate="6.5", effective_date="2005-08-09"))
    assert new[0].rate == Decimal("6.5")


def test_a_missed_payment_waits_for_the_grace_period():
    note = facts.IssueNote(note="G", kind="term", face_amount="100", issue_date="2005-09-07",
                           maturity_date="2008-09-06", interest={"rate": "5"}, grace_days=5)
    facility = given(note)
    missed = facts.MissPayment(note="G", due_date="2025-12-28", amount="1", component="interest")
    with pytest.raises(RuleViolation, match="grace period"):
        when(facility.miss_payment, missed)
    assert when(facility.miss_payment, missed.model_copy(update={"due_date": date(2025, 12, 26)}))


def test_each_event_continues_the_hash_chain():
    facility = opened()
    for fact in (term(), advance()):
        decide(facility, fact, today=TODAY, recorded_by="t")
    facility.make_advance(advance(amount="5"), today=TODAY, recorded_by="t")
    history = facility.collect_events()
    assert [e.version for e in history] == [1, 2, 3, 4]
    previous = chain_start(facility.id)
    for event in history:
        assert event.chain_hash == next_chain_hash(previous, type(event).__name__, event.model_dump(mode="json"))
        previous = event.chain_hash
    assert facility.chain_head == history[-1].chain_hash


def test_replaying_the_events_rebuilds_the_same_state():
    facility = opened()
    for fact in (term(), advance(), default(), facts.ReverseEvent(target=3, reason="x")):
        decide(facility, fact, today=TODAY, recorded_by="t")
    events = facility.collect_events()
    replayed = project_aggregate(None, events)
    assert (replayed.version, replayed.chain_head, replayed.cancelled()) == (5, facility.chain_head, {3: 5})


@pytest.mark.parametrize("bad, says", [
    (dict(maturity_date="2005-09-01"), "maturity_date must be after the issue date"),
    (dict(interest={"rate": "5", "index": "PRIME"}), "either a fixed 'rate' or an 'index'"),
    (dict(amortization=[{"due_date": "2006-01-01", "amount": "2000"}]), "more than the face amount"),
    (dict(day_count="ACT/366"), "day_count"),
])
def test_impossible_note_terms_are_refused_before_anything_is_recorded(bad, says):
    fields = dict(note="T", kind="term", face_amount="1000", issue_date="2005-09-07",
                  maturity_date="2008-09-06", interest={"rate": "5"}) | bad
    with pytest.raises(ValueError, match=says):
        facts.IssueNote(**fields)


def test_every_refusal_is_a_ledger_error_that_the_cli_reports():
    refusals = [
        lambda: given(term()).make_advance(advance(note="X"), today=TODAY, recorded_by="t"),
        lambda: given(term()).make_advance(advance(amount="1001"), today=TODAY, recorded_by="t"),
        lambda: given(term(), advance(), facts.ReverseEvent(target=3, reason="a"))
        .reverse(facts.ReverseEvent(target=3, reason="b"), today=TODAY, recorded_by="t"),
    ]
    caught = []
    for refuse in refusals:
        with pytest.raises(LedgerError) as error:  # what the CLI catches and turns into exit code 1
            refuse()
        caught.append(type(error.value))
    assert caught == [UnknownNote, RuleViolation, RuleViolation]


NOTICE = dict(demand_deadline="2007-02-10T17:00:00-05:00",
              stated_past_due={"principal": "0", "interest": "1", "fees": "0", "total": "1"})


@pytest.mark.parametrize("history, command, fact, error, says", [
    ((term(),), Facility.issue_note, term(), RuleViolation, "already issued"),
    ((term(), advance(amount="600")), Facility.make_advance, advance(amount="401"), RuleViolation, "exceeds its commitment"),
    ((term().model_copy(update={"issue_date": date(2006, 1, 2)}),), Facility.make_advance, advance(on="2006-01-01"),
     RuleViolation, "before note T was issued"),
    ((term(),), Facility.receive_payment, facts.ReceivePayment(amount="1", effective_date="2006-01-02", note="X"),
     UnknownNote, "no note 'X'"),
    ((term(),), Facility.miss_payment, facts.MissPayment(note="T", due_date="2026-01-01", amount="1", component="interest"),
     RuleViolation, "grace period"),
    ((), Facility.set_index_rate, facts.SetIndexRate(index="PRIME", rate="6", effective_date="2026-01-02"),
     RuleViolation, "after today"),
    ((term(),), Facility.assess_fee, facts.AssessFee(amount="1", kind="late", effective_date="2006-01-02", basis="x", note="X"),
     UnknownNote, "no note 'X'"),
    ((term(),), Facility.declare_default, facts.DeclareDefault(effective_date="2007-01-01", clause="c", description="d", notes=("X",)),
     UnknownNote, "no note 'X'"),
    ((term(),), Facility.waive_default, facts.WaiveDefault(effective_date="2007-02-01", clause="c", description="d"),
     RuleViolation, "no event of default under 'c'"),
    ((term(),), Facility.extend_maturity,
     facts.ExtendMaturity(note="T", new_maturity_date="2009-09-06", effective_date="2005-09-06"),
     RuleViolation, "before the agreement date"),
    ((term(),), Facility.extend_maturity,
     facts.ExtendMaturity(note="T", new_maturity_date="2009-09-06", effective_date="2008-01-01",
                          amortization=[{"due_date": "2009-10-01", "amount": "10"}]),
     RuleViolation, "falls after the new maturity"),
    ((), Facility.issue_default_notice, facts.IssueDefaultNotice(effective_date="2005-09-06", **NOTICE),
     RuleViolation, "before the agreement date"),
    ((term(),), Facility.accelerate, facts.AccelerateObligations(effective_date="2007-02-01"),
     RuleViolation, "no event of default is in force"),
    ((term(), default(), facts.AccelerateObligations(effective_date="2007-02-01")), Facility.rescind_acceleration,
     facts.RescindAcceleration(effective_date="2007-01-31"), RuleViolation, "nothing is accelerated on 2007-01-31"),
    ((term(),), Facility.reverse, facts.ReverseEvent(target=2, reason="x"), RuleViolation, "NoteIssued, which cannot be reversed"),
    ((term(),), Facility.reverse, facts.ReverseEvent(target=3, reason="x"), RuleViolation, "no version 3 to reverse"),
])
def test_each_command_refuses_what_breaks_its_rules_and_records_nothing(history, command, fact, error, says):
    facility = given(*history)
    state = (facility.version, facility.chain_head, len(facility.references))

    with pytest.raises(error, match=says):
        command(facility, fact, today=TODAY, recorded_by="t", reference="R-1")

    assert facility.collect_events() == []
    assert (facility.version, facility.chain_head, len(facility.references)) == state


def test_each_recordable_fact_has_its_command_and_a_missing_one_is_an_import_time_error():
    assert set(COMMANDS) == set(_EVENT_FOR) - {facts.OpenFacility}
    assert COMMANDS[facts.ReverseEvent] is Facility.reverse
    without_fees = {f: c for f, c in COMMANDS.items() if f is not facts.AssessFee}
    with pytest.raises(TypeError, match="no Facility command records AssessFee"):
        command_table(without_fees, recordable=COMMANDS)  # what domain.facility runs when imported
