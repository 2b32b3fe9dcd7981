"""`export -o` writes only where it is told: never over an existing file without --force, never
through a symbolic link, never into a directory, a device or a missing folder; `-` is stdout;
each refusal is one message and exit 1, and nothing is written."""

import os

import pytest

from tests.helpers import facility_with_two_notes, run


@pytest.fixture
def ledger_with_a_facility(sqlite_url):
    facility_with_two_notes(sqlite_url)
    return sqlite_url


def refused(db, *args):
    result = run(db, "export", "ACME-1", *args, ok=False)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    return result.output


def test_dash_means_standard_output_and_creates_no_file(ledger_with_a_facility, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    result = run(ledger_with_a_facility, "export", "ACME-1", "-o", "-")

    assert result.stdout.count("\n") == 4 and '"type": "FacilityOpened"' in result.stdout
    assert not (tmp_path / "-").exists()


def test_an_existing_file_is_kept_unless_forced(ledger_with_a_facility, tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("keep me")

    assert "exists; pass --force" in refused(ledger_with_a_facility, "-o", str(target))
    assert target.read_text() == "keep me"

    run(ledger_with_a_facility, "export", "ACME-1", "-o", str(target), "--force")
    assert target.read_text().count("\n") == 4


def test_a_symbolic_link_is_never_followed(ledger_with_a_facility, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.jsonl"
    os.symlink(victim, link)
    dangling = tmp_path / "dangling.jsonl"
    os.symlink(tmp_path / "nowhere", dangling)

    assert "symbolic link" in refused(ledger_with_a_facility, "-o", str(link), "--force")
    assert "symbolic link" in refused(ledger_with_a_facility, "-o", str(dangling))
    assert victim.read_text() == "precious" and not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("where, says", [
    ("{tmp}", "is a directory"),
    ("{tmp}/missing/out.jsonl", "does not exist"),
    ("", "give a file name"),
    ("/dev/full", "not a regular file"),
])
def test_nowhere_sensible_to_write_is_refused(ledger_with_a_facility, tmp_path, where, says):
    def files():  # SQLite's own -wal and -shm, which a read-only reader leaves beside the ledger, aside
        return sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm")))

    before = files()

    assert says in refused(ledger_with_a_facility, "-o", where.format(tmp=tmp_path), "--force")
    assert files() == before
