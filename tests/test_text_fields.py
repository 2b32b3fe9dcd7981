"""One rule for every text field (issue #13, "text fields agree"): a reference, an actor, a
source, a clause, a description, a basis, a borrower... is one line of 1 to 200 (short) or 2,000
(long) characters with no control character (C0 incl. newline and ESC, DEL, C1), line separator,
bidirectional override or lone surrogate. The same rule on the command line (exit 2, one line
naming the option and the rule) and in an import file (the line and the field named, exit 1),
nothing written either way. Text stored before the rule is escaped wherever it is shown, and an
export imports back to the same content."""

import json
import sqlite3
from contextlib import closing

import pytest
from typer.testing import CliRunner

from cli.commands.app import app
from domain import parsing
from tests.helpers import facility_with_two_notes, run, run_json, stored

PAYMENT = ["record", "payment", "ACME-1", "--amount", "10", "--date", "2024-02-01"]
DEFAULT = ["record", "default", "ACME-1", "--date", "2024-02-01"]

BAD_TEXT = {
    "newline": "a\nb",
    "carriage return": "a\rb",
    "tab": "a\tb",
    "NUL": "a\x00b",
    "ESC sequence": "\x1b[31mred",
    "BEL": "a\x07",
    "DEL": "a\x7fb",
    "C1 (NEL)": "a\x85b",
    "C1 (CSI)": "a\x9b2J",
    "line separator": "a\u2028b",
    "paragraph separator": "a\u2029b",
    "right-to-left override": "a\u202eb",
    "lone surrogate (bytes not UTF-8)": "a\udc85b",
}


def invoke(db_url, *args, actor="tester"):
    prefix = ["--db", db_url] + (["--actor", actor] if actor is not None else [])
    return CliRunner().invoke(app, [*prefix, *args])


def assert_refused(db_url, result, option, says, before, code=2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"{option}: {says}" in result.stderr, result.stderr
    assert stored(db_url) == before


@pytest.fixture
def ledger(sqlite_url):
    facility_with_two_notes(sqlite_url)
    return sqlite_url


OPTIONS = [  # (option, command line before the option, other options, maximum length)
    ("--reference", PAYMENT, [], parsing.SHORT_TEXT),
    ("--source", PAYMENT, [], parsing.LONG_TEXT),
    ("--clause", DEFAULT, ["--description", "d"], parsing.SHORT_TEXT),
    ("--description", DEFAULT, ["--clause", "c"], parsing.LONG_TEXT),
    ("--basis", ["record", "fee", "ACME-1", "--amount", "5", "--date", "2024-02-01", "--kind", "late"], [],
     parsing.LONG_TEXT),
    ("--borrower", ["facility", "open", "NEW-1", "--lender", "L", "--agreement-date", "2024-01-15"], [],
     parsing.SHORT_TEXT),
    ("--reason", ["record", "reversal", "ACME-1", "--target", "4"], [], parsing.LONG_TEXT),
]


@pytest.mark.parametrize("kind", list(BAD_TEXT))
@pytest.mark.parametrize("option, command, others, _", OPTIONS, ids=[o[0] for o in OPTIONS])
def test_every_text_option_refuses_control_characters(ledger, option, command, others, _, kind):
    before = stored(ledger)
    result = invoke(ledger, *command, *others, option, BAD_TEXT[kind])
    says = "is not valid text" if kind.startswith("lone") else "must not contain control characters"
    assert_refused(ledger, result, option, says, before)


@pytest.mark.parametrize("option, command, others, longest", OPTIONS, ids=[o[0] for o in OPTIONS])
def test_every_text_option_has_its_documented_maximum_length(ledger, option, command, others, longest):
    before = stored(ledger)
    result = invoke(ledger, *command, *others, option, "x" * (longest + 1))
    assert_refused(ledger, result, option, f"is longer than {longest} characters", before)

    assert invoke(ledger, *command, *others, option, "x" * longest).exit_code == 0


@pytest.mark.parametrize("kind", ["newline", "ESC sequence", "C1 (NEL)", "lone surrogate (bytes not UTF-8)"])
def test_the_actor_follows_the_same_rule(ledger, kind):
    before = stored(ledger)
    says = "is not valid text" if kind.startswith("lone") else "must not contain control characters"
    assert_refused(ledger, invoke(ledger, *PAYMENT, actor=BAD_TEXT[kind]), "--actor", says, before)
    assert_refused(ledger, invoke(ledger, *PAYMENT, actor="a" * 201), "--actor", "is longer than 200", before)
    assert_refused(ledger, invoke(ledger, *PAYMENT, actor=""), "--actor", "must not be empty", before)
    assert invoke(ledger, *PAYMENT, actor="a" * 200).exit_code == 0


def test_a_bad_text_as_json_error(ledger):
    before = stored(ledger)
    result = invoke(ledger, "--json", *PAYMENT, "--reference", "a\nb")

    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "error": "--reference: must not contain control characters (found U+000A)", "field": "reference"}
    assert stored(ledger) == before


IMPORT_FIELDS = [  # (field, record) with the text put in `field`
    ("reference", {"type": "PaymentReceived", "amount": "10", "effective_date": "2024-02-01"}),
    ("source", {"type": "PaymentReceived", "amount": "10", "effective_date": "2024-02-01"}),
    ("clause", {"type": "EventOfDefaultDeclared", "effective_date": "2024-02-01", "description": "d"}),
    ("description", {"type": "EventOfDefaultDeclared", "effective_date": "2024-02-01", "clause": "c"}),
    ("basis", {"type": "FeeAssessed", "amount": "5", "effective_date": "2024-02-01", "kind": "late"}),
    ("borrower", {"type": "FacilityOpened", "code": "ACME-1", "lender": "L", "agreement_date": "2024-01-15"}),
]


@pytest.mark.parametrize("kind", ["newline", "ESC sequence", "DEL", "C1 (NEL)", "line separator",
                                  "right-to-left override", "lone surrogate (bytes not UTF-8)"])
@pytest.mark.parametrize("field, record", IMPORT_FIELDS, ids=[f[0] for f in IMPORT_FIELDS])
def test_import_files_follow_the_same_rule(ledger, tmp_path, field, record, kind):
    file = tmp_path / "bad.jsonl"
    good = {"facility": "ACME-1", "type": "PaymentReceived", "amount": "1", "effective_date": "2024-02-02"}
    bad = {"facility": "ACME-1", **record, field: BAD_TEXT[kind]}
    file.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")  # JSON escapes: \u001b, \udc85
    before = stored(ledger)

    result = run(ledger, "import", str(file), ok=False)

    says = "is not valid text" if kind.startswith("lone") else "must not contain control characters"
    assert result.exit_code == 1, result.output
    assert f"bad.jsonl:line 2: {field}: {says}" in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert stored(ledger) == before


def test_import_files_refuse_text_over_the_maximum(ledger, tmp_path):
    file = tmp_path / "long.jsonl"
    file.write_text(json.dumps({"facility": "ACME-1", "type": "PaymentReceived", "amount": "1",
                                "effective_date": "2024-02-02", "source": "s" * 2001}) + "\n")
    before = stored(ledger)

    result = run(ledger, "import", str(file), ok=False)

    assert result.exit_code == 1 and "line 1: source: is longer than 2000 characters" in result.stderr
    assert stored(ledger) == before


def _plant_in_stored_rows(db_url, placeholder, text):
    """What a ledger written before the rule may hold: the text put straight into the stored row."""
    with closing(sqlite3.connect(db_url)) as conn:
        rows = conn.execute("SELECT rowid, state FROM stored_events").fetchall()
        for rowid, state in rows:
            if placeholder.encode() in bytes(state):
                replaced = bytes(state).replace(placeholder.encode(), json.dumps(text)[1:-1].encode())
                conn.execute("UPDATE stored_events SET state = ? WHERE rowid = ?", (replaced, rowid))
        conn.commit()


OLD_TEXT = "\x1b[2J\x1b]0;owned\x07[/bold][red]x\nsecond line\x85\u202eevil\x7f"


def test_events_escape_text_stored_before_the_rule(ledger):
    run(ledger, *PAYMENT, "--source", "PLACEHOLDER-S", "--reference", "PLACEHOLDER-R")
    _plant_in_stored_rows(ledger, "PLACEHOLDER-S", OLD_TEXT)
    _plant_in_stored_rows(ledger, "PLACEHOLDER-R", OLD_TEXT)

    table = run(ledger, "events", "ACME-1")
    as_json = run(ledger, "--json", "events", "ACME-1")
    lines = run(ledger, "events", "ACME-1", "--format", "jsonl")
    exported = run(ledger, "export", "ACME-1")

    for result in (table, as_json, lines, exported):
        assert result.exit_code == 0, result.output
        shown = result.stdout
        assert not any(c in shown for c in "\x1b\x07\x85\u202e\x7f"), repr(shown)
    assert "\\x1b[2J" in table.stdout and "[/bold][red]x" in table.stdout  # escaped, and not read as markup
    assert json.loads(as_json.stdout)[-1]["source"] == OLD_TEXT  # JSON escapes are the same text
    assert json.loads(lines.stdout.splitlines()[-1])["reference"] == OLD_TEXT


def test_an_export_imports_back_to_the_same_content(ledger, tmp_path):
    texts = {
        "source": "Wire confirmation «Nº 42» — Zürich; \"quoted\", back\\slash, [bold]not markup[/], emoji 💶"
                  + "s" * 1900,
        "reference": "REF/ÆØÅ/東京/" + "r" * 180,
    }
    run(ledger, *PAYMENT, "--source", texts["source"], "--reference", texts["reference"])
    run(ledger, *DEFAULT, "--clause", "§7.1(a) ‘Payment’", "--description", "Borrower failed to pay; see “Schedule 2”")
    run(ledger, "record", "fee", "ACME-1", "--amount", "5", "--date", "2024-02-01", "--kind", "late",
        "--basis", "Late fee per §2.4 — 5.00 USD")
    first = tmp_path / "first.jsonl"
    run(ledger, "export", "ACME-1", "-o", str(first))

    copy = str(tmp_path / "copy.db")
    imported = run(copy, "import", str(first))
    second = tmp_path / "second.jsonl"
    run(copy, "export", "ACME-1", "-o", str(second))

    def content(file):
        audit = ("version", "recorded_at", "recorded_by", "chain_hash", "reversed_by")
        return [{k: v for k, v in json.loads(line).items() if k not in audit} for line in file.read_text().splitlines()]

    assert imported.exit_code == 0
    assert content(second) == content(first)
    assert content(first)[-3]["source"] == texts["source"]
    assert run_json(copy, "verify")["ok"] is True
    assert run(copy, "import", str(first)).stdout.startswith("Imported 0 event(s)")  # again: a no-op


def test_lender_names_are_shown_as_written_never_as_markup(ledger):
    for name, share in (("Bank [/A]", "300000"), ("[bold]Bank B", "700000")):
        run(ledger, "lender", "set", "ACME-1", "--note", "REV", "--lender", name, "--commitment", share,
            "--date", "2024-01-15")
    assert invoke(ledger, "lender", "set", "ACME-1", "--note", "REV", "--lender", "Bank\x1b[2J", "--commitment", "1",
                  "--date", "2024-01-15").exit_code == 2

    shown = run(ledger, "lender", "balance", "ACME-1", "--as-of", "2024-03-31")
    statement = run(ledger, "lender", "statement", "Bank [/A]", "--from", "2024-01-01", "--to", "2024-03-31")

    assert shown.exit_code == 0 and "Bank [/A]" in shown.stdout and "[bold]Bank B" in shown.stdout
    assert statement.exit_code == 0, statement.output
