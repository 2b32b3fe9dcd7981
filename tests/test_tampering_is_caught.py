"""Tampering with the stored events directly in the database is caught by `verify` and located
(facility and version), on SQLite and on PostgreSQL."""

import json
from pathlib import Path

from domain.chain import next_chain_hash
from tests.helpers import facility_with_two_notes, run, run_json
from tests.tampering import StoredEvents


def a_facility_with_history(db_url):
    """ACME-1: versions 1-4 set-up, 5-7 advances, 8 a payment."""
    facility_with_two_notes(db_url)
    for day, amount in (("2024-01-16", "250000"), ("2024-02-16", "1000"), ("2024-03-16", "2000")):
        run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", amount, "--date", day)
    run(db_url, "record", "payment", "ACME-1", "--amount", "500", "--date", "2024-04-01")
    return run_json(db_url, "audit", "head", "ACME-1")


def findings(db_url, *args):
    result = run(db_url, "--json", "verify", *args, ok=False)
    assert result.exit_code == 1, result.output
    return [(f["facility"], f["version"], f["kind"]) for f in json.loads(result.stdout)["findings"]]


def test_an_intact_ledger_verifies(db_url):
    head = a_facility_with_history(db_url)

    verified = run_json(db_url, "verify", "ACME-1", "--expect", head["chain_hash"])

    assert verified["ok"] is True and verified["findings"] == [] and verified["events"] == 8
    assert head["version"] == 8 and verified["facilities"][0]["chain_hash"] == head["chain_hash"]


def test_an_amount_edited_inside_a_stored_event_is_caught(db_url):
    a_facility_with_history(db_url)

    StoredEvents(db_url).edit(6, amount="100.00")

    assert findings(db_url) == [("ACME-1", 6, "chain_break")]


def test_a_row_deleted_from_the_middle_is_caught(db_url):
    a_facility_with_history(db_url)

    StoredEvents(db_url).delete(5)

    assert findings(db_url, "ACME-1") == [("ACME-1", 6, "version_gap"), ("ACME-1", 6, "chain_break")]


def test_a_row_deleted_from_the_end_is_caught_against_a_kept_head(db_url):
    head = a_facility_with_history(db_url)

    StoredEvents(db_url).delete(8)

    # the chain is clean, one event shorter; the read models still remember version 8 ...
    assert ("ACME-1", 8, "read_model_extra_row") in findings(db_url, "ACME-1")
    # ... but once they are rebuilt from the truncated stream, only a kept head can tell
    run(db_url, "projections", "rebuild")
    assert run(db_url, "verify", "ACME-1").exit_code == 0
    assert findings(db_url, "ACME-1", "--expect", head["chain_hash"]) == [("ACME-1", 8, "missing_head")]
    assert "ACME-1 v8: missing_head" in run(db_url, "verify", "ACME-1", "--expect", head["chain_hash"], ok=False).stderr


def test_two_rows_payloads_swapped_are_caught(db_url):
    a_facility_with_history(db_url)

    StoredEvents(db_url).swap(5, 6)

    assert findings(db_url) == [
        ("ACME-1", 5, "version_mismatch"), ("ACME-1", 5, "chain_break"),
        ("ACME-1", 6, "version_mismatch"), ("ACME-1", 6, "chain_break"), ("ACME-1", 6, "recorded_time_decreases"),
        ("ACME-1", 7, "chain_break"),
    ]


def test_an_appended_event_whose_hash_does_not_continue_the_chain_is_caught(db_url):
    a_facility_with_history(db_url)
    store = StoredEvents(db_url)
    forged = {**store.state(7), "originator_version": 9, "amount": "900000.00"}
    forged["chain_hash"] = next_chain_hash(store.state(7)["chain_hash"], "AdvanceMade", forged)  # a fork from v7

    store.append(9, store.topic(7), forged)

    # (it copies version 7's recorded time, earlier than version 8's)
    assert findings(db_url) == [("ACME-1", 9, "chain_break"), ("ACME-1", 9, "recorded_time_decreases")]


def test_a_rewritten_recorded_by_is_caught(db_url):
    a_facility_with_history(db_url)

    StoredEvents(db_url).edit(3, recorded_by="someone-else")

    # on PostgreSQL the store's stamp (stored_by) names the role that recorded it, too
    also = [("ACME-1", 3, "recorded_by_not_store_role")] if db_url.startswith("postgresql://") else []
    assert findings(db_url) == [("ACME-1", 3, "chain_break"), *also]


def test_findings_say_what_was_expected_and_what_was_found(db_url):
    a_facility_with_history(db_url)
    StoredEvents(db_url).swap(5, 6)

    result = run(db_url, "--json", "verify", ok=False)

    first = json.loads(result.stdout)["findings"][0]
    assert first["expected"] == "originator_version 5 (the row's)"
    assert first["found"] == "originator_version 6 in the stored JSON"
    assert result.stderr.startswith("error: verification failed: 6 finding(s); the first: ACME-1 v5")


def test_checking_facilities_in_other_processes_reports_the_same_findings(db_url):
    a_facility_with_history(db_url)
    StoredEvents(db_url).edit(6, amount="100.00")  # (it edits by version: before a second facility exists)
    run(db_url, "import", str(Path(__file__).resolve().parent.parent / "examples" / "atg-laurus-2005.jsonl"))

    here = run(db_url, "--json", "verify", "--processes", "1", ok=False)
    pooled = run(db_url, "--json", "verify", "--processes", "2", ok=False)

    assert here.exit_code == pooled.exit_code == 1
    assert json.loads(pooled.stdout) == json.loads(here.stdout)
    assert [(f["facility"], f["kind"]) for f in json.loads(here.stdout)["findings"]] == [("ACME-1", "chain_break")]
    assert [f["facility"] for f in json.loads(here.stdout)["facilities"]] == ["ACME-1", "ATG-LAURUS-2005"]


def test_a_rebuild_refuses_a_stream_it_cannot_read_and_changes_nothing(db_url):
    from tests.readmodel_helpers import tables

    a_facility_with_history(db_url)
    before = tables(db_url)
    StoredEvents(db_url).delete(1)

    result = run(db_url, "projections", "rebuild", ok=False)

    assert result.exit_code == 1
    assert "does not start with its FacilityOpened (version 1)" in result.output and "verify" in result.output
    assert tables(db_url) == before
