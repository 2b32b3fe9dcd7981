"""Syndication (the contract §12, docs/syndication.md): the domain's rules on positions, assignments
and distributions; the split of every allocation among the lenders (given / when / then and a
property over random syndicates); and the commands on both backends."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain import facts
from projections.errors import ReportRefused
from projections.syndication import Splitter, Syndicate, balance_by_lender, distribution
from projections.engine import Sweep
from tests.helpers import run, run_json, stored
from tests.test_money_rules import Book

D = date.fromisoformat


def syndicate(*shares, face="300000000", rate="6") -> Book:
    """Note T (term, `face`, fixed `rate`, ACT/360) drawn in full on 3 Jan 2005, held by the
    lenders and shares given."""
    book = Book().note("T", face=face, interest={"rate": rate})
    for lender, commitment in shares:
        book.record(facts.SetLenderPosition, note="T", lender=lender, commitment=commitment, effective_date="2005-01-03")
    return book.advance("T", face, "2005-01-03")


def assign(book: Book, assignor, assignee, amount, settled, accrued="to_seller") -> Book:
    return book.record(facts.SettleAssignment, note="T", assignor=assignor, assignee=assignee, amount=amount,
                       trade_date=settled, settlement_date=settled, accrued=accrued)


THIRDS = (("L1", "100000000"), ("L2", "100000000"), ("L3", "100000000"))


# ---- domain rules ----------------------------------------------------------------------------

def test_shares_never_add_up_to_more_than_the_commitment():
    book = Book().note("T", face="1000")
    book.record(facts.SetLenderPosition, note="T", lender="A", commitment="600", effective_date="2005-01-03")
    book.refuses(facts.SetLenderPosition, "would add up to 1001.00 on 2005-01-03, more than its commitment 1000.00",
                 note="T", lender="B", commitment="401", effective_date="2005-01-03")


def test_no_lender_assigns_more_than_it_holds_on_the_settlement_date():
    book = syndicate(*THIRDS)
    book.refuses(facts.SettleAssignment, "L1 holds 100000000.00 of note T on 2005-01-14: it cannot assign",
                 note="T", assignor="L1", assignee="L4", amount="100000000.01",
                 trade_date="2005-01-10", settlement_date="2005-01-14")
    book.refuses(facts.SettleAssignment, "L9 holds 0",
                 note="T", assignor="L9", assignee="L4", amount="1", trade_date="2005-01-10", settlement_date="2005-01-14")


def test_a_backdated_assignment_may_not_leave_a_later_one_short():
    book = assign(syndicate(*THIRDS), "L1", "L4", "80000000", "2005-02-15")
    book.refuses(facts.SettleAssignment, "L1 would hold less than nothing of note T on 2005-02-15",
                 note="T", assignor="L1", assignee="L5", amount="30000000", trade_date="2005-01-10",
                 settlement_date="2005-01-14")


def test_an_assignment_settles_on_a_business_day():
    book = syndicate(*THIRDS)
    book.refuses(facts.SettleAssignment, "2005-01-15 is not a business day of the US-FED calendar",
                 note="T", assignor="L1", assignee="L4", amount="1", trade_date="2005-01-10", settlement_date="2005-01-15")
    book.refuses(facts.SettleAssignment, "2005-01-17 is not a business day",  # Martin Luther King Jr. Day
                 note="T", assignor="L1", assignee="L4", amount="1", trade_date="2005-01-10", settlement_date="2005-01-17")


def test_a_distribution_goes_to_a_lender_of_the_facility():
    book = syndicate(*THIRDS)
    book.record(facts.PayDistribution, lender="L2", amount="10", effective_date="2005-02-01")
    book.refuses(facts.PayDistribution, "'Nobody' holds no share", lender="Nobody", amount="10", effective_date="2005-02-01")


# ---- the split -------------------------------------------------------------------------------

def test_interest_follows_each_lenders_own_accrual_across_a_settlement():
    """300M at 6% from 3 Jan: 29 days to 1 Feb = 1,450,000.00. L1 assigns 50M to L4 settled
    14 Jan: L1 holds 100M for 11 days and 50M for 18, L4 50M for 18 days.
    Lender-days (M): L1 2,000, L4 900, L2 2,900, L3 2,900 of 8,700."""
    book = assign(syndicate(*THIRDS), "L1", "L4", "50000000", "2005-01-14").pay("1450000", "2005-02-01")

    owed = distribution(book.events, D("2005-02-01")).receipts[0].owed()

    assert owed == {"L1": Decimal("333333.33"), "L2": Decimal("483333.34"), "L3": Decimal("483333.33"),
                    "L4": Decimal("150000.00")}


def test_to_buyer_gives_the_assignee_the_assigned_parts_interest_for_the_whole_period():
    book = assign(syndicate(*THIRDS), "L1", "L4", "50000000", "2005-01-14", accrued="to_buyer")
    book.pay("1450000", "2005-02-01")

    owed = distribution(book.events, D("2005-02-01")).receipts[0].owed()

    # L1 and L4 each accrue on 50M for all 29 days: 1,450,000 × 1,450 / 8,700
    assert owed["L1"] == owed["L4"] == Decimal("241666.67")


def test_principal_is_split_by_the_shares_held_on_the_value_date():
    book = assign(syndicate(*THIRDS), "L1", "L4", "25000000", "2005-01-14")
    book.pay("3000000", "2005-01-20", note="T", component="principal")

    owed = distribution(book.events, D("2005-01-20")).receipts[0].owed()

    assert owed == {"L1": Decimal("750000.00"), "L2": Decimal("1000000.00"), "L3": Decimal("1000000.00"),
                    "L4": Decimal("250000.00")}


def test_a_fee_naming_a_lender_is_that_lenders_and_other_fees_go_by_share():
    book = syndicate(*THIRDS)
    book.record(facts.AssessFee, amount="900", kind="other", effective_date="2005-01-05", note="T", basis="x", lender="L3")
    book.record(facts.AssessFee, amount="100", kind="other", effective_date="2005-01-05", basis="agency")
    book.pay("1000", "2005-01-06", component="fees")

    owed = distribution(book.events, D("2005-01-06")).receipts[0].owed()

    assert owed == {"L1": Decimal("33.34"), "L2": Decimal("33.33"), "L3": Decimal("933.33")}


def test_the_remainder_goes_to_the_largest_share_ties_to_the_first_lender():
    s = Syndicate("agent", {"T": Decimal(3)}, order=["A", "B", "C"])
    parts = s.split(Decimal("100.00"), {"A": Decimal(1), "B": Decimal(1), "C": Decimal(1)})
    assert parts == {"A": Decimal("33.34"), "B": Decimal("33.33"), "C": Decimal("33.33")}
    parts = s.split(Decimal("100.00"), {"A": Decimal(1), "B": Decimal(2), "C": Decimal(3)})
    assert parts == {"A": Decimal("16.67"), "B": Decimal("33.33"), "C": Decimal("50.00")}


def test_a_note_without_positions_is_the_facility_lenders():
    book = Book().note("T", face="1000000").advance("T", "1000000", "2005-01-03").pay("1000", "2005-02-01")

    owed = distribution(book.events, D("2005-02-01")).receipts[0].owed()

    assert list(owed) == ["L"] and sum(owed.values()) == Decimal("1000.00")


def test_shares_short_of_the_commitment_refuse_the_split_naming_the_note():
    book = Book().note("T", face="1000").advance("T", "1000", "2005-01-03")
    book.record(facts.SetLenderPosition, note="T", lender="A", commitment="600", effective_date="2005-01-03")
    book.pay("10", "2005-01-10", note="T", component="principal")

    with pytest.raises(ReportRefused, match="shares of note T add up to 600.00 on 2005-01-10, not its commitment 1000.00"):
        distribution(book.events, D("2005-01-10"))


def test_balance_by_lender_splits_principal_by_share():
    book = assign(syndicate(*THIRDS), "L1", "L4", "1", "2005-01-14")

    lines = balance_by_lender(book.events, D("2005-01-14"))

    assert [(x.lender, x.principal) for x in lines] == [
        ("L1", Decimal("99999999.00")), ("L2", Decimal("100000000.00")), ("L3", Decimal("100000000.00")),
        ("L4", Decimal("1.00"))]


cents = st.integers(min_value=1, max_value=50_000_000).map(lambda c: f"{Decimal(c) / 100:.2f}")


@st.composite
def syndicated_histories(draw):
    lenders = [f"L{i}" for i in range(draw(st.integers(1, 5)))]
    weights = [draw(st.integers(1, 1000)) for _ in lenders]
    face = Decimal(draw(st.integers(10_000, 10_000_000)))
    shares = [face * w // sum(weights) for w in weights]
    shares[0] += face - sum(shares)
    book = Book().note("T", face=str(face), interest={"rate": draw(st.sampled_from(["0", "3.3", "7.125"]))},
                       day_count=draw(st.sampled_from(["ACT/360", "30/360", "ACT/365F"])))
    book.note("U", face="1000000", interest={"rate": "5"})
    for lender, share in zip(lenders, shares):
        book.record(facts.SetLenderPosition, note="T", lender=lender, commitment=str(share), effective_date="2005-01-03")
    book.advance("T", str(face), "2005-01-03").advance("U", "500000", "2005-01-03")
    day = date(2005, 1, 4)
    for _ in range(draw(st.integers(1, 10))):
        day += timedelta(days=draw(st.integers(1, 25)))
        kind = draw(st.sampled_from(["payment", "principal", "fee", "assignment"]))
        if kind == "payment":
            book.pay(draw(cents), day.isoformat())
        elif kind == "principal":
            component = draw(st.sampled_from([None, "principal"]))
            book.pay(draw(cents), day.isoformat(), note="T", **({"component": component} if component else {}))
        elif kind == "fee":
            book.record(facts.AssessFee, amount=draw(cents), kind="other", effective_date=day.isoformat(),
                        note=draw(st.sampled_from([None, "T"])), basis="b")
        else:
            from domain.calendars import calendar_for
            settled = calendar_for("US-FED").following(day)
            held = book.facility._holdings("T", settled)
            assignor = draw(st.sampled_from(sorted(held)))
            amount = min(held[assignor], Decimal(draw(st.integers(1, int(face)))))
            if amount > 0:
                assign(book, assignor, draw(st.sampled_from([x for x in ("L0", "L1", "L9") if x != assignor])),
                       str(amount), settled.isoformat(),
                       accrued=draw(st.sampled_from(["to_seller", "to_buyer"])))
            day = settled
    return book


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(syndicated_histories())
def test_lenders_parts_add_up_to_every_allocation_to_the_cent(book):
    """Property: for every receipt (and every credit application), each allocation's lenders'
    parts add up to it exactly, and the lenders owed add up to what was allocated."""
    sweep = Sweep(book.events, explain=True)
    sweep.run_to(date(2006, 1, 1))
    receipts = Splitter(sweep).receipts()
    allocated = sum((a.amount for p in sweep.journal.payments for a in p.allocations), Decimal(0)) + sum(
        (a.amount for c in sweep.journal.credit for a in c.allocations), Decimal(0))

    for r in receipts:
        by_item: dict = {}
        for part in r.parts:
            assert part.amount >= 0
            key = (part.note, part.component, part.label)
            by_item[key] = by_item.get(key, Decimal(0)) + part.amount
        assert sum(by_item.values(), Decimal(0)) == r.allocated
    assert sum((sum(r.owed().values(), Decimal(0)) for r in receipts), Decimal(0)) == allocated


# ---- the commands, on both backends ----------------------------------------------------------

def syndicated(db_url):
    run(db_url, "facility", "open", "SYND-1", "--borrower", "Harbor View LLC", "--lender", "Agent Bank",
        "--agreement-date", "2024-01-15")
    run(db_url, "note", "issue", "SYND-1", "TL", "--kind", "term", "--face-amount", "300000000",
        "--issue-date", "2024-01-15", "--maturity-date", "2029-01-15", "--rate", "7")
    for lender in ("Bank A", "Bank B", "Fund C"):
        run(db_url, "lender", "set", "SYND-1", "--note", "TL", "--lender", lender, "--commitment", "100000000",
            "--date", "2024-01-15")
    run(db_url, "record", "advance", "SYND-1", "--note", "TL", "--amount", "300000000", "--date", "2024-01-16")
    run(db_url, "record", "assignment", "SYND-1", "--note", "TL", "--from", "Bank A", "--to", "Fund D",
        "--amount", "40000000", "--trade-date", "2024-01-22", "--settlement-date", "2024-01-25")


def test_distribution_of_a_receipt_through_the_cli(db_url):
    syndicated(db_url)
    run(db_url, "record", "payment", "SYND-1", "--amount", "933333.33", "--date", "2024-02-01")
    run(db_url, "record", "distribution", "SYND-1", "--lender", "Bank B", "--amount", "311111.11", "--date", "2024-02-01")

    d = run_json(db_url, "distribution", "SYND-1", "--date", "2024-02-01")
    statement = run_json(db_url, "lender", "statement", "Bank B", "--from", "2024-01-01", "--to", "2024-02-29")
    by_lender = run_json(db_url, "balance", "SYND-1", "--as-of", "2024-02-01", "--by-lender")

    assert d["receipts"][0]["lenders"] == {"Bank A": "256666.67", "Bank B": "311111.11", "Fund C": "311111.11",
                                           "Fund D": "54444.44"}
    assert {x["lender"]: x["unpaid_to_date"] for x in d["lenders"]}["Bank B"] == "0.00"
    assert statement["owed"] == statement["paid"] == "311111.11" and statement["unpaid"] == "0.00"
    assert [(x["lender"], x["principal"]) for x in by_lender["lenders"]] == [
        ("Bank A", "60000000.00"), ("Bank B", "100000000.00"), ("Fund C", "100000000.00"), ("Fund D", "40000000.00")]


def test_a_distribution_report_known_at_a_time_is_reproduced_after_a_backdated_assignment(db_url):
    syndicated(db_url)
    run(db_url, "record", "payment", "SYND-1", "--amount", "933333.33", "--date", "2024-02-01")
    sent = run_json(db_url, "distribution", "SYND-1", "--date", "2024-02-01")
    kept_at = run_json(db_url, "events", "SYND-1")[-1]["recorded_at"]
    run(db_url, "record", "assignment", "SYND-1", "--note", "TL", "--from", "Bank B", "--to", "Fund D",
        "--amount", "50000000", "--trade-date", "2024-01-17", "--settlement-date", "2024-01-18")

    now = run_json(db_url, "distribution", "SYND-1", "--date", "2024-02-01")
    then = run_json(db_url, "distribution", "SYND-1", "--date", "2024-02-01", "--known-at", kept_at)

    assert now["receipts"][0]["lenders"] != sent["receipts"][0]["lenders"]
    assert then["receipts"] == sent["receipts"]


def test_an_assignment_beyond_what_is_held_is_refused_and_nothing_is_written(db_url):
    syndicated(db_url)
    before = stored(db_url)

    result = run(db_url, "record", "assignment", "SYND-1", "--note", "TL", "--from", "Fund D", "--to", "Bank A",
                 "--amount", "40000000.01", "--trade-date", "2024-01-26", "--settlement-date", "2024-01-26", ok=False)
    bad = run(db_url, "record", "assignment", "SYND-1", "--note", "TL", "--from", "Fund D", "--to", "Bank A",
              "--amount", "1", "--trade-date", "2024-01-26", "--settlement-date", "2024-01-26",
              "--accrued", "sometimes", ok=False)

    assert result.exit_code == 1 and "Fund D holds 40000000.00 of note TL on 2024-01-26" in result.stderr
    assert bad.exit_code == 2 and "--accrued" in bad.stderr
    assert stored(db_url) == before


def test_the_syndicated_example_imports_and_its_distributions_add_up_to_every_receipt(db_url):
    from pathlib import Path
    example = Path(__file__).resolve().parent.parent / "examples" / "syndicated-term-loan-2024.jsonl"
    run(db_url, "import", str(example))
    wires = [r for r in map(__import__("json").loads, example.read_text().splitlines()) if r["type"] == "PaymentReceived"]

    for wire in wires:
        d = run_json(db_url, "distribution", "HARBOR-TL-2024", "--date", wire["effective_date"])
        receipt = d["receipts"][0]
        assert receipt["amount"] == receipt["allocated"] == wire["amount"]
        assert sum(Decimal(v) for v in receipt["lenders"].values()) == Decimal(wire["amount"])
    final = run_json(db_url, "distribution", "HARBOR-TL-2024", "--date", "2025-01-03")
    assert len(final["lenders"]) == 7
    assert {x["unpaid_to_date"] for x in final["lenders"]} == {"0.00"}
