"""timeline --chart and portfolio --chart: files drawn from the engine's series (docs/documents.md)."""

import pytest

from cli.application.series import facility_series, portfolio_series
from cli.application.ledger import Ledger
from cli.formats.dates import parse_day
from cli.persistence.storage import database
from tests.helpers import run, run_json

CODE = "ATG-LAURUS-2005"


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("charts") / "seed.db")
    run(db, "demo")
    return db


def test_timeline_chart_svg_and_png(seed, tmp_path):
    svg, png = tmp_path / "t.svg", tmp_path / "t.png"
    run(seed, "timeline", CODE, "--from", "2005-09-07", "--to", "2008-02-29", "--every", "day", "--chart", str(svg))
    answer = run_json(seed, "timeline", CODE, "--from", "2007-01-01", "--to", "2008-01-31", "--chart", str(png))

    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml") and "<svg" in svg.read_text(encoding="utf-8")
    assert png.read_bytes().startswith(b"\x89PNG") and answer["points"] == 13


def test_the_chart_series_are_the_engines_figures(seed):
    book = Ledger(database(seed))
    try:
        events = book.facility_events(CODE)
        points, marks = facility_series(events, parse_day("--from", "2007-12-31"), parse_day("--to", "2008-01-31"),
                                        "month", None)
        days, totals = portfolio_series(book, parse_day("--as-of", "2008-01-31"), None)
    finally:
        book.close()
    timeline = run_json(seed, "timeline", CODE, "--from", "2007-12-31", "--to", "2008-01-31")

    assert [f"{p.principal:.2f}" for p in points] == [t["balance"]["principal"] for t in timeline]
    assert [f"{p.past_due:.2f}" for p in points] == [t["past_due"]["total"] for t in timeline]
    assert [p.bucket for p in points] == [t["past_due"]["bucket"] for t in timeline]
    assert {m.kind for m in marks} == {"payment", "default", "acceleration", "notice"}
    assert f"{totals['31-60'][-1]:.2f}" == run_json(seed, "past-due", CODE, "--as-of", "2008-01-31")["total"]


def test_portfolio_chart(seed, tmp_path):
    out = tmp_path / "p.png"
    answer = run_json(seed, "portfolio", "--as-of", "2008-03-31", "--chart", str(out))

    assert out.read_bytes().startswith(b"\x89PNG") and answer["dates"] == 31


@pytest.mark.parametrize("args, words", [
    (["timeline", CODE, "--from", "2007-01-01", "--to", "2008-01-31", "--chart", "t.pdf"], "must end in .svg or .png"),
    (["timeline", CODE, "--from", "2008-01-01", "--to", "2007-01-31", "--chart", "t.svg"], "is before --from"),
    (["portfolio", "--as-of", "2008-01-32", "--chart", "p.svg"], "--as-of"),
])
def test_bad_chart_input_is_one_line(seed, tmp_path, args, words):
    result = run(seed, *args, ok=False)

    assert result.exit_code in (1, 2) and words in result.stderr and "Traceback" not in result.output
