"""The web view tested as a person would: headless Chromium opens the pages, picks a date, reads
the figures and compares them with the CLI's (docs/web.md). Debian's chromium is installed when
missing (tests/tools.py); in CI a browser that cannot be had fails the test."""

import pytest

from tests.helpers import run, run_json
from tests.tools import require
from tests.web_server import browser, serving

CODE = "ATG-LAURUS-2005"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    chromium = require("chromium")
    db = str(tmp_path_factory.mktemp("browser") / "seed.db")
    run(db, "demo")
    with serving(db) as base, browser(chromium) as launched:
        page = launched.new_page(viewport={"width": 1280, "height": 900})
        yield db, base, page
        page.close()


def _text(page, selector):
    return page.locator(selector).inner_text().strip()


def _amount(text):
    return f"{float(text.replace(',', '')):.2f}"


def test_the_facility_page_shows_the_clis_figures_for_the_date_picked(site):
    db, base, page = site
    page.goto(f"{base}/facilities/{CODE}?as_of=2007-06-30")
    for day in ("2008-01-31", "2007-10-15", "2008-03-31"):
        page.fill("#pick-as-of", day)
        page.click("#show")
        page.wait_for_load_state("load")
        assert _text(page, "#as-of") == day
        due = run_json(db, "past-due", CODE, "--as-of", day)
        balance = run_json(db, "balance", CODE, "--as-of", day)
        for part in ("principal", "interest", "fees", "total"):
            assert _amount(_text(page, f"#past-due-{part}")) == due[part], (day, part)
            assert _amount(_text(page, f"#balance-{part}")) == balance[part], (day, part)
        assert int(_text(page, "#days-past-due")) == due["days_past_due"]
        assert _text(page, "#bucket") == due["bucket"]
    assert _text(page, "#verify-status") == "OK"
    assert page.locator("#stream tr").count() == 1 + len(run_json(db, "events", CODE))
    page.wait_for_function("document.querySelector('#chart').complete", timeout=60_000)
    assert page.evaluate("document.querySelector('#chart').naturalWidth") > 300  # the chart was drawn


def test_known_at_shows_what_was_known_then(site):
    db, base, page = site
    events = run_json(db, "events", CODE)
    before_notice = events[-3]["recorded_at"]  # recorded before the acceleration and the notice
    page.goto(f"{base}/facilities/{CODE}?as_of=2008-01-31")
    page.fill("#pick-known-at", before_notice)
    page.click("#show")
    page.wait_for_load_state("load")
    due = run_json(db, "past-due", CODE, "--as-of", "2008-01-31", "--known-at", before_notice)

    assert _text(page, "#known-at") == before_notice
    assert _amount(_text(page, "#past-due-total")) == due["total"]
    assert page.locator("#stream tr.unknown").count() == sum(e["recorded_at"] > before_notice for e in events)


def test_the_portfolio_page_shows_the_clis_buckets(site):
    db, base, page = site
    page.goto(base + "/")
    page.fill("#pick-as-of", "2008-01-31")
    page.click("#show")
    page.wait_for_load_state("load")
    portfolio = run_json(db, "portfolio", "--as-of", "2008-01-31")
    row = page.locator(f'#facilities tr[data-facility="{CODE}"]')

    assert _amount(row.locator(".pd-total").inner_text()) == portfolio["facilities"][0]["past_due"]["total"]
    for total in portfolio["totals"]:
        cells = page.locator(f'#buckets tr[data-bucket="{total["bucket"]}"] td')
        assert _amount(cells.nth(3).inner_text()) == total["past_due"]
    page.wait_for_function("document.querySelector('#chart').complete", timeout=60_000)
    assert page.evaluate("document.querySelector('#chart').naturalWidth") > 300  # past due by bucket, drawn
    row.locator("a").click()
    page.wait_for_load_state("load")
    assert _text(page, "#as-of") == "2008-01-31"


def test_a_document_opens_from_the_facility_page(site):
    db, base, page = site
    page.goto(f"{base}/facilities/{CODE}?as_of=2008-01-31")
    page.click('a.doc[href*="documents/default.html"]')
    page.wait_for_load_state("load")
    due = run_json(db, "past-due", CODE, "--as-of", "2008-01-31")

    assert _amount(_text(page, "#past-due-total").lstrip("$")) == due["total"]
    assert "2 p.m. (America/New_York time) on February 1, 2008" in _text(page, "#demand-deadline")
