"""The new events and terms of issue #16 (commitments, fees, amendments, overdue interest, PIK,
payoff) travel through export and import, the auditor's event views and the read models, on
SQLite and PostgreSQL: a second ledger built from the export gives the same figures, `events`
lists and filters them, and the read models (portfolio, verify) agree with the engine."""

import json

from tests.helpers import OPEN, run, run_json

TERM = ["note", "issue", "ACME-1", "T", "--kind", "term", "--face-amount", "500000", "--commitment", "400000",
        "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "9", "--ticking-fee-rate", "1",
        "--fee-period-months", "1", "--overdue-margin", "2", "--pik-rate", "2",
        "--prepayment-premium", "2025-01-15:2"]
REV = ["note", "issue", "ACME-1", "R", "--kind", "revolving", "--face-amount", "1000000", "--issue-date",
       "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "8", "--unused-fee-rate", "0.5"]


def everything(db_url):
    for command in (OPEN, TERM, REV):
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "T", "--amount", "250000", "--date", "2024-01-16")
    run(db_url, "record", "advance", "ACME-1", "--note", "R", "--amount", "300000", "--date", "2024-02-01")
    run(db_url, "record", "commitment", "ACME-1", "--note", "R", "--amount", "800000", "--date", "2024-03-01")
    run(db_url, "record", "amendment", "ACME-1", "--note", "R", "--date", "2024-04-01", "--rate", "8.5",
        "--fee-rate", "0.375", "--basis", "Amendment No. 1")
    run(db_url, "record", "termination", "ACME-1", "--note", "T", "--date", "2024-04-15")
    run(db_url, "record", "payment", "ACME-1", "--amount", "5000", "--date", "2024-05-01")


def test_an_export_imported_elsewhere_gives_the_same_figures(db_url, tmp_path):
    everything(db_url)
    quote = run_json(db_url, "payoff", "ACME-1", "--good-through", "2024-06-28")
    run(db_url, "record", "payment", "ACME-1", "--amount", quote["total"], "--date", "2024-06-28", "--payoff")
    exported = tmp_path / "all.jsonl"
    run(db_url, "export", "ACME-1", "-o", str(exported))
    other = str(tmp_path / "other.db")
    run(other, "init")
    run(other, "import", str(exported))

    for report, day in (("explain", "2024-05-31"), ("availability", "2024-05-31"), ("balance", "2024-06-28"),
                        ("payoff", "2024-05-31")):
        option = "--good-through" if report == "payoff" else "--as-of"
        mine, theirs = run_json(db_url, report, "ACME-1", option, day), run_json(other, report, "ACME-1", option, day)
        mine.pop("known_at", None), theirs.pop("known_at", None)
        assert mine == theirs, report
    assert run_json(other, "balance", "ACME-1", "--as-of", "2024-06-28")["total"] == "0.00"
    types = [json.loads(line)["type"] for line in exported.read_text().splitlines()]
    assert {"CommitmentChanged", "CommitmentTerminated", "TermsAmended"} <= set(types)


def test_events_lists_and_filters_the_new_events(db_url):
    everything(db_url)

    amended = run_json(db_url, "events", "ACME-1", "--type", "TermsAmended")

    assert [e["type"] for e in amended] == ["TermsAmended"]
    assert amended[0]["terms"] == {"rate": "8.5", "fee_rate": "0.375"} and amended[0]["basis"] == "Amendment No. 1"


def test_the_read_models_carry_fees_overdue_interest_and_pik_as_the_engine_does(db_url):
    everything(db_url)

    verdict = run_json(db_url, "verify")
    portfolio = run_json(db_url, "portfolio", "--as-of", "2024-06-03")["facilities"][0]
    due = run_json(db_url, "past-due", "ACME-1", "--as-of", "2024-06-03")

    assert verdict["ok"] is True
    assert portfolio["past_due"] == {k: due[k] for k in ("principal", "interest", "fees", "total")}
    assert float(due["interest"]) > 0  # the bills of 1 June and before, with overdue interest, are unpaid
