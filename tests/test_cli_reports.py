"""The report commands end to end: import the seed file, ask for the letter's figures."""


from tests.helpers import run, run_json
from tests.streams import ROOT

SEED = str(ROOT / "examples" / "atg-laurus-2005.jsonl")


def test_past_due_json_gives_the_letters_figures(db_url):
    run(db_url, "import", SEED)
    data = run_json(db_url, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31")
    assert (data["principal"], data["interest"], data["fees"], data["total"]) == (
        "10350000.00", "96777.00", "3134033.10", "13580810.10")
    assert data["bucket"] == "31-60" and data["days_past_due"] == 31


def test_balance_known_just_before_the_acceleration_was_recorded_has_no_default_fees(db_url):
    run(db_url, "import", SEED)
    stream = run_json(db_url, "events", "ATG-LAURUS-2005")
    at = next(i for i, e in enumerate(stream) if e["type"] == "ObligationsAccelerated")
    before = stream[at - 1]["recorded_at"]
    then = run_json(db_url, "balance", "ATG-LAURUS-2005", "--as-of", "2008-01-31", "--known-at", before)
    assert then["principal"] == "10350000.00" and then["fees"] == "0.00" and then["known_at"] is not None
    now = run_json(db_url, "balance", "ATG-LAURUS-2005", "--as-of", "2008-01-31")
    assert now["fees"] == "3134033.10" and now["unapplied_credit"] == "0.00"


def test_explain_and_timeline_print_and_emit_json(db_url):
    run(db_url, "import", SEED)
    assert "Default premiums" in run(db_url, "explain", "ATG-LAURUS-2005", "--as-of", "2008-01-31").stdout
    x = run_json(db_url, "explain", "ATG-LAURUS-2005", "--as-of", "2008-01-31")
    assert sum(float(p["amount"]) for p in x["premiums"]) == 3134033.10
    series = run_json(db_url, "timeline", "ATG-LAURUS-2005", "--from", "2007-11-15", "--to", "2008-01-31", "--every", "month")
    assert [s["balance"]["as_of"] for s in series] == ["2007-11-30", "2007-12-31", "2008-01-31"]
    assert series[-1]["past_due"]["total"] == "13580810.10"


def test_a_refused_report_exits_1_with_a_one_line_message(db_url):
    run(db_url, "facility", "open", "IDX-1", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    run(db_url, "note", "issue", "IDX-1", "R", "--kind", "term", "--face-amount", "1000", "--issue-date", "2024-01-15",
        "--maturity-date", "2026-01-15", "--index", "SOFR")
    run(db_url, "record", "advance", "IDX-1", "--note", "R", "--amount", "100", "--date", "2024-02-01")
    result = run(db_url, "past-due", "IDX-1", "--as-of", "2024-03-01", ok=False)
    assert result.exit_code == 1
    assert "SOFR" in result.stderr and "2024-02-01" in result.stderr


def test_bad_dates_are_usage_errors(db_url):
    run(db_url, "import", SEED)
    for written in ("31/01/2008", "20080131", "2008-W05-4"):
        result = run(db_url, "balance", "ATG-LAURUS-2005", "--as-of", written, ok=False)
        assert result.exit_code == 2 and "--as-of: " in result.stderr


def test_demo_loads_the_seed_and_prints_the_letters_figures(tmp_path):
    url = str(tmp_path / "demo.db")

    printed = run(url, "demo").stdout

    # tables print money with thousands separators (docs/cli.md, "Output"); the letter's figures
    assert "10,350,000.00" in printed and "96,777.00" in printed and "3,134,033.10" in printed
    assert "13,580,810.10" in printed and "agrees to the dollar" in printed


def test_demo_as_json_and_refusal_on_a_used_database(tmp_path):
    url = str(tmp_path / "demo.db")
    data = run_json(url, "demo")
    assert data["past_due"]["total"] == "13580810.10" and data["notices"][0]["agrees"] is True

    again = run(url, "demo", ok=False)

    assert again.exit_code == 1 and "fresh, empty database" in again.stderr


def test_known_at_without_an_offset_is_refused_and_a_date_means_the_end_of_that_day(tmp_path):
    url = str(tmp_path / "k.db")
    run(url, "import", SEED)
    naive = run(url, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31", "--known-at", "2999-01-01T10:00", ok=False)
    assert naive.exit_code == 2 and "has no UTC offset" in naive.stderr  # a malformed value: usage error

    by_date = run_json(url, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31", "--known-at", "2999-01-01")

    assert by_date["total"] == "13580810.10"
