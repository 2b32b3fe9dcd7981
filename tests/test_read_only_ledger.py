"""A SQLite ledger whose file and folder are read-only can be read (issue #13: "a SQLite ledger in
a read-only folder cannot even be read"): every read command opens it read-only and works, and
changes nothing; every command that writes is refused at once with one line naming the file or
folder, exit 1.

File permissions do not bind root, and these tests may run as root: then each `loanledger` runs
as the unprivileged user `nobody` (uid 65534), so that the permissions are really in force. The
in-process test at the end checks, under any user, that a read command's connection cannot
write."""

import hashlib
import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import pytest

from cli.application.ledger import Ledger
from cli.persistence.storage import database, read_only
from domain import facts
from cli.application.meta import Meta
from tests.helpers import run
from tests.reliability_support import LOANLEDGER

SEED = Path(__file__).resolve().parent.parent / "examples" / "atg-laurus-2005.jsonl"
CODE = "ATG-LAURUS-2005"
NOBODY = 65534
AS_ROOT = os.geteuid() == 0

READS = [
    ["balance", CODE, "--as-of", "2008-01-31"],
    ["past-due", CODE, "--as-of", "2008-01-31"],
    ["explain", CODE, "--as-of", "2008-01-31"],
    ["timeline", CODE, "--from", "2008-01-01", "--to", "2008-01-31", "--every", "month"],
    ["portfolio", "--as-of", "2008-01-31"],
    ["events", CODE],
    ["export", CODE],
    ["verify"],
    ["audit", "head", CODE],
    ["facility", "list"],
    ["facility", "show", CODE],
    ["projections", "status"],
]
WRITES = [
    ["record", "payment", CODE, "--amount", "10", "--date", "2008-03-01"],
    ["facility", "open", "NEW-1", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15"],
    ["import", str(SEED)],
    ["init"],
    ["projections", "rebuild"],
]


def unprivileged(command):
    """The command as nobody when the tests run as root (util-linux's setpriv: a Python
    preexec_fn that drops to nobody cannot exec this interpreter under /root, setpriv can)."""
    if not AS_ROOT:
        return command
    setpriv = shutil.which("setpriv")
    assert setpriv, "running as root: setpriv (util-linux) is needed to test file permissions as nobody"
    return [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups", *command]


def loanledger(db, *args):
    return subprocess.run(unprivileged([LOANLEDGER, "--db", str(db), *args]), capture_output=True, text=True,
                          timeout=120, cwd="/", env={**os.environ, "HOME": "/nonexistent"})


@pytest.fixture
def folder(reachable_by_nobody):
    """A folder every user can enter (pytest's tmp_path is private to root when run as root);
    the checkout's interpreter and code are reachable by nobody too (tests/conftest.py)."""
    path = Path(tempfile.mkdtemp(prefix="loanledger-ro-"))
    path.chmod(0o755)
    yield path
    for p in (path, *path.iterdir()):
        p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(path)


def digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def assert_refused(result, says):
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert says in result.stderr, result.stderr


@pytest.fixture
def frozen_ledger(folder):
    """The seed ledger, the file 0444 and its folder 0555, owned by root (or by this user)."""
    db = folder / "ledger.db"
    run(str(db), "import", str(SEED))
    db.chmod(0o444)
    folder.chmod(0o555)
    return db


@pytest.mark.parametrize("command", READS, ids=[" ".join(c[:2]) for c in READS])
def test_every_read_command_works_on_a_read_only_file_in_a_read_only_folder(frozen_ledger, command):
    before = digest(frozen_ledger.parent)

    result = loanledger(frozen_ledger, *command)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()
    assert digest(frozen_ledger.parent) == before  # not a byte changed, no -wal or -shm left beside it


@pytest.mark.parametrize("command", WRITES, ids=[" ".join(c[:2]) for c in WRITES])
def test_every_write_command_is_refused_in_one_line(frozen_ledger, command):
    before = digest(frozen_ledger.parent)

    assert_refused(loanledger(frozen_ledger, *command), f"the ledger {frozen_ledger} is read-only")
    assert digest(frozen_ledger.parent) == before


def test_a_writable_file_in_a_read_only_folder_names_the_folder(folder):
    db = folder / "ledger.db"
    run(str(db), "import", str(SEED))
    db.chmod(0o666)
    folder.chmod(0o555)

    assert loanledger(db, "balance", CODE, "--as-of", "2008-01-31").returncode == 0
    assert_refused(loanledger(db, *WRITES[0]), f"the folder {folder} is read-only")


def test_a_read_only_file_in_a_writable_folder_is_read(folder):
    db = folder / "ledger.db"
    run(str(db), "import", str(SEED))
    db.chmod(0o444)
    folder.chmod(0o777)

    assert loanledger(db, "verify").returncode == 0
    assert_refused(loanledger(db, *WRITES[0]), f"the ledger {db} is read-only")


def test_init_under_a_read_only_folder_is_one_line(folder):
    folder.chmod(0o555)

    result = loanledger(folder / "new.db", "init")

    assert_refused(result, f"the folder {folder} is read-only: the ledger {folder / 'new.db'} cannot be created")
    assert not (folder / "new.db").exists()
    assert_refused(loanledger(folder / "sub" / "new.db", "init"), f"cannot create the folder {folder / 'sub'}")


def test_the_permissions_are_in_force_for_the_commands_under_test(frozen_ledger):
    """Guard: the refusals above come from the permissions, not from a test that cannot fail."""
    probe = subprocess.run(unprivileged(["touch", str(frozen_ledger.parent / "probe")]), capture_output=True)
    assert probe.returncode != 0
    assert not stat.S_IMODE(frozen_ledger.stat().st_mode) & 0o222


def test_a_read_commands_connection_cannot_write(sqlite_url):
    """Whoever runs the tests (root included): the read-only connection refuses a write."""
    run(sqlite_url, "facility", "open", "X", "--borrower", "B", "--lender", "L", "--agreement-date", "2024-01-15")
    reader = Ledger(read_only(database(sqlite_url)))
    try:
        assert reader.facility("X").version == 1
        with pytest.raises(Exception, match="readonly"):
            reader.record("X", facts.ReceivePayment(amount="75.00", effective_date="2024-02-01"), Meta("t"))
    finally:
        reader.close()
    assert len(Ledger(database(sqlite_url)).facility_events("X")) == 1


def test_every_command_is_classified_as_reading_or_writing():
    """A new command must be put on one side: READ_ONLY_COMMANDS, or the writers listed here."""
    import typer.main

    from cli.commands.app import app
    from cli.commands.context import READ_ONLY_COMMANDS

    def paths(command, prefix=()):
        for name, sub in getattr(command, "commands", {}).items():
            yield from paths(sub, (*prefix, name)) if getattr(sub, "commands", None) else [(*prefix, name)]

    writers = {("init",), ("demo",), ("import",), ("facility", "open"), ("note", "issue"),
               ("projections", "rebuild"), ("projections", "run"), ("db", "roles"), ("lender", "set"),
               ("index", "import"), ("index", "set"), ("notice", "render"),
               ("copy",)} | {  # copy opens its own ledgers: --from read-only, --to to write
        ("record", kind) for kind in ("advance", "payment", "missed-payment", "rate", "fee", "default", "waiver",
                                      "extension", "notice", "acceleration", "rescission", "reversal",
                                      "assignment", "distribution", "commitment", "amendment", "termination")}
    every = set(paths(typer.main.get_command(app)))
    assert READ_ONLY_COMMANDS <= every
    assert every - READ_ONLY_COMMANDS == writers
