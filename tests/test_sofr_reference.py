"""SOFR-era interest against the field's references (the contract §10; docs/arithmetic.md, "SOFR-era
interest"): each note's first period, billed by the engine from a facility's events and the
market's fixings, equals QuantLib's overnight-indexed coupon (compounded in arrears with lookback,
lockout and observation shift; daily simple = QuantLib's simple averaging) to the cent, over
random periods and principals; plain compounding equals the ratio of the SOFR Index built by the
New York Fed's published method from the published fixings shipped in examples/."""

import csv
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

import QuantLib as ql
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from domain.money import to_cents
from projections.business_days import calendar_for
from projections.engine import Sweep
from projections.fixings import Fixings
from projections.schedule import period_end_after
from tests.streams import ROOT, advance, note, opened, stream

GOVT = calendar_for("US-GOVT")
FIRST, LAST = date(2021, 1, 4), date(2025, 12, 31)


def _synthetic_sofr() -> dict[date, Decimal]:
    """Two-decimal rates (as SOFR is published) on every US-GOVT business day, a random walk
    with negative days included to exercise the index floor."""
    rng, rate, out, day = random.Random(15), Decimal("0.05"), {}, FIRST - timedelta(days=30)
    while day <= LAST + timedelta(days=200):
        if GOVT.is_business_day(day):
            rate = max(Decimal("-0.20"), min(Decimal("6.50"), rate + Decimal(rng.randint(-8, 9)) / 100))
            out[day] = rate
        day += timedelta(days=1)
    return out


SOFR = _synthetic_sofr()
FIXINGS = Fixings({"SOFR": SOFR})
QL_SOFR = ql.Sofr()
for _day, _rate in SOFR.items():
    QL_SOFR.addFixing(ql.Date(_day.day, _day.month, _day.year), float(_rate) / 100, True)
ql.Settings.instance().evaluationDate = ql.Date(1, 1, 2027)


def _ql(day: date) -> ql.Date:
    return ql.Date(day.day, day.month, day.year)


def quantlib_interest(start: date, end: date, principal: Decimal, spread: Decimal, averaging: int,
                      lookback: int, lockout: int, shift: bool) -> Decimal:
    coupon = ql.OvernightIndexedCoupon(
        _ql(end), float(principal), _ql(start), _ql(end), QL_SOFR, 1.0, float(spread) / 100, ql.Date(), ql.Date(),
        ql.Actual360(), False, averaging, lookback, lockout, shift)
    return Decimal(repr(coupon.amount()))


def first_bill(issue: date, months: int, principal: Decimal, interest: dict) -> tuple[date, Decimal]:
    """The engine's first bill of a note issued and drawn on `issue`: (period end, exact interest)."""
    events = stream(
        opened("SOFR-1", agreement_date=issue.isoformat(), calendar="US-GOVT"),
        note("A", issue_date=issue.isoformat(), maturity_date=(issue + timedelta(days=800)).isoformat(),
             interest={"index": "SOFR", "interest_period_months": months, **interest}),
        advance(f"{principal:.2f}", issue.isoformat()),
    )
    end = period_end_after(issue, issue, months, "US-GOVT")
    sweep = Sweep(events, fixings=FIXINGS)
    sweep.run_to(end)
    bills = sweep.journal.bills
    assert len(bills) == 1 and bills[0].period_start == issue and bills[0].period_end == end
    return end, bills[0].exact


business_days = st.dates(FIRST, LAST).map(GOVT.following)
principals = st.integers(100_00, 250_000_000_00).map(lambda cents: Decimal(cents) / 100)
spreads = st.integers(0, 400).map(lambda bp: Decimal(bp) / 100)  # margin + CSA, % p.a.
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(start=business_days, months=st.sampled_from([1, 3, 6]), principal=principals, margin=spreads,
       csa=st.sampled_from(["0", "0.11448", "0.26161"]), lookback=st.integers(0, 5), lockout=st.integers(0, 3),
       shift=st.booleans())
def test_compounded_in_arrears_equals_quantlibs_overnight_indexed_coupon(start, months, principal, margin, csa,
                                                                         lookback, lockout, shift):
    terms = {"convention": "compounded_in_arrears", "margin": str(margin), "spread_adjustment": csa,
             "lookback_days": lookback, "lockout_days": lockout, "observation_shift": shift}
    end, exact = first_bill(start, months, principal, terms)

    reference = quantlib_interest(start, end, principal, margin + Decimal(csa), ql.RateAveraging.Compound,
                                  lookback, lockout, shift)

    assert abs(exact - reference) < Decimal("0.0001"), (exact, reference)
    assert abs(to_cents(exact) - reference.quantize(Decimal("0.01"), ROUND_HALF_UP)) <= Decimal("0.01")


@SETTINGS
@given(start=business_days, months=st.sampled_from([1, 3, 6]), principal=principals, margin=spreads,
       lookback=st.integers(0, 5))
def test_daily_simple_equals_quantlibs_simple_averaging(start, months, principal, margin, lookback):
    terms = {"convention": "daily_simple", "margin": str(margin), "lookback_days": lookback}
    end, exact = first_bill(start, months, principal, terms)

    if lookback == 0:
        reference = quantlib_interest(start, end, principal, margin, ql.RateAveraging.Simple, 0, 0, False)
    else:  # QuantLib's coupon refuses simple averaging with a lookback: its calendar and fixings, summed
        calendar, total, day = QL_SOFR.fixingCalendar(), 0.0, start
        while day < end:
            seen = calendar.advance(calendar.adjust(_ql(day), ql.Preceding), -lookback, ql.Days)
            total += QL_SOFR.fixing(seen) + float(margin) / 100
            day += timedelta(days=1)
        reference = Decimal(repr(float(principal) * total / 360))

    assert abs(exact - reference) < Decimal("0.0001"), (exact, reference)


def test_a_period_starting_on_good_friday_uses_quantlibs_reading_of_the_lookback():
    """2023-04-07 is a Fed business day but no SOFR is published (US-GOVT closed)."""
    events = stream(
        opened("SOFR-1", agreement_date="2023-04-07"),
        note("A", issue_date="2023-04-07", maturity_date="2026-04-07",
             interest={"index": "SOFR", "convention": "compounded_in_arrears", "lookback_days": 2,
                       "observation_shift": True}),
        advance("10000000.00", "2023-04-07"),
    )
    sweep = Sweep(events, fixings=FIXINGS)
    sweep.run_to(date(2023, 5, 8))
    bill = sweep.journal.bills[0]

    reference = quantlib_interest(date(2023, 4, 7), date(2023, 5, 8), Decimal("10000000"), Decimal(0),
                                  ql.RateAveraging.Compound, 2, 0, True)

    assert (bill.period_start, bill.period_end) == (date(2023, 4, 7), date(2023, 5, 8))
    assert abs(bill.exact - reference) < Decimal("0.0001")
    assert bill.sub_intervals[0].observation_start == date(2023, 4, 4)


# ---- the SOFR Index ------------------------------------------------------------------------------


def published_sofr() -> dict[date, Decimal]:
    """The New York Fed's published SOFR shipped in examples/ (see examples/README.md)."""
    with open(ROOT / "examples" / "nyfed-sofr-2026.csv", newline="") as file:
        rows = [r for r in csv.DictReader(file) if r["Rate Type"] == "SOFR"]
    return {date(int(r["Effective Date"][6:]), int(r["Effective Date"][:2]), int(r["Effective Date"][3:5])):
            Decimal(r["Rate (%)"]) for r in rows}


PUBLISHED = published_sofr()


def sofr_index(fixings: dict[date, Decimal], rounded: bool = True) -> dict[date, Decimal]:
    """The SOFR Index by the New York Fed's published method: on each business day, the previous
    index × (1 + SOFR of the previous business day × days it applies / 360), rounded to eight
    decimals; started at 1.00000000 on the first day of the sample (`rounded` False: unrounded)."""
    days = sorted(fixings)
    index = {days[0]: Decimal("1.00000000")}
    with localcontext(Context(prec=60)):
        for before, day in zip(days, days[1:]):
            grown = index[before] * (1 + fixings[before] * (day - before).days / Decimal(36000))
            index[day] = grown.quantize(Decimal("1e-8"), ROUND_HALF_UP) if rounded else grown
    return index


INDEX = sofr_index(PUBLISHED)
UNROUNDED = sofr_index(PUBLISHED, rounded=False)
PUBLISHED_DAYS = sorted(PUBLISHED)


def test_the_sample_holds_the_published_business_days_of_2026():
    assert PUBLISHED_DAYS[0] == date(2026, 1, 2) and PUBLISHED_DAYS[-1] == date(2026, 8, 3)
    assert PUBLISHED[date(2026, 1, 2)] == Decimal("3.75")
    assert date(2026, 4, 3) not in PUBLISHED  # Good Friday: no SOFR
    assert all(GOVT.is_business_day(d) for d in PUBLISHED)


def plain_compounded_interest(principal: Decimal, start: date, end: date, fixings: dict) -> Decimal:
    """The engine's interest on `principal` advanced on `start`, compounded in arrears with no
    lookback, shift or lockout (one 6-month period), accrued up to `end` exclusive."""
    events = stream(
        opened("SOFR-1", agreement_date=start.isoformat(), calendar="US-GOVT"),
        note("A", issue_date=start.isoformat(), maturity_date="2029-01-02",
             interest={"index": "SOFR", "convention": "compounded_in_arrears", "interest_period_months": 6}),
        advance(f"{principal:.2f}", start.isoformat()),
    )
    sweep = Sweep(events, fixings=Fixings({"SOFR": fixings}))
    sweep.run_to(end)
    accrued, _ = sweep.notes["A"].accruer.through_end_of(end - timedelta(days=1))
    return accrued


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), principal=st.integers(1_000_00, 250_000_000_00).map(lambda c: Decimal(c) / 100))
def test_plain_compounding_equals_the_sofr_index_ratio(data, principal):
    """No lookback, no shift, no lockout: interest = principal × (Index(end) / Index(start) − 1).
    Each day's index is rounded to eight decimals and the next grows from the rounded one, so the
    ratio carries up to ~4e-8 of relative rounding over half a year: the two agree to the cent
    for principals up to $100,000 and within that relative error above (docs/arithmetic.md)."""
    first = data.draw(st.integers(0, len(PUBLISHED_DAYS) - 3))
    start = PUBLISHED_DAYS[first]
    in_period = [d for d in PUBLISHED_DAYS if start < d < period_end_after(start, start, 6, "US-GOVT")]
    end = data.draw(st.sampled_from(in_period))
    accrued = plain_compounded_interest(principal, start, end, PUBLISHED)

    by_index = principal * (INDEX[end] / INDEX[start] - 1)

    steps = sum(1 for d in PUBLISHED_DAYS if start < d <= end)
    if principal <= 100_000:
        assert abs(to_cents(accrued) - to_cents(by_index)) <= Decimal("0.01"), (start, end, accrued, by_index)
    assert abs(accrued - by_index) <= principal * steps * Decimal("5e-9") + Decimal("0.005")
    unrounded = principal * (UNROUNDED[end] / UNROUNDED[start] - 1)
    assert abs(accrued - unrounded) < Decimal("1e-12"), (start, end, accrued, unrounded)


# ---- the New York Fed's published SOFR Index (2023) ---------------------------------------------


def published_2023() -> tuple[dict[date, Decimal], dict[date, Decimal]]:
    """examples/nyfed-sofr-index-2023.csv: the New York Fed's published SOFR and SOFR Index for
    every business day of 2023 (source: docs/market-data.md, "What ships in examples/")."""
    fixings, index = {}, {}
    with open(ROOT / "examples" / "nyfed-sofr-index-2023.csv", newline="") as file:
        for row in csv.DictReader(file):
            month, day, year = (int(part) for part in row["Effective Date"].split("/"))
            if row["Rate Type"] == "SOFR":
                fixings[date(year, month, day)] = Decimal(row["Rate (%)"])
            elif row["Rate Type"] == "SOFRAI":
                index[date(year, month, day)] = Decimal(row["SOFR Index"])
    return fixings, index


SOFR_2023, SOFR_INDEX_2023 = published_2023()
DAYS_2023 = sorted(SOFR_2023)


def test_the_2023_sample_holds_a_fixing_and_an_index_value_for_each_business_day():
    assert DAYS_2023[0] == date(2023, 1, 3) and DAYS_2023[-1] == date(2023, 12, 29) and len(DAYS_2023) == 249
    assert sorted(SOFR_INDEX_2023) == DAYS_2023
    assert SOFR_2023[date(2023, 7, 27)] == Decimal("5.31") and SOFR_INDEX_2023[date(2023, 1, 3)] == Decimal("1.06018323")
    assert date(2023, 4, 7) not in SOFR_2023  # Good Friday: the bond market was closed, no SOFR


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), principal=st.integers(1_000_00, 250_000_000_00).map(lambda c: Decimal(c) / 100))
def test_plain_compounding_equals_the_published_sofr_index_ratio(data, principal):
    """No lookback, no shift, no lockout, from one business day d1 to another d2 within a 6-month
    period: interest = principal × (SOFR Index(d2) / SOFR Index(d1) − 1), the New York Fed's own
    figure. The Index is published rounded to 8 decimals (each value within 0.5e-8 of the
    unrounded chain, ~1.06-1.11 in 2023), so the ratio is within 1e-8 of the exact one: the two
    interests agree within principal × 1e-8, which is to the cent up to $500,000."""
    first = data.draw(st.integers(0, len(DAYS_2023) - 3))
    start = DAYS_2023[first]
    in_period = [d for d in DAYS_2023 if start < d < period_end_after(start, start, 6, "US-GOVT")]
    end = data.draw(st.sampled_from(in_period))
    accrued = plain_compounded_interest(principal, start, end, SOFR_2023)

    by_index = principal * (SOFR_INDEX_2023[end] / SOFR_INDEX_2023[start] - 1)

    assert abs(accrued - by_index) <= principal * Decimal("1e-8"), (start, end, accrued, by_index)
    if principal <= 500_000:
        assert abs(to_cents(accrued) - to_cents(by_index)) <= Decimal("0.01"), (start, end, accrued, by_index)
