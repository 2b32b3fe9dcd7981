"""The seed scenario (the contract §8): replayed as of 2008-01-31 it agrees with the letter."""

from datetime import date
from decimal import Decimal

from domain.events import DefaultNoticeIssued
from domain.money import to_dollars
from projections.json_views import past_due_json
from projections.report import explain, report
from tests.streams import read_jsonl, ROOT, seed_events

NOTICE = date(2008, 1, 31)


def figures():
    return report(seed_events(), NOTICE)


def test_principal_past_due_is_10_350_000():
    assert figures().past_due.component("principal").amount == Decimal("10350000.00")


def test_accrued_interest_rounds_to_96_777():
    assert figures().past_due.component("interest").amount == Decimal("96777.00")
    assert figures().position.interest == Decimal("96777.00")


def test_default_fees_are_thirty_percent_of_principal_and_interest_and_round_to_3_134_033():
    """0.30 × (10,350,000 + 96,777) = 3,134,033.10, charged note by note on acceleration."""
    fees = figures().past_due.component("fees").amount
    assert fees == Decimal("3134033.10") and to_dollars(fees) == Decimal("3134033")
    premiums = explain(seed_events(), NOTICE).premiums
    assert {p.rate for p in premiums} == {Decimal("30")} and len(premiums) == 4
    assert sum(p.base for p in premiums) == Decimal("10446777.00")


def test_total_rounds_to_13_580_810():
    assert to_dollars(figures().past_due.total.amount) == Decimal("13580810")


def test_the_notice_agrees_with_the_engine_within_a_dollar_per_figure():
    events = seed_events()
    notice = next(e for e in events if isinstance(e, DefaultNoticeIssued))
    due = report(events, notice.effective_date, notice.recorded_at).past_due
    computed = {"principal": due.component("principal").amount, "interest": due.component("interest").amount,
                "fees": due.component("fees").amount, "total": due.total.amount}
    for name, amount in computed.items():
        assert abs(amount - getattr(notice.stated_past_due, name)) <= 1, name


def test_past_due_json_has_the_design_shape():
    data = past_due_json(figures().past_due)
    assert list(data) == ["facility", "as_of", "known_at", "principal", "interest", "fees", "total",
                          "days_past_due", "bucket", "notes"]
    assert data["principal"] == "10350000.00" and data["total"] == "13580810.10"
    assert set(data["notes"]) == {"REVOLVER", "MBN", "TERM-A", "TERM-B"}
    assert data["notes"]["TERM-B"]["principal"] == "2000000.00"


def test_no_event_carries_a_typed_in_figure_except_the_notice():
    """Only DefaultNoticeIssued states past-due figures; no record holds the interest or fee totals."""
    text = (ROOT / "examples" / "atg-laurus-2005.jsonl").read_text()
    for record in read_jsonl(ROOT / "examples" / "atg-laurus-2005.jsonl"):
        if record["type"] != "DefaultNoticeIssued":
            assert "96777" not in str(record) and "3134033" not in str(record) and "13580810" not in str(record)
    assert text.count("stated_past_due") == 1


def test_effective_dates_are_on_or_after_the_agreement_date_except_index_rates():
    for record in read_jsonl(ROOT / "examples" / "atg-laurus-2005.jsonl"):
        day = record.get("effective_date") or record.get("issue_date") or record.get("agreement_date")
        if day and record["type"] != "IndexRateSet":
            assert day >= "2005-09-07", record


def test_before_the_notice_nothing_was_accelerated():
    """As of 2008-01-30 only Term B's matured principal (due 31 Dec 2007) and the unpaid
    part of December's interest are past due; no default fees."""
    due = report(seed_events(), date(2008, 1, 30)).past_due
    assert due.component("principal").amount == Decimal("2000000.00")
    assert due.component("fees").amount == 0
    assert due.days_past_due == 30


def test_the_notice_check_reports_agreement_and_names_differences():
    from projections.notices import check_notices

    [check] = check_notices(seed_events())
    assert check.agrees and check.computed["total"] == Decimal("13580810.10")
    tampered = [e.model_copy(update={"stated_past_due": e.stated_past_due.model_copy(
        update={"interest": Decimal("96700.00"), "total": Decimal("13580733.00")})})
        if isinstance(e, DefaultNoticeIssued) else e for e in seed_events()]
    [bad] = check_notices(tampered)
    assert set(bad.differences) == {"interest", "total"}
