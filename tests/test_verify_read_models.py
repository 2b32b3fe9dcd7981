"""verify holds the materialised read models against the fold, on SQLite and PostgreSQL."""

from tests.helpers import facility_with_two_notes, run, run_json
from tests.tampering import StoredEvents

ADVANCE = ("record", "advance", "ACME-1", "--note", "REV", "--date", "2024-01-16", "--amount")


def a_ledger(db_url):
    facility_with_two_notes(db_url)
    run(db_url, *ADVANCE, "250000")
    run(db_url, "record", "payment", "ACME-1", "--amount", "1000", "--date", "2024-02-01")
    return StoredEvents(db_url)


def findings(db_url):
    result = run(db_url, "--json", "verify", ok=False)
    return result.exit_code, run_json_text(result.stdout)


def run_json_text(text):
    import json

    return json.loads(text)["findings"]


def test_read_models_in_step_with_the_events_verify(db_url):
    a_ledger(db_url)

    code, found = findings(db_url)

    assert (code, found) == (0, [])
    assert "not compared" not in run(db_url, "verify").stdout


def test_an_edited_journal_amount_is_found_at_its_version(db_url):
    tables = a_ledger(db_url)
    tables.execute("UPDATE rm_event_journal SET amount = ? WHERE version = 5", "1.00")

    code, found = findings(db_url)

    assert code == 1
    assert [(f["kind"], f["version"]) for f in found] == [("read_model_differs", 5)]
    assert "amount=250000.00" in found[0]["expected"] and "amount=1.00" in found[0]["found"]


def test_an_edited_summary_and_a_deleted_portfolio_step_are_found(db_url):
    tables = a_ledger(db_url)
    tables.execute("UPDATE rm_facility_summary SET principal_outstanding = ?", "7.00")
    tables.execute("DELETE FROM rm_portfolio_steps WHERE valid_from = (SELECT MAX(valid_from) FROM rm_portfolio_steps)")

    code, found = findings(db_url)

    kinds = sorted(f["kind"] for f in found)
    assert code == 1 and kinds == ["read_model_differs", "read_model_missing_row"]
    assert any("principal_outstanding" in f["expected"] for f in found)


def test_read_models_behind_the_events_are_not_compared_and_say_so(db_url):
    tables = a_ledger(db_url)
    tables.execute("UPDATE rm_event_journal SET amount = ? WHERE version = 5", "1.00")
    tracking = "readmodels_tracking" if tables.db.is_postgres else "tracking"
    tables.execute(f"UPDATE {tracking} SET notification_id = 3")

    result = run(db_url, "verify")

    assert "read models not compared: they are 3 event(s) behind" in result.stdout


def test_the_journal_marks_the_reversal_in_force(db_url):
    tables = a_ledger(db_url)
    run(db_url, "record", "reversal", "ACME-1", "--target", "5", "--reason", "wrong note")
    run(db_url, "record", "reversal", "ACME-1", "--target", "7", "--reason", "it was right")

    rows = dict(tables.execute("SELECT version, reversed_by FROM rm_event_journal WHERE version IN (5, 7)"))

    assert rows == {5: None, 7: 8}
    assert findings(db_url) == (0, [])
