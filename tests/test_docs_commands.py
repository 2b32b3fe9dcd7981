"""Every command the README and docs/cli.md show is run, so the docs cannot drift from the code.

A fenced block whose info string is `sh runnable` is executed line by line, in the order of the
document, in a fresh temporary folder that holds a link to examples/ (so paths read as in the
repository): `loanledger …` lines (a trailing backslash continues a line) run in-process and must
exit 0; `export NAME=value` sets an environment variable for the lines after it; `. .venv/bin/activate`
is what a reader does first and is skipped; anything else fails the test. A fenced block whose
info string ends in `output` must equal what the last command run before it printed. Every other
fenced `sh` block may hold only the commands in NOT_RUN, each with the reason it cannot run here.
"""

import re
import shlex
from pathlib import Path

import pytest

from cli.commands.app import app
from tests.helpers import runner

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ["README.md", "docs/cli.md"]
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<body>.*?)^```$", re.MULTILINE | re.DOTALL)

# Shown but not run: a server and a worker run until stopped.
NOT_RUN = {
    "loanledger --db demo.db serve": "a web server: runs until stopped (tests/test_web_api.py covers it)",
}


def blocks(document: str) -> list[tuple[str, list[str]]]:
    text = (ROOT / document).read_text(encoding="utf-8")
    found = []
    for match in FENCE.finditer(text):
        joined = match["body"].replace("\\\n", " ")
        lines = [_without_comment(line).strip() for line in joined.splitlines()]
        found.append((match["info"].strip(), [line for line in lines if line], match["body"]))
    return found


def _without_comment(line: str) -> str:
    words = shlex.shlex(line, posix=True, punctuation_chars=False)
    words.whitespace_split, words.commenters = True, "#"
    return shlex.join(list(words))


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_runnable_command_in_the_docs_runs(document, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    monkeypatch.delenv("LOANLEDGER_DB", raising=False)
    monkeypatch.setenv("LOANLEDGER_ACTOR", "docs")
    ran, last = 0, None
    for info, lines, body in blocks(document):
        if info.endswith("output") and last is not None:
            assert last == body, f"{document}: the output shown differs from what the command prints"
        if info != "sh runnable":
            continue
        for line in lines:
            words = shlex.split(line)
            if words[:2] == [".", ".venv/bin/activate"]:
                continue
            if words[0] == "export":
                name, _, value = words[1].partition("=")
                monkeypatch.setenv(name, value)
                continue
            assert words[0] == "loanledger", f"{document}: a runnable block may only run loanledger: {line}"
            result = runner.invoke(app, words[1:])
            assert result.exit_code == 0, f"{document}: {line}\n{result.output}{result.exception!r}"
            ran, last = ran + 1, result.stdout
    assert ran >= 4, f"{document}: no runnable commands found"


def test_an_output_block_is_checked():
    outputs = [body for info, _, body in blocks("docs/cli.md") if info.endswith("output")]
    assert outputs and outputs[0].startswith("note,principal,interest,fees,total,days,bucket\n")


@pytest.mark.parametrize("document", DOCUMENTS)
def test_every_command_shown_is_run_or_says_why_not(document):
    for info, lines, _ in blocks(document):
        if info.split()[:1] != ["sh"] or info == "sh runnable":
            continue
        for line in lines:
            assert line in NOT_RUN, f"{document}: mark the block `sh runnable`, or list why not: {line}"
