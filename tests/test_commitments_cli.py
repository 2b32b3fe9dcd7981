"""Commitments and fees through the command line, on SQLite and PostgreSQL: `note issue` with
fee terms, `record commitment`, `record termination`, `availability` and the fee in `explain`
and `balance`; refused input leaves the ledger unchanged."""

from tests.helpers import OPEN, run, run_json, stored

REVOLVER = ["note", "issue", "ACME-1", "REV", "--kind", "revolving", "--face-amount", "1000000",
            "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "8",
            "--unused-fee-rate", "0.5", "--fee-period-months", "3"]
DDTL = ["note", "issue", "ACME-1", "DDTL", "--kind", "term", "--face-amount", "500000", "--commitment", "400000",
        "--issue-date", "2024-01-15", "--maturity-date", "2029-01-15", "--rate", "9",
        "--ticking-fee-rate", "1", "--fee-period-months", "1"]


def book(db_url):
    for command in (OPEN, REVOLVER, DDTL):
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "REV", "--amount", "400000", "--date", "2024-02-15")


def test_availability_reports_commitment_drawn_and_available_per_note(db_url):
    book(db_url)
    run(db_url, "record", "commitment", "ACME-1", "--note", "REV", "--amount", "700000", "--date", "2024-03-01")

    report = run_json(db_url, "availability", "ACME-1", "--as-of", "2024-03-01")

    rev, ddtl = report["notes"]
    assert (rev["commitment"], rev["drawn"], rev["available"]) == ("700000.00", "400000.00", "300000.00")
    assert (ddtl["commitment"], ddtl["drawn"], ddtl["available"]) == ("400000.00", "0.00", "400000.00")
    assert report["available"] == "700000.00"


def test_a_termination_ends_availability_and_the_ticking_fee(db_url):
    book(db_url)
    run(db_url, "record", "termination", "ACME-1", "--note", "DDTL", "--date", "2024-02-01")

    ddtl = run_json(db_url, "availability", "ACME-1", "--as-of", "2024-02-10")["notes"][1]
    fees = run_json(db_url, "explain", "ACME-1", "--as-of", "2024-03-31")["fee_bills"]

    assert ddtl["available"] == "0.00" and ddtl["why_not"] == ["commitment terminated on 2024-02-01"]
    # 15 Jan..1 Feb: 17 days on 400,000 at 1% ACT/360 = 188.89, billed at the period end 15 Feb
    ticking = [f for f in fees if f["note"] == "DDTL"]
    assert [(f["period_start"], f["period_end"], f["amount"]) for f in ticking] == [
        ("2024-01-15", "2024-02-15", "188.89")]


def test_the_unused_fee_is_a_fee_item_in_balance_and_explained_in_explain(db_url):
    book(db_url)

    balance = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-04-15")
    fee = next(f for f in run_json(db_url, "explain", "ACME-1", "--as-of", "2024-04-15")["fee_bills"]
               if f["note"] == "REV")

    # 15 Jan..15 Feb: 31 days on 1,000,000; 15 Feb..15 Apr: 60 days on 600,000 (0.5% ACT/360):
    # (31,000,000 + 36,000,000) × 0.5 / 36,000 = 930.555... -> 930.56, due Monday 15 Apr
    assert (fee["period_start"], fee["period_end"], fee["due_date"], fee["amount"]) == (
        "2024-01-15", "2024-04-15", "2024-04-15", "930.56")
    assert [(p["undrawn"], p["days"]) for p in fee["sub_intervals"]] == [("1000000.00", 31), ("600000.00", 60)]
    assert balance["notes"]["REV"]["fees"] == "930.56"


def test_a_commitment_below_what_is_drawn_is_refused_and_nothing_is_written(db_url):
    book(db_url)
    before = stored(db_url)

    result = run(db_url, "record", "commitment", "ACME-1", "--note", "REV", "--amount", "399999.99",
                 "--date", "2024-03-01", ok=False)

    assert result.exit_code == 1
    assert "less than the 400000.00 drawn on note REV on 2024-03-01" in result.stderr
    assert stored(db_url) == before


def test_fee_terms_on_the_wrong_kind_of_note_are_refused_with_a_message(db_url):
    run(db_url, *OPEN)
    before = stored(db_url)

    result = run(db_url, "note", "issue", "ACME-1", "T", "--kind", "term", "--face-amount", "1000",
                 "--issue-date", "2024-01-15", "--maturity-date", "2025-01-15", "--rate", "5",
                 "--unused-fee-rate", "0.5", ok=False)

    assert result.exit_code == 2
    assert "unused_fee applies to a revolving or minimum_borrowing note" in result.stderr
    assert stored(db_url) == before


def test_new_events_export_and_import_into_another_ledger(db_url, tmp_path):
    book(db_url)
    run(db_url, "record", "commitment", "ACME-1", "--note", "REV", "--amount", "700000", "--date", "2024-03-01")
    run(db_url, "record", "termination", "ACME-1", "--note", "DDTL", "--date", "2024-03-15")
    exported = tmp_path / "out.jsonl"
    run(db_url, "export", "ACME-1", "-o", str(exported))

    other = str(tmp_path / "other.db")
    run(other, "init")
    run(other, "import", str(exported))

    types = [e["type"] for e in run_json(other, "events", "ACME-1")]
    assert types[-2:] == ["CommitmentChanged", "CommitmentTerminated"]
    assert run_json(other, "availability", "ACME-1", "--as-of", "2024-04-01") == \
        run_json(db_url, "availability", "ACME-1", "--as-of", "2024-04-01")


def test_bad_input_to_the_new_commands_is_refused_with_one_message_and_nothing_written(db_url):
    book(db_url)
    before = stored(db_url)
    cases = [
        (["availability", "ACME-1", "--as-of", "2024-13-01"], 2, "--as-of"),
        (["payoff", "ACME-1", "--good-through", "tomorrow-ish"], 2, "--good-through"),
        (["record", "commitment", "ACME-1", "--note", "REV", "--amount", "1,5", "--date", "2024-03-01"], 2, "amount"),
        (["record", "commitment", "ACME-1", "--note", "NOPE", "--amount", "5", "--date", "2024-03-01"], 1, "NOPE"),
        (["record", "amendment", "ACME-1", "--note", "REV", "--date", "2024-03-01", "--basis", "x"], 2,
         "an amendment changes at least one term"),
        (["record", "amendment", "ACME-1", "--note", "REV", "--date", "2024-03-01", "--basis", "x",
          "--margin", "2"], 1, "has a fixed rate"),
        (["note", "issue", "ACME-1", "X", "--kind", "term", "--face-amount", "10", "--issue-date", "2024-01-15",
          "--maturity-date", "2025-01-15", "--rate", "5", "--prepayment-premium", "2024-06-01"], 2, "UNTIL:RATE"),
        (["record", "termination", "ACME-1", "--note", "DDTL", "--date", "2099-01-01"], 1, "after today"),
    ]
    for args, code, words in cases:
        result = run(db_url, *args, ok=False)
        assert result.exit_code == code, (args, result.output)
        assert words in result.stderr and "Traceback" not in result.output, (args, result.stderr)
    assert stored(db_url) == before


def test_fee_day_count_or_period_without_a_fee_rate_is_refused_not_ignored(db_url):
    # --fee-day-count and --fee-period-months describe a fee: without --unused-fee-rate or
    # --ticking-fee-rate there is none, and a note recorded without the fee the user meant to
    # give it would bill nothing; refused, nothing written
    run(db_url, *OPEN)
    before = stored(db_url)
    issue = ["note", "issue", "ACME-1", "REV", "--kind", "revolving", "--face-amount", "1000",
             "--issue-date", "2024-01-15", "--maturity-date", "2025-01-15", "--rate", "5"]

    for extra in (["--fee-day-count", "ACT/365F"], ["--fee-period-months", "6"]):
        result = run(db_url, *issue, *extra, ok=False)

        assert result.exit_code == 2, result.output
        assert extra[0] in result.stderr and "--unused-fee-rate or --ticking-fee-rate" in result.stderr
    assert stored(db_url) == before


def test_refusals_of_the_new_options_name_options_that_exist(db_url):
    # the messages named '--record', '--terms', '--terms.rate', '--unused-fee.rate' and
    # '--prepayment-premium.0.rate', none of which a user can type
    book(db_url)
    issue = ["note", "issue", "ACME-1", "X", "--kind", "revolving", "--face-amount", "1000",
             "--issue-date", "2024-01-15", "--maturity-date", "2025-01-15", "--rate", "5"]
    amend = ["record", "amendment", "ACME-1", "--note", "DDTL", "--date", "2024-03-01", "--basis", "x"]
    cases = [
        ([*amend, "--rate", "abc"], "--rate: 'abc' is not a plain rate"),
        ([*amend, "--maturity-date", "2024-02-01"], "error: terms.maturity_date must be after"),
        (amend, "error: an amendment changes at least one term"),
        ([*issue, "--unused-fee-rate", "-1"], "--unused-fee-rate: must not be negative"),
        ([*issue, "--unused-fee-rate", "1", "--fee-day-count", "ACT/999"], "--fee-day-count: Input should be"),
        ([*issue, "--commitment", "2000"], "error: commitment 2000.00 is more than the face amount"),
        ([*issue, "--prepayment-premium", "2024-06-01:x"], "--prepayment-premium: 'x' is not a plain rate"),
        (["record", "payment", "ACME-1", "--amount", "1", "--date", "2024-02-28", "--payoff", "--note", "REV"],
         "error: a payoff pays off every note"),
    ]
    for args, words in cases:
        result = run(db_url, *args, ok=False)

        assert result.exit_code == 2, (args, result.output)
        message = " ".join(result.stderr.split())
        assert words in message, (args, message)
        assert not {"--record", "--terms"} & {w.rstrip(":") for w in message.split()}, message
        assert "--terms." not in message and "--unused-fee." not in message and ".0." not in message, message


def test_facility_show_prints_the_commitment_and_fee_terms_of_a_note(db_url):
    # the table printed every note as if committed for its face amount with no fee, premium,
    # overdue margin or PIK (only --json had them)
    run(db_url, *OPEN)
    run(db_url, *DDTL, "--prepayment-premium", "2025-01-15:2", "--prepayment-premium", "2026-01-15:1",
        "--overdue-margin", "2", "--pik-rate", "3")
    run(db_url, *REVOLVER)

    shown = " ".join(run(db_url, "facility", "show", "ACME-1").stdout.replace("│", " ").split())

    for words in ("commitment 400,000.00", "ticking fee 1% ACT/360 every 1 month",
                  "prepayment premium 2% to 2025-01-15, 1% to 2026-01-15", "overdue margin 2%", "PIK 3%",
                  "unused fee 0.5% ACT/360 every 3 months"):
        assert words in shown, (words, shown)
