"""`import --processes N`: N processes, one per facility partition, check the whole file before
anything is written and then write it (on PostgreSQL each its own facilities; on SQLite the
parent writes): the same events as one process, the same bad lines named, nothing written when
one is bad, and a rerun records nothing new."""

import json
import signal
import subprocess
import time

from tests.helpers import run, run_json, stored
from tests.reliability_support import LOANLEDGER, count_stored, second_database, stored_content, write_import_file


def test_three_processes_store_what_one_process_stores(db_url, tmp_path):
    file = write_import_file(tmp_path / "book.jsonl", 1_200, facilities=12)  # interleaved facilities

    result = run_json(db_url, "import", str(file), "--processes", "3")
    with second_database(db_url, tmp_path, "one") as other:
        alone = run_json(other, "import", str(file), "--processes", "1")
        assert stored_content(db_url) == stored_content(other)
    assert result == alone
    assert (result["recorded"], result["already_recorded"], len(result["facilities"])) == (1_200, 0, 12)
    assert "OK" in run(db_url, "verify").stdout


def test_a_rerun_in_processes_records_nothing_new(db_url, tmp_path):
    file = write_import_file(tmp_path / "book.jsonl", 600, facilities=6)
    run(db_url, "import", str(file), "--processes", "2")
    before = stored(db_url)

    again = run_json(db_url, "import", str(file), "--processes", "3")

    assert (again["recorded"], again["already_recorded"]) == (0, 600)
    assert stored(db_url) == before


def test_bad_lines_of_every_partition_are_all_named_and_nothing_is_written(db_url, tmp_path):
    lines = write_import_file(tmp_path / "good.jsonl", 600, facilities=6).read_text().splitlines()
    lines[40] = json.dumps({**json.loads(lines[40]), "amount": "-5"})  # one facility
    lines[41] = json.dumps({**json.loads(lines[41]), "effective_date": "2010-02-30"})  # another
    lines[100] = "{not json"  # no facility: partition 1 names it
    lines[200] = json.dumps({"type": "PaymentReceived", "amount": "1"})  # no facility either
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n")
    alone = run(db_url, "import", str(bad), "--processes", "1", ok=False)

    refused = run(db_url, "import", str(bad), "--processes", "3", ok=False)

    assert refused.exit_code == alone.exit_code != 0
    named = [line for line in refused.stderr.splitlines() if line.startswith(f"{bad}:")]
    assert named == [line for line in alone.stderr.splitlines() if line.startswith(f"{bad}:")]
    assert [line.split(":")[1] for line in named] == ["line 41", "line 42", "line 101", "line 201"]
    assert stored(db_url) == []


def test_an_import_in_processes_killed_while_writing_stops_everywhere_and_a_rerun_completes_it(db_url, tmp_path):
    file = write_import_file(tmp_path / "book.jsonl", 3_000, facilities=12)
    process = subprocess.Popen([LOANLEDGER, "--db", db_url, "--actor", "importer", "import", str(file),
                                "--processes", "2", "--batch-size", "100"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while process.poll() is None and count_stored(db_url) == 0:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)  # the parent only: its processes must stop too
    process.wait()
    time.sleep(1.0)
    partial = count_stored(db_url)
    time.sleep(1.0)
    assert count_stored(db_url) == partial  # nobody goes on writing
    assert 0 < partial < 3_000

    run(db_url, "import", str(file), "--processes", "2")

    with second_database(db_url, tmp_path, "clean") as clean:
        run(clean, "import", str(file), "--processes", "1")
        assert stored_content(db_url) == stored_content(clean)
