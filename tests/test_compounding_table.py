"""Compounded SOFR through the daily-factor table (projections/compounding.py): the figures are
those of the convention's definition, whatever order the table was filled in and whether or not
the report explains (docs/arithmetic.md, "SOFR-era interest"; docs/performance.md, issue #15).

The reference below is written from the definition, step by step, independently of the table:
[a, b) cut at each US-GOVT business day; each step's rate is the fixing `lookback` business days
before the business day on or before its start (with an observation shift: the observation
period itself is shifted and a step uses its own day's fixing); locked steps reuse the rate of
the step before the lockout; the daily rate is floored at index_floor − spread adjustment;
compounded = (Π(1 + r·n/36000) − 1) × 36000 / observed days (a sub-interval whose shifted
observation period is empty, a weekend, uses the daily rate of the day it is seen on).
"""

from datetime import date, timedelta
from decimal import Decimal, localcontext

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.business_days import calendar_for
from projections.engine import Sweep
from projections.exact import WIDE
from projections.fixings import Fixings
from projections.synthetic_fixings import synthetic_sofr
from tests.streams import advance, note, opened, payment, stream

GOVT = calendar_for("US-GOVT")
SOFR = synthetic_sofr(date(2023, 11, 1), date(2026, 6, 30), seed=17)


def _before(day: date, count: int) -> date:
    day = GOVT.preceding(day)
    for _ in range(count):
        day -= timedelta(days=1)
        while not GOVT.is_business_day(day):
            day -= timedelta(days=1)
    return day


def _cuts(a: date, b: date) -> list[tuple[date, date]]:
    cuts, day = [a], a + timedelta(days=1)
    while day < b:
        if GOVT.is_business_day(day):
            cuts.append(day)
        day += timedelta(days=1)
    return [(c, cuts[i + 1] if i + 1 < len(cuts) else b) for i, c in enumerate(cuts)]


def reference_interest(piece, period: tuple[date, date], terms: dict) -> Decimal:
    p, shift, lockout = terms["lookback_days"], terms["observation_shift"], terms["lockout_days"]
    spread, margin = Decimal(terms["spread_adjustment"]), Decimal(terms["margin"])
    floor = Decimal(terms["index_floor"]) if "index_floor" in terms else None
    if shift:
        a, b = _before(piece.start, p), _before(piece.end, p)
        period_steps = _cuts(_before(period[0], p), _before(period[1], p))
        seen = GOVT.preceding
    else:
        a, b = piece.start, piece.end
        period_steps = _cuts(*period)
        seen = lambda day: _before(day, p)  # noqa: E731
    locked = (period_steps[-lockout][0], period_steps[-lockout - 1][0]) if 0 < lockout < len(period_steps) else None
    with localcontext(WIDE):
        product = Decimal(1)
        for s, e in _cuts(a, b):
            rate = SOFR[seen(locked[1] if locked and s >= locked[0] else s)]
            if floor is not None and rate + spread < floor:
                rate = floor - spread
            product *= 1 + rate * (e - s).days / Decimal(36000)
        if b > a:
            compounded = (product - 1) * 36000 / (b - a).days
        else:  # a weekend seen through a shift: no step; the rate of the day it is seen on
            compounded = max(SOFR[_before(piece.start, p)], floor - spread if floor is not None else Decimal(-100))
        return piece.principal * (compounded + spread + margin + piece.default_margin) * (piece.end - piece.start).days / 36000


def facility(issue: date, moves: list[tuple[int, int]], terms: dict, code: str = "REV") -> list:
    records = [opened(code, agreement_date="2024-01-02", calendar="US-GOVT"),
               note("R", kind="revolving", face_amount="90000000.00", issue_date=issue.isoformat(),
                    maturity_date="2027-06-30", interest={"index": "SOFR", "convention": "compounded_in_arrears",
                                                          **terms}),
               advance("10000000.00", issue.isoformat(), "R")]
    for offset, amount in moves:  # drawings (> 0) and repayments on any calendar day, weekends too
        day = (issue + timedelta(days=offset)).isoformat()
        records.append(advance(f"{amount}.00", day, "R") if amount > 0 else
                       payment(f"{-amount}.00", day, note="R", component="principal"))
    return stream(*records)


def _never_repaid_in_full(moves) -> bool:
    """Whether the note's principal (10,000,000.00 drawn on the issue date) stays above zero."""
    principal = 10_000_000
    for _, amount in sorted(moves):
        principal = max(principal + amount, 0)
        if principal == 0:
            return False
    return True


TERMS = st.fixed_dictionaries(
    {"margin": st.sampled_from(["1.5", "2.25"]), "spread_adjustment": st.sampled_from(["0", "0.11448"]),
     "lookback_days": st.integers(0, 5), "lockout_days": st.integers(0, 3), "observation_shift": st.booleans(),
     "interest_period_months": st.sampled_from([1, 3])},
    optional={"index_floor": st.sampled_from(["4.5", "5.5"])})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(issue=st.dates(date(2024, 1, 2), date(2024, 12, 31)), terms=TERMS,
       moves=st.lists(st.tuples(st.integers(1, 300), st.integers(-3, 5).filter(bool).map(lambda m: m * 1_000_000)),
                      max_size=12, unique_by=lambda m: m[0]),
       warm_from=st.integers(-200, 300))
def test_bills_follow_the_definition_whatever_filled_the_table_first(issue, terms, moves, warm_from):
    as_of = issue + timedelta(days=330)
    fixings = Fixings({"SOFR": SOFR})
    other = facility(max(date(2024, 1, 2), issue + timedelta(days=warm_from)), [], terms, code="OTHER")
    Sweep(other, explain=False, fixings=fixings).run_to(as_of)  # fills the shared table from another date

    quick = Sweep(facility(issue, moves, terms), explain=False, fixings=fixings)
    quick.run_to(as_of)
    explained = Sweep(facility(issue, moves, terms), explain=True, fixings=Fixings({"SOFR": SOFR}))
    explained.run_to(as_of)

    def interest_items(sweep):
        return [(i.due_date, i.amount) for i in sweep.items if i.component.value == "interest"]

    assert interest_items(quick) == interest_items(explained)
    if _never_repaid_in_full(moves):  # a note repaid in full accrues nothing more: no bill after
        assert len(explained.journal.bills) >= 330 // 31 // terms["interest_period_months"]
    else:
        assert explained.journal.bills
    for bill in explained.journal.bills:
        reference = sum(reference_interest(piece, (bill.period_start, bill.period_end), terms)
                        for piece in bill.sub_intervals)
        assert abs(bill.exact - reference) < Decimal("1e-18"), (bill, reference)  # the test sums at 28 digits
        assert all(sum(f.days for f in piece.fixings) == (piece.observation_end - piece.observation_start).days
                   for piece in bill.sub_intervals), "an explained sub-interval shows the fixings of every day"
