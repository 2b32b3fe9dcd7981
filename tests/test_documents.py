"""Documents rendered from the engine (docs/documents.md): the seed notice of default carries the
letter's structure and the engine's figures; a recorded document's SHA-256 proves its bytes; bad
input is one message and a non-zero exit."""

import hashlib
import json
import subprocess

import pytest

from tests.helpers import run, run_json
from tests.tools import require

CODE = "ATG-LAURUS-2005"
DAY = "2008-01-31"


@pytest.fixture
def seed(db_url):
    run(db_url, "demo")
    return db_url


@pytest.fixture(scope="module")
def seed_sqlite(tmp_path_factory):
    db = str(tmp_path_factory.mktemp("seed") / "seed.db")
    run(db, "demo")
    return db


def grouped(amount: str) -> str:
    return f"{float(amount):,.2f}"


def render(db, tmp_path, kind, fmt, *extra, name=None):
    out = tmp_path / (name or f"{kind}.{fmt}")
    run(db, "notice", "render", CODE, "--kind", kind, "--as-of", DAY, "--format", fmt, "-o", str(out), "--force", *extra)
    return out


def test_the_seed_notice_has_the_letters_structure_and_the_engines_figures(seed_sqlite, tmp_path):
    due = run_json(seed_sqlite, "past-due", CODE, "--as-of", DAY)
    text = render(seed_sqlite, tmp_path, "default", "md").read_text(encoding="utf-8")

    # the letter's four figures, to the dollar, as the engine computes them
    for figure in ("principal", "interest", "fees", "total"):
        assert f"${grouped(due[figure])}" in text
    assert "$10,350,000" in text and "$96,777" in text and "$3,134,033" in text and "$13,580,810" in text
    # parties, notes and their dates, clauses, acceleration, deadline in the facility's zone, delivery
    for words in ("LV ADMINISTRATIVE SERVICES, INC.", "Laurus Master Fund, Ltd.", "American Technologies Group, Inc.",
                  "REVOLVER in the amount of $7,000,000.00 dated September 7, 2005", "TERM-B in the amount of $2,000,000.00",
                  "Security Agreement §19(a)", "Term Note B §4.1", "accelerated on January 31, 2008",
                  "2 p.m. (America/New_York time) on February 1, 2008", "VIA TELECOPY AND FEDERAL EXPRESS"):
        assert words in text, words
    for note, figures in due["notes"].items():
        assert f"| {note} | {grouped(figures['principal'])} | {grouped(figures['interest'])} |" in text


def test_html_and_the_values_agree(seed_sqlite, tmp_path):
    values = json.loads(render(seed_sqlite, tmp_path, "default", "json").read_text(encoding="utf-8"))
    html = render(seed_sqlite, tmp_path, "default", "html").read_text(encoding="utf-8")

    assert values["past_due"] == run_json(seed_sqlite, "past-due", CODE, "--as-of", DAY) | {"known_at": values["known_at"]}
    assert f'<b id="past-due-total">{values["past_due_text"]["total"]}</b>' in html
    assert values["demand_deadline"]["iso"] == "2008-02-01T14:00:00-05:00"


@pytest.mark.parametrize("kind", ["billing", "rate-set", "payoff", "statement"])
def test_every_kind_renders_the_engines_figures(seed_sqlite, tmp_path, kind):
    balance = run_json(seed_sqlite, "balance", CODE, "--as-of", DAY)
    values = json.loads(render(seed_sqlite, tmp_path, kind, "json").read_text(encoding="utf-8"))
    text = render(seed_sqlite, tmp_path, kind, "md").read_text(encoding="utf-8")

    assert values["balance"] == balance | {"known_at": values["known_at"]}
    if kind == "payoff":
        assert values["payoff"]["total"] == balance["total"]  # no unapplied credit here
        assert f"**{grouped(balance['total'])}**" in text
    if kind == "rate-set":
        assert [i["rate"] for i in values["indices"]] == ["6.00"]  # prime from 2008-01-30
        assert values["notes"][0]["rate_in_force"] == "9.50"  # 7.50 floor + 2.00 default margin
    if kind == "billing":
        owed = sum(float(i["outstanding"]) for i in values["open_items"])
        assert f"{owed:,.2f}" in text
    if kind == "statement":
        assert [a["what"] for a in values["activity"]][:2] == ["payment received", "payment received for TERM-A"]


def test_recording_a_document_keeps_the_sha256_of_its_bytes_and_it_can_be_reproduced(seed, tmp_path):
    sent = tmp_path / "notice.pdf"
    answer = run_json(seed, "notice", "render", CODE, "--kind", "default", "--as-of", DAY, "--format", "pdf",
                      "-o", str(sent), "--record")
    issued = run_json(seed, "events", CODE, "--type", "DocumentIssued")

    assert len(issued) == 1 and issued[0]["sha256"] == hashlib.sha256(sent.read_bytes()).hexdigest()
    assert issued[0]["version"] == answer["recorded"]["version"] and issued[0]["size"] == sent.stat().st_size
    assert issued[0]["kind"] == "default" and issued[0]["format"] == "pdf" and issued[0]["file_name"] == "notice.pdf"
    again = tmp_path / "again.pdf"
    run(seed, "notice", "render", CODE, "--kind", "default", "--as-of", DAY, "--format", "pdf", "-o", str(again),
        "--known-at", issued[0]["known_at"])
    assert again.read_bytes() == sent.read_bytes()  # the auditor proves which document was sent
    assert run_json(seed, "verify")["ok"] is True
    assert run_json(seed, "past-due", CODE, "--as-of", DAY)["total"] == "13580810.10"  # changes no figure


def test_a_recorded_document_exports_and_imports(seed, tmp_path):
    run(seed, "notice", "render", CODE, "--kind", "statement", "--as-of", DAY, "--format", "md",
        "-o", str(tmp_path / "s.md"), "--record", "--reference", "DOC-1")
    exported = tmp_path / "export.jsonl"
    run(seed, "export", CODE, "-o", str(exported))
    copy = str(tmp_path / "copy.db")
    run(copy, "init")
    run(copy, "import", str(exported))

    assert run_json(copy, "events", CODE, "--type", "DocumentIssued")[0]["reference"] == "DOC-1"
    assert run_json(copy, "import", str(exported))["recorded"] == 0


def test_a_copied_template_renders_and_its_digest_is_recorded(seed_sqlite, tmp_path):
    builtin = run(seed_sqlite, "notice", "template", "default").stdout
    mine = tmp_path / "mine.html.j2"
    mine.write_text(builtin.replace("<h1>{{ title }}</h1>", "<h1>FORMAL DEMAND — {{ facility.code }}</h1>"),
                    encoding="utf-8")
    out = render(seed_sqlite, tmp_path, "default", "html", "--template", str(mine))
    answer = run_json(seed_sqlite, "notice", "render", CODE, "--kind", "default", "--as-of", DAY,
                      "-o", str(tmp_path / "x.html"), "--template", str(mine))

    assert "FORMAL DEMAND — ATG-LAURUS-2005" in out.read_text(encoding="utf-8")
    assert answer["template_sha256"] == hashlib.sha256(mine.read_bytes()).hexdigest()


def test_a_template_cannot_reach_python(seed_sqlite, tmp_path):
    evil = tmp_path / "evil.md.j2"
    evil.write_text("{{ ''.__class__.__mro__[1].__subclasses__() }}", encoding="utf-8")
    result = run(seed_sqlite, "notice", "render", CODE, "--kind", "default", "--as-of", DAY, "--format", "md",
                 "-o", str(tmp_path / "e.md"), "--template", str(evil), ok=False)

    assert result.exit_code == 1 and "--template" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("args, code, words", [
    (["--kind", "invoice", "--as-of", DAY], 2, "--kind: 'invoice' is not one of"),
    (["--kind", "default", "--as-of", "2008-02-30"], 2, "--as-of"),
    (["--kind", "default", "--as-of", DAY, "--format", "docx"], 2, "--format: 'docx'"),
    (["--kind", "default", "--as-of", "2007-06-30"], 1, "no event of default is in force on 2007-06-30"),
    (["--kind", "default", "--as-of", "2007-03-20"], 1, "pass --demand-deadline"),
    (["--kind", "default", "--as-of", "2007-03-20", "--demand-deadline", "2007-03-21T14:00"], 2, "no UTC offset"),
    (["--kind", "default", "--as-of", DAY, "--template", "/nonexistent.j2"], 1, "no such file"),
    (["--kind", "default", "--as-of", DAY, "--format", "json", "--record"], 2, "--record"),
])
def test_bad_input_is_one_line_and_a_non_zero_exit(seed_sqlite, tmp_path, args, code, words):
    result = run(seed_sqlite, "notice", "render", CODE, *args, "-o", str(tmp_path / "out"), ok=False)

    assert result.exit_code == code, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_an_earlier_default_renders_with_a_given_deadline(seed_sqlite, tmp_path):
    out = render(seed_sqlite, tmp_path, "default", "md", "--as-of", "2007-03-20",
                 "--demand-deadline", "2007-03-21T17:00:00+00:00")
    text = out.read_text(encoding="utf-8")
    due = run_json(seed_sqlite, "past-due", CODE, "--as-of", "2007-03-20")

    assert "1 p.m. (America/New_York time) on March 21, 2007" in text  # 17:00 UTC is 13:00 EDT
    assert f"**${grouped(due['total'])}**" in text and "Term Note B §4.1" in text


def test_pdf_pages_render_and_hold_the_figures(seed_sqlite, tmp_path):
    pdftoppm, pdftotext = require("pdftoppm"), require("pdftotext")
    due = run_json(seed_sqlite, "past-due", CODE, "--as-of", DAY)
    pdf = render(seed_sqlite, tmp_path, "default", "pdf")

    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run([pdftoppm, "-png", "-r", "60", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages and all(p.read_bytes().startswith(b"\x89PNG") and p.stat().st_size > 5000 for p in pages)
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for figure in ("principal", "interest", "fees", "total"):
        assert grouped(due[figure]) in text
    assert "February 1, 2008" in text and "Security Agreement §19(a)" in text


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
def test_a_rate_setting_notice_of_a_sofr_facility_reads_the_fixings_it_needs(db_url, tmp_path):
    """The example SOFR facility (examples/sofr-term-revolver-2025.jsonl) with its fixings
    imported after it: the notice is known at the latest fixing's time, says each note's
    convention with the credit spread adjustment as agreed (0.11448, never rounded), and its rate
    in force is the engine's current sub-interval's all-in rate (`explain --json`) to 4 decimals."""
    from decimal import Decimal
    from pathlib import Path

    examples = Path(__file__).resolve().parent.parent / "examples"
    run(db_url, "import", str(examples / "sofr-term-revolver-2025.jsonl"))
    run(db_url, "index", "import", str(examples / "sofr-2025-fixings.jsonl"))
    out = tmp_path / "rates.json"

    run(db_url, "notice", "render", "SOFR-TLR-2025", "--kind", "rate-set", "--as-of", "2025-10-15",
        "--format", "json", "-o", str(out))
    values = json.loads(out.read_text())
    explained = run_json(db_url, "explain", "SOFR-TLR-2025", "--as-of", "2025-10-15")["current_interest"]

    notes = {n["code"]: n for n in values["notes"]}
    current = {c["note"]: Decimal(c["sub_intervals"][-1]["rate"]) for c in explained}
    assert "SOFR + 0.11448% adjustment + 2.25%, index floor 0.00% (compounded in arrears, 5-business-day lookback, " \
           "3-month interest periods)" == notes["TERM-A"]["terms"]
    assert "observation shift" in notes["REVOLVER"]["terms"]
    for code in ("TERM-A", "REVOLVER"):
        assert Decimal(notes[code]["rate_in_force"]) == current[code].quantize(Decimal("0.0001"))
    assert values["known_at"] > values["ledger"]["recorded_at"]  # the fixings were recorded after the facility
    # the fixing of 15 Oct 2025 in examples/sofr-2025-fixings.jsonl is 4.57
    assert [(i["index"], i["rate"], i["effective_date"]) for i in values["indices"]] == [("SOFR", "4.57", "2025-10-15")]
