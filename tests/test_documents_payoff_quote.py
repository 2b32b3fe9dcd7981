"""The payoff letter (`notice render --kind payoff-quote`, docs/documents.md): it states the
`payoff` command's figures exactly, on both backends, in Markdown, HTML and PDF; its template can be
copied; recording it keeps the SHA-256 of its bytes; bad input is one message and nothing written."""

import hashlib
import json
import subprocess

import pytest

from tests.helpers import OPEN, run, run_json
from tests.tools import require

CODE, DAY = "ACME-1", "2024-02-28"
TERM = ["note", "issue", CODE, "TERM", "--kind", "term", "--face-amount", "500000",
        "--issue-date", "2024-01-15", "--maturity-date", "2027-01-15", "--rate", "8",
        "--prepayment-premium", "2025-01-15:2", "--prepayment-premium", "2026-01-15:1"]


def facility(db):
    """400,000 on TERM at 8% ACT/360 from 16 Jan 2024; 5,000 paid on 20 Jan with nothing due (credit);
    a facility fee of 250.00 on 20 Feb (paid from the credit)."""
    for command in (OPEN, TERM):
        run(db, *command)
    run(db, "record", "advance", CODE, "--note", "TERM", "--amount", "400000", "--date", "2024-01-16")
    run(db, "record", "payment", CODE, "--amount", "5000", "--date", "2024-01-20")
    run(db, "record", "fee", CODE, "--amount", "250", "--date", "2024-02-20", "--kind", "other", "--basis", "agency fee")
    return db


def letter(db, tmp_path, fmt, *extra, name=None):
    out = tmp_path / (name or f"letter.{fmt}")
    run(db, "notice", "render", CODE, "--kind", "payoff-quote", "--good-through", DAY, "--format", fmt,
        "-o", str(out), "--force", *extra)
    return out


def grouped(amount: str) -> str:
    whole, cents = amount.split(".")
    return f"{int(whole):,}.{cents}"


def test_the_letter_states_the_payoff_commands_figures_and_paying_it_leaves_nothing(db_url, tmp_path):
    facility(db_url)
    quote = run_json(db_url, "payoff", CODE, "--good-through", DAY)
    values = json.loads(letter(db_url, tmp_path, "json").read_text(encoding="utf-8"))
    text = letter(db_url, tmp_path, "md").read_text(encoding="utf-8")

    # by hand: the 1 Feb bill (16 days, 400,000 × 8 × 16 / 36,000 = 1,422.22) and the fee were paid
    # from the 5,000 credit: 3,327.78 left; interest 1..28 Feb 27 days = 2,400.00; premium 2% of
    # 400,000 = 8,000.00; 400,000 + 2,400 + 8,000 − 3,327.78 = 407,072.22; per diem 88.89
    assert (quote["total"], quote["unapplied_credit"], quote["per_diem"]) == ("407072.22", "3327.78", "88.89")
    assert values["quote"] == {k: v for k, v in quote.items() if k != "known_at"}
    (note,) = quote["notes"]
    row = (f"| TERM | {grouped(note['principal'])} | {grouped(note['interest'])} | {grouped(note['fees'])} | "
           f"{grouped(note['prepayment_premium'])} | {grouped(note['total'])} | {grouped(note['per_diem'])} |")
    assert row in text
    assert "| less unapplied credit | | | | | -3,327.78 | |" in text
    assert "**407,072.22** | **88.89** |" in text and "Payoff amount: **$407,072.22**, good through February 28, 2024" in text
    assert "received by **12 p.m. (America/New_York time) on February 28, 2024**" in text  # the facility's cut-off
    assert "take value on February 29, 2024" in text and "$88.89 per day" in text

    run(db_url, "record", "payment", CODE, "--amount", values["quote"]["total"], "--date", DAY, "--payoff")
    balance = run_json(db_url, "balance", CODE, "--as-of", DAY)
    assert balance["total"] == "0.00" and balance["unapplied_credit"] == "0.00"


def test_the_letter_renders_as_html_and_pdf_with_the_same_figures(db_url, tmp_path):
    facility(db_url)
    quote = run_json(db_url, "payoff", CODE, "--good-through", DAY)
    html = letter(db_url, tmp_path, "html").read_text(encoding="utf-8")
    pdf = letter(db_url, tmp_path, "pdf")

    assert '<b id="payoff-quote-total">$407,072.22</b>' in html
    assert '<b id="payoff-quote-cutoff">12 p.m. (America/New_York time) on February 28, 2024</b>' in html
    assert pdf.read_bytes().startswith(b"%PDF-")
    pdftotext = require("pdftotext")
    words = subprocess.run([pdftotext, "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    for figure in (quote["notes"][0]["principal"], quote["notes"][0]["interest"], quote["notes"][0]["prepayment_premium"],
                   quote["unapplied_credit"], quote["total"], quote["per_diem"]):
        assert grouped(figure) in words, figure
    assert "February 28, 2024" in words


def test_recording_the_letter_keeps_its_hash_and_the_payoff_statement_still_reproduces(db_url, tmp_path):
    facility(db_url)
    sent = letter(db_url, tmp_path, "pdf", "--record", name="sent.pdf")
    statement = tmp_path / "statement.md"
    run(db_url, "notice", "render", CODE, "--kind", "payoff", "--as-of", DAY, "--format", "md", "-o", str(statement),
        "--record")
    issued = {e["kind"]: e for e in run_json(db_url, "events", CODE, "--type", "DocumentIssued")}

    assert issued["payoff-quote"]["sha256"] == hashlib.sha256(sent.read_bytes()).hexdigest()
    assert issued["payoff-quote"]["effective_date"] == DAY and issued["payoff-quote"]["format"] == "pdf"
    again = letter(db_url, tmp_path, "pdf", "--known-at", issued["payoff-quote"]["known_at"], name="again.pdf")
    assert again.read_bytes() == sent.read_bytes()
    statement_again = tmp_path / "statement-again.md"
    run(db_url, "notice", "render", CODE, "--kind", "payoff", "--as-of", DAY, "--format", "md",
        "-o", str(statement_again), "--known-at", issued["payoff"]["known_at"])
    assert hashlib.sha256(statement_again.read_bytes()).hexdigest() == issued["payoff"]["sha256"]
    # the statement is still the balance (interest through the end of the day, no premium), not the quote
    assert "includes no prepayment premium" in statement.read_text(encoding="utf-8")
    assert run_json(db_url, "verify")["ok"] is True


def test_the_letters_template_can_be_copied_and_changed(sqlite_url, tmp_path):
    facility(sqlite_url)
    for fmt, suffix in (("html", "html"), ("md", "md")):
        builtin = run(sqlite_url, "notice", "template", "payoff-quote", "--format", fmt).stdout
        assert "quote.total" in builtin and "cutoff.text" in builtin
        mine = tmp_path / f"mine.{suffix}.j2"
        mine.write_text(builtin.replace("Please send the payment", "Wire to ABA 000000000. Please send the payment"),
                        encoding="utf-8")
        out = letter(sqlite_url, tmp_path, fmt, "--template", str(mine), name=f"mine.{suffix}")
        assert "Wire to ABA 000000000" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, code, words", [
    (["--kind", "payoff-quote"], 2, "--good-through: missing"),
    (["--kind", "payoff-quote", "--good-through", DAY, "--as-of", DAY], 2, "give one"),
    (["--kind", "payoff", "--good-through", DAY], 2, "--good-through is for --kind payoff-quote"),
    (["--kind", "default"], 2, "--as-of: missing"),
    (["--kind", "payoff-quote", "--good-through", "2024-02-30"], 2, "--good-through"),
    (["--kind", "payoff-quote", "--good-through", "2024-02-17"], 1, "takes effect on 2024-02-20"),  # Sat; Mon a holiday
])
def test_bad_input_is_one_line_and_nothing_is_written(sqlite_url, tmp_path, args, code, words):
    facility(sqlite_url)
    result = run(sqlite_url, "notice", "render", CODE, *args, "-o", str(tmp_path / "out"), ok=False)

    assert result.exit_code == code, result.output
    assert words in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()
