"""The read models and the portfolio hold the engine's figures, for random histories."""

from datetime import timedelta
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.application.readmodel_sync import close_view, open_view
from domain.reversals import reversed_by as in_force
from projections.readmodels import portfolio as pf
from projections.readmodels.facility_figures import facility_figures
from projections.report import position_as_of
from tests.readmodel_helpers import START, catch_up_now, ledger_for, open_facility, record_step

KINDS = ["advance", "advance", "payment", "payment", "fee", "default", "waiver", "acceleration", "reversal"]
steps = st.lists(st.tuples(st.sampled_from(KINDS), st.integers(0, 300),
                           st.sampled_from(["1000.00", "25000.00", "120000.50", "333.33"])), min_size=1, max_size=10)
counter = iter(range(10**6))


def engine_lines(book, as_of, known_at=None):
    lines = []
    for opened in book.facilities():
        line = pf.engine_line(list(book.events.get(opened.originator_id)), as_of, known_at)
        if line is not None:
            lines.append(line)
    return sorted(lines, key=lambda x: x.facility)


def figures(lines):
    return [(x.facility, x.status, x.principal, x.past_due_principal, x.past_due_interest, x.past_due_fees,
             x.past_due_total, x.oldest_due, x.days_past_due, x.bucket, x.problem) for x in lines]


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=steps, as_of_offsets=st.lists(st.integers(-5, 800), min_size=3, max_size=3))
def test_portfolio_from_the_tables_equals_the_engine_for_random_histories(db_url, history, as_of_offsets):
    book = ledger_for(db_url)
    try:
        code = f"F-{next(counter)}"
        open_facility(book, code)
        for kind, offset, amount in history:
            record_step(book, code, kind, offset, amount)
        catch_up_now(db_url, book)
        horizon = facility_figures(book.facility_events(code)).horizon
        view = open_view(book.db)
        try:
            for offset in as_of_offsets:
                as_of = START + timedelta(days=offset)
                from_tables = pf.portfolio(view, as_of, None, set(), lambda fid: list(book.events.get(UUID(fid))))
                assert figures(from_tables) == figures(engine_lines(book, as_of))
                # the steps answer up to the horizon (last effective date + 366 days, or the day
                # before the first acceleration); the engine after it
                mine = {x.computed_by for x in from_tables if x.facility == code}
                assert mine == ({"tables"} if as_of <= horizon else {"engine"})
                assert all(x.computed_by == "engine" for x in from_tables if x.status == "accelerated")
        finally:
            close_view(view)
    finally:
        book.close()


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=steps)
def test_facility_summary_and_journal_equal_the_stream(db_url, history):
    book = ledger_for(db_url)
    try:
        code = f"S-{next(counter)}"
        open_facility(book, code)
        for kind, offset, amount in history:
            record_step(book, code, kind, offset, amount)
        catch_up_now(db_url, book)
        events = book.facility_events(code)
        expected = facility_figures(events)
        view = open_view(book.db)
        try:
            summary = view.rows("SELECT * FROM rm_facility_summary WHERE code = ?", (code,))[0]
            journal = view.rows("SELECT * FROM rm_event_journal WHERE facility_code = ? ORDER BY version", (code,))
        finally:
            close_view(view)
        assert summary["last_version"] == len(events)
        assert str(summary["principal_outstanding"]) == f"{expected.principal:.2f}"
        if expected.last_effective_date and expected.status != "refused":
            day = max(expected.last_effective_date, START)
            assert expected.principal == position_as_of(events, day).principal
        assert [r["version"] for r in journal] == [e.version for e in events]
        assert [r["event_type"] for r in journal] == [type(e).__name__ for e in events]
        assert [r["chain_hash"] for r in journal] == [e.chain_hash for e in events]
        assert {r["version"]: r["reversed_by"] for r in journal if r["reversed_by"]} == in_force(events)
    finally:
        book.close()


def test_portfolio_known_at_before_later_events_is_the_engines(db_url):
    book = ledger_for(db_url)
    try:
        open_facility(book, "K-1")
        record_step(book, "K-1", "advance", 1, "500000.00")
        known_at = book.facility_events("K-1")[-1].recorded_at
        record_step(book, "K-1", "payment", 30, "200000.00")
        catch_up_now(db_url, book)
        as_of = START + timedelta(days=60)
        view = open_view(book.db)
        try:
            lines = pf.portfolio(view, as_of, known_at, set(), lambda fid: list(book.events.get(UUID(fid))))
            latest = pf.portfolio(view, as_of, None, set(), lambda fid: list(book.events.get(UUID(fid))))
        finally:
            close_view(view)
        assert figures(lines) == figures(engine_lines(book, as_of, known_at))
        assert lines[0].computed_by == "engine" and latest[0].computed_by == "tables"
        assert lines[0].past_due_total > 0 == latest[0].past_due_total  # the later payment paid it
    finally:
        book.close()


def test_an_accelerated_facility_is_answered_by_the_engine_after_its_acceleration(db_url):
    """Its past-due interest grows daily, so the steps end the day before the acceleration."""
    book = ledger_for(db_url)
    try:
        open_facility(book, "X-1")
        assert record_step(book, "X-1", "advance", 1, "500000.00")
        assert record_step(book, "X-1", "default", 120, "0")
        assert record_step(book, "X-1", "acceleration", 130, "0")
        catch_up_now(db_url, book)
        events = book.facility_events("X-1")
        figures_ = facility_figures(events)
        accelerated_on = START + timedelta(days=130)
        assert figures_.horizon == accelerated_on - timedelta(days=1)
        assert figures_.status == "accelerated" and figures_.steps[-1].valid_until == accelerated_on
        view = open_view(book.db)
        try:
            stored = view.rows("SELECT valid_until FROM rm_portfolio_steps ORDER BY valid_from")
            before = pf.portfolio(view, accelerated_on - timedelta(days=1), None, set(),
                                  lambda fid: list(book.events.get(UUID(fid))))
            after = [pf.portfolio(view, accelerated_on + timedelta(days=n), None, set(),
                                  lambda fid: list(book.events.get(UUID(fid))))[0] for n in (0, 1, 30)]
        finally:
            close_view(view)
        assert len(stored) == len(figures_.steps) and str(stored[-1]["valid_until"]) == accelerated_on.isoformat()
        assert before[0].computed_by == "tables" and before[0].status == "in_default"
        assert [x.computed_by for x in after] == ["engine"] * 3
        assert all(x.status == "accelerated" for x in after)
        for n, line in zip((0, 1, 30), after):
            day = accelerated_on + timedelta(days=n)
            assert figures([line]) == figures(engine_lines(book, day))
        assert after[0].past_due_interest < after[1].past_due_interest < after[2].past_due_interest
    finally:
        book.close()
