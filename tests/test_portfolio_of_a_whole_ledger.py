"""Issue #5's "done when", end to end through the CLI on both backends: after importing the seed
scenario and a generated portfolio, `portfolio` and the read-model tables agree with the engine,
a rebuild gives the same tables, and verify holds every table row against the fold."""

import json
from datetime import date

from benchmarks.generate import portfolio_records
from cli.application.ledger import Ledger
from cli.persistence.storage import database
from projections.json_views import money
from projections.readmodels import portfolio as pf
from tests.helpers import run, run_json
from tests.readmodel_helpers import tables
from tests.streams import ROOT

SEED = ROOT / "examples" / "atg-laurus-2005.jsonl"
AS_OF = [date(2008, 1, 31), date(2008, 6, 30), date(2012, 3, 31), date(2016, 12, 30), date(2020, 1, 2),
         date(2021, 6, 30)]


def ledger_file(tmp_path):
    path = tmp_path / "ledger.jsonl"
    generated = [json.dumps(r) for r in portfolio_records(4 * 120, per_facility=120, seed=5)]
    path.write_text(SEED.read_text() + "\n".join(generated) + "\n")
    return path


def expected(db_url, as_of):
    """Every facility's portfolio line, from a replay of its stream (the engine)."""
    book = Ledger(database(db_url))
    try:
        lines = [pf.engine_line(list(book.events.get(f.originator_id)), as_of, None) for f in book.facilities()]
    finally:
        book.close()
    return {x.facility: {"status": x.status, "principal": money(x.principal),
                         "past_due": {"principal": money(x.past_due_principal), "interest": money(x.past_due_interest),
                                      "fees": money(x.past_due_fees), "total": money(x.past_due_total)},
                         "oldest_due_date": x.oldest_due.isoformat() if x.oldest_due else None,
                         "days_past_due": x.days_past_due, "bucket": x.bucket} for x in lines if x is not None}


def test_the_seed_and_a_generated_portfolio_read_the_same_from_the_tables_as_from_the_engine(db_url, tmp_path):
    run(db_url, "import", str(ledger_file(tmp_path)))
    status = run_json(db_url, "projections", "status")
    assert status["lag"] == 0 and status["read_models"]["rm_facility_summary"]["rows"] == 5

    answered_by_tables = 0
    for as_of in AS_OF:
        report = run_json(db_url, "portfolio", "--as-of", as_of.isoformat())
        got = {f["facility"]: {k: f[k] for k in ("status", "principal", "past_due", "oldest_due_date",
                                                  "days_past_due", "bucket")} for f in report["facilities"]}
        assert got == expected(db_url, as_of), as_of
        answered_by_tables += sum(f["computed_by"] == "tables" for f in report["facilities"])
        by_bucket = {t["bucket"]: t for t in report["totals"]}
        assert sum(t["facilities"] for t in by_bucket.values()) == len(got)
    assert answered_by_tables >= 4 * len(AS_OF) - 4  # the generated facilities: from the tables
    seed_line = run_json(db_url, "portfolio", "--as-of", "2008-01-31", "--status", "accelerated")["facilities"]
    assert [(f["facility"], f["past_due"]["total"], f["bucket"]) for f in seed_line] == \
        [("ATG-LAURUS-2005", run_json(db_url, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31")["total"], "31-60")]

    incremental = tables(db_url)
    run(db_url, "projections", "rebuild")
    assert tables(db_url) == incremental

    verified = run(db_url, "--json", "verify")
    assert verified.exit_code == 0 and json.loads(verified.stdout)["ok"] is True
