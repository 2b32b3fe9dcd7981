"""The import's one-line summary names a few facilities, not every one (docs/cli.md, Files)."""

import json

from tests.helpers import run


def opened(code: str) -> str:
    return json.dumps({"facility": code, "type": "FacilityOpened", "code": code, "borrower": "B", "lender": "L",
                       "agreement_date": "2024-01-15"})


def test_many_facilities_are_counted_and_a_few_named(db_url, tmp_path):
    codes = [f"F-{n}" for n in range(1, 7)]
    file = tmp_path / "six.jsonl"
    file.write_text("\n".join(opened(c) for c in codes) + "\n", encoding="utf-8")

    said = run(db_url, "import", str(file)).stdout.strip()
    assert said == "Imported 6 event(s) for 6 facilities (F-1, F-2, F-3 and 3 more; --json lists them) (0 already recorded)."
    again = json.loads(run(db_url, "--json", "import", str(file)).stdout)
    assert again["already_recorded"] == 6 and again["recorded"] == 0

    few = tmp_path / "two.jsonl"
    few.write_text(opened("G-1") + "\n" + opened("G-2") + "\n", encoding="utf-8")
    assert run(db_url, "import", str(few)).stdout.strip() == "Imported 2 event(s) for G-1, G-2 (0 already recorded)."
