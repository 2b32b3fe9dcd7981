"""Timelines: the dates they report on, and one pass giving the same figures as replays."""

from datetime import date
from decimal import Decimal

import pytest

from projections.json_views import balance_json, explain_json, past_due_json
from projections.report import explain, report, timeline, timeline_dates
from tests.streams import advance, fee, note, opened, stream

D = date.fromisoformat


def test_monthly_dates_are_month_ends_and_the_last_date():
    assert timeline_dates(D("2005-01-15"), D("2005-04-10"), "month") == [
        D("2005-01-31"), D("2005-02-28"), D("2005-03-31"), D("2005-04-10")]
    assert timeline_dates(D("2005-01-15"), D("2005-03-31"), "month")[-1] == D("2005-03-31")


def test_daily_dates_cover_the_range_and_bad_ranges_are_refused():
    assert len(timeline_dates(D("2005-01-01"), D("2005-12-31"), "day")) == 365
    with pytest.raises(ValueError):
        timeline_dates(D("2005-02-01"), D("2005-01-01"))
    with pytest.raises(ValueError):
        timeline_dates(D("2005-01-01"), D("2005-02-01"), "week")


def test_a_timeline_starting_before_the_facility_reports_zero_then_the_figures():
    """Advance 3 Jan 2005 at 6%: 31 Dec 2004 nothing; 31 Jan 483.33 accrued."""
    events = stream(opened(), note(), advance("100000.00", "2005-01-03"))
    series = list(timeline(events, D("2004-12-31"), D("2005-01-31"), "month"))
    assert [r.position.as_of for r in series] == [D("2004-12-31"), D("2005-01-31")]
    assert series[0].position.principal == 0
    assert series[1] == report(events, D("2005-01-31"))
    assert series[1].position.interest == Decimal("483.33")


def test_facility_fees_count_in_the_top_level_fees_only():
    """A 25.00 fee without a note: past-due fees 25.00 and total; no note carries it."""
    events = stream(opened(), note(), advance("100000.00", "2005-01-03"), fee("25.00", "2005-01-10"))
    data = past_due_json(report(events, D("2005-01-10")).past_due)
    assert data["fees"] == "25.00" and data["total"] == "25.00" and data["notes"]["A"]["fees"] == "0.00"
    assert (data["days_past_due"], data["bucket"]) == (0, "0-30")
    assert balance_json(report(events, D("2005-01-10")).position)["fees"] == "25.00"


def test_explain_json_shows_sub_intervals_and_allocations_as_strings():
    events = stream(opened(), note(), advance("100000.00", "2005-01-03"))
    data = explain_json(explain(events, D("2005-01-31")))
    [piece] = data["current_interest"][0]["sub_intervals"]
    assert (piece["principal"], piece["rate"], piece["dcf"], piece["interest"]) == (
        "100000.00", "6.00", "0.080555555556", "483.333333333333")
