"""The cheaper daily reading (docs/performance.md, issue #19 goal 5): the amount-only accrual
reading, the one-basis shortcut of `Accrual.value` and the timeline's per-day WIDE context give
exactly what the general paths give; an independent sum checks the arithmetic itself."""

from datetime import date, timedelta
from decimal import Decimal, getcontext, localcontext

from hypothesis import given, settings
from hypothesis import strategies as st

from domain.values import Component, DayCount
from projections.accrual import Accruer
from projections.daycount import year_fraction
from projections.exact import WIDE, Accrual
from projections.figures import position
from projections.report import replay, report, timeline
from tests.streams import advance, fee, note, opened, payment, stream

D0 = date(2005, 1, 3)
day_counts = st.sampled_from([d.value for d in DayCount])
principals = st.integers(0, 10**11).map(lambda c: Decimal(c) / 100)
rates = st.integers(0, 2500).map(lambda bp: Decimal(bp) / 100)


@settings(max_examples=200, deadline=None)
@given(day_counts, st.lists(st.tuples(st.integers(1, 60), principals, rates), min_size=1, max_size=6),
       st.integers(0, 90))
def test_the_amount_only_reading_is_the_reading_with_its_sub_intervals(day_count, segments, extra):
    """Segments of end-of-day principal and rate, then a reading `extra` days into the last one:
    `interest_through_end_of` is `through_end_of`'s amount, and that amount is Σ principal ×
    rate × days / basis over the pieces it lists (an independent sum, divided per basis)."""
    accruer, day = Accruer("A", DayCount(day_count)), D0
    for length, principal, rate in segments:
        accruer.set_end_of_day(day, principal, rate)
        day += timedelta(days=length)
    reading = day + timedelta(days=extra)
    exact, pieces = accruer.through_end_of(reading)
    assert accruer.interest_through_end_of(reading) == exact
    numerators: dict[int, Decimal] = {}
    with localcontext(WIDE):
        for piece in pieces:
            for days, basis in year_fraction(day_count, piece.start, piece.end):
                numerators[basis] = numerators.get(basis, Decimal(0)) + piece.principal * piece.rate * days
        assert exact == sum((numerators[b] / (100 * b) for b in sorted(numerators)), Decimal(0))


@given(st.lists(st.tuples(st.sampled_from([1, 360, 365, 366]), principals, rates, st.integers(0, 400)), max_size=5))
def test_accrual_value_divides_each_basis_once_and_adds_them_in_basis_order(parts):
    """The one-basis shortcut of `Accrual.value` against the general formula, written out here."""
    accrual, numerators = Accrual(), {}
    for basis, principal, rate, days in parts:
        accrual.add(principal, rate, ((days, basis),))
        with localcontext(WIDE):
            if days:
                numerators[basis] = numerators.get(basis, Decimal(0)) + principal * rate * days
    with localcontext(WIDE):
        expected = sum((numerators[b] / (100 * b) for b in sorted(numerators)), Decimal(0))
    assert accrual.value() == expected
    assert accrual.copy() == accrual and accrual.copy().value() == expected


def test_a_daily_timeline_leaves_the_callers_decimal_context_alone_between_days():
    """Each day is read inside the engine's 80-digit context, entered and left per day: the code
    consuming the series keeps its own (here 28 digits) while the series is suspended."""
    events = stream(opened(), note("A", interest={"rate": "6"}), advance("100000.00", "2005-01-03", "A"),
                    payment("250.00", "2005-02-01"))
    precisions = []
    for figures in timeline(events, date(2005, 1, 1), date(2005, 2, 10), "day"):
        precisions.append(getcontext().prec)
        assert figures == report(events, figures.position.as_of)
    assert precisions and set(precisions) == {getcontext().prec} and getcontext().prec != WIDE.prec
    # 100,000.00 at 6% ACT/360 from 3 Jan through the end of 31 Jan: 29 days = 483.33
    assert report(events, date(2005, 1, 31)).position.interest == Decimal("483.33")


def _open_sum(sweep, note, component):
    return sum((i.outstanding for i in sweep.items if i.outstanding > 0 and i.note == note and i.component is component),
               Decimal("0.00"))


def test_a_position_reads_billed_interest_and_fees_off_the_open_items():
    """Note A: 100,000.00 at 6% ACT/360 from 3 Jan 2005, billed monthly; a 40.00 fee on A and a
    25.00 facility fee on 10 Jan; 30.00 paid on 11 Jan goes to fees (nothing else is due), so
    35.00 of the 65.00 stays open. On 15 Feb the January bill (3 Jan to 1 Feb, 29 days:
    100,000 × 6% × 29/360 = 483.33) is open. Each figure is also the sum, written out here, over
    the sweep's items."""
    events = stream(opened(), note("A", interest={"rate": "6"}), advance("100000.00", "2005-01-03", "A"),
                    fee("40.00", "2005-01-10", "A"), fee("25.00", "2005-01-10", None),
                    payment("30.00", "2005-01-11"))
    for day in (date(2005, 1, 10), date(2005, 1, 11), date(2005, 2, 15)):
        sweep = replay(events, day)
        figures = position(sweep)
        assert figures.notes["A"].interest_billed == _open_sum(sweep, "A", Component.INTEREST) == sweep.billed_unpaid(
            sweep.notes["A"])
        assert figures.notes["A"].fees == _open_sum(sweep, "A", Component.FEES)
        assert figures.facility_fees == _open_sum(sweep, None, Component.FEES)
    assert figures.notes["A"].fees + figures.facility_fees == Decimal("35.00")
    assert figures.notes["A"].interest_billed == Decimal("483.33")
