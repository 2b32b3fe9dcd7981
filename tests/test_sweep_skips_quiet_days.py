"""The sweep processes only the days on which something can change (`Sweep.next_stop`); for random
histories it gives exactly the figures of a sweep that processes every calendar day
(`step_every_day=True`): position, past due, explain data and the read models' steps."""

from datetime import date, datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projections.engine import Sweep
from projections.errors import ReportRefused
from projections.explain import explanation
from projections.readmodels.facility_figures import facility_figures
from tests.streams import (accelerate, advance, declare, extend, fee, note, payment, rate, rescind,
                           reverse, waive)
from tests.test_engine_properties import D0, cents, day, histories

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
offsets = st.integers(min_value=0, max_value=400)


@st.composite
def rich_histories(draw):
    """`histories()` (advances, payments, directed payments, fees on a fixed-rate note A with an
    installment and a note B with any interest day) plus an index-rate note C with a near
    maturity and installments, index changes, defaults and waivers, acceleration and rescission,
    maturity extensions, late receipts and reversals, all in random order and dates."""
    base = draw(histories())
    maturity = draw(st.integers(150, 420))
    index_terms = draw(st.sampled_from([{"floor": "3"}, {"index_floor": "0"},
                                        {"index_floor": "0.25", "spread_adjustment": "0.11448"}]))
    records = [note("C", interest={"index": "PRIME", "margin": "1.5", **index_terms},
                    day_count=draw(st.sampled_from(["30/360", "30E/360", "30/360-US", "ACT/ACT-ISDA"])),
                    interest_day=draw(st.integers(1, 31)), maturity_date=day(maturity),
                    amortization=[{"due_date": day(d), "amount": "5000.00"}
                                  for d in sorted(set(draw(st.lists(st.integers(1, maturity), max_size=3))))],
                    default_margin="2",
                    default_premium=draw(st.sampled_from([
                        None, {"rate": "1", "base": "principal"}, {"rate": "2.5", "base": "principal_and_interest"}])))]
    if draw(st.integers(0, 7)):
        records.append(rate("PRIME", "4.25", day(draw(st.integers(-30, 40)))))
    records.append(advance(draw(cents), day(draw(st.integers(0, 120))), "C"))
    late_issue = draw(st.integers(1, 300))  # D: issued later (acceleration without notes covers it only after)
    records.append(note("D", issue_date=day(late_issue), interest={"rate": "9"}, default_margin="3"))
    records.append(advance(draw(cents), day(late_issue + draw(st.integers(0, 60))), "D"))
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(st.sampled_from(["advance", "rate", "default", "waiver", "acceleration", "rescission",
                                     "extension", "late payment", "payment", "fee", "reversal",
                                     "waived and declared again"]))
        when = draw(offsets)
        if kind == "advance":
            records.append(advance(draw(cents), day(when), draw(st.sampled_from(["A", "B", "C", "C", "D"]))))
        elif kind == "rate":
            records.append(rate("PRIME", draw(st.sampled_from(["-0.75", "0.5", "2", "5.125", "9"])), day(when)))
        elif kind == "default":
            records.append(declare(day(when), draw(st.sampled_from(["§19(a)", "§19(b)"])),
                                   draw(st.sampled_from([None, ["C"], ["A", "B"]]))))
        elif kind == "waiver":
            records.append(waive(day(when), draw(st.sampled_from(["§19(a)", "§19(b)"]))))
        elif kind == "waived and declared again":  # one date, applied in recorded order
            clause = draw(st.sampled_from(["§19(a)", "§19(b)"]))
            pair = [waive(day(when), clause), declare(day(when), clause)]
            records.extend(pair if draw(st.booleans()) else pair[::-1])
        elif kind == "acceleration":
            records.append(accelerate(day(when)))
        elif kind == "rescission":
            records.append(rescind(day(when)))
        elif kind == "extension":
            longer = draw(st.integers(1, 200))
            amortization = ({"amortization": [{"due_date": day(when + min(20, longer)), "amount": "700.00"}]}
                            if draw(st.booleans()) else {})
            records.append({**extend(day(when), day(when + longer), draw(st.sampled_from(["A", "C"]))),
                            **amortization})
        elif kind == "late payment":
            received = datetime.combine(D0 + timedelta(days=when), datetime.min.time(), timezone.utc)
            received += timedelta(hours=draw(st.integers(0, 23)))
            records.append(payment(draw(cents), day(when), received_at=received.isoformat(),
                                   **draw(st.sampled_from([{}, {"note": "C"}, {"note": "C", "component": "interest"},
                                                           {"component": "fees"}]))))
        elif kind == "payment":
            records.append(payment(draw(cents), day(when)))
        elif kind == "fee":
            records.append(fee(draw(cents), day(when), draw(st.sampled_from([None, "C"]))))
        else:
            records.append(reverse(draw(st.integers(2, len(base) + len(records)))))
    return _extend(base, records)


def _extend(base, records):
    from tests.streams import append
    return append(base, *records, at=base[-1].recorded_at + timedelta(days=1))


def _figures(events, dates, every_day):
    """Explanation (position, past due and every derivation) at each date, from one sweep and
    from a fresh sweep per date; a refusal is a figure too (its message)."""
    out = []
    try:
        one = Sweep(events, step_every_day=every_day)
    except ReportRefused as refused:
        return str(refused)
    for when in dates:
        try:
            one.run_to(when)
            out.append(("one pass", explanation(one)))
        except ReportRefused as refused:
            out.append(("one pass refused", str(refused), one.day))
            break
    for when in dates:
        try:
            fresh = Sweep(events, step_every_day=every_day)
            fresh.run_to(when)
            out.append(("fresh", explanation(fresh)))
        except ReportRefused as refused:
            out.append(("fresh refused", str(refused), fresh.day))
    return out


@SETTINGS
@given(rich_histories(), st.lists(st.integers(-10, 800), min_size=1, max_size=5))
def test_skipping_quiet_days_gives_the_figures_of_stepping_every_day(events, offsets_):
    dates = sorted({D0 + timedelta(days=d) for d in offsets_})
    assert _figures(events, dates, every_day=False) == _figures(events, dates, every_day=True)


@SETTINGS
@given(histories())
def test_skipping_quiet_days_on_the_basic_histories(events):
    dates = [date(2005, 2, 28), date(2005, 3, 1), date(2005, 5, 17), date(2005, 8, 1), date(2006, 1, 1)]
    assert _figures(events, dates, every_day=False) == _figures(events, dates, every_day=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rich_histories())
def test_read_model_steps_are_the_same_when_every_day_is_read(events):
    assert facility_figures(events) == facility_figures(events, step_every_day=True)


def test_the_skipping_sweep_processes_fewer_days():
    from tests.streams import opened, stream
    events = stream(opened(), note("A", interest={"rate": "6"}), advance("1000000.00", "2005-01-10"))
    processed = []
    sweep = Sweep(events)
    original = sweep._process
    sweep._process = lambda d: (processed.append(d), original(d))  # type: ignore[method-assign]
    sweep.run_to(date(2005, 12, 31))
    assert len(processed) < 40 and processed[-1] == date(2005, 12, 31)


def _readings(events, dates, explain):
    """Position and past due at each date from one sweep, a refusal being a reading too."""
    from projections.figures import past_due, past_due_totals, position

    out = []
    try:
        sweep = Sweep(events, explain=explain)
        for when in dates:
            sweep.run_to(when)
            due = past_due(sweep)
            totals = past_due_totals(sweep)
            assert totals == (due.component("principal"), due.component("interest"), due.component("fees"), due.total)
            out.append((position(sweep), due))
    except ReportRefused as refused:
        out.append(str(refused))
    return out


@SETTINGS
@given(rich_histories(), st.lists(st.integers(-10, 800), min_size=1, max_size=5))
def test_a_sweep_that_keeps_no_journal_gives_the_same_figures(events, offsets_):
    """explain=False (the read models' sweep) skips only what explain shows; past_due_totals (the
    read models' reading) is past_due's components and total."""
    dates = sorted({D0 + timedelta(days=d) for d in offsets_})
    assert _readings(events, dates, explain=False) == _readings(events, dates, explain=True)
