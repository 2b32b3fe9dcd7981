"""A facility whose notes read the market's index fixings (the contract §10) verifies, and the
portfolio answers it with the engine and the fixings, on both backends (the read models keep no
steps for it: its figures move when a fixing arrives, which is not one of its events)."""

from pathlib import Path

from tests.helpers import run, run_json

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def sofr_ledger(db_url):
    run(db_url, "index", "import", str(EXAMPLES / "sofr-2025-fixings.jsonl"))
    run(db_url, "import", str(EXAMPLES / "sofr-term-revolver-2025.jsonl"))


def test_a_facility_on_market_fixings_verifies(db_url):
    sofr_ledger(db_url)

    result = run_json(db_url, "verify")

    assert result["ok"] is True and result["findings"] == []


def test_the_portfolio_answers_a_facility_on_market_fixings_with_the_engine(db_url):
    sofr_ledger(db_url)

    line = run_json(db_url, "portfolio", "--as-of", "2025-12-31")["facilities"][0]
    past_due = run_json(db_url, "past-due", "SOFR-TLR-2025", "--as-of", "2025-12-31")

    assert line["computed_by"] == "engine" and line["problem"] is None
    assert line["past_due"]["total"] == past_due["total"] and line["status"] == "past_due"


def test_a_notice_on_a_facility_on_market_fixings_is_compared_with_the_fixings(db_url):
    sofr_ledger(db_url)
    due = run_json(db_url, "past-due", "SOFR-TLR-2025", "--as-of", "2025-12-31")

    recorded = run_json(db_url, "record", "notice", "SOFR-TLR-2025", "--date", "2025-12-31",
                        "--demand-deadline", "2026-01-05T14:00-05:00", "--principal", due["principal"],
                        "--interest", due["interest"], "--fees", due["fees"], "--total", due["total"])

    assert recorded["stated_figures"]["agrees"] is True, recorded["stated_figures"]
