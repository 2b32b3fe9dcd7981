"""`note issue` takes every SOFR-era term as an option (docs/cli.md, "note issue"; docs/contract.md §10):
the note it records is the one a file import records, and a bad term is refused naming its
option, exit 2, nothing written. Both backends."""

import json

import pytest

from tests.helpers import ROOT_EXAMPLES, run, run_json, stored

OPEN = ["facility", "open", "SOFR-CLI", "--borrower", "B", "--lender", "L", "--agreement-date", "2026-01-02"]
DATES = ["--issue-date", "2026-01-07", "--maturity-date", "2029-01-05"]
TERMS = {"index": "SOFR", "convention": "compounded_in_arrears", "lookback_days": 2, "observation_shift": True,
         "lockout_days": 1, "interest_period_months": 3, "spread_adjustment": "0.11448", "index_floor": "0",
         "margin": "2.25", "floor": "1", "cap": "12"}


def issue_by_options(db_url, code="SOFR-CLI"):
    run(db_url, "note", "issue", code, "A", "--kind", "term", "--face-amount", "1000000.00", *DATES,
        "--index", "SOFR", "--convention", "compounded_in_arrears", "--lookback-days", "2", "--observation-shift",
        "--lockout-days", "1", "--interest-period-months", "3", "--spread-adjustment", "0.11448",
        "--index-floor", "0", "--margin", "2.25", "--floor", "1", "--cap", "12")
    run(db_url, "record", "advance", code, "--note", "A", "--amount", "1000000.00", "--date", "2026-01-07")


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_note_issued_with_options_is_the_note_a_file_records(db_url, tmp_path):
    run(db_url, *OPEN)
    issue_by_options(db_url)
    file = tmp_path / "same.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in [
        {"facility": "SOFR-FILE", "type": "FacilityOpened", "code": "SOFR-FILE", "borrower": "B", "lender": "L",
         "agreement_date": "2026-01-02"},
        {"facility": "SOFR-FILE", "type": "NoteIssued", "note": "A", "kind": "term", "face_amount": "1000000.00",
         "issue_date": "2026-01-07", "maturity_date": "2029-01-05", "interest": TERMS},
        {"facility": "SOFR-FILE", "type": "AdvanceMade", "note": "A", "amount": "1000000.00",
         "effective_date": "2026-01-07"}]))
    run(db_url, "import", str(file))
    run(db_url, "index", "import", str(ROOT_EXAMPLES / "nyfed-sofr-2026.csv"))

    by_options = run_json(db_url, "facility", "show", "SOFR-CLI")["notes"][0]["interest"]
    by_file = run_json(db_url, "facility", "show", "SOFR-FILE")["notes"][0]["interest"]
    bills = [run_json(db_url, "explain", code, "--as-of", "2026-04-07")["interest_bills"] for code in ("SOFR-CLI", "SOFR-FILE")]

    assert by_options == by_file
    assert by_options["lookback_days"] == 2 and by_options["observation_shift"] is True
    assert bills[0][0]["period_end"] == "2026-04-07"  # 3 months from 7 Jan (a Tuesday)
    assert [b["amount"] for b in bills[0]] == [b["amount"] for b in bills[1]]


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
@pytest.mark.parametrize(("options", "named"), [
    (["--convention", "compounded"], "--convention"),
    (["--convention", "compounded_in_arrears", "--lookback-days", "11"], "--lookback-days"),
    (["--convention", "compounded_in_arrears", "--lookback-days", "two"], "--lookback-days"),
    (["--convention", "compounded_in_arrears", "--fixing-lag-days", "2"], "--fixing-lag-days"),
    (["--convention", "term", "--observation-shift"], "--observation-shift"),
    (["--convention", "daily_simple", "--lockout-days", "2"], "--lockout-days"),
    (["--convention", "term", "--interest-period-months", "2"], "--interest-period-months"),
])
def test_a_bad_convention_term_is_refused_naming_its_option(db_url, options, named):
    run(db_url, *OPEN)
    before = stored(db_url)

    result = run(db_url, "note", "issue", "SOFR-CLI", "B", "--kind", "term", "--face-amount", "1.00", *DATES,
                 "--index", "SOFR", *options, ok=False)

    assert result.exit_code == 2
    assert named in result.output
    assert stored(db_url) == before
