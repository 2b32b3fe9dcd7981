"""The money rules of the contract §3 Revisions through the command line, on SQLite and PostgreSQL:
protective advances, sublimits, facility-fee payments, the notice compared as it is recorded,
and status words that agree with the figures."""

import json
from decimal import Decimal

from tests.helpers import OPEN, run, run_json, stored

TERM = ["note", "issue", "ACME-1", "TERM", "--kind", "term", "--face-amount", "500000",
        "--issue-date", "2024-01-15", "--maturity-date", "2026-01-15", "--rate", "8", "--default-margin", "2"]


def accelerated(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "400000", "--date", "2024-01-16")
    run(db_url, "record", "default", "ACME-1", "--date", "2024-06-03", "--clause", "§8.1",
        "--description", "missed installment")
    run(db_url, "record", "acceleration", "ACME-1", "--date", "2024-06-03")


def test_an_advance_after_acceleration_is_refused_and_nothing_is_written(db_url):
    accelerated(db_url)
    before = stored(db_url)

    result = run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "1000", "--date",
                 "2024-06-05", ok=False)

    assert result.exit_code == 1
    assert "note TERM is accelerated on 2024-06-05" in result.stderr and "--protective" in result.stderr
    assert stored(db_url) == before


def test_a_protective_advance_with_its_basis_is_recorded_and_falls_due_at_once(db_url):
    accelerated(db_url)

    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "1000", "--date", "2024-06-05",
        "--protective", "--basis", "property taxes on the collateral")
    event = run_json(db_url, "events", "ACME-1")[-1]
    due = run_json(db_url, "past-due", "ACME-1", "--as-of", "2024-06-05")

    assert event["type"] == "AdvanceMade" and event["protective"] is True
    assert event["basis"] == "property taxes on the collateral"
    assert due["principal"] == "401000.00"


def test_a_protective_advance_without_basis_is_a_usage_error(db_url):
    accelerated(db_url)
    before = stored(db_url)

    result = run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "1000", "--date",
                 "2024-06-05", "--protective", ok=False)

    assert result.exit_code == 2 and "needs a basis" in result.stderr
    assert stored(db_url) == before


def test_a_sublimit_is_drawn_within_its_parents_commitment(db_url):
    run(db_url, *OPEN)
    run(db_url, "note", "issue", "ACME-1", "REV", "--kind", "revolving", "--face-amount", "7000000",
        "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "7")
    run(db_url, "note", "issue", "ACME-1", "MBN", "--kind", "minimum_borrowing", "--face-amount", "3000000",
        "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "7", "--sublimit-of", "REV")
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "5000000", "--date", "2024-01-16")

    refused = run(db_url, "record", "advance", "ACME-1", "--note", "MBN", "--amount", "2500000", "--date",
                  "2024-01-16", ok=False)
    run(db_url, "record", "advance", "ACME-1", "--note", "MBN", "--amount", "2000000", "--date", "2024-01-16")
    shown = run_json(db_url, "facility", "show", "ACME-1")

    assert refused.exit_code == 1
    assert "exceeds the commitment of REV, which it is drawn under: 2000000.00 of 7000000.00" in refused.stderr
    assert [n.get("sublimit_of") for n in shown["notes"]] == [None, "REV"]


def test_a_payment_may_be_directed_to_facility_fees_without_a_note(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)
    run(db_url, "record", "fee", "ACME-1", "--amount", "250", "--date", "2024-02-01", "--kind", "other",
        "--basis", "agency fee")

    run(db_url, "record", "payment", "ACME-1", "--amount", "250", "--date", "2024-02-01", "--component", "fees")
    bad = run(db_url, "record", "payment", "ACME-1", "--amount", "1", "--date", "2024-02-01",
              "--component", "interest", ok=False)

    assert run_json(db_url, "balance", "ACME-1", "--as-of", "2024-02-01")["fees"] == "0.00"
    assert bad.exit_code == 2 and "must also name its note" in bad.stderr


def _notice(db_url, *figures, json_output=False):
    principal, interest, fees, total = figures
    args = ["record", "notice", "ACME-1", "--date", "2024-06-03", "--demand-deadline", "2024-06-04T14:00-04:00",
            "--principal", principal, "--interest", interest, "--fees", fees, "--total", total]
    return run(db_url, *(["--json", *args] if json_output else args))


def test_a_notice_with_misstated_figures_is_recorded_with_a_warning_per_difference(db_url):
    accelerated(db_url)
    computed = run_json(db_url, "past-due", "ACME-1", "--as-of", "2024-06-03")
    interest = computed["interest"]

    result = _notice(db_url, "400100", interest, "0", str(400100 + Decimal(interest)))

    assert result.exit_code == 0 and "Recorded DefaultNoticeIssued" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, result.stderr
    assert "the notice states principal 400100.00; the ledger computes 400000.00" in warnings[0]
    assert "(difference -100.00)" in warnings[0] and "total" in warnings[1]


def test_a_notice_comparison_is_carried_in_json(db_url):
    accelerated(db_url)
    computed = run_json(db_url, "past-due", "ACME-1", "--as-of", "2024-06-03")

    agreeing = json.loads(_notice(db_url, computed["principal"], computed["interest"], computed["fees"],
                                  computed["total"], json_output=True).stdout)
    wrong = json.loads(_notice(db_url, "1", "0", "0", "1", json_output=True).stdout)

    assert agreeing["stated_figures"]["agrees"] is True and agreeing["stated_figures"]["differences"] == []
    assert wrong["stated_figures"]["agrees"] is False
    assert [d["figure"] for d in wrong["stated_figures"]["differences"]] == ["principal", "interest", "total"]
    assert wrong["stated_figures"]["computed"]["principal"] == "400000.00"


def test_portfolio_status_agrees_with_the_figures(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "400000", "--date", "2024-01-16")

    def status(day):
        return run_json(db_url, "portfolio", "--as-of", day)["facilities"][0]["status"]

    # the first interest bill (16 Jan .. 1 Feb) falls due on Thursday 1 Feb 2024 and is never paid
    assert status("2024-01-31") == "current"
    assert status("2024-02-01") == "past_due"
    run(db_url, "record", "default", "ACME-1", "--date", "2024-03-01", "--clause", "§8.1", "--description", "d")
    assert status("2024-03-01") == "in_default"
    run(db_url, "record", "acceleration", "ACME-1", "--date", "2024-03-05")
    assert status("2024-03-05") == "accelerated"


def test_portfolio_refuses_a_status_or_bucket_it_does_not_know(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)

    status = run(db_url, "portfolio", "--as-of", "2024-02-01", "--status", "performing", ok=False)
    bucket = run(db_url, "portfolio", "--as-of", "2024-02-01", "--bucket", "91", ok=False)

    assert status.exit_code == 2 and "accelerated, in_default, past_due, current" in status.stderr
    assert bucket.exit_code == 2 and "'91' is not one of current, 0-30" in bucket.stderr


def test_the_commands_status_words_are_the_engines():
    from cli.commands.readmodels import BUCKETS, STATUSES
    from projections.figures import BUCKETS as ENGINE_BUCKETS
    from projections.readmodels.facility_figures import STATUSES as ENGINE_STATUSES

    assert STATUSES == ENGINE_STATUSES
    assert BUCKETS == ("current", *(name for _, name in ENGINE_BUCKETS), "91+")


def test_acceleration_scope_rescission_and_same_day_waiver_through_the_ledger(db_url):
    """TERM accelerated on 3 Jun 2024 (all notes issued by then); LATE issued 10 Jun is not
    accelerated. The default is waived and declared again on 1 Jul (in that recorded order): still in
    default, so a protective advance is accepted on TERM; the rescission on 2 Jul cancels it with
    the acceleration's principal."""
    accelerated(db_url)
    run(db_url, "note", "issue", "ACME-1", "LATE", "--kind", "term", "--face-amount", "100000",
        "--issue-date", "2024-06-10", "--maturity-date", "2026-01-15", "--rate", "8")
    run(db_url, "record", "waiver", "ACME-1", "--date", "2024-07-01", "--clause", "§8.1", "--description", "w")
    run(db_url, "record", "default", "ACME-1", "--date", "2024-07-01", "--clause", "§8.1", "--description", "again",
        "--notes", "TERM")
    run(db_url, "record", "advance", "ACME-1", "--note", "LATE", "--amount", "1000", "--date", "2024-07-01")
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "500", "--date", "2024-07-01",
        "--protective", "--basis", "insurance")
    before = run_json(db_url, "past-due", "ACME-1", "--as-of", "2024-07-01")
    run(db_url, "record", "rescission", "ACME-1", "--date", "2024-07-02")
    after = run_json(db_url, "past-due", "ACME-1", "--as-of", "2024-07-02")

    assert before["notes"]["TERM"]["principal"] == "400500.00" and before["notes"]["LATE"]["principal"] == "0.00"
    assert after["notes"]["TERM"]["principal"] == "0.00"
