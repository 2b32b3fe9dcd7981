"""Index fixings as market data through the CLI, on both backends (the contract §10;
docs/market-data.md): one stream per index, bitemporal, corrections as events, a missing fixing
refuses the report, a bad file writes nothing."""

import json
from datetime import datetime, timezone

import pytest

from tests.helpers import ROOT_EXAMPLES, run, run_json

FACILITY = [
    {"facility": "SOFR-T", "type": "FacilityOpened", "code": "SOFR-T", "borrower": "B", "lender": "L",
     "agreement_date": "2026-01-02"},
    {"facility": "SOFR-T", "type": "NoteIssued", "note": "A", "kind": "term", "face_amount": "1000000.00",
     "issue_date": "2026-01-05", "maturity_date": "2029-01-05",
     "interest": {"index": "SOFR", "convention": "compounded_in_arrears", "margin": "2"}},
    {"facility": "SOFR-T", "type": "AdvanceMade", "note": "A", "amount": "1000000.00", "effective_date": "2026-01-05"},
]


@pytest.fixture
def facility(db_url, tmp_path):
    file = tmp_path / "facility.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in FACILITY))
    run(db_url, "import", str(file))
    return db_url


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_missing_fixing_refuses_the_report_naming_index_and_date(facility):
    result = run(facility, "balance", "SOFR-T", "--as-of", "2026-01-31", ok=False)

    assert result.exit_code == 1
    assert "SOFR fixing for 2026-01-05" in result.output


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_the_published_sample_gives_the_january_bill_and_corrections_are_bitemporal(facility):
    run(facility, "index", "import", str(ROOT_EXAMPLES / "nyfed-sofr-2026.csv"))
    before = datetime.now(timezone.utc).isoformat()
    first = run_json(facility, "explain", "SOFR-T", "--as-of", "2026-02-05")["interest_bills"][0]

    run(facility, "index", "set", "SOFR", "--date", "2026-01-06", "--rate", "4.66", "--correct", "--reason", "test")
    later = run_json(facility, "explain", "SOFR-T", "--as-of", "2026-02-05")["interest_bills"][0]
    as_known = run_json(facility, "explain", "SOFR-T", "--as-of", "2026-02-05", "--known-at", before)["interest_bills"][0]

    assert (first["period_start"], first["period_end"]) == ("2026-01-05", "2026-02-05")
    assert as_known["amount"] == first["amount"] != later["amount"]
    used = {f["observed"]: f["rate"] for f in later["sub_intervals"][0]["fixings"]}
    assert used["2026-01-06"] == "4.66"


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_fixing_source_with_a_control_character_is_refused(facility, tmp_path):
    """A fixing's source follows the one rule for text (domain.parsing.text), from an option or a file."""
    result = run(facility, "index", "set", "SOFR", "--date", "2026-01-05", "--rate", "3.87",
                 "--source", "a\x1b[31mb", ok=False)
    assert result.exit_code == 2 and "--source: must not contain control characters (found U+001B)" in result.output
    file = tmp_path / "fixings.jsonl"
    file.write_text(json.dumps({"index": "SOFR", "type": "IndexFixingPublished", "date": "2026-01-05",
                                "rate": "3.87", "source": "a\u202eb"}) + "\n")
    result = run(facility, "index", "import", str(file), ok=False)
    assert result.exit_code == 2 and "line 1: source:" in result.output
    result = run(facility, "index", "import", str(ROOT_EXAMPLES / "nyfed-sofr-2026.csv"), "--source", "x\ty", ok=False)
    assert result.exit_code == 2 and "--source: must not contain control characters" in result.output
    assert run_json(facility, "index", "show", "SOFR") == []


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_file_with_a_bad_line_records_nothing(facility, tmp_path):
    file = tmp_path / "fixings.jsonl"
    file.write_text(json.dumps({"index": "SOFR", "type": "IndexFixingPublished", "date": "2026-01-05", "rate": "3.87"})
                    + "\n" + json.dumps({"index": "SOFR", "type": "IndexFixingPublished", "date": "2026-01-06",
                                         "rate": "3,87"}) + "\n")

    result = run(facility, "index", "import", str(file), ok=False)

    assert result.exit_code == 2 and "line 2: rate" in result.output
    assert run_json(facility, "index", "show", "SOFR") == []


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_second_different_rate_for_a_date_is_refused(facility):
    run(facility, "index", "set", "SOFR", "--date", "2026-01-05", "--rate", "3.87")

    again = run(facility, "index", "set", "SOFR", "--date", "2026-01-05", "--rate", "3.87")
    other = run(facility, "index", "set", "SOFR", "--date", "2026-01-05", "--rate", "3.90", ok=False)

    assert "nothing changed" in again.output
    assert other.exit_code == 1 and "correction" in other.output


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_ledger_reads_the_fixings_again_once_a_stream_has_changed(facility):
    """The fixings (and the factors derived from them) are kept per ledger while each index
    stream's last version is unchanged; a correction recorded by another process is seen by the
    next report, and `known_at` before it still gets the rate as published."""
    from datetime import date
    from decimal import Decimal

    from cli.application.ledger import Ledger
    from cli.application.market import fixings_for
    from cli.persistence.storage import database

    run(facility, "index", "import", str(ROOT_EXAMPLES / "nyfed-sofr-2026.csv"))
    ledger = Ledger(database(facility))
    try:
        events = ledger.facility_events("SOFR-T")
        first = fixings_for(ledger, events)
        published = first.on("SOFR", date(2026, 1, 6))
        before = datetime.now(timezone.utc)
        assert fixings_for(ledger, events) is first  # unchanged streams: the same snapshot

        run(facility, "index", "set", "SOFR", "--date", "2026-01-06", "--rate", "4.66", "--correct", "--reason", "t")

        assert fixings_for(ledger, events).on("SOFR", date(2026, 1, 6)) == Decimal("4.66") != published
        assert fixings_for(ledger, events, known_at=before).on("SOFR", date(2026, 1, 6)) == published
    finally:
        ledger.close()
