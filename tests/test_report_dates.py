"""Report dates and instants (issue #13: "`balance --as-of 9999-12-31` runs for minutes"): every
report command refuses a date outside 1900-01-01..2199-12-31 at once (exit 2, the range named),
before it reads a single event; `--known-at` and the recorded-time filters select recorded
times, are never walked, and accept any year without a traceback; a malformed one is exit 2."""

import json

import pytest

from tests.helpers import facility_with_two_notes, run

RANGE = "(1900-01-01 to 2199-12-31)"
REPORTS = [
    ["balance", "NOPE", "--as-of", "{day}"],
    ["past-due", "NOPE", "--as-of", "{day}"],
    ["explain", "NOPE", "--as-of", "{day}"],
    ["portfolio", "--as-of", "{day}"],
    ["timeline", "NOPE", "--from", "{day}", "--to", "2024-01-31"],
    ["timeline", "NOPE", "--from", "2024-01-01", "--to", "{day}"],
    ["distribution", "NOPE", "--date", "{day}"],
    ["lender", "balance", "NOPE", "--as-of", "{day}"],
    ["balance", "NOPE", "--by-lender", "--as-of", "{day}"],
    ["lender", "statement", "Bank A", "--from", "{day}", "--to", "2024-01-31"],
    ["lender", "statement", "Bank A", "--from", "2024-01-01", "--to", "{day}"],
]


@pytest.mark.parametrize("day", ["9999-12-31", "2200-01-01", "1899-12-31", "0001-01-01"])
@pytest.mark.parametrize("command", REPORTS, ids=lambda c: " ".join(c[:1] + c[-2:-1]))
def test_every_report_refuses_a_date_outside_the_range_before_reading(sqlite_url, command, day):
    # the facility does not exist: a refusal naming the date shows nothing was read first
    result = run(sqlite_url, *[part.format(day=day) for part in command], ok=False)

    assert result.exit_code == 2, result.output
    assert f"{day} is outside the dates a report can be asked about {RANGE}" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("known_at", ["9999-12-31", "9999-12-31T23:59:59-05:00", "9999-12-31T23:59:59.999999Z"])
@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_known_at_after_everything_is_everything(db_url, known_at):
    facility_with_two_notes(db_url)
    today = json.loads(run(db_url, "--json", "balance", "ACME-1", "--as-of", "2024-03-31").stdout)

    for command in (["balance", "ACME-1", "--as-of", "2024-03-31"], ["portfolio", "--as-of", "2024-03-31"],
                    ["timeline", "ACME-1", "--from", "2024-03-01", "--to", "2024-03-31"]):
        result = run(db_url, "--json", *command, "--known-at", known_at)
        assert result.exit_code == 0, result.output
    then = json.loads(run(db_url, "--json", "balance", "ACME-1", "--as-of", "2024-03-31",
                          "--known-at", known_at).stdout)
    assert {**then, "known_at": None} == today
    events = run(db_url, "--json", "events", "ACME-1", "--recorded-to", known_at)
    assert len(json.loads(events.stdout)) == 4


@pytest.mark.parametrize("known_at", ["0001-01-01", "0001-01-01T00:00:00+05:00", "1066-10-14T09:00Z"])
@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_known_at_before_everything_knows_nothing(db_url, known_at):
    facility_with_two_notes(db_url)

    result = run(db_url, "balance", "ACME-1", "--as-of", "2024-03-31", "--known-at", known_at, ok=False)

    assert result.exit_code == 1 and "nothing is known about this facility at that time" in result.stderr
    assert json.loads(run(db_url, "--json", "events", "ACME-1", "--recorded-to", known_at).stdout) == []
    assert len(json.loads(run(db_url, "--json", "events", "ACME-1", "--recorded-from", known_at).stdout)) == 4


@pytest.mark.parametrize("written", ["20240116", "2024-W03-2", "2024-1-16", "2024-02-30", "2024-01-16T10:00",
                                     "16/01/2024", "x", "2024-01-16T25:00Z"])
@pytest.mark.parametrize("option", ["--known-at", "--recorded-to", "--recorded-from"])
def test_a_malformed_instant_is_a_usage_error(sqlite_url, option, written):
    facility_with_two_notes(sqlite_url)
    command = ["events", "ACME-1"] if option != "--known-at" else ["balance", "ACME-1", "--as-of", "2024-03-31"]

    result = run(sqlite_url, *command, option, written, ok=False)

    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {option}: ") and len(result.stderr.strip().splitlines()) == 1
