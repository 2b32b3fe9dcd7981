"""Payoff (docs/arithmetic.md, "Payoff"): the quote's figures derived by hand, and the property
that paying the quoted total on its date with a payoff payment leaves nothing owed, in the
engine and through the command line on both backends."""

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.business_days import calendar_for
from projections.errors import ReportRefused
from projections.report import past_due_as_of, payoff_on, position_as_of
from tests.helpers import OPEN, run, run_json
from tests.streams import accelerate, advance, append, note, opened, payment, stream

LATER = datetime(2026, 1, 2, tzinfo=timezone.utc)
PREMIUM = [{"until": "2005-12-31", "rate": "2"}, {"until": "2006-12-31", "rate": "1"}]


def history():
    return stream(opened(), note("A", prepayment_premium=PREMIUM), advance("100000", "2005-01-03", "A"),
                  note("R", kind="revolving", unused_fee={"rate": "0.5", "period_months": 3}),
                  advance("50000", "2005-02-01", "R"))


def paid_off(events, day: date, amount: Decimal):
    return append(events, payment(str(amount), day.isoformat(), payoff=True), at=LATER)


def test_the_payoff_quote_adds_principal_interest_fees_and_premium():
    quote = payoff_on(history(), date(2005, 3, 15))

    a, r = quote.notes
    # A: 100,000 at 6% ACT/360 from 3 Jan: bills of 29 and 28 days unpaid, then 1..15 Mar (14 days,
    # the payoff day itself earns nothing): 100,000 × 6 × 71 / 36,000 = 1,183.33; premium 2% = 2,000.00
    assert (a.principal, a.interest, a.prepayment_premium, a.total) == (
        Decimal("100000"), Decimal("1183.33"), Decimal("2000.00"), Decimal("103183.33"))
    # R: 50,000 from 1 Feb, 42 days: 350.00; unused fee 29 days on 1,000,000 + 42 on 950,000 at 0.5%:
    # 68,900,000 × 0.5 / 36,000 = 956.94
    assert (r.principal, r.interest, r.fees, r.total) == (
        Decimal("50000"), Decimal("350.00"), Decimal("956.94"), Decimal("51306.94"))
    assert quote.total == Decimal("154490.27")
    # per diem: 100,000 × 6 / 36,000 = 16.67 and 50,000 × 6 / 36,000 = 8.33
    assert (a.per_diem, r.per_diem, quote.per_diem) == (Decimal("16.67"), Decimal("8.33"), Decimal("25.00"))


def test_the_premium_tier_is_the_first_whose_date_is_not_past():
    quote = payoff_on(history(), date(2006, 1, 3))

    assert quote.notes[0].prepayment_premium == Decimal("1000.00")  # 1% after 2005-12-31


def test_paying_the_quote_leaves_nothing_and_a_short_payoff_leaves_items_past_due():
    events, day = history(), date(2005, 3, 15)
    quote = payoff_on(events, day)

    full, short = paid_off(events, day, quote.total), paid_off(events, day, quote.total - 100)

    assert position_as_of(full, day).total == 0 and past_due_as_of(full, day).total.amount == 0
    assert past_due_as_of(short, day).component("principal").amount == Decimal("100.00")


def test_an_earlier_payment_reduces_the_quote_by_its_amount():
    events = append(history(), payment("500", "2005-01-10"), at=LATER)  # nothing due yet: credit

    quote = payoff_on(events, date(2005, 3, 15))

    assert quote.unapplied_credit == Decimal("0")  # the credit paid the bills as they fell due
    assert quote.total == Decimal("154490.27") - 500


BUSINESS = calendar_for("US-FED")


ON_DAY = st.sampled_from([None, "margin", "maturity", "fee_rate", "pik_rate"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(draws=st.lists(st.tuples(st.integers(0, 300), st.integers(1, 50)), max_size=5),
       pays=st.lists(st.tuples(st.integers(0, 300), st.integers(1, 30)), max_size=4),
       offset=st.integers(1, 400), with_fee=st.booleans(), overdue=st.sampled_from([None, "2"]),
       pik=st.sampled_from([None, "2"]), amended=ON_DAY, amended_on=st.integers(1, 400),
       accelerated=st.sampled_from([None, "before", "on the day"]))
def test_paying_the_payoff_amount_on_its_date_leaves_zero(draws, pays, offset, with_fee, overdue, pik, amended,
                                                         amended_on, accelerated):
    a_terms = {"prepayment_premium": PREMIUM, "amortization": [{"due_date": "2005-06-01", "amount": "10000"}],
               "default_margin": "2", "default_premium": {"rate": "5", "base": "principal_and_interest"}}
    a_terms |= {"overdue_margin": overdue} if overdue else {}
    a_terms |= {"pik_rate": pik} if pik else {}
    r_terms = {"unused_fee": {"rate": "0.375"}} if with_fee else {}
    records = [opened(), note("A", **a_terms), note("R", kind="revolving", **r_terms),
               advance("50000", "2005-01-03", "A")]
    records += [advance(str(k * 1000), (date(2005, 1, 3) + timedelta(days=d)).isoformat(), "R") for d, k in draws]
    records += [payment(str(k * 100), (date(2005, 1, 3) + timedelta(days=d)).isoformat()) for d, k in pays]
    when = (date(2005, 1, 3) + timedelta(days=amended_on)).isoformat()
    if amended == "margin":  # A's fixed rate changes (kept above its PIK part)
        records.append(_amend("A", when, rate="7.5"))
    elif amended == "maturity":  # A's maturity brought forward: its principal falls due then
        records.append(_amend("A", when, maturity_date=(date(2005, 1, 3) + timedelta(days=amended_on + 30)).isoformat()))
    elif amended == "fee_rate" and with_fee:
        records.append(_amend("R", when, fee_rate="0.5"))
    elif amended == "pik_rate" and pik:
        records.append(_amend("A", when, pik_rate="1"))
    day = date(2005, 1, 3) + timedelta(days=offset)
    if accelerated is not None:
        records.append(accelerate((day if accelerated == "on the day" else day - timedelta(days=1)).isoformat()))
    events = stream(*sorted(records, key=lambda r: r.get("effective_date", "")))  # facility and notes first

    if not BUSINESS.is_business_day(day):  # refused, naming the day a payment dated then takes effect
        with pytest.raises(ReportRefused, match=f"{day} is not a business day.*takes effect on {BUSINESS.following(day)}"):
            payoff_on(events, day)
        return
    try:
        quote = payoff_on(events, day)
    except ReportRefused as refused:  # only for credit held on an acceleration day (test below)
        assert accelerated == "on the day" and "unapplied credit" in str(refused) and pays
        return
    after = paid_off(events, day, quote.total) if quote.total > 0 else events

    position = position_as_of(after, day)
    assert position.principal == 0 and position.interest == 0 and position.fees == 0
    if quote.total > 0:
        assert position.unapplied_credit == 0
    assert past_due_as_of(after, day).total.amount == 0


def _amend(code: str, day: str, **terms) -> dict:
    return {"type": "TermsAmended", "note": code, "effective_date": day, "terms": terms, "basis": "Amendment No. 1"}


# ---- payoff on the day of an acceleration ------------------------------------------------------

def accelerated_history(*more):
    """100,000 on A at 6% ACT/360 from 3 Jan 2005, 5% default premium on principal; no prepayment
    premium; accelerated on Tuesday 15 Mar 2005."""
    return stream(opened(), note("A", default_margin="2", default_premium={"rate": "5", "base": "principal"}),
                  advance("100000", "2005-01-03", "A"), *more, accelerate("2005-03-15"))


def test_a_payoff_on_the_day_of_an_acceleration_comes_before_it_and_owes_no_default_premium():
    events, day = accelerated_history(), date(2005, 3, 15)

    quote = payoff_on(events, day)
    after = paid_off(events, day, quote.total)

    # the payment comes before the acceleration (payments, then fees and acceleration): principal
    # 100,000 and interest 29 + 28 + 14 = 71 days at 6% (the default margin starts on the 15th,
    # which earns nothing): 100,000 × 6 × 71 / 36,000 = 1,183.33; the acceleration then finds no
    # principal, so no 5% premium (it was quoted as 5,000.00 and left as credit before)
    assert (quote.notes[0].principal, quote.notes[0].interest, quote.notes[0].fees) == (
        Decimal("100000"), Decimal("1183.33"), Decimal("0"))
    assert quote.total == Decimal("101183.33")
    position = position_as_of(after, day)
    assert (position.total, position.unapplied_credit) == (0, 0)
    assert past_due_as_of(after, day).total.amount == 0


def test_a_quote_on_the_day_of_an_acceleration_charges_the_prepayment_premium_the_payment_meets():
    events = stream(opened(), note("A", prepayment_premium=PREMIUM, default_premium={"rate": "5", "base": "principal"}),
                    advance("100000", "2005-01-03", "A"), accelerate("2005-03-15"))
    day = date(2005, 3, 15)

    quote = payoff_on(events, day)
    after = paid_off(events, day, quote.total)

    # before the acceleration the principal is not yet due: 2% prepayment premium = 2,000.00
    assert quote.notes[0].prepayment_premium == Decimal("2000.00")
    assert quote.total == Decimal("100000") + Decimal("1183.33") + Decimal("2000.00")
    assert position_as_of(after, day).total == 0 and position_as_of(after, day).unapplied_credit == 0


def test_a_quote_the_day_after_an_acceleration_includes_its_premium_and_leaves_zero():
    events, day = accelerated_history(), date(2005, 3, 16)

    quote = payoff_on(events, day)
    after = paid_off(events, day, quote.total)

    # premium 5% of 100,000 = 5,000.00 charged on the 15th; interest 71 days at 6% + the 15th at
    # 6 + 2 = 8%: 1,183.33 + 22.22 = 1,205.56 (rounded once: 100,000 × (6 × 71 + 8) / 36,000)
    assert quote.notes[0].fees == Decimal("5000.00")
    assert quote.total == Decimal("100000") + Decimal("1205.56") + Decimal("5000.00")
    assert position_as_of(after, day).total == 0 and position_as_of(after, day).unapplied_credit == 0


def test_credit_held_on_the_day_of_an_acceleration_refuses_the_quote_naming_why():
    # 3,000 paid on 10 Jan with nothing due is credit; the bills of 1 Feb (29 days, 483.33) and
    # 1 Mar (28 days, 466.67) take 950.00 of it: 2,050.00 is left on 15 Mar. A payoff of the quote
    # (which nets it) would leave 2,050.00 of principal for the credit, applied only after the
    # acceleration, which charges 5% on it: refused
    events = accelerated_history(payment("3000", "2005-01-10"))

    with pytest.raises(ReportRefused, match=r"no payoff quote for 2005-03-15: an acceleration of note A .*"
                                            r"unapplied credit of 2050\.00.*quote for 2005-03-16"):
        payoff_on(events, date(2005, 3, 15))
    assert payoff_on(events, date(2005, 3, 14)).unapplied_credit == Decimal("2050.00")


# ---- through the command line, on both backends ---------------------------------------------

TERM = ["note", "issue", "ACME-1", "TERM", "--kind", "term", "--face-amount", "500000",
        "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "8",
        "--prepayment-premium", "2025-01-15:2", "--prepayment-premium", "2026-01-15:1"]


def test_payoff_quote_then_a_payoff_payment_leaves_nothing(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "400000", "--date", "2024-01-16")

    quote = run_json(db_url, "payoff", "ACME-1", "--good-through", "2024-02-28")
    run(db_url, "record", "payment", "ACME-1", "--amount", quote["total"], "--date", "2024-02-28", "--payoff")
    balance = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-02-28")

    # 400,000 at 8% ACT/360: 16 Jan..1 Feb (16 days) billed 1,422.22; 1..28 Feb (27 days) 2,400.00;
    # premium 2% of 400,000 = 8,000.00; per diem 400,000 × 8 / 36,000 = 88.89
    assert quote["notes"][0] == {
        "note": "TERM", "principal": "400000.00", "interest": "3822.22", "fees": "0.00",
        "prepayment_premium": "8000.00", "total": "411822.22", "per_diem": "88.89"}
    assert quote["total"] == "411822.22"
    assert balance["total"] == "0.00" and balance["unapplied_credit"] == "0.00"


def test_a_payoff_payment_to_a_note_is_a_usage_error(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)

    result = run(db_url, "record", "payment", "ACME-1", "--amount", "1", "--date", "2024-02-28", "--payoff",
                 "--note", "TERM", ok=False)

    assert result.exit_code == 2 and "a payoff pays off every note" in result.stderr


def test_a_quote_for_a_day_no_payment_can_take_effect_is_refused_naming_the_value_date():
    # Saturday 19 Mar 2005: a payoff payment dated then takes effect on Monday 21 Mar, two days'
    # interest later, so paying a quote "good through" the Saturday left 33.33 of principal owed
    with pytest.raises(ReportRefused, match="2005-03-19 is not a business day.*takes effect on 2005-03-21"):
        payoff_on(history(), date(2005, 3, 19))
    assert payoff_on(history(), date(2005, 3, 21)).total > 0


def test_payoff_for_a_non_business_day_exits_1_with_one_message(db_url):
    for command in (OPEN, TERM):
        run(db_url, *command)

    result = run(db_url, "payoff", "ACME-1", "--good-through", "2024-02-17", ok=False)  # a Saturday

    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "not a business day" in result.stderr and "2024-02-20" in result.stderr  # Monday 19 Feb: Presidents' Day


def test_the_seed_paid_off_on_its_acceleration_day_owes_no_default_premium_and_a_day_later_the_notice_total(sqlite_url):
    # ATG-LAURUS-2005 was accelerated on 31 Jan 2008 (the notice of default: 13,580,810.10 with
    # 3,134,033.10 of default premiums). Paid off on 31 Jan, the payment comes before the
    # acceleration: no premium, and the 31st itself earns no interest. Paid off on 1 Feb, it owes
    # exactly the notice's total (interest to 1 Feb exclusive = interest through the 31st).
    code = "ATG-LAURUS-2005"
    run(sqlite_url, "demo")
    on_the_day = run_json(sqlite_url, "payoff", code, "--good-through", "2008-01-31")
    next_day = run_json(sqlite_url, "payoff", code, "--good-through", "2008-02-01")

    assert next_day["total"] == "13580810.10"
    assert all(n["fees"] == "0.00" and n["prepayment_premium"] == "0.00" for n in on_the_day["notes"])
    assert sum(Decimal(n["principal"]) for n in on_the_day["notes"]) == Decimal("10350000")
    assert sum(Decimal(n["interest"]) for n in on_the_day["notes"]) < Decimal("96777.00")
    run(sqlite_url, "record", "payment", code, "--amount", on_the_day["total"], "--date", "2008-01-31", "--payoff")
    balance = run_json(sqlite_url, "balance", code, "--as-of", "2008-01-31")
    assert balance["total"] == "0.00" and balance["unapplied_credit"] == "0.00"


def test_payoff_on_an_acceleration_day_with_credit_held_exits_1_naming_why_and_the_letter_too(db_url, tmp_path):
    for command in (OPEN, ["note", "issue", "ACME-1", "TERM", "--kind", "term", "--face-amount", "500000",
                           "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "8",
                           "--default-premium-rate", "5", "--default-premium-base", "principal"]):
        run(db_url, *command)
    run(db_url, "record", "advance", "ACME-1", "--note", "TERM", "--amount", "400000", "--date", "2024-01-16")
    run(db_url, "record", "payment", "ACME-1", "--amount", "5000", "--date", "2024-01-20")  # nothing due: credit
    run(db_url, "record", "default", "ACME-1", "--date", "2024-02-20", "--clause", "§7", "--description", "covenant")
    run(db_url, "record", "acceleration", "ACME-1", "--date", "2024-02-28")

    quote = run(db_url, "payoff", "ACME-1", "--good-through", "2024-02-28", ok=False)
    letter = run(db_url, "notice", "render", "ACME-1", "--kind", "payoff-quote", "--good-through", "2024-02-28",
                 "-o", str(tmp_path / "letter.html"), ok=False)

    # the 1 Feb bill (16 days on 400,000 at 8% = 1,422.22) took that much of the 5,000: 3,577.78 held
    for result in (quote, letter):
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "unapplied credit of 3577.78" in result.stderr and "quote for 2024-02-29 instead" in result.stderr
    assert not (tmp_path / "letter.html").exists()
    day_after = run_json(db_url, "payoff", "ACME-1", "--good-through", "2024-02-29")
    # 5% of 400,000 = 20,000.00 charged on the 28th, the credit then paid 3,577.78 of it (fees first)
    assert (day_after["notes"][0]["fees"], day_after["unapplied_credit"]) == ("16422.22", "0.00")
    run(db_url, "record", "payment", "ACME-1", "--amount", day_after["total"], "--date", "2024-02-29", "--payoff")
    balance = run_json(db_url, "balance", "ACME-1", "--as-of", "2024-02-29")
    assert balance["total"] == "0.00" and balance["unapplied_credit"] == "0.00"
