"""Properties of the engine over generated facility histories (hypothesis)."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.daycount import year_fraction
from projections.exact import Accrual
from projections.report import explain, report, timeline
from tests.streams import advance, append, fee, note, opened, payment, stream

D0 = date(2005, 1, 3)
cents = st.integers(min_value=1, max_value=5_000_000).map(lambda c: f"{Decimal(c) / 100:.2f}")
days = st.integers(min_value=0, max_value=200)


def day(offset: int) -> str:
    return (D0 + timedelta(days=offset)).isoformat()


@st.composite
def histories(draw):
    day_count = draw(st.sampled_from(["ACT/360", "ACT/365F", "ACT/ACT-ISDA", "30/360", "30/360-US", "30E/360"]))
    records = [opened(), note("A", day_count=day_count, interest={"rate": draw(st.sampled_from(["0", "5.25", "12"]))},
                              amortization=[{"due_date": "2005-03-01", "amount": "1000.00"}]),
               note("B", interest={"rate": "7"}, interest_day=draw(st.integers(1, 31)))]
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["advance", "payment", "directed", "fee"]))
        code = draw(st.sampled_from(["A", "B"]))
        when = day(draw(days))
        if kind == "advance":
            records.append(advance(draw(cents), when, code))
        elif kind == "payment":
            records.append(payment(draw(cents), when))
        elif kind == "directed":
            component = draw(st.sampled_from([None, "principal", "interest", "fees", "facility fees"]))
            if component == "facility fees":  # the contract §3 Revisions: `fees` without a note
                records.append(payment(draw(cents), when, component="fees"))
            else:
                records.append(payment(draw(cents), when, note=code, **({"component": component} if component else {})))
        else:
            records.append(fee(draw(cents), when, draw(st.sampled_from([None, code]))))
    return stream(*records)


AS_OF = date(2005, 8, 1)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(histories())
def test_every_payment_is_fully_accounted_for(events):
    for p in explain(events, AS_OF).payments:
        assert sum((a.amount for a in p.allocations), Decimal(0)) + p.unapplied + p.held_for_note == p.amount


@SETTINGS
@given(histories())
def test_a_payment_to_a_note_without_component_never_prepays(events):
    """the contract §3 Revisions: what is left after the note's due items is held for that note."""
    for p in explain(events, AS_OF).payments:
        if p.note is not None and p.component is None:
            assert all(a.label != "prepayment" for a in p.allocations)
            assert p.unapplied == 0


@SETTINGS
@given(histories())
def test_principal_and_every_figure_are_never_negative(events):
    for r in timeline(events, D0, AS_OF, "day"):
        for n in r.position.notes.values():
            assert n.principal >= 0 and n.interest >= 0 and n.fees >= 0
        assert r.position.unapplied_credit >= 0 and r.past_due.total.amount >= 0


@SETTINGS
@given(histories())
def test_same_events_give_the_same_figures_in_whatever_order_they_are_passed(events):
    assert report(events, AS_OF) == report(list(reversed(events)), AS_OF)


@SETTINGS
@given(histories(), st.lists(st.tuples(cents, days), min_size=1, max_size=3))
def test_a_report_known_at_t_ignores_anything_recorded_after_t(events, later):
    cutoff = events[-1].recorded_at
    extended = append(events, *[payment(a, day(d), note="A") for a, d in later],
                      at=cutoff + timedelta(days=1))
    assert report(extended, AS_OF, cutoff) == report(events, AS_OF, cutoff)


@SETTINGS
@given(histories(), cents, days)
def test_a_backdated_payment_changes_nothing_before_its_date(events, amount, offset):
    effective = D0 + timedelta(days=offset)
    extended = append(events, payment(amount, effective.isoformat(), note="B", component="principal"),
                      at=events[-1].recorded_at + timedelta(days=1))
    before = effective - timedelta(days=1)
    assert report(extended, before).position.principal == report(events, before).position.principal
    assert report(extended, before).past_due == report(events, before).past_due


@SETTINGS
@given(histories(), st.sampled_from(["day", "month"]))
def test_a_timeline_equals_one_replay_per_date(events, every):
    series = list(timeline(events, date(2005, 2, 20), date(2005, 5, 3), every))
    for r in series[:: max(1, len(series) // 6)]:
        assert r == report(events, r.position.as_of)


@given(st.sampled_from(["ACT/360", "ACT/365F", "ACT/ACT-ISDA"]),
       st.integers(0, 4000), st.integers(0, 800), st.integers(0, 800),
       st.integers(1, 10**12), st.integers(0, 2000))
def test_act_interest_over_a_to_c_is_a_to_b_plus_b_to_c_before_rounding(convention, start, first, second, cents_, bp):
    a = date(2000, 1, 1) + timedelta(days=start)
    b, c = a + timedelta(days=first), a + timedelta(days=first + second)
    principal, rate = Decimal(cents_) / 100, Decimal(bp) / 100
    whole, split = Accrual(), Accrual()
    whole.add(principal, rate, year_fraction(convention, a, c))
    split.add(principal, rate, year_fraction(convention, a, b))
    split.add(principal, rate, year_fraction(convention, b, c))
    assert whole == split and whole.value() == split.value()
