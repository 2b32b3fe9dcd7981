"""Dates a report is asked about: today, yesterday, and period ends (2024, 2024-Q3, 2024-06);
--as-of defaults to today; the output options may follow the command (docs/cli.md)."""

import csv
import io
import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.formats.dates import period_day
from tests.helpers import facility_with_two_notes, run, run_json


def next_month_first(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1)


@given(st.integers(1900, 2199), st.integers(1, 12))
def test_a_month_is_its_last_day_or_with_start_its_first(year, month):
    written = f"{year}-{month:02d}"
    assert period_day(written) == next_month_first(year, month) - timedelta(days=1)
    assert period_day(written, start=True) == date(year, month, 1)


@given(st.integers(1900, 2199), st.integers(1, 4))
def test_a_quarter_ends_with_its_third_month(year, quarter):
    last_month = 3 * quarter
    assert period_day(f"{year}-Q{quarter}") == next_month_first(year, last_month) - timedelta(days=1)
    assert period_day(f"{year}-Q{quarter}", start=True) == date(year, last_month - 2, 1)


@given(st.integers(1900, 2199))
def test_a_year_is_december_31_or_january_1(year):
    assert period_day(str(year)) == date(year, 12, 31)
    assert period_day(str(year), start=True) == date(year, 1, 1)


def test_worked_examples():
    assert period_day("2024-02") == date(2024, 2, 29)  # a leap year
    assert period_day("2023-02") == date(2023, 2, 28)
    assert period_day("2024-Q3") == date(2024, 9, 30)
    assert period_day("today", today=date(2024, 3, 1)) == date(2024, 3, 1)
    assert period_day("yesterday", today=date(2024, 3, 1)) == date(2024, 2, 29)
    for text in ("2024-13", "2024-Q5", "2024-q3", "2024-6", "24-06", "2024-06-31x", "Today", "2024-00"):
        assert period_day(text) is None


def test_period_words_give_the_same_report_as_the_date(db_url):
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "250000", "--date", "2024-01-16")

    by_date = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-06-30")
    assert run_json(db_url, "balance", "ACME-1", "--as-of", "2024-06") == by_date
    assert run_json(db_url, "balance", "ACME-1", "--as-of", "2024-Q2") == by_date
    assert by_date["as_of"] == "2024-06-30"
    assert run_json(db_url, "past-due", "ACME-1", "--as-of", "2024")["as_of"] == "2024-12-31"

    today = date.today()
    assert run_json(db_url, "balance", "ACME-1")["as_of"] == today.isoformat()
    assert run_json(db_url, "balance", "ACME-1", "--as-of", "yesterday")["as_of"] == (today - timedelta(days=1)).isoformat()

    months = run_json(db_url, "timeline", "ACME-1", "--from", "2024-Q1", "--to", "2024-Q1")
    assert [m["balance"]["as_of"] for m in months] == ["2024-01-31", "2024-02-29", "2024-03-31"]


@pytest.mark.parametrize("written", ["2024-13", "2024-Q5", "2024-6", "tomorrow", "2024-02-30"])
def test_a_malformed_date_is_a_usage_error(sqlite_url, written):
    result = run(sqlite_url, "balance", "ACME-1", "--as-of", written, ok=False)
    assert result.exit_code == 2 and "--as-of" in result.stderr


def test_output_options_before_or_after_the_command(db_url):
    facility_with_two_notes(db_url)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "250000", "--date", "2024-01-16")
    args = ("past-due", "ACME-1", "--as-of", "2024-06-30")

    before = json.loads(run(db_url, "--json", *args).stdout)
    assert json.loads(run(db_url, *args, "--json").stdout) == before
    assert json.loads(run(db_url, *args, "--format", "json").stdout) == before

    rows = list(csv.DictReader(io.StringIO(run(db_url, *args, "--format", "csv").stdout)))
    assert [r["note"] for r in rows] == ["REV", "TERM", "total"]
    total = rows[-1]
    assert total["total"] == before["total"] and total["principal"] == before["principal"]
    assert total["bucket"] == before["bucket"] and "," not in total["total"]
    assert run(db_url, "--format", "csv", *args).stdout == run(db_url, *args, "--format", "csv").stdout


def test_csv_only_for_reports_and_unknown_formats_are_usage_errors(sqlite_url):
    facility_with_two_notes(sqlite_url)
    refused = run(sqlite_url, "record", "rate", "ACME-1", "--index", "PRIME", "--rate", "9", "--date", "2024-02-01",
                  "--format", "csv", ok=False)
    assert refused.exit_code == 2 and "no CSV" in refused.output
    assert run(sqlite_url, "past-due", "ACME-1", "--format", "xml", ok=False).exit_code == 2
    assert run(sqlite_url, "past-due", "ACME-1", "--color", "sometimes", ok=False).exit_code == 2
    events = run_json(sqlite_url, "events", "ACME-1")
    assert len(events) == 4  # the refused recording wrote nothing


def test_version():
    from tests.helpers import runner
    from cli.commands.app import app

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("loanledger ")
    from importlib.metadata import version

    assert result.stdout.strip() == f"loanledger {version('loanledger')}"


def test_a_bad_every_is_a_usage_error_with_or_without_a_chart(sqlite_url, tmp_path):
    facility_with_two_notes(sqlite_url)
    for extra in ([], ["--chart", str(tmp_path / "t.svg")]):
        result = run(sqlite_url, "timeline", "ACME-1", "--from", "2024-01", "--to", "2024-03", "--every", "week",
                     *extra, ok=False)
        assert result.exit_code == 2 and "--every" in result.stderr
    assert not (tmp_path / "t.svg").exists()
