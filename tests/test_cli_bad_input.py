"""Bad input gets one clear message naming what is wrong, exit 1 (2 for usage), and the ledger
is left exactly as it was. Same on SQLite and PostgreSQL."""

import json

import pytest

from tests.helpers import facility_with_two_notes, run, stored

ADVANCE = ("record", "advance", "ACME-1", "--note", "REV", "--date", "2024-01-16", "--amount")


def refused(db_url, *args, says, code=1):
    before = stored(db_url)
    result = run(db_url, *args, ok=False)
    assert result.exit_code == code, result.output
    assert says in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 or args[0] == "import"
    assert stored(db_url) == before


@pytest.fixture
def ledger(db_url):
    facility_with_two_notes(db_url)
    return db_url


@pytest.mark.parametrize("amount, says", [
    ("0", "--amount: must be greater than zero"),
    ("-5", "--amount: must be greater than zero"),
    ("ten", "--amount: 'ten' is not a plain amount"),
    ("NaN", "--amount: 'NaN' is not a plain amount"),
])
def test_bad_amounts_are_usage_errors(ledger, amount, says):
    refused(ledger, *ADVANCE, amount, says=says, code=2)


def test_an_amount_finer_than_the_currency_is_a_refused_fact(ledger):
    refused(ledger, *ADVANCE, "1.234", says="amount: 1.234 has more decimal places than USD allows (2)")


@pytest.mark.parametrize("day, says", [
    ("2024-02-30", "'2024-02-30' is not a real calendar date"),
    ("2024-13-01", "'2024-13-01' is not a real calendar date"),
    ("16/01/2024", "is not a date in the form YYYY-MM-DD"),
])
def test_impossible_dates(ledger, day, says):
    refused(ledger, "record", "advance", "ACME-1", "--note", "REV", "--amount", "1", "--date", day, says=says,
            code=2)


def test_unknown_facility(ledger):
    refused(ledger, "record", "advance", "NOPE", "--note", "REV", "--amount", "1", "--date", "2024-01-16",
            says="no facility 'NOPE'")


def test_unknown_note(ledger):
    refused(ledger, "record", "advance", "ACME-1", "--note", "NOPE", "--amount", "1", "--date", "2024-01-16",
            says="facility ACME-1 has no note 'NOPE'")


def test_duplicate_facility_code(ledger):
    refused(ledger, "facility", "open", "ACME-1", "--borrower", "Other", "--lender", "L",
            "--agreement-date", "2024-01-15", says="facility 'ACME-1' already exists")


def test_effective_date_before_agreement(ledger):
    refused(ledger, *ADVANCE[:-3], "--date", "2024-01-14", "--amount", "1",
            says="effective date 2024-01-14 is before the agreement date 2024-01-15")


def test_effective_date_after_today(ledger):
    refused(ledger, *ADVANCE[:-3], "--date", "2999-01-01", "--amount", "1", says="is after today")


def test_advance_over_the_revolver_commitment(ledger):
    run(ledger, *ADVANCE, "600000")
    refused(ledger, *ADVANCE, "400000.01", says="exceeds its commitment: 400000.00 of 1000000.00 is available")


def test_acceleration_without_an_event_of_default(ledger):
    refused(ledger, "record", "acceleration", "ACME-1", "--date", "2024-03-10",
            says="no event of default is in force on 2024-03-10")


def test_acceleration_after_the_default_was_waived(ledger):
    run(ledger, "record", "default", "ACME-1", "--date", "2024-03-05", "--clause", "c", "--description", "d")
    run(ledger, "record", "waiver", "ACME-1", "--date", "2024-03-08", "--clause", "c", "--description", "w")
    refused(ledger, "record", "acceleration", "ACME-1", "--date", "2024-03-10", says="no event of default is in force")


def test_reversal_of_a_version_that_does_not_exist(ledger):
    refused(ledger, "record", "reversal", "ACME-1", "--target", "99", "--reason", "x",
            says="ACME-1 has no version 99 to reverse (last is 4)")


def test_reversal_of_a_version_already_reversed(ledger):
    run(ledger, *ADVANCE, "100")
    run(ledger, "record", "reversal", "ACME-1", "--target", "5", "--reason", "typo")
    refused(ledger, "record", "reversal", "ACME-1", "--target", "5", "--reason", "again",
            says="version 5 is already reversed (by version 6)")


def test_reused_reference_with_different_content(ledger):
    run(ledger, *ADVANCE, "100", "--reference", "W-1")
    refused(ledger, *ADVANCE, "101", "--reference", "W-1",
            says="reference 'W-1' was already recorded (version 5) with different content")


def test_missing_option_is_a_usage_error(ledger):
    before = stored(ledger)
    result = run(ledger, "record", "advance", "ACME-1", "--note", "REV", ok=False)
    assert result.exit_code == 2 and "Missing option" in result.output
    assert stored(ledger) == before


def test_an_import_with_bad_lines_names_every_one_and_writes_nothing(ledger, tmp_path):
    good = {"facility": "ACME-1", "type": "AdvanceMade", "note": "REV", "amount": "5", "effective_date": "2024-01-16"}
    lines = [
        json.dumps(good),                                                   # 1 fine
        "{not json",                                                        # 2
        json.dumps({**good, "type": "LoanForgiven"}),                       # 3
        json.dumps({k: v for k, v in good.items() if k != "amount"}),       # 4
        json.dumps({**good, "note": "NOPE"}),                               # 5
        json.dumps({**good, "amount": "1.001"}),                            # 6
    ]
    file = tmp_path / "bad.jsonl"
    file.write_text("\n".join(lines) + "\n")
    before = stored(ledger)

    result = run(ledger, "import", str(file), ok=False)

    assert result.exit_code == 1
    err = result.stderr
    assert f"{file}:line 2: not valid JSON" in err
    assert "line 3: type: 'LoanForgiven' is not an event type" in err
    assert "line 4: amount: is required" in err
    assert "line 5: AdvanceMade on ACME-1: facility ACME-1 has no note 'NOPE'" in err
    assert "line 6: AdvanceMade on ACME-1: amount: 1.001 has more decimal places than USD allows (2)" in err
    assert "line 1:" not in err and "nothing was imported" in err
    assert stored(ledger) == before


def test_an_import_breaking_a_rule_names_the_line(ledger, tmp_path):
    file = tmp_path / "rules.jsonl"
    file.write_text(json.dumps({"facility": "ACME-1", "type": "AdvanceMade", "note": "NOPE",
                                "amount": "5", "effective_date": "2024-01-16"}) + "\n")
    refused(ledger, "import", str(file), says="line 1: AdvanceMade on ACME-1: facility ACME-1 has no note 'NOPE'")


def test_an_import_line_with_a_float_amount_is_refused(ledger, tmp_path):
    file = tmp_path / "float.jsonl"
    file.write_text('{"facility": "ACME-1", "type": "AdvanceMade", "note": "REV", "amount": 0.1, "effective_date": "2024-01-16"}\n')
    refused(ledger, "import", str(file), says="line 1: amounts and rates must be strings")


def test_yaml_aliases_are_refused(ledger, tmp_path):
    file = tmp_path / "laughs.yaml"
    file.write_text("a: &a [x, x]\nb: &b [*a, *a]\nevents: [*b]\n")
    refused(ledger, "import", str(file), says="aliases are not allowed")


def test_a_report_date_beyond_any_loan_is_refused_at_once_with_the_range(sqlite_url):
    facility_with_two_notes(sqlite_url)
    for command in (["balance", "ACME-1"], ["past-due", "ACME-1"], ["explain", "ACME-1"], ["portfolio"]):
        result = run(sqlite_url, *command, "--as-of", "9999-12-31", ok=False)
        assert result.exit_code == 2, (command, result.output)
        assert "1900-01-01 to 2199-12-31" in result.output
    result = run(sqlite_url, "timeline", "ACME-1", "--from", "1066-10-14", "--to", "2024-01-31", ok=False)
    assert result.exit_code == 2 and "--from" in result.output
