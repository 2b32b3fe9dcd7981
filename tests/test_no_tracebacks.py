"""Every case issue #13 lists as "prints a Python traceback", run as a real `loanledger` process:
each is now one line on stderr and a non-zero exit status (and Python says nothing more on exit)."""

import os
import subprocess

import pytest

from tests.reliability_support import LOANLEDGER
from tests.test_read_only_ledger import SEED, folder, loanledger as as_nobody  # noqa: F401 - fixture

CODE = "ATG-LAURUS-2005"


def loanledger(db, *args, stdout=subprocess.PIPE):
    return subprocess.run([LOANLEDGER, "--db", str(db), *args], stdout=stdout, stderr=subprocess.PIPE,
                          text=True, timeout=120)


def assert_one_line(result, says, code=1):
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert says in result.stderr, result.stderr


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    db = tmp_path_factory.mktemp("seeded") / "ledger.db"
    assert loanledger(db, "import", str(SEED)).returncode == 0
    return db


@pytest.mark.parametrize("target, says", [
    ("{tmp}", "is a directory"),
    ("{tmp}/dangling.jsonl", "is a symbolic link"),
    ("{tmp}/missing/out.jsonl", "the folder {tmp}/missing does not exist"),
    ("", "give a file name"),
    ("/dev/full", "/dev/full is not a regular file"),
], ids=["directory", "dangling-link", "missing-folder", "empty", "dev-full"])
@pytest.mark.parametrize("force", [False, True], ids=["", "force"])
def test_export_to_nowhere_sensible(seeded, tmp_path, target, says, force):
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.jsonl")
    before = sorted(p.name for p in tmp_path.iterdir())  # the ledger is elsewhere

    result = loanledger(seeded, "export", CODE, "-o", target.format(tmp=tmp_path), *(["--force"] if force else []))

    assert_one_line(result, says.format(tmp=tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("command", [
    ["export", CODE], ["events", CODE], ["--json", "events", CODE], ["events", CODE, "--format", "csv"],
    ["balance", CODE, "--as-of", "2008-01-31"], ["--json", "past-due", CODE, "--as-of", "2008-01-31"],
    ["facility", "list"], ["verify"],
], ids=lambda c: " ".join(c[:2]))
def test_standard_output_on_a_full_disk(seeded, command):
    with open("/dev/full", "w") as full:
        result = loanledger(seeded, *command, stdout=full)

    assert_one_line(result, "cannot write the output: No space left on device")


@pytest.mark.parametrize("url, says", [
    ("postgresql://postgres:secret@127.0.0.1:abc/ledger", "port could not be cast to integer value as 'abc'"),
    ("postgresql://postgres@127.0.0.1:99999/ledger", "port out of range 0-65535"),
    ("postgresql://postgres:secret@[::1/ledger", "invalid ipv6 url"),
], ids=["non-numeric-port", "port-out-of-range", "bad-ipv6"])
@pytest.mark.parametrize("command", [["init"], ["balance", CODE, "--as-of", "2008-01-31"]], ids=["init", "balance"])
def test_a_malformed_postgresql_url(url, says, command):
    result = loanledger(url, *command)

    assert_one_line(result, says)
    assert "is not a PostgreSQL URL" in result.stderr and "secret" not in result.stderr


def test_init_under_a_read_only_folder(folder):  # noqa: F811 - the fixture
    folder.chmod(0o555)

    assert_one_line(as_nobody(folder / "ledger.db", "init"), "is read-only")
    assert not (folder / "ledger.db").exists()

