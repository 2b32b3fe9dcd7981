"""Reports in a real pseudo-terminal of 80 and 120 columns: no number or date is ever wrapped.

The CLI runs as a subprocess whose standard output is the slave side of a pty with its window
size set (TIOCSWINSZ) and no COLUMNS in its environment, so the width comes from the terminal
as it would for a user. The rendering does not depend on the backend, so one SQLite ledger
(the seed facility and the syndicated term loan, whose figures run to hundreds of millions)
serves every command.
"""

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from decimal import Decimal
from pathlib import Path

import pytest

from tests.helpers import ROOT_EXAMPLES, run

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

REPORTS = [
    ("balance", "HARBOR-TL-2024", "--as-of", "2024-06-30"),
    ("balance", "ATG-LAURUS-2005", "--as-of", "2008-01-31"),
    ("past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31"),
    ("explain", "ATG-LAURUS-2005", "--as-of", "2008-01-31"),
    ("timeline", "HARBOR-TL-2024", "--from", "2024-01-31", "--to", "2024-12-31"),
    ("portfolio", "--as-of", "2024-12-31"),
    ("events", "HARBOR-TL-2024"),
    ("facility", "list"),
    ("facility", "show", "HARBOR-TL-2024", "--as-of", "2024-12-31"),
    ("distribution", "HARBOR-TL-2024", "--date", "2024-10-01"),
    ("lender", "statement", "Bay Street Capital", "--from", "2024-Q3", "--to", "2024-Q4"),
    ("balance", "HARBOR-TL-2024", "--as-of", "2024-06-30", "--by-lender"),
    ("availability", "ATG-LAURUS-2005", "--as-of", "2006-06-30"),
    ("payoff", "HARBOR-TL-2024", "--good-through", "2024-06-28"),
]


@pytest.fixture(scope="module")
def ledger_file(tmp_path_factory):
    url = str(tmp_path_factory.mktemp("terminal") / "ledger.db")
    run(url, "import", str(ROOT_EXAMPLES / "atg-laurus-2005.jsonl"))
    run(url, "import", str(ROOT_EXAMPLES / "syndicated-term-loan-2024.jsonl"))
    return url


def in_terminal(columns: int, *args: str, env: dict[str, str] | None = None) -> str:
    """Run loanledger with a pty of `columns` columns as its standard output; what it printed."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    environment.update(env or {}, TERM="xterm-256color")
    process = subprocess.Popen([sys.executable, "-c", "from cli.commands.app import main; main()", *args],
                               stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=ROOT,
                               env=environment)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            process.kill()
            raise AssertionError(f"{args}: no output for 60 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    assert process.wait(60) == 0, process.stderr.read().decode()
    return b"".join(chunks).decode().replace("\r\n", "\n")


def grouped(amount: str) -> str:
    """A plain amount as a table shows it, written here independently of the code: 1234567.80 ->
    1,234,567.80."""
    whole, _, cents = amount.partition(".")
    sign = "-" if whole.startswith("-") else ""
    digits = whole.lstrip("-")
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sign + ",".join(groups) + (f".{cents}" if cents else "")


# A figure cut at a line's end: a date without its day (2024-0, 2024-05-), an amount cut in a
# group or before its cents (22,486,2 / 22486280. / 22,486,280.2). Tables show every amount and
# rate with at least two decimals, so a complete figure never ends like this.
FRAGMENT_AT_END = re.compile(r"(\b\d{4}-\d{0,2}|\b\d{4}-\d{2}-\d?|\d[,.]|,\d{1,2}|\.\d)$")


@pytest.mark.parametrize("columns", [80, 120])
@pytest.mark.parametrize("command", REPORTS, ids=lambda c: " ".join(c[:2]))
def test_no_number_or_date_is_wrapped(ledger_file, columns, command):
    printed = ANSI.sub("", in_terminal(columns, "--db", ledger_file, *command))
    lines = printed.splitlines()

    assert lines, "nothing printed"
    too_wide = [line for line in lines if len(line.rstrip()) > columns]
    assert too_wide == []
    for before, after in zip(lines, lines[1:]):
        # a line that runs to the last column and ends in a cut figure was wrapped there
        if len(before.rstrip()) == columns:
            assert not FRAGMENT_AT_END.search(before.rstrip()), (before, after)
    for line in lines:
        for token in re.findall(r"\b\d{4}-\d{2}-?\d*", line):
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", token), (token, line)
    assert "┃" not in printed and "│" not in printed  # no vertical box lines to break a figure


def test_the_figures_shown_are_whole_and_grouped(ledger_file):
    """Past due's every figure, taken from its JSON, appears whole (with thousands separators)
    at 80 columns; and the total row carries every column's total."""
    data = json.loads(run(ledger_file, "--json", "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31").stdout)
    printed = ANSI.sub("", in_terminal(80, "--db", ledger_file, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31"))

    total_line = next(line for line in printed.splitlines() if line.startswith("total"))
    for figure in ("principal", "interest", "fees", "total"):
        assert grouped(data[figure]) in total_line
    assert Decimal(data["total"]) == sum(Decimal(data[f]) for f in ("principal", "interest", "fees"))
    assert grouped("13580810.10") == "13,580,810.10" and "13,580,810.10" in total_line


def test_a_receipts_csv_parts_add_up_to_what_it_allocated(ledger_file):
    """distribution's CSV: each receipt section's amounts sum to the receipt's allocated amount
    in its JSON, and every section is named."""
    import csv
    import io

    args = ("distribution", "HARBOR-TL-2024", "--date", "2024-10-01")
    data = json.loads(run(ledger_file, *args, "--json").stdout)
    rows = list(csv.DictReader(io.StringIO(run(ledger_file, *args, "--format", "csv").stdout)))
    receipt = data["receipts"][0]
    parts = [r for r in rows if r["section"] == f"receipt_v{receipt['version']}"]
    assert len(parts) == len(receipt["parts"]) and len(parts) > 0
    assert sum(Decimal(r["amount"]) for r in parts) == Decimal(receipt["allocated"])
    summary = [r for r in rows if r["section"] == "distribution"]
    assert {r["lender"] for r in summary} == {x["lender"] for x in data["lenders"]}


def test_narrow_terminal_leaves_columns_out_and_says_which(ledger_file):
    wide = ANSI.sub("", in_terminal(120, "--db", ledger_file, "balance", "ATG-LAURUS-2005", "--as-of", "2008-01-31"))
    narrow = ANSI.sub("", in_terminal(80, "--db", ledger_file, "balance", "ATG-LAURUS-2005", "--as-of", "2008-01-31"))

    assert "interest current" in wide and "not shown" not in wide
    assert "interest current" not in narrow.splitlines()[1]
    assert "(not shown: interest current" in narrow


def test_very_narrow_terminal_prints_one_block_per_row(ledger_file):
    printed = ANSI.sub("", in_terminal(40, "--db", ledger_file, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31"))

    assert "principal  10,350,000.00" in printed
    assert all(len(line.rstrip()) <= 40 for line in printed.splitlines())


def test_colour_on_a_terminal_unless_no_color_or_never(ledger_file):
    args = ("--db", ledger_file, "past-due", "ATG-LAURUS-2005", "--as-of", "2008-01-31")

    assert "\x1b[" in in_terminal(120, *args)
    assert "\x1b[" not in in_terminal(120, *args, env={"NO_COLOR": "1"})
    assert "\x1b[" not in in_terminal(120, *args, "--color", "never")


def test_not_a_terminal_is_plain_text_with_every_column(ledger_file):
    printed = run(ledger_file, "balance", "ATG-LAURUS-2005", "--as-of", "2008-01-31").stdout

    assert "\x1b[" not in printed and "━" not in printed and "│" not in printed and "─" not in printed
    header = printed.splitlines()[1].split()
    assert header[:2] == ["note", "principal"] and "current" in header and "fees" in header
