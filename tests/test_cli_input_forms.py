"""Money typed in is never reinterpreted (the contract §3 Revisions): every malformed amount, rate,
date or text is refused with one line naming the field and the rule, from an option or a file,
and the ledger is left exactly as it was; the plain forms are stored exactly as typed in value.
Same on SQLite and PostgreSQL."""

import json

import pytest

from tests.helpers import facility_with_two_notes, run, stored

ADVANCE = ("record", "advance", "ACME-1", "--note", "REV", "--date", "2024-01-16", "--amount")
GOOD = {"facility": "ACME-1", "type": "AdvanceMade", "note": "REV", "effective_date": "2024-01-16"}
MALFORMED_AMOUNTS = ["75000,50", "10,00", "1,5", "1,0000", "1e6", "1_000", "$1,000", "\u0661\u0660\u0660\u0660",
                     "+5", "-5", " 5", "5.", ".5", "010", "0x10", "1:30", "1.000.00", "Infinity"]


@pytest.fixture
def ledger(db_url):
    facility_with_two_notes(db_url)
    return db_url


def refused(db_url, *args, code, says):
    before = stored(db_url)
    result = run(db_url, *args, ok=False)
    assert result.exit_code == code, (args, result.output)
    assert says in result.stderr, (args, result.stderr)
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1 or args[0] == "import"
    assert stored(db_url) == before


def amounts_stored(db_url):
    return [e["amount"] for e in json.loads(run(db_url, "--json", "events", "ACME-1").stdout)
            if e["type"] == "AdvanceMade"]


def test_every_malformed_amount_is_a_usage_error_naming_the_option(ledger):
    for amount in MALFORMED_AMOUNTS:
        refused(ledger, *ADVANCE, amount, code=2, says="--amount: ")


def test_plain_amounts_are_stored_exactly_as_typed(ledger):
    for amount in ("1,000.00", "1000", "0.5", "12,345.6"):
        run(ledger, *ADVANCE, amount)
    assert amounts_stored(ledger) == ["1000.00", "1000.00", "0.50", "12345.60"]


def test_with_json_a_malformed_value_is_a_json_error_with_exit_2(ledger):
    before = stored(ledger)
    result = run(ledger, "--json", *ADVANCE, "10,00", ok=False)
    assert result.exit_code == 2
    error = json.loads(result.stdout)
    assert error["field"] == "amount" and error["error"].startswith("--amount: '10,00' is not a plain amount")
    assert stored(ledger) == before


def test_with_json_a_refused_fact_is_a_json_error_with_exit_1(ledger):
    result = run(ledger, "--json", *ADVANCE, "1.001", ok=False)
    assert result.exit_code == 1
    assert json.loads(result.stdout) == {
        "error": "amount: 1.001 has more decimal places than USD allows (2)", "field": "amount"}


def test_with_json_a_missing_option_is_a_json_usage_error(ledger):
    result = run(ledger, "--json", *ADVANCE, ok=False)
    assert result.exit_code == 2 and "--amount" in json.loads(result.stdout)["error"]


@pytest.mark.parametrize("currency, refused_amount, accepted_amount, units", [
    ("JPY", "100000000.55", "100000000", 0),
    ("BHD", "1.2345", "1.234", 3),
])
def test_minor_units_follow_the_facility_currency(db_url, currency, refused_amount, accepted_amount, units):
    run(db_url, "facility", "open", "ACME-1", "--borrower", "B", "--lender", "L", "--agreement-date",
        "2024-01-15", "--currency", currency)
    run(db_url, "note", "issue", "ACME-1", "REV", "--kind", "revolving", "--face-amount", "1000000000",
        "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "1")
    refused(db_url, *ADVANCE, refused_amount, code=1,
            says=f"amount: {refused_amount} has more decimal places than {currency} allows ({units})")
    run(db_url, *ADVANCE, accepted_amount)
    assert [float(a) for a in amounts_stored(db_url)] == [float(accepted_amount)]
    assert amounts_stored(db_url)[0].startswith(accepted_amount)


def test_an_unknown_currency_is_refused(db_url):
    refused(db_url, "facility", "open", "ACME-1", "--borrower", "B", "--lender", "L", "--agreement-date",
            "2024-01-15", "--currency", "ZZZ", code=2, says="'ZZZ' is not an ISO 4217 currency")


@pytest.mark.parametrize("option, value, says", [
    ("--date", "2024-1-16", "--date: '2024-1-16' is not a date in the form YYYY-MM-DD"),
    ("--date", "20240116", "--date: '20240116' is not a date in the form YYYY-MM-DD"),
    ("--reference", "W\n1", "--reference: must not contain control characters (found U+000A)"),
    ("--reference", "W\x1b[31m1", "--reference: must not contain control characters (found U+001B)"),
    ("--source", "a\x00b", "--source: must not contain control characters (found U+0000)"),
    ("--reference", "W" * 201, "--reference: is longer than 200 characters"),
    ("--source", "S" * 2001, "--source: is longer than 2000 characters"),
])
def test_bad_dates_and_text_are_usage_errors(ledger, option, value, says):
    refused(ledger, *ADVANCE[:-3], "--amount", "5", "--date", "2024-01-16", option, value, code=2, says=says)


def test_a_version_is_plain_digits(ledger):
    refused(ledger, "record", "reversal", "ACME-1", "--target", "1_5", "--reason", "x", code=2,
            says="--target: '1_5' is not a whole number written in plain digits")


def test_control_characters_in_a_description_are_refused(ledger):
    refused(ledger, "record", "default", "ACME-1", "--date", "2024-03-05", "--clause", "c",
            "--description", "line one\nline two", code=2, says="--description: must not contain control characters")


def test_rates_are_plain_and_index_rates_may_be_negative(ledger):
    for bad in ("5%", "1e1", "08", "+5"):
        refused(ledger, "record", "rate", "ACME-1", "--index", "PRIME", "--rate", bad, "--date", "2024-01-20",
                code=2, says="--rate: ")
    run(ledger, "record", "rate", "ACME-1", "--index", "PRIME", "--rate", "-0.25", "--date", "2024-01-20")


def test_a_json_record_with_a_repeated_key_is_refused(ledger, tmp_path):
    file = tmp_path / "twice.jsonl"
    file.write_text(json.dumps(GOOD)[:-1] + ', "amount": "1.00", "amount": "1000000.00"}\n')
    refused(ledger, "import", str(file), code=1, says=f"{file}:line 1: repeated key 'amount'")


def test_json_amounts_are_strings_or_integers(ledger, tmp_path):
    file = tmp_path / "forms.jsonl"
    lines = [{**GOOD, "amount": 1000}, {**GOOD, "amount": "1,000.00"}]
    file.write_text("".join(json.dumps(line) + "\n" for line in lines))
    run(ledger, "import", str(file))
    assert amounts_stored(ledger) == ["1000.00", "1000.00"]


@pytest.mark.parametrize("written", ["010", "0x10", "1:30", "1e3", "10,00", "1_000", "0o10"])
def test_yaml_numbers_are_never_reinterpreted(ledger, tmp_path, written):
    file = tmp_path / "forms.yaml"
    file.write_text("events:\n  - facility: ACME-1\n    type: AdvanceMade\n    note: REV\n"
                    f"    amount: {written}\n    effective_date: 2024-01-16\n")
    refused(ledger, "import", str(file), code=1, says=f"line 2: amount: '{written}' is not a plain amount")


def test_a_yaml_record_with_a_repeated_key_is_refused(ledger, tmp_path):
    file = tmp_path / "twice.yaml"
    file.write_text("events:\n  - facility: ACME-1\n    type: AdvanceMade\n    note: REV\n"
                    "    amount: '1.00'\n    amount: '1000000.00'\n    effective_date: 2024-01-16\n")
    refused(ledger, "import", str(file), code=1, says=f"{file}:line 6: repeated key 'amount'")


def test_plain_yaml_amounts_are_accepted(ledger, tmp_path):
    file = tmp_path / "good.yaml"
    file.write_text("events:\n  - {facility: ACME-1, type: AdvanceMade, note: REV, amount: 1000,"
                    " effective_date: 2024-01-16}\n  - {facility: ACME-1, type: AdvanceMade, note: REV,"
                    " amount: '1,000.00', effective_date: 2024-01-17}\n")
    run(ledger, "import", str(file))
    assert amounts_stored(ledger) == ["1000.00", "1000.00"]
