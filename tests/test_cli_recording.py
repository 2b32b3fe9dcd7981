"""A newcomer's session from the CLI alone, the same on SQLite and PostgreSQL."""

import json

import pytest

from tests.helpers import facility_with_two_notes, run, run_json, stored


def test_a_newcomer_records_a_facility_and_reads_it_back(db_url):
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "250000", "--date", "2024-01-16")
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "500000", "--date", "2024-01-16")
    run(db_url, "record", "payment", "ACME-1", "--amount", "12000.50", "--date", "2024-02-01",
        "--reference", "WIRE-1", "--source", "bank statement 2024-02")
    run(db_url, "record", "missed-payment", "ACME-1", "--note", "TERM", "--amount", "10000",
        "--due-date", "2024-03-01", "--component", "principal")
    run(db_url, "record", "default", "ACME-1", "--date", "2024-03-05", "--clause", "SA §19(a)",
        "--description", "missed installment")
    run(db_url, "record", "notice", "ACME-1", "--date", "2024-03-10", "--demand-deadline",
        "2024-03-11T14:00-04:00", "--principal", "10000", "--interest", "0", "--fees", "0",
        "--total", "10000", "--clause", "SA §19(a)")
    run(db_url, "record", "acceleration", "ACME-1", "--date", "2024-03-10")

    events = run_json(db_url, "events", "ACME-1")

    assert [e["type"] for e in events] == [
        "FacilityOpened", "NoteIssued", "NoteIssued", "IndexRateSet", "AdvanceMade", "AdvanceMade",
        "PaymentReceived", "PaymentMissed", "EventOfDefaultDeclared", "DefaultNoticeIssued",
        "ObligationsAccelerated",
    ]
    assert [e["version"] for e in events] == list(range(1, 12))
    payment = events[6]
    assert payment["amount"] == "12000.50" and payment["reference"] == "WIRE-1"
    # on PostgreSQL the store names the session's role and --actor is kept as on_behalf_of
    author = "postgres" if db_url.startswith("postgresql://") else "tester"
    assert payment["recorded_by"] == author and payment["source"] == "bank statement 2024-02"
    assert len(events[2]["amortization"]) == 12 and events[2]["amortization"][-1]["due_date"] == "2025-02-01"
    assert len({e["chain_hash"] for e in events}) == 11


def test_events_filter_by_type_and_effective_dates(db_url):
    facility_with_two_notes(db_url)
    for day in ("2024-01-16", "2024-02-16", "2024-03-16"):
        run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1000", "--date", day)

    advances = run_json(db_url, "events", "ACME-1", "--type", "AdvanceMade", "--from", "2024-02-01", "--to", "2024-02-29")

    assert [(e["type"], e["effective_date"]) for e in advances] == [("AdvanceMade", "2024-02-16")]


def test_a_repeated_reference_with_the_same_content_records_nothing(db_url):
    facility_with_two_notes(db_url)
    args = ("record", "advance", "ACME-1", "--note", "REV", "--amount", "100", "--date", "2024-01-16",
            "--reference", "W-1")
    first = run_json(db_url, *args)
    before = stored(db_url)

    again = run_json(db_url, *args)

    assert again == {**first, "duplicate": True}
    assert stored(db_url) == before


def test_facility_list_and_show(db_url):
    facility_with_two_notes(db_url)

    listed = run_json(db_url, "facility", "list")
    shown = run_json(db_url, "facility", "show", "ACME-1")

    assert [f["code"] for f in listed] == ["ACME-1"]
    assert shown["version"] == 4 and [n["note"] for n in shown["notes"]] == ["REV", "TERM"]
    assert "REV" in run(db_url, "facility", "show", "ACME-1").stdout


def test_export_then_import_into_an_empty_ledger_gives_identical_content(db_url, tmp_path):
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "250000", "--date", "2024-01-16")
    run(db_url, "record", "payment", "ACME-1", "--amount", "999.99", "--date", "2024-02-01",
        "--received-at", "2024-02-01T15:00-05:00", "--note", "REV", "--component", "interest")
    run(db_url, "record", "reversal", "ACME-1", "--target", "6", "--reason", "wrong note")
    exported = tmp_path / "acme.jsonl"
    run(db_url, "export", "ACME-1", "-o", str(exported))
    other = str(tmp_path / "other.db")

    run(other, "import", str(exported))

    def content(url):
        return [{k: v for k, v in e.items() if k not in ("recorded_at", "recorded_by", "on_behalf_of", "chain_hash")}
                for e in run_json(url, "events", "ACME-1")]

    assert content(other) == content(db_url)
    assert len(exported.read_text().splitlines()) == 7


def test_importing_the_same_file_twice_records_nothing_the_second_time(db_url, tmp_path):
    file = tmp_path / "facts.jsonl"
    file.write_text("\n".join(json.dumps(r) for r in [
        {"facility": "F1", "type": "FacilityOpened", "code": "F1", "borrower": "B", "lender": "L",
         "agreement_date": "2020-01-01"},
        {"facility": "F1", "type": "NoteIssued", "note": "T", "kind": "term", "face_amount": "100",
         "issue_date": "2020-01-01", "maturity_date": "2021-01-01", "interest": {"rate": "5"}},
        {"facility": "F1", "type": "AdvanceMade", "note": "T", "amount": "50", "effective_date": "2020-01-02"},
        {"facility": "F1", "type": "AdvanceMade", "note": "T", "amount": "50", "effective_date": "2020-01-02"},
        {"facility": "F1", "type": "PaymentReceived", "amount": "10", "effective_date": "2020-02-03", "reference": "W9"},
    ]) + "\n")
    first = run_json(db_url, "import", str(file))
    before = stored(db_url)

    second = run_json(db_url, "import", str(file))

    assert first["recorded"] == 5 and second == {"recorded": 0, "already_recorded": 5, "facilities": ["F1"]}
    assert stored(db_url) == before


def test_yaml_import(db_url, tmp_path):
    file = tmp_path / "facts.yaml"
    file.write_text(
        "events:\n"
        "  - {facility: Y1, type: FacilityOpened, code: Y1, borrower: B, lender: L, agreement_date: 2020-01-01}\n"
        "  - facility: Y1\n    type: IndexRateSet\n    index: PRIME\n    rate: 3.25\n    effective_date: 2019-12-01\n"
    )

    run(db_url, "import", str(file))

    assert run_json(db_url, "events", "Y1")[1]["rate"] == "3.25"


@pytest.mark.parametrize("cutoff", ["12:00", "17:30"])
def test_facility_options_are_stored(db_url, cutoff):
    run(db_url, "facility", "open", "Z", "--borrower", "B", "--lender", "L", "--agreement-date",
        "2020-01-01", "--payment-cutoff", cutoff, "--timezone", "Europe/London", "--currency", "GBP")

    shown = run_json(db_url, "facility", "show", "Z")

    assert (shown["payment_cutoff"][:5], shown["timezone"], shown["currency"]) == (cutoff, "Europe/London", "GBP")
