"""The integrity checks as a pure function of raw rows: no database, rows built the way the
ledger stores them (compact JSON of each event's model)."""

import json
from datetime import date

from domain import facts
from domain.chain import chain_start, next_chain_hash
from domain.facility import Facility, decide, facility_id
from projections.integrity import StoredRow, check_streams, expected_head
from projections.verification import verify

TODAY = date(2026, 1, 1)


def stream_of(code, *history):
    facility = Facility.open(facts.OpenFacility(code=code, borrower="B", lender="L", agreement_date="2005-09-07"),
                             today=TODAY, recorded_by="t")
    for fact in history:
        decide(facility, fact, today=TODAY, recorded_by="t")
    return [StoredRow(e.originator_id, e.version, f"domain.events:{type(e).__name__}",
                      json.dumps(e.model_dump(mode="json"), separators=(",", ":")).encode())
            for e in facility.collect_events()]


def history():
    return (facts.IssueNote(note="T", kind="term", face_amount="1000", issue_date="2005-09-07",
                            maturity_date="2008-09-06", interest={"rate": "5"}),
            facts.MakeAdvance(note="T", amount="400", effective_date="2005-09-08"),
            facts.MakeAdvance(note="T", amount="100", effective_date="2005-09-09"))


def kinds(findings):
    return [(f.facility, f.version, f.kind) for f in findings]


def with_state(row, state):
    return StoredRow(row.stream, row.version, row.topic, json.dumps(state).encode())


def rechained(rows):
    """What a forger with write access could do: recompute every hash after a change."""
    previous, out = chain_start(rows[0].stream), []
    for row in rows:
        state = json.loads(row.state)
        state["chain_hash"] = next_chain_hash(previous, row.topic.split(":")[1], state)
        previous = state["chain_hash"]
        out.append(with_state(row, state))
    return out


def test_intact_streams_have_no_findings_and_report_their_heads():
    rows = stream_of("A", *history()) + stream_of("B")

    streams, findings = check_streams(rows)

    assert findings == []
    assert [(s.code, s.head_version, s.rows) for s in streams] == [("A", 4, 4), ("B", 1, 1)]
    assert streams[0].head_hash == json.loads(rows[3].state)["chain_hash"] and streams[0].decoded


def test_a_row_that_is_not_json_is_unreadable_and_the_next_one_still_checks():
    rows = stream_of("A", *history())
    rows[2] = StoredRow(rows[2].stream, 3, rows[2].topic, b"\xff{not json")

    assert kinds(check_streams(rows)[1]) == [("A", 3, "unreadable")]


def test_a_topic_that_is_no_event_type_is_found():
    rows = stream_of("A", *history())
    rows[3] = StoredRow(rows[3].stream, 4, "domain.events:AdvanceMadeTwice", rows[3].state)

    assert kinds(check_streams(rows)[1]) == [("A", 4, "unknown_type"), ("A", 4, "chain_break")]


def test_a_rechained_forgery_that_no_longer_validates_is_an_invalid_event():
    rows = stream_of("A", *history())
    rows[2] = with_state(rows[2], {**json.loads(rows[2].state), "amount": "-400.00"})

    streams, findings = check_streams(rechained(rows))

    assert kinds(findings) == [("A", 3, "invalid_event")]
    assert "amount" in findings[0].found and not streams[0].decoded


def test_a_rechained_forgery_is_caught_only_against_a_kept_head():
    rows = stream_of("A", *history())
    kept = json.loads(rows[-1].state)["chain_hash"]
    rows[2] = with_state(rows[2], {**json.loads(rows[2].state), "amount": "900.00"})
    streams, findings = check_streams(rechained(rows))

    assert findings == []
    assert kinds(expected_head(streams[0], kept)) == [("A", 5, "missing_head")]


def test_the_opening_event_must_come_first_and_name_its_own_stream():
    a, b = stream_of("A", *history()), stream_of("B")
    moved = [StoredRow(a[0].stream, 1, b[0].topic, b[0].state)]
    swapped = [StoredRow(a[0].stream, 1, a[1].topic, a[1].state)]

    assert kinds(check_streams(moved)[1]) == [("B", 1, "stream_mismatch"), ("B", 1, "stream_mismatch"),
                                               ("B", 1, "chain_break")]
    assert (str(a[0].stream), 1, "wrong_type") in kinds(check_streams(swapped)[1])  # no code to name it by


def test_verify_of_one_facility_with_no_rows_left_misses_its_head():
    result = verify([], code="GONE", expect="ab" * 32)

    assert kinds(result.findings) == [("GONE", 1, "missing_head")]
    assert facility_id("GONE") not in {s.stream for s in result.streams}
