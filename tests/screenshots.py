"""Make the README's screenshots (docs/images/) from the seed scenario: `make screenshots`.

Loads the seed into a temporary SQLite ledger, serves it read-only, and photographs the
portfolio, the facility page as of 2008-01-31 and the rendered seed notice (HTML) with headless
Chromium; also writes the seed facility's chart as PNG. Every figure comes from the engine.
"""

import sys
import tempfile
from pathlib import Path

from tests.helpers import run
from tests.tools import require
from tests.web_server import browser, serving

IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"
CODE = "ATG-LAURUS-2005"


def main() -> None:
    chromium = require("chromium")
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "seed.db")
        run(db, "demo")
        notice = Path(folder) / "notice.html"
        run(db, "notice", "render", CODE, "--kind", "default", "--as-of", "2008-01-31", "-o", str(notice))
        run(db, "timeline", CODE, "--from", "2005-09-07", "--to", "2008-02-29", "--every", "day",
            "--chart", str(IMAGES / "seed-timeline.png"))
        with serving(db) as base, browser(chromium) as launched:
            page = launched.new_page(viewport={"width": 1280, "height": 800})
            page.goto(f"{base}/?as_of=2008-03-31")
            page.wait_for_function("document.querySelector('#chart').complete", timeout=60_000)
            page.screenshot(path=str(IMAGES / "portfolio.png"), full_page=True)
            page.goto(f"{base}/facilities/{CODE}?as_of=2008-01-31")
            page.wait_for_function("document.querySelector('#chart').complete", timeout=60_000)
            page.screenshot(path=str(IMAGES / "facility.png"), clip={"x": 0, "y": 0, "width": 1280, "height": 1500},
                            full_page=True)
            page.set_viewport_size({"width": 900, "height": 800})
            page.goto(notice.as_uri())
            page.screenshot(path=str(IMAGES / "seed-notice.png"), full_page=True)
            page.close()
    for name in ("portfolio.png", "facility.png", "seed-notice.png", "seed-timeline.png"):
        print(IMAGES / name, (IMAGES / name).stat().st_size, "bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
