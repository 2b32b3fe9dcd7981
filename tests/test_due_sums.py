"""The sweep's index of what is due (projections.open_items.DueSums) against its definition, a
pass over every open item (`due_sums_by_scan`), on every day of random histories: the same keys,
the same amounts (digits and exponent: compared by repr) and the same oldest dates; the earliest
item due after each day; and `open_items_changed` against the open items listed and compared
with those of the previous look, as the read models' steps compared them before the index."""

from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.open_items import DueSums, due_sums_by_scan
from projections.waterfall import Item
from domain.values import Component
from tests.test_engine_properties import D0, histories
from tests.test_sweep_skips_quiet_days import rich_histories

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _listed(sweep: Sweep) -> list[tuple[int, str, bool]]:
    day = sweep.day
    return [(i.seq, repr(i.outstanding), i.due_date <= day) for i in sweep.items if i.outstanding > 0]


def _walk(events, every_day: bool, days: int = 700) -> int:
    """Move a sweep through the history, checking the index at each day it stops on; returns the
    number of days checked."""
    try:
        sweep = Sweep(events, step_every_day=every_day, explain=False)
    except ReportRefused:
        return 0
    previous = None
    checked = 0
    end = D0 + timedelta(days=days)
    try:
        sweep.run_to(sweep.day)
        while sweep.day < end:
            sweep.advance(end)
            day = sweep.day
            expected = due_sums_by_scan(sweep.items, day)
            got = sweep.due_sums()
            assert repr(dict(sorted(got.items(), key=repr))) == repr(dict(sorted(expected.items(), key=repr))), day
            later = [i.due_date for i in sweep.items if i.outstanding > 0 and i.due_date > day]
            assert sweep.next_item_due_after(day) == min(later, default=None), day
            listed = _listed(sweep)
            changed = sweep.open_items_changed()
            if previous is not None:  # the first look compares with nothing: a step is read anyway
                assert changed == (listed != previous), day
            previous = listed
            checked += 1
    except ReportRefused:
        pass
    return checked


@SETTINGS
@given(rich_histories(), st.booleans())
def test_the_index_of_what_is_due_is_the_pass_over_the_items(events, every_day):
    _walk(events, every_day)


@SETTINGS
@given(histories())
def test_the_index_on_the_basic_histories(events):
    assert _walk(events, every_day=True, days=400) > 0


def test_a_paid_key_is_summed_again_in_item_order_with_the_scan_s_exponents():
    """An amount with no cents (a fee of 100) next to one with cents: once the one with cents is
    paid, the key's sum is the scan's `100`, not `100.00` carried over from the paid item."""
    fee = Item(Component.FEES, None, D0, Decimal("100"),
               -1, 1, "fee")
    bill = Item(Component.FEES, None, D0, Decimal("5.25"),
                -1, 2, "fee")
    sums = DueSums()
    sums.added(fee)
    sums.added(bill)
    sums.at(D0, [fee, bill])
    assert repr(sums.sums) == repr(due_sums_by_scan([fee, bill], D0))
    bill.outstanding -= bill.outstanding
    sums.reduced({(None, Component.FEES)}, [fee, bill])
    assert repr(sums.sums) == repr(due_sums_by_scan([fee, bill], D0))
    assert repr(sums.sums[(None, Component.FEES)][0]) == "Decimal('100')"
