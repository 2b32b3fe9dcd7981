"""`portfolio --by-lender` (docs/syndication.md, "Exposure by lender"): each lender's part of each
facility's principal and past due, split by the syndication rules; the parts add up to the
facility's figures exactly (property over random syndicates); bitemporal; both backends."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.engine import Sweep
from projections.figures import past_due
from projections.lender_exposure import facility_exposure
from tests.helpers import run, run_json
from tests.test_syndication import syndicated, syndicated_histories


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(book=syndicated_histories(), day=st.dates(date(2005, 1, 3), date(2006, 3, 1)))
def test_lenders_parts_add_up_to_the_facilitys_principal_and_past_due(book, day):
    sweep = Sweep(book.events, explain=False)
    sweep.run_to(day)
    due = past_due(sweep)

    parts = facility_exposure(book.events, day)

    assert isinstance(parts, list) and parts
    assert sum(x.principal for x in parts) == sum(n.principal for n in sweep.notes.values())
    assert sum(x.past_due_principal for x in parts) == due.component("principal").amount
    assert sum(x.past_due_interest for x in parts) == due.component("interest").amount
    assert sum(x.past_due_fees for x in parts) == due.component("fees").amount
    assert all(x.principal >= 0 and x.past_due_total >= 0 for x in parts)


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_lenders_exposure_across_facilities_and_as_known_before_an_assignment(db_url):
    """SYND-1: 300,000,000 at 7% ACT/360 drawn 16 Jan 2024, thirds for Bank A, Bank B, Fund C; Bank
    A assigns 40,000,000 to Fund D settled 25 Jan. The bill of 1 Feb (16 days) is
    300,000,000 × 7% × 16/360 = 933,333.33, unpaid on 15 Feb. Lender-days in millions: Bank A
    100 × 9 + 60 × 7 = 1,320, Fund D 40 × 7 = 280, Bank B and Fund C 1,600 each, of 4,800: Bank A
    933,333.33 × 1,320/4,800 = 256,666.67, Fund D 54,444.44, Bank B and Fund C 311,111.11 each
    (the parts add up to the bill). Known before the assignment: thirds, 311,111.11 each.
    BILAT-1 (Bank B alone, no positions): 1,000,000 at 6% drawn 2 Jan 2024, January's bill of
    1 Feb (30 days) = 5,000.00 unpaid, so Bank B's total past due is 311,111.11 + 5,000.00."""
    syndicated(db_url)
    kept_at = run_json(db_url, "events", "SYND-1")[-2]["recorded_at"]  # before the assignment
    run(db_url, "facility", "open", "BILAT-1", "--borrower", "Quay LLC", "--lender", "Bank B",
        "--agreement-date", "2024-01-02")
    run(db_url, "note", "issue", "BILAT-1", "A", "--kind", "term", "--face-amount", "1000000",
        "--issue-date", "2024-01-02", "--maturity-date", "2027-01-02", "--rate", "6")
    run(db_url, "record", "advance", "BILAT-1", "--note", "A", "--amount", "1000000", "--date", "2024-01-02")

    now = run_json(db_url, "portfolio", "--as-of", "2024-02-15", "--by-lender")
    then = run_json(db_url, "portfolio", "--as-of", "2024-02-15", "--by-lender", "--known-at", kept_at)
    bank_b = run_json(db_url, "portfolio", "--as-of", "2024-02-15", "--by-lender", "--lender", "Bank B")
    portfolio = {x["facility"]: x for x in run_json(db_url, "portfolio", "--as-of", "2024-02-15")["facilities"]}

    def rows(report, facility):
        return {x["lender"]: (f["principal"], f["past_due"]["interest"]) for x in report["lenders"]
                for f in x["facilities"] if f["facility"] == facility}

    assert rows(now, "SYND-1") == {"Bank A": ("60000000.00", "256666.67"), "Bank B": ("100000000.00", "311111.11"),
                                   "Fund C": ("100000000.00", "311111.11"), "Fund D": ("40000000.00", "54444.44")}
    assert rows(then, "SYND-1") == {lender: ("100000000.00", "311111.11") for lender in ("Bank A", "Bank B", "Fund C")}
    assert [x["lender"] for x in bank_b["lenders"]] == ["Bank B"]
    assert bank_b["lenders"][0]["total"] == {"principal": "101000000.00", "past_due": {
        "principal": "0.00", "interest": "316111.11", "fees": "0.00", "total": "316111.11"}}
    for facility in ("SYND-1", "BILAT-1"):
        lines = [f for x in now["lenders"] for f in x["facilities"] if f["facility"] == facility]
        assert sum(Decimal(f["principal"]) for f in lines) == Decimal(portfolio[facility]["principal"])
        assert sum(Decimal(f["past_due"]["total"]) for f in lines) == Decimal(portfolio[facility]["past_due"]["total"])


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_by_lender_options_that_do_not_apply_are_refused(db_url):
    syndicated(db_url)

    alone = run(db_url, "portfolio", "--as-of", "2024-02-15", "--lender", "Bank B", ok=False)
    bucket = run(db_url, "portfolio", "--as-of", "2024-02-15", "--by-lender", "--bucket", "0-30", ok=False)

    assert alone.exit_code == 2 and "--by-lender" in alone.output
    assert bucket.exit_code == 2 and "--bucket does not apply" in bucket.output


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_the_lender_shares_read_model_holds_who_held_what_and_verify_checks_it(db_url):
    """rm_lender_shares: Bank A 100,000,000 from 15 Jan 2024 to the 25 Jan settlement, then
    60,000,000; Fund D 40,000,000 from 25 Jan; Bank B and Fund C 100,000,000 throughout."""
    from tests.tampering import StoredEvents

    syndicated(db_url)
    rows = sorted(StoredEvents(db_url).execute(
        "SELECT note, lender, valid_from, valid_until, commitment FROM rm_lender_shares"))
    text = [tuple(str(v) for v in r[:4]) + (f"{Decimal(str(r[4])):.2f}",) for r in rows]

    assert text == [("TL", "Bank A", "2024-01-15", "2024-01-25", "100000000.00"),
                    ("TL", "Bank A", "2024-01-25", "9999-12-31", "60000000.00"),
                    ("TL", "Bank B", "2024-01-15", "9999-12-31", "100000000.00"),
                    ("TL", "Fund C", "2024-01-15", "9999-12-31", "100000000.00"),
                    ("TL", "Fund D", "2024-01-25", "9999-12-31", "40000000.00")]
    assert run_json(db_url, "verify")["ok"] is True

    StoredEvents(db_url).execute("UPDATE rm_lender_shares SET commitment = 1 WHERE lender = 'Fund D'")
    result = run(db_url, "--json", "verify", ok=False)

    import json
    kinds = [(f["kind"], f["expected"]) for f in json.loads(result.stdout)["findings"]]
    assert result.exit_code == 1
    assert kinds == [("read_model_differs", "rm_lender_shares row note/lender/valid_from=TL/Fund D/2024-01-25 "
                                            "commitment=40000000.00")]
    only_d = run_json(db_url, "portfolio", "--as-of", "2024-02-15", "--by-lender", "--lender", "Fund D")
    assert [x["lender"] for x in only_d["lenders"]] == ["Fund D"]


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_the_syndication_reports_of_a_facility_on_sofr_read_its_fixings(db_url, tmp_path):
    """SOFR-S: 1,000,000 on daily compounded SOFR + 2% (published 2026 fixings), held 600,000 by
    L1 and 400,000 by L2, no assignment: every lender-day is in the same proportion, so the bill
    of 5 Feb 2026 (the engine's, from the fixings) is split 60/40, each part rounded half-up and
    the cent left, if any, to L1 (the larger share)."""
    import json

    from tests.helpers import ROOT_EXAMPLES

    records = [
        {"facility": "SOFR-S", "type": "FacilityOpened", "code": "SOFR-S", "borrower": "B", "lender": "Agent",
         "agreement_date": "2026-01-02"},
        {"facility": "SOFR-S", "type": "NoteIssued", "note": "A", "kind": "term", "face_amount": "1000000.00",
         "issue_date": "2026-01-05", "maturity_date": "2029-01-05",
         "interest": {"index": "SOFR", "convention": "compounded_in_arrears", "margin": "2"}},
        {"facility": "SOFR-S", "type": "LenderPositionSet", "note": "A", "lender": "L1", "commitment": "600000.00",
         "effective_date": "2026-01-05"},
        {"facility": "SOFR-S", "type": "LenderPositionSet", "note": "A", "lender": "L2", "commitment": "400000.00",
         "effective_date": "2026-01-05"},
        {"facility": "SOFR-S", "type": "AdvanceMade", "note": "A", "amount": "1000000.00", "effective_date": "2026-01-05"},
        {"facility": "SOFR-S", "type": "PaymentReceived", "amount": "10000.00", "effective_date": "2026-02-05"},
    ]
    file = tmp_path / "sofr-s.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in records))
    run(db_url, "import", str(file))
    run(db_url, "index", "import", str(ROOT_EXAMPLES / "nyfed-sofr-2026.csv"))

    bill = Decimal(run_json(db_url, "explain", "SOFR-S", "--as-of", "2026-02-05")["interest_bills"][0]["amount"])
    receipt = run_json(db_url, "distribution", "SOFR-S", "--date", "2026-02-05")["receipts"][0]
    balance = run_json(db_url, "balance", "SOFR-S", "--as-of", "2026-02-05", "--by-lender")
    statement = run_json(db_url, "lender", "statement", "L2", "--from", "2026-02-01", "--to", "2026-02-28")
    exposure = run_json(db_url, "portfolio", "--as-of", "2026-02-05", "--by-lender")

    l2 = (bill * Decimal("0.4")).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    assert receipt["allocated"] == f"{bill:.2f}"
    assert receipt["lenders"] == {"L1": f"{bill - l2:.2f}", "L2": f"{l2:.2f}"}
    assert [(x["lender"], x["principal"]) for x in balance["lenders"]] == [("L1", "600000.00"), ("L2", "400000.00")]
    assert statement["owed"] == f"{l2:.2f}"
    assert exposure["refused"] == [] and [x["lender"] for x in exposure["lenders"]] == ["L1", "L2"]
